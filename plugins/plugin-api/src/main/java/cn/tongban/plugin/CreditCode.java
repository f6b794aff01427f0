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
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      int v = CHARS.indexOf(code.charAt(i));
      if (v < 0) {
        return false;
      }
      sum += v * WEIGHTS[i];
    }
    int check = CHARS.indexOf(code.charAt(17));
    return check >= 0 && check == (31 - sum % 31) % 31;
  }
}
