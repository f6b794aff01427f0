package cn.tongban.core.application;

import cn.tongban.core.clock.DeadlineWarnings;
import cn.tongban.core.access.Role;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Access;
import cn.tongban.core.clock.CalendarService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * 电子监察 and 超时默认, safe on every node at once: applies deemed consent to departments silent past their
 * limit (rows claimed with FOR UPDATE SKIP LOCKED), and raises each reminder (1 working day before a
 * limit), yellow card (on it) and red card (past it) exactly once, as a warning on the case and an outbox
 * event. Limits watched: the promised and statutory decision limits, department opinions, the
 * correction-notice deadline, forwarded same-city cases awaiting acceptance, 容缺 deadlines, commitment
 * verifications, and the issue of an approved case's licence within 10 working days.
 */
public final class DeadlineScanner {
  /** Who the platform's own steps are recorded as. */
  public static final String ACTOR = "system:deadline-scanner";

  /** Working days within which the licence of an approval is issued (Administrative Licensing Law art. 44). */
  public static final java.math.BigDecimal LICENCE_DAYS = java.math.BigDecimal.TEN;

  private final ApplicationStore store;
  private final DeadlineStore deadlines;
  private final CalendarService calendar;
  /** What runs after each pass (问责, wired by Platform), its answer merged into the scan's. */
  private java.util.function.Supplier<Future<JsonObject>> afterScan = () -> Future.succeededFuture(new JsonObject());

  public DeadlineScanner(ApplicationStore store, CalendarService calendar) {
    this.store = store;
    this.deadlines = new DeadlineStore(store.pool());
    this.calendar = calendar;
  }

  public void afterScan(java.util.function.Supplier<Future<JsonObject>> next) {
    this.afterScan = next;
  }

  /** {@link #scan()} on demand, for an administrator or supervisor. */
  public Future<JsonObject> scan(Caller caller) {
    return Access.require(caller, "supervision.forbidden", Role.ADMIN, Role.SUPERVISOR).compose(v -> scan());
  }

  /** One pass: deemed consents first (they may move cases on), then warnings, then what follows them. */
  public Future<JsonObject> scan() {
    LocalDate today = calendar.today();
    return deemConsents(today).compose(deemed -> raiseWarnings(today)
        .map(raised -> new JsonObject().put("date", today.toString()).put("deemedConsents", deemed)
            .put("warningsRaised", raised)))
        .compose(result -> afterScan.get().map(result::mergeIn));
  }

  private Future<Integer> deemConsents(LocalDate today) {
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return store.pool().withTransaction(tx -> deadlines.silentPastLimit(tx, today)
            .compose(ids -> {
              Future<Integer> chain = Future.succeededFuture(0);
              for (long id : ids) {
                chain = chain.compose(n -> deem(tx, id, today, now).map(k -> n + k));
              }
              return chain;
            }));
  }

  private Future<Integer> deem(SqlClient tx, long id, LocalDate today, OffsetDateTime now) {
    return deadlines.deemSilentOpinions(tx, id, today, ACTOR, now)
        .compose(departments -> {
          return store.opinionCounts(tx, id).compose(counts -> store.findById(tx, id).compose(found -> {
            Application a = found.orElseThrow();
            ApplicationStatus to = counts[0] == 0 && counts[1] == 0 ? ApplicationStatus.IN_REVIEW : a.status();
            return store.transition(tx, new ApplicationStore.Transition(a, to, a.data(), a.clock(), a.supervision(),
                now, "deemed-consent", "超时默认", ACTOR, "部门超时未出具意见，视为同意",
                new JsonObject().put("departments", new io.vertx.core.json.JsonArray(departments)),
                "ApplicationDeemedConsent", java.util.Optional.empty()));
          })).map(departments.size());
        });
  }

  private Future<Integer> raiseWarnings(LocalDate today) {
    LocalDate horizon = DeadlineWarnings.horizon(calendar.calendar(), today);
    OffsetDateTime since = today.minusDays(90).atStartOfDay(CalendarService.ZONE).toOffsetDateTime();
    return deadlines.dueBy(horizon).compose(rows -> deadlines.awaitingLicence(since).compose(pending -> {
      List<DeadlineStore.Warning> warnings = new ArrayList<>();
      for (DeadlineStore.Due r : rows) {
        warnings.add(new DeadlineStore.Warning(r.applicationId(), r.kind(), DeadlineWarnings.level(r.due(), today),
            r.subject(), r.due()));
      }
      // The licence's limit is counted here, on the working-day calendar, from the approval day.
      for (DeadlineStore.Approval r : pending) {
        LocalDate due = calendar.calendar().addWorkingDays(r.approvedOn(), LICENCE_DAYS).date();
        if (!due.isAfter(horizon)) {
          warnings.add(new DeadlineStore.Warning(r.applicationId(), "LICENCE_DUE",
              DeadlineWarnings.level(due, today), "", due));
        }
      }
      if (warnings.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return deadlines.raise(warnings, OffsetDateTime.now(calendar.clock()));
    }));
  }
}
