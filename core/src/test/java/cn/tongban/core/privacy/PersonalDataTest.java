package cn.tongban.core.privacy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PersonalDataTest {
  private static byte[] bytes(String s) {
    return Arrays.copyOf(s.getBytes(StandardCharsets.US_ASCII), 32);
  }

  private static final PersonalData K1 = new PersonalData(Map.of("k1", bytes("one")), bytes("index"));

  private static PersonalData keys(String... ids) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (String id : ids) {
      m.put(id, bytes(id.equals("k1") ? "one" : id));
    }
    return new PersonalData(m, bytes("index"));
  }

  @Test
  void sealedTextOpensOnlyInItsColumnAndNeverShowsTheValue() {
    String sealed = K1.seal("account.phone", "13800138000");
    assertTrue(sealed.startsWith("ENC1:k1:"), sealed);
    assertFalse(sealed.contains("13800138000"));
    assertNotEquals(sealed, K1.seal("account.phone", "13800138000"), "a fresh nonce every time");
    assertEquals("13800138000", K1.open("account.phone", sealed));
    PersonalData.SealedValueException moved = assertThrows(PersonalData.SealedValueException.class,
        () -> K1.open("account.id_number", sealed));
    assertFalse(moved.getMessage().contains("13800138000"));
    assertNull(K1.seal("account.phone", null));
    assertEquals("legacy plain", K1.open("account.phone", "legacy plain"), "a value from before encryption reads");
  }

  @Test
  void anAlteredValueDoesNotOpen() {
    String sealed = K1.seal("application.data", "{\"idNumber\":\"11010519491231002X\"}");
    char[] c = sealed.toCharArray();
    int at = c.length - 5;
    c[at] = c[at] == 'A' ? 'B' : 'A';
    assertThrows(PersonalData.SealedValueException.class, () -> K1.open("application.data", new String(c)));
  }

  @Test
  void everyConfiguredKeyOpensWhatItSealedAndOnlyTheFirstSeals() {
    String old = K1.seal("c", "11010519491231002X");
    PersonalData rotated = keys("k2", "k1");
    assertEquals("k2", rotated.activeKeyId());
    assertEquals("11010519491231002X", rotated.open("c", old));
    assertTrue(rotated.seal("c", "x").startsWith("ENC1:k2:"));
    PersonalData.SealedValueException unknown = assertThrows(PersonalData.SealedValueException.class,
        () -> keys("k2").open("c", old));
    assertTrue(unknown.getMessage().contains("'k1'"), unknown.getMessage());
  }

  @Test
  void bytesAndJsonRoundTrip() {
    byte[] file = "%PDF-1.4 scan of 居民身份证".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = K1.sealBytes("material_file.content", file);
    assertEquals("k1", PersonalData.bytesKeyId(sealed).orElseThrow());
    assertArrayEquals(file, K1.openBytes("material_file.content", sealed));
    assertArrayEquals(file, K1.openBytes("material_file.content", file), "a file from before encryption reads");
    JsonObject applicant = new JsonObject().put("name", "张三").put("idNumber", "11010519491231002X");
    assertEquals(applicant, K1.openJson("application.applicant", K1.sealJson("application.applicant", applicant)));
  }

  @Test
  void theBlindIndexIsKeyedNormalisedAndPerKind() {
    String a = K1.index(PersonalData.Kind.ID, "11010519491231002X");
    assertEquals(a, K1.index(PersonalData.Kind.ID, " 11010519491231002x "), "trimmed, upper case");
    assertEquals(a, keys("k9").index(PersonalData.Kind.ID, "11010519491231002X"), "independent of the data keys");
    assertNotEquals(a, new PersonalData(Map.of("k1", bytes("one")), bytes("other")).index(PersonalData.Kind.ID,
        "11010519491231002X"), "another index key, another index");
    assertNotEquals(a, K1.index(PersonalData.Kind.PHONE, "11010519491231002X"));
    assertEquals(22, a.length());
    assertFalse(a.contains("1101051949"));
  }
}
