package cn.tongban.core.hall;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.event.Outbox;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * 取号叫号: numbers at a hall (walk-in, or with a booking of today, which goes first once its slot has begun),
 * called to a window by the hall's clerks and agents, transferred to another window, ended as served or absent.
 * Each ticket records when it was taken, called and finished (waiting and service time) and the case it produced.
 */
public final class QueueService {
  private final QueueStore store;
  private final AppointmentStore appointments;
  private final CalendarService calendar;

  private final AppointmentService hours;
  private final int leadMinutes;

  public QueueService(Pool pool, CalendarService calendar, AppointmentService hours, int leadMinutes) {
    this.store = new QueueStore(pool);
    this.appointments = new AppointmentStore(pool);
    this.calendar = calendar;
    this.hours = hours;
    this.leadMinutes = leadMinutes;
  }

  /**
   * Numbers are given and called only while the hall (or the window, when it has hours of its own) is open today,
   * from {@code leadMinutes} before its first period: otherwise 422 {@code closed} at {@code pointer}.
   */
  private Future<Void> open(String hall, String windowCode, String pointer, Locale locale) {
    OffsetDateTime now = HallTime.local(OffsetDateTime.now(calendar.clock()));
    return hours.effectiveHours(hall, windowCode).compose(h -> h.open(calendar.calendar(), now.toLocalDate(),
        now.toLocalTime(), leadMinutes) ? Future.succeededFuture()
        : AppointmentService.invalid(List.of(new Violation(pointer, "closed", Messages.get(locale,
            windowCode == null ? "ticket.closed" : "ticket.windowClosed")))));
  }

  /** Whether the caller works at a window of {@code hall} (clerk or agent of that hall). */
  static boolean worksAt(Caller caller, String hall) {
    return caller.kind() == Caller.Kind.STAFF && (caller.has(Role.CLERK) || caller.has(Role.AGENT))
        && caller.hallCode().map(hall::equals).orElse(false);
  }

