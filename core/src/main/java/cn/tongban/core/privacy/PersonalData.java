package cn.tongban.core.privacy;

import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.json.CanonicalJson;
import cn.tongban.core.json.Utf8;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Personal data at rest (identity numbers, phones, addresses, form data, licence surfaces): sealed with an
 * authenticated cipher under the active data key — AES-256-GCM, or SM4-GCM (GB/T 32907, the 国密 option) — and
 * found again through a keyed blind index (HMAC-SHA256, or HMAC-SM3) that allows exact lookups and joins without
 * the plain value ever reaching PostgreSQL.
 *
 * <p>A sealed text is {@code ENC3:<cipher>:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>}: it names its cipher
 * and key, so keys of both ciphers open side by side while a rewrap moves data from one to the other. The
 * associated data is the column and the row's key (the store passes it: a case's number, an account's id …): a
 * value copied into another column or another row does not open. Values sealed before that keep opening and are
 * re-sealed, bound, by the next rewrap: {@code ENC2} (bound to the row for accounts, to the column alone
 * elsewhere) and {@code ENC1:<key id>:…} (AES, bound to the column only). Every configured key opens what it sealed; only the first
 * seals, which is how keys rotate without downtime (see docs/operations.md). Sealing and opening take
 * microseconds, so they run on the event loop.
 */
public final class PersonalData {
  /** The prefix of every sealed text, of either format. */
  public static final String PREFIX = "ENC";
  private static final String V1 = "ENC1:";
  private static final String V2 = "ENC2:";
  private static final String V3 = "ENC3:";
  private static final byte[] BYTES_V1 = {'T', 'B', 'E', '1'};
  private static final byte[] BYTES_V2 = {'T', 'B', 'E', '2'};
  private static final byte[] BYTES_V3 = {'T', 'B', 'E', '3'};
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Provider BC = new BouncyCastleProvider();

  /** The ciphers a data key may be for. */
  public enum Cipher {
    AES("AES", 32, (byte) 'A'),
    SM4("SM4", 16, (byte) 'S');

    private final String jce;
    private final int keyBytes;
    /** What names the cipher in sealed bytes' header (the text format names it in words). */
    private final byte code;
    private final ThreadLocal<javax.crypto.Cipher> instance;

    Cipher(String jce, int keyBytes, byte code) {
      this.jce = jce;
      this.keyBytes = keyBytes;
      this.code = code;
      // AES from the JDK (hardware accelerated); SM4 from BouncyCastle.
      this.instance = ThreadLocal.withInitial(() -> {
        try {
          return "AES".equals(jce) ? javax.crypto.Cipher.getInstance("AES/GCM/NoPadding")
              : javax.crypto.Cipher.getInstance(jce + "/GCM/NoPadding", BC);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      });
    }

    public int keyBytes() {
      return keyBytes;
    }
  }

  /** The blind index's (and the request hash's) MAC. */
  public enum IndexMac {
    HMAC_SHA256, HMAC_SM3;

    public static IndexMac of(String configured) {
      return "hmac-sm3".equalsIgnoreCase(configured) ? HMAC_SM3 : HMAC_SHA256;
    }

