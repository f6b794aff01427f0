package cn.tongban.core.application;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Query codes: eight characters of the unambiguous alphabet, every character as likely as the others. */
class QueryCodeTest {
  @Test
  void eightCharactersOfTheAlphabetEachEquallyLikely() {
    String alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    Map<Character, Integer> seen = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      String code = ApplicationService.queryCode();
      assertEquals(8, code.length());
      for (char c : code.toCharArray()) {
        assertTrue(alphabet.indexOf(c) >= 0, code);
        seen.merge(c, 1, Integer::sum);
      }
    }
    // 80,000 draws: ~2,581 each, a standard deviation of ~50; a bias of the modulo would show as ~3 %.
    assertEquals(alphabet.length(), seen.size());
    seen.forEach((c, count) -> assertTrue(count > 2_200 && count < 2_950, c + ": " + count));
  }
}
