package cn.tongban.gateway.auth;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;

/**
 * ES256 signatures in low-s form only. An ECDSA signature (r, s) has a twin (r, n − s) that verifies as well, so
 * without this a token could be re-encoded into a second, different string that is just as valid — a second
 * name for one token, which any rule keyed by the token's text (the verified cache, a revocation list kept by a
 * client) would not recognise. Tokens are issued with s ≤ n/2 (the JDK signs with either) and a token whose s
 * is above it is refused.
 */
final class LowS {
  /** The order of the P-256 group. */
  private static final BigInteger N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
  private static final BigInteger HALF_N = N.shiftRight(1);
  private static final int HALF = 32;

  private LowS() {
  }

  /** The token with its signature's s in low form (unchanged when it is already). */
  static String normalise(String jwt) {
    int dot = jwt.lastIndexOf('.');
    byte[] sig = decode(jwt.substring(dot + 1));
    if (sig == null || sig.length != 2 * HALF) {
      return jwt;
    }
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, HALF, 2 * HALF));
    if (s.compareTo(HALF_N) <= 0) {
      return jwt;
    }
    byte[] low = N.subtract(s).toByteArray();
    byte[] out = Arrays.copyOf(sig, 2 * HALF);
    Arrays.fill(out, HALF, 2 * HALF, (byte) 0);
    int len = Math.min(low.length, HALF);
    System.arraycopy(low, low.length - len, out, 2 * HALF - len, len);
    return jwt.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }

  /** Whether the token's signature is 64 bytes with 0 < s ≤ n/2. */
  static boolean isLow(String jwt) {
    byte[] sig = decode(jwt.substring(jwt.lastIndexOf('.') + 1));
    if (sig == null || sig.length != 2 * HALF) {
      return false;
    }
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, HALF, 2 * HALF));
    return s.signum() > 0 && s.compareTo(HALF_N) <= 0;
  }

  private static byte[] decode(String part) {
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
