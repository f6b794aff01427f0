package cn.tongban.core.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bytes a reply sends are those of {@code encode()} in UTF-8, whatever the value and however large. */
class JsonBytesTest {
  private static void same(Object json) {
    String text = json instanceof JsonObject o ? o.encode() : ((JsonArray) json).encode();
    assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), JsonBytes.of(json).getBytes(), text);
  }

  @Test
  void theBytesAreEncodesInUtf8() {
    same(new JsonObject());
    same(new JsonArray());
    same(new JsonObject().put("name", "张三丰").put("emoji", "😀 é ü").put("quote", "a \"b\" \\ / \n\t\u0001")
        .put("int", 42).put("long", Long.MIN_VALUE).put("double", 0.1).put("float", 1.5f).put("yes", true)
        .put("none", (Object) null).put("at", Instant.parse("2026-12-07T07:41:15.123456Z"))
        .put("bytes", new byte[] {1, 2, 3, (byte) 0xff})
        .put("nested", new JsonObject().put("list", new JsonArray().add(1).add("二").addNull().add(new JsonArray())))
        .put("map", Map.of("k", List.of("v", 2))));
    same(new JsonArray().add(new JsonObject().put("matterName", "婚姻登记（结婚登记）")).add(-0.0).add("𠀀"));
  }

  /**
   * A lone surrogate (JSON may carry one as an escape; it is no character and has no UTF-8) is sent as its
   * escape, the text as stored, where converting the encoded String wrote a '?' in its place.
   */
  @Test
  void aLoneSurrogateIsSentAsItsEscape() {
    for (String lone : new String[] {"\uD83D", "a\uDE00b", "x\uD83D", "\uDE00\uD83D"}) {
      JsonArray value = new JsonArray().add(lone);
      String sent = JsonBytes.of(value).toString(StandardCharsets.UTF_8);
      assertEquals(lone, new JsonArray(sent).getString(0));
    }
  }

  @Test
  void aLargeValueAndTheNextSmallOneAreWhole() {
    Random r = new Random(11);
    JsonArray big = new JsonArray();
    for (int i = 0; i < 20_000; i++) {
      big.add(new JsonObject().put("n", i).put("text", "第" + i + "件" + (char) ('a' + r.nextInt(26))));
    }
    same(big);
    same(new JsonObject().put("after", "small"));
    same(big);
  }

  /** A value the streaming encoder does not know is sent as the default codec encodes it. */
  record Pojo(String name, int n) {
  }

  @Test
  void aValueTheStreamingEncoderDoesNotKnowIsTheCodecs() {
    JsonObject odd = new JsonObject().put("pojo", new Pojo("李四", 3));
    assertEquals(odd.encode(), JsonBytes.of(odd).toString(StandardCharsets.UTF_8));
  }
}
