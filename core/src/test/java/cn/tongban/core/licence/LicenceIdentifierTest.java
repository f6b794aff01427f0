package cn.tongban.core.licence;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LicenceIdentifierTest {
  @Test
  void checkCharacterFollowsIsoIec7064Mod3736() {
    // The worked example of ISO/IEC 7064 for MOD 37,36.
    assertEquals('M', LicenceIdentifier.checkCharacter("A12425GABC1234002"));
  }

  @Test
  void identifierHasTheGbt36904ShapeAndChecks() {
    String id = LicenceIdentifier.of("11100000000013127D001", "11410183990000017N", "410183202600000001", 1);
    assertTrue(id.startsWith("1.2.156.3005.2.11100000000013127D001."), id);
    String[] parts = id.split("\\.");
    assertEquals(10, parts.length, id);
    assertEquals("001", parts[8]);
    assertEquals(LicenceIdentifier.checkCharacter(id.substring(0, id.lastIndexOf('.')).replace(".", "")),
        parts[9].charAt(0));
    assertTrue(LicenceIdentifier.isValid(id));
    // One changed character anywhere is caught.
    assertFalse(LicenceIdentifier.isValid(id.replace("410183202600000001", "410183202600000002")));
    assertFalse(LicenceIdentifier.isValid(id.substring(0, id.length() - 1) + (parts[9].equals("0") ? "1" : "0")));
    assertFalse(LicenceIdentifier.isValid("1.2.156.3005.2.x"));
  }

  @Test
  void demoIssuerCodesAreWellFormedCreditCodes() {
    for (String code : cn.tongban.core.demo.DemoSeeder.DEMO_CREDIT_CODES.values()) {
      assertEquals(18, code.length());
      assertTrue(code.startsWith("11410183"), code);
      assertTrue(cn.tongban.plugin.CreditCode.isValid(code), code);
    }
  }

  @Test
  void sm2SignaturesVerifyOnlyForTheSignedBytesAndKey() {
    Sm2.KeyPair key = Sm2.generate();
    Sm2.KeyPair other = Sm2.generate();
    byte[] message = "{\"holderName\":\"张三\"}".getBytes(StandardCharsets.UTF_8);
    byte[] signature = Sm2.sign(key.privateKey(), message);
    assertTrue(Sm2.verify(key.publicKey(), message, signature));
    assertFalse(Sm2.verify(key.publicKey(), "{\"holderName\":\"李四\"}".getBytes(StandardCharsets.UTF_8), signature));
    assertFalse(Sm2.verify(other.publicKey(), message, signature));
    assertFalse(Sm2.verify(key.publicKey(), message, new byte[] {1, 2, 3}));
  }
}
