package cn.tongban.core.licence;

import java.util.Locale;

/**
 * 电子证照标识 after GB/T 36904 practice: {@code 1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>},
 * the check character by ISO/IEC 7064 MOD 37,36 over every character before it, dots left out.
 */
public final class LicenceIdentifier {
  /** The OID arc of China's e-licence identifiers. */
  public static final String ROOT = "1.2.156.3005.2";
  private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final int M = 36;

  private LicenceIdentifier() {
  }

  /** The identifier for a licence: its type code, its issuer's credit code, a serial and a version (1–999). */
  public static String of(String typeCode, String issuerCode, String serial, int version) {
    if (version < 1 || version > 999) {
      throw new IllegalArgumentException("version must be 1-999: " + version);
    }
    String body = ROOT + "." + typeCode + "." + issuerCode + "." + serial + "." + String.format("%03d", version);
    return body + "." + checkCharacter(body);
  }

  /** True when {@code identifier} has the root arc, six segments after it and the right check character. */
  public static boolean isValid(String identifier) {
    if (identifier == null || !identifier.startsWith(ROOT + ".")) {
      return false;
    }
    int last = identifier.lastIndexOf('.');
    String body = identifier.substring(0, last);
    String check = identifier.substring(last + 1);
    if (check.length() != 1 || body.length() <= ROOT.length() + 1
        || body.substring(ROOT.length() + 1).split("\\.", -1).length != 4) {
      return false;
    }
    try {
      return check.toUpperCase(Locale.ROOT).charAt(0) == checkCharacter(body);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** ISO/IEC 7064 MOD 37,36 (hybrid system, M = 36): the character that makes the whole string check. */
  public static char checkCharacter(String text) {
    int p = M;
    for (char ch : text.toUpperCase(Locale.ROOT).toCharArray()) {
      if (ch == '.') {
        continue;
      }
      int value = ALPHABET.indexOf(ch);
      if (value < 0) {
        throw new IllegalArgumentException("not a digit or Latin letter: " + ch);
      }
      int s = (p + value) % M;
      p = ((s == 0 ? M : s) * 2) % (M + 1);
    }
    return ALPHABET.charAt((M + 1 - p) % M);
  }
}
