package cn.tongban.core.intermediary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The draw and the score as properties over many random registries and seeds (the SQL side: IntermediaryTest). */
class IntermediaryRulesTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 12, 6);

  @Test
  void aDrawNeverPicksABlacklistedOrExpiredOrganisationAndIsReproducibleFromItsSeed() {
    Random registries = new Random(20261206L);
    int draws = 0;
    for (int registry = 0; registry < 2000; registry++) {
      List<IntermediaryRules.Offer> offers = new ArrayList<>();
      int size = 1 + registries.nextInt(30);
      for (int i = 0; i < size; i++) {
        offers.add(new IntermediaryRules.Offer(1 + registries.nextInt(1000), registries.nextInt(4) == 0,
            TODAY.plusDays(registries.nextInt(21) - 10)));
      }
      Collections.shuffle(offers, registries);
      Map<Long, IntermediaryRules.Offer> byId = offers.stream()
          .collect(Collectors.toMap(IntermediaryRules.Offer::id, Function.identity(), (a, b) -> a));
      List<IntermediaryRules.Offer> unique = new ArrayList<>(byId.values());
      List<Long> candidates = IntermediaryRules.candidates(unique, TODAY);
      for (long id : candidates) {
        assertTrue(IntermediaryRules.eligible(byId.get(id), TODAY), "a candidate must be eligible");
      }
      unique.stream().filter(o -> IntermediaryRules.eligible(o, TODAY))
          .forEach(o -> assertTrue(candidates.contains(o.id()), "every eligible organisation is a candidate"));
      if (candidates.isEmpty()) {
        continue;
      }
      for (int s = 0; s < 20; s++) {
        long seed = registries.nextLong();
        long picked = IntermediaryRules.draw(seed, candidates);
        IntermediaryRules.Offer o = byId.get(picked);
        assertFalse(o.blacklisted(), "never a blacklisted one");
        assertFalse(o.validUntil().isBefore(TODAY), "never one with an expired qualification");
        assertEquals(picked, IntermediaryRules.draw(seed, new ArrayList<>(candidates)), "same seed, same pick");
        draws++;
      }
    }
    assertTrue(draws > 10_000, "enough draws to mean something: " + draws);
  }

  @Test
  void everyCandidateCanBeDrawn() {
    List<Long> candidates = List.of(3L, 7L, 11L, 19L);
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (long seed = 0; seed < 200; seed++) {
      seen.add(IntermediaryRules.draw(seed, candidates));
    }
    assertEquals(Set.copyOf(candidates), seen);
  }

  @Test
  void theScoreFollowsTheDocumentedFormula() {
    assertEquals(100, IntermediaryRules.score(List.of(), 0));
    assertEquals(100, IntermediaryRules.score(List.of(5, 5, 4), 0));
    assertEquals(80, IntermediaryRules.score(List.of(1), 0));
    assertEquals(70, IntermediaryRules.score(List.of(1, 2), 0));
    assertEquals(73, IntermediaryRules.score(List.of(1, 2, 5, 4), 0));
    assertEquals(40, IntermediaryRules.score(List.of(1, 1, 1), 0));
    assertEquals(60, IntermediaryRules.score(List.of(1), 2));
    assertEquals(0, IntermediaryRules.score(List.of(1, 1, 1, 1, 1, 1), 0));
  }
}
