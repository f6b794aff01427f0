package cn.tongban.core.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The same bytes as {@code String.getBytes(UTF_8)}: every UTF-16 code unit, pairs, lone surrogates at either end. */
class Utf8Test {
  @Test
  void theBytesAreTheJdksForEveryCodeUnitAndPair() {
    StringBuilder all = new StringBuilder();
    for (int c = 0; c <= 0xFFFF; c++) {
      all.append((char) c);
    }
    Random r = new Random(7);
    for (int from = 0; from < all.length(); from += 50) {
      String s = all.substring(from, Math.min(all.length(), from + 50 + r.nextInt(30)));
      assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), Utf8.bytes(s), s);
    }
    for (String s : new String[] {"", "abc", "张三 😀 é", "\uD83D", "a\uDE00b", "\uDE00\uD83D", "\uD83D\uDE00\uD83D",
        "x\uD83D\uDE00", new String(Character.toChars(0x10FFFF))}) {
      assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), Utf8.bytes(s), s);
    }
    for (int i = 0; i < 20_000; i++) {
      char[] chars = new char[r.nextInt(12)];
      for (int k = 0; k < chars.length; k++) {
        chars[k] = r.nextInt(3) == 0 ? (char) (0xD800 + r.nextInt(0x800)) : (char) r.nextInt(0x10000);
      }
      String s = new String(chars);
      assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), Utf8.bytes(s), s);
    }
  }
}
