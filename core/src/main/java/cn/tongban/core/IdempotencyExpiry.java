package cn.tongban.core;

import cn.tongban.core.application.ApplicationStore;
import cn.tongban.core.lifeevent.LifeEventStore;
import cn.tongban.core.project.ProjectStore;
import io.vertx.core.Future;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;

/**
 * Forgets idempotency keys older than the retention (docs/operations.md, "Idempotency keys"): batches of
 * {@value #BATCH} per table through V67's partial indexes until none is due. A periodic job of
 * {@link ScheduledJobs}; the stores hold the statement.
 */
final class IdempotencyExpiry {
  private static final int BATCH = 500;

  private final List<Function<OffsetDateTime, Future<Integer>>> tables;
  private final Clock clock;
  private final int retentionHours;

  IdempotencyExpiry(ApplicationStore applications, LifeEventStore lifeEvents, ProjectStore projects, Clock clock,
      int retentionHours) {
    this.tables = List.of(
        before -> applications.forgetIdempotencyKeys(before, BATCH),
        before -> lifeEvents.forgetIdempotencyKeys(before, BATCH),
        before -> projects.forgetIdempotencyKeys(before, BATCH),
        before -> projects.forgetStageIdempotencyKeys(before, BATCH));
    this.clock = clock;
    this.retentionHours = retentionHours;
  }

  /** One pass over every table; the number of keys forgotten. */
  Future<Integer> pass() {
    OffsetDateTime before = OffsetDateTime.now(clock).minusHours(retentionHours);
    Future<Integer> chain = Future.succeededFuture(0);
    for (var table : tables) {
      chain = chain.compose(n -> drain(table, before, n));
    }
    return chain;
  }

  private static Future<Integer> drain(Function<OffsetDateTime, Future<Integer>> table, OffsetDateTime before,
      int done) {
    return table.apply(before).compose(n -> n < BATCH ? Future.succeededFuture(done + n)
        : drain(table, before, done + n));
  }
}