  private static Future<Void> window(Caller caller, String hall) {
    return worksAt(caller, hall) ? Future.succeededFuture()
        : Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "ticket.forbidden"));
  }

  private LocalDate today() {
    return calendar.today();
  }

  /**
   * Takes a number: {matterCode?} for a walk-in, {appointmentNumber} with a booking of today at this hall. The
   * hall's window staff (and its kiosks, through them) take numbers for anyone; a citizen takes one only with
   * their own booking, so nobody can queue for a hall from afar without one.
   */
  public Future<JsonObject> take(Caller caller, String hall, JsonObject body, Locale locale) {
    boolean citizen = caller.kind() == Caller.Kind.CITIZEN;
    String booking = body.getString("appointmentNumber");
    if (citizen ? booking == null : !worksAt(caller, hall)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "ticket.forbidden"));
    }
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    String takenBy = caller.scopeKey();
    if (booking == null) {
      return appointments.hallExists(hall).compose(exists -> !exists
          ? Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "hall.notFound", hall))
          : open(hall, null, "", locale).compose(v -> store.pool().withTransaction(tx -> store.take(tx, hall, today(), "A", body.getString("matterCode"), null, null,
                  null, null, takenBy, now)
              .compose(t -> taken(tx, caller, t)))))
          .recover(e -> e instanceof io.vertx.pgclient.PgException pg && "23503".equals(pg.getSqlState())
              ? AppointmentService.invalid(List.of(new Violation("/matterCode", "unknown",
                  Messages.get(locale, "violation.enum", "matterCode"))))
              : Future.failedFuture(e));
    }
    Violation wrong = new Violation("/appointmentNumber", "appointment", Messages.get(locale, "ticket.appointment"));
    return open(hall, null, "", locale).compose(v -> store.pool().withTransaction(tx -> appointments.find(tx, booking, true).compose(found -> {
      Optional<JsonObject> ok = found.filter(a -> a.getString("hallCode").equals(hall)
          && "BOOKED".equals(a.getString("status"))
          && HallTime.parse(a.getString("startsAt")).toLocalDate().equals(today())
          && (!citizen || caller.subject().equals(a.getString("accountId"))));
      if (ok.isEmpty()) {
        return AppointmentService.invalid(List.of(wrong));
      }
      JsonObject a = ok.get();
      return appointments.setStatus(tx, booking, "CHECKED_IN", now)
          .compose(x -> store.take(tx, hall, today(), "Y", a.getString("matterCode"), booking,
              HallTime.parse(a.getString("startsAt")), a.getString("windowCode"), a.getString("accountId"), takenBy,
              now))
          .compose(t -> taken(tx, caller, t));
    })));
  }

  private Future<JsonObject> taken(SqlClient tx, Caller caller, JsonObject t) {
    String id = t.getString("hallCode") + "/" + t.getString("day") + "/" + t.getString("number");
    return AuditLog.record(tx, caller.scopeKey(), "ticket.taken", "ticket", id, new JsonObject()
            .put("appointmentNumber", t.getString("appointmentNumber")))
        .compose(x -> Outbox.append(tx, "ticket", id, "TicketTaken", event(t)))
        .map(t);
  }

  /** Calls the next number to the caller's window {windowCode}; {ticket: null} when nobody waits. */
  public Future<JsonObject> callNext(Caller caller, String hall, JsonObject body, Locale locale) {
    String windowCode = body.getString("windowCode");
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return window(caller, hall).compose(v -> knownWindow(hall, windowCode, locale))
        .compose(v -> open(hall, windowCode, "/windowCode", locale))
        .compose(v -> store.pool().withTransaction(tx -> store.callNext(tx, hall, today(), windowCode, now,
                caller.scopeKey())
            .compose(next -> next.isEmpty() ? Future.succeededFuture(new JsonObject().putNull("ticket"))
                : recorded(tx, caller, next.get(), "ticket.called", "TicketCalled")
                    .map(t -> new JsonObject().put("ticket", t)))));
  }

  private Future<Void> knownWindow(String hall, String windowCode, Locale locale) {
    return store.windowExists(hall, windowCode).compose(ok -> ok ? Future.succeededFuture()
        : AppointmentService.invalid(List.of(new Violation("/windowCode", "unknown",
            Messages.get(locale, "ticket.window")))));
  }

  /** Sends a called number on to another window of the hall, where it is called first. */
  public Future<JsonObject> transfer(Caller caller, String hall, String number, JsonObject body, Locale locale) {
    String windowCode = body.getString("windowCode");
    return window(caller, hall).compose(v -> knownWindow(hall, windowCode, locale))
        .compose(v -> store.pool().withTransaction(tx -> called(tx, hall, number)
            .compose(t -> store.transfer(tx, hall, today(), number, windowCode))
            .compose(x -> store.find(tx, hall, today(), number, false)).map(Optional::orElseThrow)
            .compose(t -> recorded(tx, caller, t, "ticket.transferred", "TicketTransferred"))));
  }

  /**
   * Ends a called visit: {outcome: SERVED | ABSENT, applicationNumber?}; the case number links the visit to the
   * case it produced.
   */
  public Future<JsonObject> finish(Caller caller, String hall, String number, JsonObject body, Locale locale) {
    String outcome = body.getString("outcome");
    String application = body.getString("applicationNumber");
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return window(caller, hall)
        .compose(v -> application == null ? Future.succeededFuture(true) : store.caseExists(application))
        .compose(known -> known ? Future.<Void>succeededFuture()
            : AppointmentService.invalid(List.of(new Violation("/applicationNumber", "unknown",
                Messages.get(locale, "violation.enum", "applicationNumber")))))
        .compose(v -> store.pool().withTransaction(tx -> called(tx, hall, number)
            .compose(t -> store.finish(tx, hall, today(), number, outcome, application, now))
            .compose(x -> store.find(tx, hall, today(), number, false)).map(Optional::orElseThrow)
            .compose(t -> recorded(tx, caller, t, "ticket.finished", "TicketFinished"))));
  }

  /** Links today's visit {@code number} at {@code hall} to a case (inside the caller's transaction). */
  Future<Void> link(SqlClient tx, String hall, String number, String application) {
    return store.find(tx, hall, today(), number, true).compose(t -> t.isEmpty() ? Future.succeededFuture()
        : store.link(tx, hall, today(), number, application));
  }

  private Future<JsonObject> called(SqlClient tx, String hall, String number) {
    return store.find(tx, hall, today(), number, true).compose(found -> found.isEmpty()
        ? Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "ticket.notFound", number))
        : "CALLED".equals(found.get().getString("status")) ? Future.succeededFuture(found.get())
        : Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "ticket.state",
            found.get().getString("status"))));
  }

  private Future<JsonObject> recorded(SqlClient tx, Caller caller, JsonObject t, String action, String event) {
    String id = t.getString("hallCode") + "/" + t.getString("day") + "/" + t.getString("number");
    return AuditLog.record(tx, caller.scopeKey(), action, "ticket", id, new JsonObject()
            .put("windowCode", t.getString("windowCode")).put("status", t.getString("status")))
        .compose(x -> Outbox.append(tx, "ticket", id, event, event(t))).map(t);
  }

  private static JsonObject event(JsonObject t) {
    return new JsonObject().put("hallCode", t.getString("hallCode")).put("day", t.getString("day"))
        .put("number", t.getString("number")).put("status", t.getString("status"))
        .put("windowCode", t.getString("windowCode")).put("applicationNumber", t.getString("applicationNumber"));
  }

  /**
   * One visit (a ticket of {@code day}) as 好差评 reads it to rate it — no check of the caller here: the rating
   * service decides who sees and rates a visit. Keys: id, status, matterCode, departmentCode, windowCode,
   * calledBy, accountId (null when unknown), finishedAt (an OffsetDateTime, null until it ends).
   */
  public Future<Optional<JsonObject>> visit(String hall, LocalDate day, String number) {
    return store.visit(hall, day, number);
  }

  /** The hall's queue today, for its display (public: numbers and windows only, no names). */
  public Future<JsonObject> board(String hall) {
    return appointments.hallExists(hall).compose(exists -> exists
        ? store.board(hall, today(), OffsetDateTime.now(calendar.clock())).map(QueueService::withoutStaff)
        : Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "hall.notFound", hall)));
  }

  private static JsonObject withoutStaff(JsonObject board) {
    board.getJsonArray("waiting").forEach(t -> ((JsonObject) t).remove("calledBy"));
    board.getJsonArray("called").forEach(t -> ((JsonObject) t).remove("calledBy"));
    return board;
  }

  /**
   * 大厅考核 figures of a hall between two days (YYYY-MM-DD, both included; default today): supervisors and
   * administrators for any hall, the hall's own clerks and agents for theirs.
   */
  public Future<JsonObject> assessment(Caller caller, String hall, Optional<String> from, Optional<String> to) {
    boolean oversight = caller.kind() == Caller.Kind.STAFF && (caller.has(Role.SUPERVISOR) || caller.has(Role.ADMIN));
    if (!oversight && !worksAt(caller, hall)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "ticket.forbidden"));
    }
    LocalDate start;
    LocalDate end;
    try {
      start = from.map(LocalDate::parse).orElse(today());
      end = to.map(LocalDate::parse).orElse(start);
    } catch (java.time.format.DateTimeParseException e) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "request.invalid", "from, to"));
    }
    return appointments.hallExists(hall).compose(exists -> exists ? store.assessment(hall, start, end)
        : Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "hall.notFound", hall)));
  }
}
