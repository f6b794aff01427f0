package cn.tongban.core.problem;

import java.util.List;

/**
 * A problem to report to the caller. The detail is a message key with arguments, localised at the edge;
 * violations are already in the caller's language.
 */
public class DomainException extends RuntimeException {
  private final ProblemCode code;
  private final String detailKey;
  private final transient Object[] detailArgs;
  private final List<Violation> violations;
  private final Integer retryAfterSeconds;

  public DomainException(ProblemCode code, String detailKey, Object... detailArgs) {
    this(code, List.of(), null, detailKey, detailArgs);
  }

  private DomainException(ProblemCode code, List<Violation> violations, Integer retryAfterSeconds,
      String detailKey, Object... detailArgs) {
    super(code.code() + (detailKey == null ? "" : ": " + detailKey), null, false, false);
    this.code = code;
    this.detailKey = detailKey;
    this.detailArgs = detailArgs == null ? new Object[0] : detailArgs.clone();
    this.violations = List.copyOf(violations);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A 422 (or another code) carrying every violation found. */
  public static DomainException withViolations(ProblemCode code, String detailKey, List<Violation> violations,
      Object... detailArgs) {
    return new DomainException(code, violations, null, detailKey, detailArgs);
  }

  /** A 503: a dependency the request cannot do without is down; retry after the given seconds. */
  public static DomainException unavailable(String detailKey, int retryAfterSeconds) {
    return new DomainException(ProblemCode.DEPENDENCY_UNAVAILABLE, List.of(), retryAfterSeconds, detailKey,
        retryAfterSeconds);
  }

  /** A 429 telling the caller when to try again. */
  public static DomainException throttled(String detailKey, int retryAfterSeconds) {
    return new DomainException(ProblemCode.TOO_MANY_REQUESTS, List.of(), retryAfterSeconds, detailKey,
        retryAfterSeconds);
  }

  public ProblemCode code() {
    return code;
  }

  public String detailKey() {
    return detailKey;
  }

  public Object[] detailArgs() {
    return detailArgs.clone();
  }

  public List<Violation> violations() {
    return violations;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
