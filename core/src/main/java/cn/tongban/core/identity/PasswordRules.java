package cn.tongban.core.identity;

import java.util.Optional;

/** Password rules: at least 10 characters of three kinds (lower, upper, digit, symbol), not built on personal data. */
public final class PasswordRules {
  private PasswordRules() {
  }

  /** The message key of the first rule {@code password} breaks, if any. */
  public static Optional<String> problem(String password, String... personal) {
    if (password == null || password.length() < 10 || password.length() > 128) {
      return Optional.of("password.length");
    }
    int kinds = (password.chars().anyMatch(Character::isLowerCase) ? 1 : 0)
        + (password.chars().anyMatch(Character::isUpperCase) ? 1 : 0)
        + (password.chars().anyMatch(Character::isDigit) ? 1 : 0)
        + (password.chars().anyMatch(c -> !Character.isLetterOrDigit(c)) ? 1 : 0);
    if (kinds < 3) {
      return Optional.of("password.kinds");
    }
    for (String p : personal) {
      if (p != null && p.length() >= 4 && password.contains(p.length() > 8 ? p.substring(p.length() - 8) : p)) {
        return Optional.of("password.personal");
      }
    }
    return Optional.empty();
  }
}
