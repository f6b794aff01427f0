package cn.tongban.plugin;

/** 统一社会信用代码 (GB 32100): 18 characters from 0-9 and A-Y without I, O, Z, S, V, the last a check character. */
public final class CreditCode {
  private static final String CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  private static final int[] WEIGHTS = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

  private CreditCode() {
  }

  public static boolean isValid(String code) {
    if (code == null || code.length() != 18) {
      return false;
    }
    int check = checkIndex(code);
    return check >= 0 && CHARS.charAt(check) == code.charAt(17);
  }

  /** {@code first17} with its check character appended (e.g. to make a well-formed code). */
  public static String withCheck(String first17) {
    int check = first17 == null || first17.length() != 17 ? -1 : checkIndex(first17);
    if (check < 0) {
      throw new IllegalArgumentException("not the first 17 characters of a credit code: " + first17);
    }
    return first17 + CHARS.charAt(check);
  }

  /** The index in {@link #CHARS} of the check character for the first 17 characters; -1 if one is not allowed. */
  private static int checkIndex(String code) {
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      int v = CHARS.indexOf(code.charAt(i));
      if (v < 0) {
        return -1;
      }
      sum += v * WEIGHTS[i];
    }
    return (31 - sum % 31) % 31;
  }
}
