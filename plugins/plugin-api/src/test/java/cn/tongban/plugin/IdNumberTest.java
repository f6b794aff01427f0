package cn.tongban.plugin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdNumberTest {

  @Test
  void acceptsNumbersWithTheRightCheckCharacter() {
    assertTrue(IdNumber.isValid("11010519491231002X"));
    assertTrue(IdNumber.isValid("440524188001010014"));
  }

  @Test
  void rejectsWrongCheckCharacterImpossibleBirthDateAndWrongShape() {
    assertFalse(IdNumber.isValid("110105194912310021"), "wrong check character");
    assertFalse(IdNumber.isValid("110105194902300023"), "30 February");
    assertFalse(IdNumber.isValid("11010519491231002x"), "lower-case x");
    assertFalse(IdNumber.isValid("1101051949123100"), "too short");
    assertFalse(IdNumber.isValid(null));
  }

  @Test
  void masksBirthDateKeepingAreaPrefixAndLastThree() {
    assertEquals("11*************02X", IdNumber.mask("11010519491231002X"));
  }
}
