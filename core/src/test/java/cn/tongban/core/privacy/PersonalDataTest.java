package cn.tongban.core.privacy;

import cn.tongban.core.json.CanonicalJson;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same behaviour under AES-256-GCM and SM4-GCM (the 国密 option), and what holds between them. */
class PersonalDataTest {
  private static byte[] bytes(String s, int n) {
    return Arrays.copyOf(s.getBytes(StandardCharsets.US_ASCII), n);
  }

  private static PersonalData keys(PersonalData.Cipher cipher, String... ids) {
    Map<String, PersonalData.DataKey> m = new LinkedHashMap<>();
    for (String id : ids) {
      m.put(id, new PersonalData.DataKey(cipher, bytes(id.equals("k1") ? "one" : id, cipher.keyBytes())));
    }
    return new PersonalData(m, bytes("index", 32), cipher == PersonalData.Cipher.SM4
        ? PersonalData.IndexMac.HMAC_SM3 : PersonalData.IndexMac.HMAC_SHA256);
  }

  @ParameterizedTest
  @EnumSource(PersonalData.Cipher.class)
  void sealedTextOpensOnlyInItsColumnAndNeverShowsTheValue(PersonalData.Cipher cipher) {
    PersonalData k1 = keys(cipher, "k1");
    String sealed = k1.seal("account.phone", "13800138000");
    assertTrue(sealed.startsWith("ENC3:" + cipher + ":k1:"), sealed);
    assertFalse(sealed.contains("13800138000"));
    assertNotEquals(sealed, k1.seal("account.phone", "13800138000"), "a fresh nonce every time");
    assertEquals("13800138000", k1.open("account.phone", sealed));
    PersonalData.SealedValueException moved = assertThrows(PersonalData.SealedValueException.class,
        () -> k1.open("account.id_number", sealed));
    assertFalse(moved.getMessage().contains("13800138000"));
    assertNull(k1.seal("account.phone", null));
    assertEquals("legacy plain", k1.open("account.phone", "legacy plain"), "a value from before encryption reads");
  }

  @ParameterizedTest
  @EnumSource(PersonalData.Cipher.class)
  void aValueBoundToItsRowDoesNotOpenInAnotherRow(PersonalData.Cipher cipher) {
    PersonalData k1 = keys(cipher, "k1");
    String sealed = k1.seal("account.id_number", "7d1c-row-a", "11010519491231002X");
    assertEquals("11010519491231002X", k1.open("account.id_number", "7d1c-row-a", sealed));
    PersonalData.SealedValueException copied = assertThrows(PersonalData.SealedValueException.class,
        () -> k1.open("account.id_number", "9e2f-row-b", sealed), "copied into another row");
    assertFalse(copied.getMessage().contains("11010519491231002X"));
    assertThrows(PersonalData.SealedValueException.class, () -> k1.open("account.id_number", sealed),
        "nor read as unbound");
    byte[] file = "scan".getBytes(StandardCharsets.UTF_8);
    byte[] sealedFile = k1.sealBytes("material_file.content", "row-a", file);
    assertArrayEquals(file, k1.openBytes("material_file.content", "row-a", sealedFile));
    assertThrows(PersonalData.SealedValueException.class, () -> k1.openBytes("material_file.content", "row-b",
        sealedFile));
  }

  @ParameterizedTest
  @EnumSource(PersonalData.Cipher.class)
  void anAlteredValueDoesNotOpen(PersonalData.Cipher cipher) {
    PersonalData k1 = keys(cipher, "k1");
    String sealed = k1.seal("application.data", "{\"idNumber\":\"11010519491231002X\"}");
    char[] c = sealed.toCharArray();
    int at = c.length - 5;
    c[at] = c[at] == 'A' ? 'B' : 'A';
    assertThrows(PersonalData.SealedValueException.class, () -> k1.open("application.data", new String(c)));
  }

  @ParameterizedTest
  @EnumSource(PersonalData.Cipher.class)
  void everyConfiguredKeyOpensWhatItSealedAndOnlyTheFirstSeals(PersonalData.Cipher cipher) {
    String old = keys(cipher, "k1").seal("c", "11010519491231002X");
    PersonalData rotated = keys(cipher, "k2", "k1");
    assertEquals("k2", rotated.activeKeyId());
    assertEquals("11010519491231002X", rotated.open("c", old));
    assertTrue(rotated.seal("c", "x").startsWith("ENC3:" + cipher + ":k2:"));
    PersonalData.SealedValueException unknown = assertThrows(PersonalData.SealedValueException.class,
        () -> keys(cipher, "k2").open("c", old));
    assertTrue(unknown.getMessage().contains("'k1'"), unknown.getMessage());
  }

