package cn.tongban.core.licence;

import cn.tongban.plugin.CreditCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 统一社会信用代码 a department signs as. Real codes come from the registry of state organs; until an
 * administrator records them, each department gets a stable, well-formed one: {@code 11} (机关), the area
 * code, an organisation code (GB 11714, with its check character) derived from the department code, and the
 * GB 32100 check character.
 */
public final class IssuerCodes {
  private static final int[] ORG_WEIGHTS = {3, 7, 9, 10, 5, 8, 4, 2};

  private IssuerCodes() {
  }

  public static String of(String areaCode, String departmentCode) {
    String digits = digits(departmentCode);
    int sum = 0;
    for (int i = 0; i < 8; i++) {
      sum += (digits.charAt(i) - '0') * ORG_WEIGHTS[i];
    }
    int c = 11 - sum % 11;
    String org = digits + (c == 10 ? "X" : c == 11 ? "0" : String.valueOf(c));
    return CreditCode.withCheck("11" + areaCode + org);
  }

  private static String digits(String departmentCode) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(departmentCode.getBytes(StandardCharsets.UTF_8));
      long v = ((h[0] & 0xFFL) << 24 | (h[1] & 0xFFL) << 16 | (h[2] & 0xFFL) << 8 | (h[3] & 0xFFL)) % 100_000_000L;
      return String.format("%08d", v);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
