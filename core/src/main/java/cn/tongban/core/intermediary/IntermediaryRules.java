package cn.tongban.core.intermediary;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The 中介超市's pure rules, kept apart from SQL so they can be tested over many registries and seeds: who may
 * be selected for a service on a day, the random draw, the winning quote and the credit score.
 */
public final class IntermediaryRules {
  /** Score changes per owner evaluation, by grade 1–5 (index 0 unused). */
  private static final int[] GRADE_POINTS = {0, -20, -10, 0, 1, 2};
  /** Points off for each piece of work finished after, or still open past, its promised day. */
  static final int OVERDUE_POINTS = 10;

  private IntermediaryRules() {
  }

  /** One organisation offering a service: blacklisted or not, and the latest day a qualification for it is valid. */
  public record Offer(long id, boolean blacklisted, LocalDate validUntil) {
  }

  /**
   * Whether an organisation may be selected for the service on {@code day}: not blacklisted, and a qualification
   * covering the service is valid on that day (valid-until inclusive).
   */
  public static boolean eligible(Offer o, LocalDate day) {
    return !o.blacklisted() && !o.validUntil().isBefore(day);
  }

  /** The eligible organisations' ids in ascending order: the draw's candidate list, as recorded. */
  public static List<Long> candidates(List<Offer> offers, LocalDate day) {
    List<Long> out = new ArrayList<>();
    offers.stream().filter(o -> eligible(o, day)).map(Offer::id).sorted().distinct().forEach(out::add);
    return out;
  }

  /**
   * The random draw: the candidate at {@code SplittableRandom(seed).nextInt(n)} of the ascending list. With the
   * seed and the list on record anyone can redo it and get the same organisation.
   */
  public static long draw(long seed, List<Long> candidates) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidates");
    }
    return candidates.get(new SplittableRandom(seed).nextInt(candidates.size()));
  }

  /**
   * The credit score, 0–100: {@code 100 + Σ points(grade) − 10 × overdue}, clamped to 0–100, where the owners'
   * grades count 5 → +2, 4 → +1, 3 → 0, 2 → −10, 1 → −20 and {@code overdue} is the number of selections finished
   * after their promised day or still open past it. Good grades win back what bad ones cost, never above 100.
   */
  public static int score(List<Integer> grades, int overdue) {
    long s = 100L - (long) OVERDUE_POINTS * overdue;
    for (int g : grades) {
      s += GRADE_POINTS[Math.max(1, Math.min(5, g))];
    }
    return (int) Math.max(0, Math.min(100, s));
  }
}
