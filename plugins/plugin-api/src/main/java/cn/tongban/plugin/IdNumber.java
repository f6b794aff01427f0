package cn.tongban.plugin;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.regex.Pattern;

/** 居民身份证号码 (GB 11643): 6-digit area, birth date, 3-digit sequence, and a check character. */
public final class IdNumber {
  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final String CHECK = "10X98765432";
  /** Compiled once: {@code String.matches} compiles its pattern on every call (every submission checks one). */
  private static final Pattern SHAPE = Pattern.compile("[1-9]\\d{16}[0-9X]");

  private IdNumber() {
  }

  /** Whether {@code id} is a well-formed 18-character number with a real birth date and the right check character. */
  public static boolean isValid(String id) {
    if (id == null || !SHAPE.matcher(id).matches()) {
      return false;
    }
    try {
      LocalDate birth = LocalDate.of(Integer.parseInt(id.substring(6, 10)), Integer.parseInt(id.substring(10, 12)),
          Integer.parseInt(id.substring(12, 14)));
      if (birth.getYear() < 1850 || birth.isAfter(LocalDate.now())) {
        return false;
      }
    } catch (DateTimeException e) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (id.charAt(i) - '0') * WEIGHTS[i];
    }
    return CHECK.charAt(sum % 11) == id.charAt(17);
  }

  /** {@code 35*************123}: area prefix and last three kept, birth date hidden. */
  public static String mask(String id) {
    if (id == null || id.length() < 6) {
      return id == null ? null : "*".repeat(id.length());
    }
    return id.substring(0, 2) + "*".repeat(id.length() - 5) + id.substring(id.length() - 3);
  }
}
