package cn.tongban.core.access;

import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;

import java.util.Arrays;

/**
 * The role check a core entry point makes before it acts, so REST, GraphQL and any later channel get the
 * same answer from the same place.
 */
public final class Access {
  private Access() {
  }

  /** Succeeds when the caller holds one of {@code anyOf}; otherwise fails 403 saying {@code messageKey}. */
  public static Future<Void> require(Caller caller, String messageKey, Role... anyOf) {
    return Arrays.stream(anyOf).anyMatch(caller::has) ? Future.succeededFuture()
        : Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, messageKey));
  }
}
