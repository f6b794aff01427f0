package cn.tongban.core.json;

import java.nio.charset.StandardCharsets;

/**
 * A text's UTF-8 bytes in an array of exactly their length. {@code String.getBytes(UTF_8)} of a text outside
 * Latin-1 (Chinese, here: form data, names, addresses) first allocates three bytes per character and then
 * copies the used part; this counts first and writes once. The bytes are the same, a lone surrogate
 * included (it becomes {@code '?'}, as there).
 */
public final class Utf8 {
  private Utf8() {
  }

  public static byte[] bytes(String s) {
    int n = s.length();
    int length = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        length++;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        length += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        length++;
      } else {
        length += 3;
      }
    }
    if (length == n) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    byte[] out = new byte[length];
    int at = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[at++] = (byte) c;
      } else if (c < 0x800) {
        out[at++] = (byte) (0xC0 | (c >> 6));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[at++] = (byte) (0xF0 | (cp >> 18));
        out[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        out[at++] = '?';
      } else {
        out[at++] = (byte) (0xE0 | (c >> 12));
        out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return out;
  }
}