  @ParameterizedTest
  @EnumSource(PersonalData.Cipher.class)
  void bytesAndJsonRoundTrip(PersonalData.Cipher cipher) {
    PersonalData k1 = keys(cipher, "k1");
    byte[] file = "%PDF-1.4 scan of 居民身份证".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = k1.sealBytes("material_file.content", file);
    assertEquals("k1", PersonalData.bytesKeyId(sealed).orElseThrow());
    assertArrayEquals(file, k1.openBytes("material_file.content", sealed));
    assertArrayEquals(file, k1.openBytes("material_file.content", file), "a file from before encryption reads");
    JsonObject applicant = new JsonObject().put("name", "张三").put("idNumber", "11010519491231002X");
    assertEquals(applicant, k1.openJson("application.applicant", k1.sealJson("application.applicant", applicant)));
  }

  @ParameterizedTest
  @EnumSource(PersonalData.Cipher.class)
  void theBlindIndexIsKeyedNormalisedAndPerKind(PersonalData.Cipher cipher) {
    PersonalData k1 = keys(cipher, "k1");
    String a = k1.index(PersonalData.Kind.ID, "11010519491231002X");
    assertEquals(a, k1.index(PersonalData.Kind.ID, " 11010519491231002x "), "trimmed, upper case");
    assertEquals(a, keys(cipher, "k9").index(PersonalData.Kind.ID, "11010519491231002X"), "independent of the data keys");
    assertNotEquals(a, new PersonalData(Map.of("k1", new PersonalData.DataKey(cipher, bytes("one", cipher.keyBytes()))),
        bytes("other", 32), k1.indexMac()).index(PersonalData.Kind.ID, "11010519491231002X"),
        "another index key, another index");
    assertNotEquals(a, k1.index(PersonalData.Kind.PHONE, "11010519491231002X"));
    assertEquals(22, a.length());
    assertFalse(a.contains("1101051949"));
  }

