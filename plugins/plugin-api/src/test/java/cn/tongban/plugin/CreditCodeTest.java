package cn.tongban.plugin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CreditCodeTest {

  @Test
  void acceptsRealCodesWithTheirCheckCharacter() {
    assertTrue(CreditCode.isValid("91110108551385082Q"));
    assertTrue(CreditCode.isValid("91440300708461136T"));
  }

  @Test
  void refusesAWrongCheckCharacterForbiddenLettersAndWrongLength() {
    assertFalse(CreditCode.isValid("91110108551385082R"), "wrong check character");
    assertFalse(CreditCode.isValid("91110108551385O82Q"), "O is not in the alphabet");
    assertFalse(CreditCode.isValid("9111010855138508Q"), "17 characters");
    assertFalse(CreditCode.isValid(null));
  }
}
