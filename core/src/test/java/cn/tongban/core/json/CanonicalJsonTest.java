package cn.tongban.core.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The canonical text is what it always was: audit chain links and licence signatures made before are
 * verified by recomputing it. It is compared here with the reference definition, encoding a copy with its
 * keys sorted at every level, over random documents of every kind of value Vert.x JSON holds.
 */
class CanonicalJsonTest {
  /** The reference: a key-sorted copy, encoded by Vert.x. */
  private static String reference(JsonObject json) {
    return ((JsonObject) sorted(json)).encode();
  }

  private static Object sorted(Object value) {
    if (value instanceof JsonObject o) {
      Map<String, Object> map = new TreeMap<>();
      o.forEach(entry -> map.put(entry.getKey(), sorted(entry.getValue())));
      return new JsonObject(new LinkedHashMap<>(map));
    }
    if (value instanceof JsonArray a) {
      List<Object> list = new ArrayList<>();
      a.forEach(v -> list.add(sorted(v)));
      return new JsonArray(list);
    }
    return value;
  }

  private static final String[] TEXTS = {"", "张三", "新密市青屏街街道", "a\"b", "back\\slash", "tab\there", "line\nbreak",
      "\u0000\u001f", "emoji 😀", "</script>", "é", "Z", "a", "aa", "_", "Ä", "\u2028"};

  private static Object value(Random r, int depth) {
    int kind = r.nextInt(depth > 3 ? 9 : 12);
    return switch (kind) {
      case 0 -> TEXTS[r.nextInt(TEXTS.length)];
      case 1 -> r.nextInt();
      case 2 -> r.nextLong();
      case 3 -> r.nextDouble() * 1e6;
      case 4 -> r.nextBoolean();
      case 5 -> null;
      case 6 -> new BigDecimal("12345678901234567890.125");
      case 7 -> Instant.ofEpochSecond(1_700_000_000L + r.nextInt(1_000_000));
      case 8 -> new BigInteger("123456789012345678901234567890");
      case 9, 10 -> object(r, depth + 1);
      default -> {
        JsonArray a = new JsonArray();
        for (int i = r.nextInt(4); i > 0; i--) {
          a.add(value(r, depth + 1));
        }
        yield a;
      }
    };
  }

  private static JsonObject object(Random r, int depth) {
    JsonObject o = new JsonObject();
    for (int i = r.nextInt(6); i > 0; i--) {
      o.put(TEXTS[r.nextInt(TEXTS.length)] + r.nextInt(3), value(r, depth));
    }
    if (r.nextInt(4) == 0) {
      o.put("raw", new LinkedHashMap<>(Map.of("z", 1, "a", List.of(2, "b"))));
    }
    return o;
  }

  @Test
  void theTextIsTheEncodingOfTheKeySortedCopy() {
    Random r = new Random(20261128);
    for (int i = 0; i < 2_000; i++) {
      JsonObject json = object(r, 0);
      assertEquals(reference(json), CanonicalJson.text(json));
    }
  }

  /**
   * Strings and keys with every UTF-16 code unit (controls, quotes, backslash, lone surrogates, the rest of
   * the BMP), in documents of the kinds written without Jackson: the same text as the reference, and a
   * form value's text the same as that of {@code {"v": value}}.
   */
  @Test
  void everyCharacterIsEscapedAsJacksonEscapesIt() {
    StringBuilder all = new StringBuilder();
    for (int c = 0; c <= 0xFFFF; c++) {
      all.append((char) c);
    }
    Random r = new Random(20261207);
    for (int from = 0; from < all.length(); from += 97) {
      String s = all.substring(from, Math.min(all.length(), from + 97 + r.nextInt(40)));
      JsonObject json = new JsonObject().put(s, s).put("n", r.nextInt()).put("l", r.nextLong())
          .put("b", r.nextBoolean()).putNull("z").put("a", new JsonArray().add(s).add(new JsonObject().put("k" + s, 1)))
          .put("m", new LinkedHashMap<>(Map.of(s, List.of(s, 2))));
      assertEquals(reference(json), CanonicalJson.text(json));
      assertEquals(CanonicalJson.jackson(json), CanonicalJson.text(json));
      for (Object value : List.of(s, json, new JsonArray().add(s).add(3L), 7, true)) {
        assertEquals(CanonicalJson.text(new JsonObject().put("v", value)), CanonicalJson.valueText(value));
      }
    }
    for (Object odd : new Object[] {1.5d, new BigDecimal("1.25"), Instant.EPOCH, null}) {
      assertEquals(reference(new JsonObject().put("v", odd)), CanonicalJson.valueText(odd));
    }
  }

  @Test
  void keyOrderDoesNotMatter() {
    JsonObject one = new JsonObject().put("b", 1).put("a", new JsonObject().put("y", 2).put("x", 3));
    JsonObject other = new JsonObject().put("a", new JsonObject().put("x", 3).put("y", 2)).put("b", 1);
    assertEquals("{\"a\":{\"x\":3,\"y\":2},\"b\":1}", CanonicalJson.text(one));
    assertEquals(CanonicalJson.sha256(one), CanonicalJson.sha256(other));
  }
}