  /**
   * A blind index is over the trimmed, upper-cased text, as it always was (stored indexes must still match):
   * the direct path gives the same bytes for ASCII, for every character it treats as caseless and for texts
   * with spaces and controls at either end; everything else takes the JDK's rules.
   */
  @Test
  void theNormalisedTextIsTheTrimmedUpperCase() {
    java.util.Random r = new java.util.Random(11);
    String[] pieces = {" ", "\t", "\u0000", "a", "z", "Q", "0", "{\"v\":", "}", "张三", "ß", "é", "ǆ", "\u3000", "\u9FFF", "ﬀ"};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int k = r.nextInt(8); k > 0; k--) {
        b.append(r.nextInt(4) == 0 ? pieces[r.nextInt(pieces.length)] : String.valueOf((char) r.nextInt(0x80)));
      }
      String s = b.toString();
      assertArrayEquals(s.trim().toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8),
          PersonalData.normalised(s), s);
    }
    for (char c = 0x3000; c <= 0x9FFF; c++) {
      String s = " x" + c + "y ";
      assertArrayEquals(s.trim().toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8),
          PersonalData.normalised(s), s);
    }
  }

  @Test
  void sm3AndSha256IndexesDiffer() {
    assertNotEquals(keys(PersonalData.Cipher.AES, "k1").index(PersonalData.Kind.ID, "11010519491231002X"),
        keys(PersonalData.Cipher.SM4, "k1").index(PersonalData.Kind.ID, "11010519491231002X"));
  }

  /** What was sealed before the 国密 option (ENC1, AES, bound to the column only) keeps opening. */
  @Test
  void firstFormatValuesStillOpenAndAesAndSm4KeysOpenSideBySide() throws Exception {
    byte[] key = bytes("one", 32);
    javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
    byte[] nonce = new byte[12];
    c.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
        new javax.crypto.spec.GCMParameterSpec(128, nonce));
    c.updateAAD("account.phone".getBytes(StandardCharsets.UTF_8));
    byte[] ct = c.doFinal("13800138000".getBytes(StandardCharsets.UTF_8));
    byte[] raw = new byte[12 + ct.length];
    System.arraycopy(ct, 0, raw, 12, ct.length);
    String v1 = "ENC1:k1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);

    Map<String, PersonalData.DataKey> both = new LinkedHashMap<>();
    both.put("s1", new PersonalData.DataKey(PersonalData.Cipher.SM4, bytes("sm4", 16)));
    both.put("k1", new PersonalData.DataKey(PersonalData.Cipher.AES, key));
    PersonalData rotated = new PersonalData(both, bytes("index", 32), PersonalData.IndexMac.HMAC_SHA256);
    assertEquals("13800138000", rotated.open("account.phone", v1), "ENC1 opens");
    assertEquals("13800138000", rotated.open("account.phone", "any-row", v1), "ENC1 opens in a bound table too");
    assertTrue(rotated.activeTextPrefix().startsWith("ENC3:SM4:s1:"));
    String sm4 = rotated.seal("account.phone", "r", "13800138000");
    String aes = keys(PersonalData.Cipher.AES, "k1").seal("account.phone", "r", "13800138000");
    assertEquals("13800138000", rotated.open("account.phone", "r", sm4));
    assertEquals("13800138000", rotated.open("account.phone", "r", aes));
    // a value naming the wrong cipher for its key does not open
    assertThrows(PersonalData.SealedValueException.class,
        () -> rotated.open("account.phone", "r", aes.replace("ENC3:AES:k1:", "ENC3:SM4:k1:")));
  }

  /**
   * ENC2 (before every table passed its row): bound to the column alone outside accounts. Such a value still
   * opens where the store now passes the row; a value bound to a row, relabelled ENC2, still opens only there.
   */
  @ParameterizedTest
  @EnumSource(PersonalData.Cipher.class)
  void secondFormatValuesOpenAndNeverHelpAValueIntoAnotherRow(PersonalData.Cipher cipher) {
    PersonalData k1 = keys(cipher, "k1");
    String columnOnly = k1.seal("application.data", "{\"a\":1}").replace("ENC3:", "ENC2:");
    assertEquals("{\"a\":1}", k1.open("application.data", "QC12ABCD", columnOnly), "an ENC2 value of the column");
    String bound = k1.seal("application.data", "QC12ABCD", "{\"a\":1}");
    assertTrue(bound.startsWith("ENC3:"), bound);
    assertThrows(PersonalData.SealedValueException.class, () -> k1.open("application.data", "QC99WXYZ", bound));
    assertThrows(PersonalData.SealedValueException.class,
        () -> k1.open("application.data", "QC99WXYZ", bound.replace("ENC3:", "ENC2:")), "relabelled");
    assertThrows(PersonalData.SealedValueException.class, () -> k1.open("application.data", "QC99WXYZ",
        k1.seal("application.data", "{\"a\":1}")), "ENC3 without a row is for tables without one, not a wildcard");
    byte[] file = k1.sealBytes("material_file.content", "f-1", new byte[] {1, 2, 3});
    assertEquals('3', file[3]);
    assertArrayEquals(new byte[] {1, 2, 3}, k1.openBytes("material_file.content", "f-1", file));
    assertThrows(PersonalData.SealedValueException.class, () -> k1.openBytes("material_file.content", "f-2", file));
  }

  @Test
  void theRequestHashIsKeyedAndOldPlainHashesStillMatch() {
    PersonalData k1 = keys(PersonalData.Cipher.AES, "k1");
    JsonObject meaning = new JsonObject().put("matterCode", "m").put("applicant",
        new JsonObject().put("idNumber", "11010519491231002X"));
    String hash = k1.requestHash(meaning);
    assertTrue(hash.startsWith("m1:"), hash);
    assertNotEquals("m1:" + CanonicalJson.sha256(meaning), hash, "not a plain digest anyone could recompute");
    assertNotEquals(hash, new PersonalData(Map.of("k1", bytes("one", 32)), bytes("other", 32)).requestHash(meaning));
    assertTrue(k1.sameRequest(hash, meaning.copy()));
    assertTrue(k1.sameRequest(CanonicalJson.sha256(meaning), meaning), "stored before keyed hashes");
    assertFalse(k1.sameRequest(hash, meaning.copy().put("matterCode", "other")));
  }
}
