package cn.tongban.plugin;

/**
 * What a handler decides for a case on its own at submission (即办件 rules): accept it at once, or accept
 * and approve it at once. {@code rule} names the rule that decided, for the case's record and the applicant.
 */
public record Decision(Outcome outcome, String rule) {

  /** How far the platform takes the case by itself. */
  public enum Outcome {
    /** 受理: straight into the department's queue, no window step. */
    ACCEPT,
    /** 受理 and 准予 at once (即办件 only). */
    APPROVE
  }

  public Decision {
    if (outcome == null || rule == null || rule.isBlank()) {
      throw new IllegalArgumentException("a decision names its outcome and its rule");
    }
  }
}