    Mac newMac(byte[] key) throws GeneralSecurityException {
      Mac m = this == HMAC_SM3 ? Mac.getInstance("HMACSM3", BC) : Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, m.getAlgorithm()));
      return m;
    }
  }

  /** A data key: its cipher and secret. */
  public record DataKey(Cipher cipher, byte[] secret) {
    public DataKey {
      if (secret.length != cipher.keyBytes) {
        throw new IllegalArgumentException(cipher + " keys have " + cipher.keyBytes + " bytes");
      }
    }
  }

  private final String activeId;
  private final Map<String, DataKey> keys;
  private final Map<String, SecretKeySpec> specs;
  private final IndexMac indexMac;
  /** {@link #activeTextPrefix()}: the active key never changes in a running node. */
  private final String textPrefix;
  private final ThreadLocal<Mac> index;
  private final ThreadLocal<Mac> requests;

  /** AES-256 keys in order, the first one active; {@code indexKey} keys the blind index (HMAC-SHA256). */
  public PersonalData(Map<String, byte[]> keys, byte[] indexKey) {
    this(aes(keys), indexKey, IndexMac.HMAC_SHA256);
  }

  /** {@code keys} in order, the first one active; {@code indexKey} keys the blind index under {@code mac}. */
  public PersonalData(Map<String, DataKey> keys, byte[] indexKey, IndexMac mac) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one data key");
    }
    Map<String, SecretKeySpec> s = new LinkedHashMap<>();
    keys.forEach((id, k) -> s.put(id, new SecretKeySpec(k.secret().clone(), k.cipher().jce)));
    this.keys = Map.copyOf(keys);
    this.specs = Map.copyOf(s);
    this.activeId = keys.keySet().iterator().next();
    this.textPrefix = V3 + keys.get(activeId).cipher().name() + ":" + activeId + ":";
    this.indexMac = mac;
    byte[] indexSecret = indexKey.clone();
    this.index = ThreadLocal.withInitial(() -> {
      try {
        return mac.newMac(indexSecret);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
    // The request hash gets its own key, derived from the index key: an idempotency hash is never a blind index.
    this.requests = ThreadLocal.withInitial(() -> {
      try {
        Mac derive = mac.newMac(indexSecret);
        return mac.newMac(derive.doFinal("tongban request hash".getBytes(StandardCharsets.US_ASCII)));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The keys and index MAC a configuration names. */
  public static PersonalData of(TongbanConfig.DataKeys configured, String indexAlgorithm) {
    Map<String, DataKey> keys = new LinkedHashMap<>();
    configured.keys().forEach((id, secret) -> keys.put(id, new DataKey(
        Cipher.valueOf(configured.algorithms().getOrDefault(id, "AES")), secret)));
    return new PersonalData(keys, configured.indexKey(), IndexMac.of(indexAlgorithm));
  }

  private static Map<String, DataKey> aes(Map<String, byte[]> keys) {
    Map<String, DataKey> out = new LinkedHashMap<>();
    keys.forEach((id, k) -> out.put(id, new DataKey(Cipher.AES, k)));
    return out;
  }

  /** The key that seals new values. */
  public String activeKeyId() {
    return activeId;
  }

  /** The cipher of the key that seals new values. */
  public Cipher activeCipher() {
    return keys.get(activeId).cipher();
  }

  /** What a text sealed with the active key starts with. */
  public String activeTextPrefix() {
    return textPrefix;
  }

  /** What bytes sealed with the active key start with. */
  public byte[] activeBytesHeader() {
    byte[] id = activeId.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(BYTES_V3.length + 2 + id.length).put(BYTES_V3).put(activeCipher().code)
        .put((byte) id.length).put(id).array();
  }

  public IndexMac indexMac() {
    return indexMac;
  }

  public boolean knows(String keyId) {
    return keys.containsKey(keyId);
  }

  /**
   * The idempotency hash of a request's meaning: a keyed MAC (hex, {@code m1:} prefix) over its canonical JSON,
   * so the stored hash of a request carrying personal data cannot be confirmed by guessing the data.
   */
  public String requestHash(JsonObject meaning) {
    return "m1:" + HexFormat.of().formatHex(requests.get().doFinal(Utf8.bytes(CanonicalJson.text(meaning))));
  }

  /** Whether {@code stored} is the hash of {@code meaning}: a keyed one, or a plain SHA-256 stored before those. */
  public boolean sameRequest(String stored, JsonObject meaning) {
    if (stored == null) {
      return false;
    }
    return stored.startsWith("m1:") ? stored.equals(requestHash(meaning)) : stored.equals(CanonicalJson.sha256(meaning));
  }

  /** What kind of value a blind index is over; one kind gives the same index in every table (joins work). */
  public enum Kind {
    /** Identity numbers (居民身份证号码) and the credit codes enterprises are looked up by. */
    ID,
    PHONE
  }

  /**
   * The blind index of a value: the index MAC (HMAC-SHA256 or HMAC-SM3) over its kind and its normalised form (trimmed, upper case),
   * the first 128 bits in base64url. Null for null.
   */
  public String index(Kind kind, String value) {
    if (value == null) {
      return null;
    }
    Mac mac = index.get();
    mac.update(kind.name().getBytes(StandardCharsets.US_ASCII));
    mac.update((byte) 0);
    byte[] h = mac.doFinal(normalised(value));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 16));
  }

  /**
   * The UTF-8 of {@code value.trim().toUpperCase(Locale.ROOT)}: written at once for a text of ASCII letters and
   * CJK characters (which have no case), like most indexed values and a form value's canonical text; through
   * the JDK's rules otherwise.
   */
  static byte[] normalised(String value) {
    int from = 0;
    int to = value.length();
    while (from < to && value.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && value.charAt(to - 1) <= ' ') {
      to--;
    }
    int length = 0;
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        length++;
      } else if (c >= 0x3000 && c <= 0x9FFF) {
        length += 3;
      } else {
        return Utf8.bytes(value.trim().toUpperCase(Locale.ROOT));
      }
    }
    byte[] out = new byte[length];
    int at = 0;
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        out[at++] = (byte) (c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
      } else {
        out[at++] = (byte) (0xE0 | (c >> 12));
        out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return out;
  }

  /** Seals a text for the column {@code context} (e.g. {@code account.phone}), unbound to a row. Null stays null. */
  public String seal(String context, String plain) {
    return seal(context, "", plain);
  }

  /**
   * Seals a text for the column {@code context} of the row whose key is {@code row}: it opens only there. Null
   * stays null.
   */
  public String seal(String context, String row, String plain) {
    if (plain == null) {
      return null;
    }
    byte[] sealed = encrypt(activeId, aad(context, row), Utf8.bytes(plain));
    return activeTextPrefix() + Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
  }

  /** Opens what {@link #seal(String, String)} sealed for the same column. */
  public String open(String context, String stored) {
    return open(context, "", stored);
  }

  /**
   * Opens what {@link #seal(String, String, String)} sealed for the same column and row (or what was sealed for
   * the column alone in the first format). A value stored before encryption was switched on (no prefix) is
   * returned as it is; it is sealed by the next rewrap. A value that does not open (wrong column or row, altered,
   * or its key no longer configured) fails loudly: it never reads as something else.
   */
  public String open(String context, String row, String stored) {
    if (stored == null || !(stored.startsWith(V1) || stored.startsWith(V2) || stored.startsWith(V3))) {
      return stored;
    }
    boolean v1 = stored.startsWith(V1);
    String[] parts = stored.split(":", v1 ? 3 : 4);
    if (parts.length != (v1 ? 3 : 4)) {
      throw new SealedValueException("malformed sealed value in " + context);
    }
    String keyId = parts[v1 ? 1 : 2];
    Cipher cipher = v1 ? Cipher.AES : cipherNamed(parts[1], context);
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(parts[parts.length - 1]);
    } catch (IllegalArgumentException e) {
      throw new SealedValueException("malformed sealed value in " + context);
    }
    if (v1) {
      return new String(decrypt(keyId, cipher, context, context.getBytes(StandardCharsets.UTF_8), raw),
          StandardCharsets.UTF_8);
    }
    return new String(openV2(stored.startsWith(V2), keyId, cipher, context, row, raw), StandardCharsets.UTF_8);
  }

  /**
   * ENC3/TBE3: bound to the column and the row passed. ENC2/TBE2 (before every table passed its row): bound to
   * the row for accounts, to the column alone elsewhere — so the row is tried, then none. A value bound to one
   * row does not open in another either way; an ENC2 value of a table that did not pass its row opens anywhere
   * in its column until the next rewrap seals it again as ENC3, bound.
   */
  private byte[] openV2(boolean v2, String keyId, Cipher cipher, String context, String row, byte[] raw) {
    if (!v2 || row == null || row.isEmpty()) {
      return decrypt(keyId, cipher, context, aad(context, row), raw);
    }
    try {
      return decrypt(keyId, cipher, context, aad(context, row), raw);
    } catch (SealedValueException bound) {
      return decrypt(keyId, cipher, context, aad(context, ""), raw);
    }
  }

  public String sealJson(String context, JsonObject json) {
    return json == null ? null : seal(context, json.encode());
  }

  public String sealJson(String context, String row, JsonObject json) {
    return json == null ? null : seal(context, row, json.encode());
  }

  public JsonObject openJson(String context, String stored) {
    return stored == null ? null : new JsonObject(open(context, stored));
  }

  public JsonObject openJson(String context, String row, String stored) {
    return stored == null ? null : new JsonObject(open(context, row, stored));
  }

  /**
   * Seals bytes (an uploaded file): {@code TBE2}, the cipher ({@code A} or {@code S}), the key id's length and id,
   * then nonce ‖ ciphertext ‖ tag.
   */
  public byte[] sealBytes(String context, byte[] plain) {
    return sealBytes(context, "", plain);
  }

  public byte[] sealBytes(String context, String row, byte[] plain) {
    byte[] header = activeBytesHeader();
    byte[] sealed = encrypt(activeId, aad(context, row), plain);
    return ByteBuffer.allocate(header.length + sealed.length).put(header).put(sealed).array();
  }

  public byte[] openBytes(String context, byte[] stored) {
    return openBytes(context, "", stored);
  }

  public byte[] openBytes(String context, String row, byte[] stored) {
    Optional<String> keyId = bytesKeyId(stored);
    if (keyId.isEmpty()) {
      return stored;
    }
    boolean v1 = stored[3] == '1';
    int start = BYTES_V1.length + (v1 ? 1 : 2) + keyId.get().length();
    Cipher cipher = v1 ? Cipher.AES : cipherAt(stored[BYTES_V2.length], context);
    byte[] raw = java.util.Arrays.copyOfRange(stored, start, stored.length);
    return v1 ? decrypt(keyId.get(), cipher, context, context.getBytes(StandardCharsets.UTF_8), raw)
        : openV2(stored[3] == '2', keyId.get(), cipher, context, row, raw);
  }

  /** The key a sealed text was sealed with; empty for a value stored in plain. */
  public static Optional<String> keyId(String stored) {
    if (stored == null || !(stored.startsWith(V1) || stored.startsWith(V2) || stored.startsWith(V3))) {
      return Optional.empty();
    }
    String[] parts = stored.split(":", 4);
    int at = stored.startsWith(V1) ? 1 : 2;
    return parts.length > at + 1 ? Optional.of(parts[at]) : Optional.empty();
  }

  public static Optional<String> bytesKeyId(byte[] stored) {
    if (stored == null || stored.length < BYTES_V1.length + 2) {
      return Optional.empty();
    }
    for (int i = 0; i < 3; i++) {
      if (stored[i] != BYTES_V1[i]) {
        return Optional.empty();
      }
    }
    if (stored[3] != '1' && stored[3] != '2' && stored[3] != '3') {
      return Optional.empty();
    }
    int lengthAt = stored[3] == '1' ? BYTES_V1.length : BYTES_V2.length + 1;
    if (stored.length <= lengthAt) {
      return Optional.empty();
    }
    int n = stored[lengthAt];
    if (n <= 0 || stored.length < lengthAt + 1 + n) {
      return Optional.empty();
    }
    return Optional.of(new String(stored, lengthAt + 1, n, StandardCharsets.US_ASCII));
  }

  /** The column and the row's key, apart: {@code a.b} of row {@code 1} never reads as {@code a.b1} of row "". */
  private static byte[] aad(String context, String row) {
    byte[] c = context.getBytes(StandardCharsets.UTF_8);
    byte[] r = (row == null ? "" : row).getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(c.length + 1 + r.length).put(c).put((byte) 0).put(r).array();
  }

  private static Cipher cipherNamed(String name, String context) {
    try {
      return Cipher.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new SealedValueException("a value in " + context + " names an unknown cipher");
    }
  }

  private static Cipher cipherAt(byte code, String context) {
    for (Cipher c : Cipher.values()) {
      if (c.code == code) {
        return c;
      }
    }
    throw new SealedValueException("a value in " + context + " names an unknown cipher");
  }

  private byte[] encrypt(String keyId, byte[] aad, byte[] plain) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      javax.crypto.Cipher c = keys.get(keyId).cipher().instance.get();
      c.init(javax.crypto.Cipher.ENCRYPT_MODE, specs.get(keyId), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      byte[] out = new byte[NONCE_BYTES + c.getOutputSize(plain.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      c.doFinal(plain, 0, plain.length, out, NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing failed", e);
    }
  }

  private byte[] decrypt(String keyId, Cipher cipher, String context, byte[] aad, byte[] raw) {
    DataKey key = keys.get(keyId);
    if (key == null) {
      throw new SealedValueException("a value in " + context + " is sealed with data key '" + keyId
          + "', which is not configured (TONGBAN_DATA_KEYS)");
    }
    if (key.cipher() != cipher) {
      throw new SealedValueException("a value in " + context + " is sealed with " + cipher + " under data key '"
          + keyId + "', which is configured as a " + key.cipher() + " key");
    }
    if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new SealedValueException("malformed sealed value in " + context);
    }
    try {
      javax.crypto.Cipher c = cipher.instance.get();
      c.init(javax.crypto.Cipher.DECRYPT_MODE, specs.get(keyId), new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
      c.updateAAD(aad);
      return c.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new SealedValueException("a sealed value in " + context + " does not open: altered, or sealed for"
          + " another column or row");
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
