package cn.tongban.core.privacy;

import io.vertx.core.json.JsonObject;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Personal data at rest (identity numbers, phones, addresses, form data, licence surfaces): sealed with
 * AES-256-GCM under the active data key, and found again through a keyed blind index (HMAC-SHA256) that
 * allows exact lookups and joins without the plain value ever reaching PostgreSQL.
 *
 * <p>A sealed text is {@code ENC1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>}; the column it belongs to
 * is the associated data, so a value copied into another column does not open. Every configured key opens
 * what it sealed; only the first seals, which is how keys rotate without downtime (see docs/operations.md).
 * Sealing and opening take microseconds, so they run on the event loop.
 */
public final class PersonalData {
  public static final String PREFIX = "ENC1:";
  private static final byte[] BYTES_MAGIC = {'T', 'B', 'E', '1'};
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

  private final String activeId;
  private final Map<String, SecretKeySpec> keys;
  private final ThreadLocal<Mac> index;

  /** {@code keys} in order, the first one active; {@code indexKey} keys the blind index. */
  public PersonalData(Map<String, byte[]> keys, byte[] indexKey) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one data key");
    }
    Map<String, SecretKeySpec> specs = new LinkedHashMap<>();
    keys.forEach((id, k) -> specs.put(id, new SecretKeySpec(k.clone(), "AES")));
    this.keys = Map.copyOf(specs);
    this.activeId = specs.keySet().iterator().next();
    SecretKeySpec mac = new SecretKeySpec(indexKey.clone(), "HmacSHA256");
    this.index = ThreadLocal.withInitial(() -> {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(mac);
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The key that seals new values. */
  public String activeKeyId() {
    return activeId;
  }

  public boolean knows(String keyId) {
    return keys.containsKey(keyId);
  }

  /** What kind of value a blind index is over; one kind gives the same index in every table (joins work). */
  public enum Kind {
    /** Identity numbers (居民身份证号码) and the credit codes enterprises are looked up by. */
    ID,
    PHONE
  }

  /**
   * The blind index of a value: HMAC-SHA256 over its kind and its normalised form (trimmed, upper case),
   * the first 128 bits in base64url. Null for null.
   */
  public String index(Kind kind, String value) {
    if (value == null) {
      return null;
    }
    Mac mac = index.get();
    mac.update(kind.name().getBytes(StandardCharsets.US_ASCII));
    mac.update((byte) 0);
    byte[] h = mac.doFinal(value.trim().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 16));
  }

  /** Seals a text for the column {@code context} (e.g. {@code account.phone}). Null stays null. */
  public String seal(String context, String plain) {
    if (plain == null) {
      return null;
    }
    byte[] sealed = encrypt(activeId, context, plain.getBytes(StandardCharsets.UTF_8));
    return PREFIX + activeId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
  }

  /**
   * Opens what {@link #seal} sealed for the same column. A value stored before encryption was switched on
   * (no prefix) is returned as it is; it is sealed by the next rewrap. A value that does not open (wrong
   * column, altered, or its key no longer configured) fails loudly: it never reads as something else.
   */
  public String open(String context, String stored) {
    if (stored == null || !stored.startsWith(PREFIX)) {
      return stored;
    }
    int colon = stored.indexOf(':', PREFIX.length());
    if (colon < 0) {
      throw new SealedValueException("malformed sealed value in " + context);
    }
    String keyId = stored.substring(PREFIX.length(), colon);
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(stored.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new SealedValueException("malformed sealed value in " + context);
    }
    return new String(decrypt(keyId, context, raw), StandardCharsets.UTF_8);
  }

  public String sealJson(String context, JsonObject json) {
    return json == null ? null : seal(context, json.encode());
  }

  public JsonObject openJson(String context, String stored) {
    return stored == null ? null : new JsonObject(open(context, stored));
  }

  /** Seals bytes (an uploaded file): {@code TBE1}, the key id's length and id, then nonce ‖ ciphertext ‖ tag. */
  public byte[] sealBytes(String context, byte[] plain) {
    byte[] id = activeId.getBytes(StandardCharsets.US_ASCII);
    byte[] sealed = encrypt(activeId, context, plain);
    return ByteBuffer.allocate(BYTES_MAGIC.length + 1 + id.length + sealed.length)
        .put(BYTES_MAGIC).put((byte) id.length).put(id).put(sealed).array();
  }

  public byte[] openBytes(String context, byte[] stored) {
    Optional<String> keyId = bytesKeyId(stored);
    if (keyId.isEmpty()) {
      return stored;
    }
    int start = BYTES_MAGIC.length + 1 + keyId.get().length();
    return decrypt(keyId.get(), context, java.util.Arrays.copyOfRange(stored, start, stored.length));
  }

  /** The key a sealed text was sealed with; empty for a value stored in plain. */
  public static Optional<String> keyId(String stored) {
    if (stored == null || !stored.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int colon = stored.indexOf(':', PREFIX.length());
    return colon < 0 ? Optional.empty() : Optional.of(stored.substring(PREFIX.length(), colon));
  }

  public static Optional<String> bytesKeyId(byte[] stored) {
    if (stored == null || stored.length < BYTES_MAGIC.length + 2) {
      return Optional.empty();
    }
    for (int i = 0; i < BYTES_MAGIC.length; i++) {
      if (stored[i] != BYTES_MAGIC[i]) {
        return Optional.empty();
      }
    }
    int n = stored[BYTES_MAGIC.length];
    if (n <= 0 || stored.length < BYTES_MAGIC.length + 1 + n) {
      return Optional.empty();
    }
    return Optional.of(new String(stored, BYTES_MAGIC.length + 1, n, StandardCharsets.US_ASCII));
  }

  private byte[] encrypt(String keyId, String context, byte[] plain) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.ENCRYPT_MODE, keys.get(keyId), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE_BYTES + c.getOutputSize(plain.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      c.doFinal(plain, 0, plain.length, out, NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing failed", e);
    }
  }

  private byte[] decrypt(String keyId, String context, byte[] raw) {
    SecretKeySpec key = keys.get(keyId);
    if (key == null) {
      throw new SealedValueException("a value in " + context + " is sealed with data key '" + keyId
          + "', which is not configured (TONGBAN_DATA_KEYS)");
    }
    if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new SealedValueException("malformed sealed value in " + context);
    }
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new SealedValueException("a sealed value in " + context + " does not open: altered, or sealed for"
          + " another column");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("opening failed", e);
    }
  }

  /** A stored value that does not open. Never carries the value itself. */
  public static final class SealedValueException extends RuntimeException {
    public SealedValueException(String message) {
      super(message, null, false, false);
    }
  }
}
