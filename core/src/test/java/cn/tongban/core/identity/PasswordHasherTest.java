package cn.tongban.core.identity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {

  @Test
  void verifiesTheRightPasswordOnlyAndSaltsEveryHash() {
    String a = PasswordHasher.hash("tongban-demo");
    String b = PasswordHasher.hash("tongban-demo");
    assertTrue(a.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), a);
    assertNotEquals(a, b, "each hash has its own salt");
    assertTrue(PasswordHasher.verify("tongban-demo", a));
    assertFalse(PasswordHasher.verify("tongban-demO", a));
    assertFalse(PasswordHasher.verify("tongban-demo", "not-a-hash"));
    assertFalse(PasswordHasher.verify("tongban-demo", "$argon2id$v=19$m=x$y$z"));
  }
}
