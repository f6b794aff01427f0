package cn.tongban.core;

import cn.tongban.core.application.DeadlineScanner;
import cn.tongban.core.application.DepartmentStatistics;
import cn.tongban.core.audit.AuditChain;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.hotline.WorkOrderDeadlines;
import cn.tongban.core.hall.HallJobs;
import cn.tongban.core.identity.SigningKeys;
import cn.tongban.core.outbox.OutboxRelay;
import cn.tongban.core.disclosure.DisclosureService;
import cn.tongban.core.proactive.ReminderService;
import cn.tongban.core.intermediary.IntermediaryService;
import cn.tongban.core.rating.RatingService;
import cn.tongban.core.infra.Meters;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every periodic job of a node, in one place. Each runs on every node (the jobs themselves claim rows or locks,
 * so no work is done twice), never overlaps its own previous pass, and logs a failed pass and goes on.
 */
final class ScheduledJobs {
  private static final Logger LOG = Logger.getLogger(ScheduledJobs.class.getName());
  static final long FOLD_INTERVAL_MILLIS = 5_000;

  private final Vertx vertx;
  private final List<Job> jobs = new ArrayList<>();
  /** What the gauges read (a gauge holds its object weakly). */
  private final List<Object> gauges = new ArrayList<>();

  /** One periodic job: its timer and its pass in flight; {@code awaitOnStop} when closing must let a pass finish. */
  private static final class Job {
    final String failure;
    final Supplier<Future<?>> pass;
    final boolean awaitOnStop;
    long timer;
    Future<?> running;

    Job(String failure, Supplier<Future<?>> pass, boolean awaitOnStop) {
      this.failure = failure;
      this.pass = pass;
      this.awaitOnStop = awaitOnStop;
    }
  }

  private ScheduledJobs(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts the jobs the configuration switches on (an interval of 0 switches a job off). */
  static ScheduledJobs start(Vertx vertx, TongbanConfig config, DepartmentStatistics statistics, OutboxRelay relay,
      AuditChain audit, DeadlineScanner deadlines, RatingService ratings, WorkOrderDeadlines workOrders,
      HallJobs hall, DisclosureService disclosures, ReminderService reminders, IntermediaryService intermediaries,
      Supplier<Future<?>> idempotencyExpiry, Supplier<Future<?>> signingKeys) {
    ScheduledJobs jobs = new ScheduledJobs(vertx);
    // Keeps the counted changes of cases few, so that reading the statistics stays a sum of a few rows.
    jobs.every(FOLD_INTERVAL_MILLIS, "folding the department statistics failed", statistics::fold, false);
    jobs.every(config.relayIntervalMillis(), "outbox relay pass failed", relay::relayAll, false);
    // The node holding the chain head's row lock appends; a pass in flight finishes before the pool closes.
    jobs.every(config.auditSealIntervalMillis(), "audit chain sealing failed", audit::sealAll, true);
    // The scanner's row claims and unique warnings keep two nodes' scans from raising anything twice.
    jobs.every(config.scanIntervalSeconds() * 1000L, "deadline scan failed", Meters.timed(
        Meters.timer("tongban.deadline.scan", "one pass of the case deadline scan"), deadlines::scan), false);
    // 好差评: default ratings after the window, bad reviews' warnings; unique keys keep nodes from doubling them.
    jobs.every(config.scanIntervalSeconds() * 1000L, "ratings scan failed", ratings::scan, false);
    // Work orders' reminders and cards: unique warning rows keep two nodes from raising one twice.
    jobs.every(config.scanIntervalSeconds() * 1000L, "work-order deadline scan failed", workOrders::scan, false);
    // Reminders, no-shows and pre-registration expiry claim their rows, so every node may run the pass.
    jobs.every(config.hall().jobIntervalSeconds() * 1000L, "hall services pass failed", hall::pass, false);
    // 双公示: licences issued for cases are published, revoked ones marked; unique keys keep nodes from doubling.
    jobs.every(config.scanIntervalSeconds() * 1000L, "disclosure pass failed", disclosures::scan, false);
    // 主动提醒: the reminder's unique key (rule, person, occasion) keeps nodes and restarts from sending twice.
    jobs.every(reminderIntervalSeconds(config) * 1000L, "reminder scan failed", reminders::scan, false);
    // 中介超市: overdue work is marked once under the organisation's row lock, so nodes do not count it twice.
    jobs.every(config.scanIntervalSeconds() * 1000L, "intermediary overdue pass failed", intermediaries::scan, false);
    // Idempotency keys past their retention are cleared in batches that skip rows another node holds.
    jobs.every(config.scanIntervalSeconds() * 1000L, "idempotency-key expiry failed", idempotencyExpiry, false);
    // Token-signing keys: read again on every node (another may have rotated them), rotated when due under a
    // table lock, so one node rotates and the others find the young key.
    jobs.every(SigningKeys.REFRESH_MILLIS, "token-signing key pass failed", signingKeys, false);
    if (Meters.enabled()) {
      // Only for the metrics: the outbox's pending events and dead letters, counted every 15 s.
      AtomicLongArray backlog = new AtomicLongArray(2);
      jobs.gauges.add(backlog);
      Gauge.builder("tongban.outbox.pending", backlog, b -> b.get(0)).description("outbox events waiting to go out")
          .register(Meters.registry());
      Gauge.builder("tongban.outbox.dead", backlog, b -> b.get(1)).description("outbox events given up (dead letters)")
          .register(Meters.registry());
      jobs.every(15_000, "counting the outbox backlog failed", () -> relay.backlog().onSuccess(counts -> {
        backlog.set(0, counts[0]);
        backlog.set(1, counts[1]);
      }), false);
    }
    return jobs;
  }

  /** {@code TONGBAN_REMINDER_INTERVAL_SECONDS} (default an hour; 0 = off): how often the reminder rules run. */
  static long reminderIntervalSeconds(TongbanConfig config) {
    try {
      return Math.max(0, Long.parseLong(config.settings().getOrDefault("TONGBAN_REMINDER_INTERVAL_SECONDS", "3600")
          .trim()));
    } catch (NumberFormatException e) {
      LOG.warning("TONGBAN_REMINDER_INTERVAL_SECONDS is not a number; reminders run hourly");
      return 3600;
    }
  }

  private void every(long millis, String failure, Supplier<Future<?>> pass, boolean awaitOnStop) {
    if (millis <= 0) {
      return;
    }
    Job job = new Job(failure, pass, awaitOnStop);
    job.timer = vertx.setPeriodic(millis, id -> {
      if (job.running != null && !job.running.isComplete()) {
        return;
      }
      job.running = job.pass.get().onFailure(e -> LOG.log(Level.WARNING, job.failure, e));
    });
    jobs.add(job);
  }

  /** Stops every timer; completes once the passes that must finish have finished (failed or not). */
  Future<Void> stop() {
    List<Future<?>> awaited = new ArrayList<>();
    for (Job job : jobs) {
      vertx.cancelTimer(job.timer);
      if (job.awaitOnStop && job.running != null) {
        awaited.add(job.running.otherwiseEmpty());
      }
    }
    return Future.join(awaited).mapEmpty();
  }
}
