package cn.tongban.core.identity;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Argon2id password hashes in the PHC string format. Hashing is deliberately slow: call it from a
 * worker thread, never an event loop.
 */
public final class PasswordHasher {
  // OWASP's minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
  static final int DEFAULT_MEMORY_KIB = 19_456;
  /**
   * The memory of new hashes. Only the gateway's test JVM lowers it (system property
   * {@code tongban.test.argon2MemoryKib}, set by gateway/pom.xml's surefire configuration): its tests sign in
   * thousands of times, and each sign-in verifies with the parameters stored in the hash, so the same Argon2id
   * code runs at a fraction of the cost. No TONGBAN_* option reaches it, so the jar uses the default unless its
   * JVM is started with that -D property (then the warning below is logged).
   */
  private static final int MEMORY_KIB = Math.max(64, Integer.getInteger("tongban.test.argon2MemoryKib",
      DEFAULT_MEMORY_KIB));

  static {
    if (MEMORY_KIB < DEFAULT_MEMORY_KIB) {
      java.util.logging.Logger.getLogger(PasswordHasher.class.getName()).warning(() -> "new password hashes use "
          + MEMORY_KIB + " KiB, below the default " + DEFAULT_MEMORY_KIB + " KiB: for tests only");
    }
  }

  private static final int ITERATIONS = 2;
  private static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private PasswordHasher() {
  }

  /** A fresh salted hash of {@code password}. */
  public static String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
  }

  /** Whether {@code password} matches {@code encoded}; false for anything that is not an Argon2id hash. */
  public static boolean verify(String password, String encoded) {
    if (password == null || encoded == null) {
      return false;
    }
    String[] parts = encoded.split("\\$");
    if (parts.length != 6 || !parts[1].equals("argon2id")) {
      return false;
    }
    try {
      int m = 0;
      int t = 0;
      int p = 0;
      for (String kv : parts[3].split(",")) {
        String[] pair = kv.split("=");
        switch (pair[0]) {
          case "m" -> m = Integer.parseInt(pair[1]);
          case "t" -> t = Integer.parseInt(pair[1]);
          case "p" -> p = Integer.parseInt(pair[1]);
          default -> {
            return false;
          }
        }
      }
      byte[] salt = B64D.decode(parts[4]);
      byte[] expected = B64D.decode(parts[5]);
      byte[] actual = derive(password, salt, m, t, p, expected.length);
      return MessageDigest.isEqual(expected, actual);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(memoryKib)
        .withIterations(iterations)
        .withParallelism(lanes)
        .withSalt(salt)
        .build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(params);
    byte[] out = new byte[length];
    gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
