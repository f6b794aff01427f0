package cn.tongban.core.hall;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Channel;
import cn.tongban.core.access.Role;
import cn.tongban.core.application.ApplicationService;
import cn.tongban.core.application.ApplicationView;
import cn.tongban.core.application.SubmitCommand;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.clock.DeadlineWarnings;
import cn.tongban.core.event.Outbox;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.identity.Masking;
import cn.tongban.core.matter.MatterService;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * 上门服务: an eligible applicant (the matter's {@code homeVisit} rules: {minAge, disability, other}) asks a hall
 * for a visit; the hall's clerks assign one of their staff and a time, or decline with a reason; the assigned
 * member of staff takes the case in at the door — the ordinary submission, channel HOME_VISIT, with the visit's
 * number as its idempotency key, so the case is made once however often it is sent. The visit is due within
 * {@code days} working days (REMINDER, YELLOW and RED warnings on the working-day clock, {@link DeadlineWarnings}).
 */
public final class HomeVisitService {
  /** The sealed contact, for the key rotation's rewrap. */
  public static final SealedTable SEALED = HomeVisitStore.SEALED;
  /** The reasons a visit may be asked for. */
  public static final List<String> REASONS = List.of("AGE", "DISABILITY", "OTHER");

  private final HomeVisitStore store;
  /** The same store on the background pool: the periodic pass never waits for the requests' connections. */
  private final HomeVisitStore jobs;
  private final MatterService matters;
  private final IdentityService identity;
  private final ApplicationService applications;
  private final CalendarService calendar;
  private final AppointmentService appointments;
  private final int days;

  public HomeVisitService(Pool pool, Pool background, PersonalData personal, MatterService matters,
      IdentityService identity, ApplicationService applications, CalendarService calendar,
      AppointmentService appointments, int days) {
    this.store = new HomeVisitStore(pool, personal);
    this.jobs = new HomeVisitStore(background, personal);
    this.appointments = appointments;
    this.matters = matters;
    this.identity = identity;
    this.applications = applications;
    this.calendar = calendar;
    this.days = days;
  }

  /** The age on {@code today} of the holder of an 18-digit identity number, or -1 when it has no birth date. */
  static int age(String idNumber, LocalDate today) {
    try {
      LocalDate born = LocalDate.parse(idNumber.substring(6, 14), DateTimeFormatter.BASIC_ISO_DATE);
      return Period.between(born, today).getYears();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * A citizen asks for a visit for themselves: {hallCode, matterCode, reason: AGE | DISABILITY | OTHER, address,
   * phone, disabilityCertificate?, note?}. The matter must offer visits and the reason be one its rules allow:
   * AGE when the applicant is at least {@code minAge} (from the identity number), DISABILITY with the certificate
   * number (checked at the door), OTHER with a note when the matter allows it.
   */
  public Future<JsonObject> request(Caller caller, JsonObject body, Locale locale) {
    if (caller.kind() != Caller.Kind.CITIZEN) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "homeVisit.forbidden"));
    }
    String hall = body.getString("hallCode");
    String matter = body.getString("matterCode");
    String reason = body.getString("reason", "");
    String address = body.getString("address", "").strip();
    String phone = body.getString("phone", "").strip();
    String certificate = body.getString("disabilityCertificate", "").strip();
    String note = body.getString("note", "").strip();
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    LocalDate today = calendar.today();
    return matters.get(matter).compose(m -> identity.account(caller.subject()).compose(found -> {
      var account = found.orElseThrow(() -> new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken"));
      Optional<DomainException> low = appointments.belowLevel(account, m.matter().document());
      if (low.isPresent()) {
        return Future.failedFuture(low.get());
      }
      JsonObject rules = m.matter().document().getJsonObject("homeVisit");
      List<Violation> violations = new ArrayList<>();
      if (rules == null) {
        violations.add(new Violation("/matterCode", "notOffered", Messages.get(locale, "homeVisit.notOffered")));
      } else if (reason.equals("AGE")) {
        Integer minAge = rules.getInteger("minAge");
        int age = age(account.idNumber().orElse(""), today);
        if (minAge == null || age < minAge) {
          violations.add(new Violation("/reason", "notEligible", minAge == null
              ? Messages.get(locale, "homeVisit.reasonNotAllowed")
              : Messages.get(locale, "homeVisit.tooYoung", minAge)));
        }
      } else if (reason.equals("DISABILITY")) {
        if (!rules.getBoolean("disability", false)) {
          violations.add(new Violation("/reason", "notEligible", Messages.get(locale, "homeVisit.reasonNotAllowed")));
        } else if (certificate.isEmpty()) {
          violations.add(new Violation("/disabilityCertificate", "required",
              Messages.get(locale, "homeVisit.certificate")));
        }
      } else if (reason.equals("OTHER")) {
        if (!rules.getBoolean("other", false)) {
          violations.add(new Violation("/reason", "notEligible", Messages.get(locale, "homeVisit.reasonNotAllowed")));
        } else if (note.isEmpty()) {
          violations.add(new Violation("/note", "required", Messages.get(locale, "homeVisit.note")));
        }
      } else {
        violations.add(new Violation("/reason", "enum", Messages.get(locale, "violation.enum", "reason")));
      }
      if (address.length() < 4) {
        violations.add(new Violation("/address", "required", Messages.get(locale, "homeVisit.address")));
      }
      if (!phone.matches("1\\d{10}|0\\d{2,3}-?\\d{7,8}")) {
        violations.add(new Violation("/phone", "pattern", Messages.get(locale, "violation.pattern", "phone")));
      }
      if (!violations.isEmpty()) {
        return AppointmentService.invalid(violations);
      }
      JsonObject contact = new JsonObject().put("name", account.displayName())
          .put("idNumber", account.idNumber().orElse(null)).put("phone", phone).put("address", address)
          .put("disabilityCertificate", certificate.isEmpty() ? null : certificate)
          .put("note", note.isEmpty() ? null : note);
      LocalDate due = calendar.calendar().addWorkingDays(today, BigDecimal.valueOf(days)).date();
      return store.pool().withTransaction(tx -> store.insert(tx, hall, matter, account.id(), contact, reason, now, due)
              .compose(number -> AuditLog.record(tx, caller.scopeKey(), "homeVisit.requested", "homeVisit", number,
                      new JsonObject().put("hallCode", hall).put("matterCode", matter).put("reason", reason))
                  .compose(x -> Outbox.append(tx, "homeVisit", number, "HomeVisitRequested", new JsonObject()
                      .put("number", number).put("hallCode", hall).put("matterCode", matter)
                      .put("dueDate", due.toString())))
                  .map(number)))
          .recover(e -> e instanceof io.vertx.pgclient.PgException pg && "23503".equals(pg.getSqlState())
              ? Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "hall.notFound", hall))
              : Future.failedFuture(e))
          .compose(number -> get(caller, number));
    }));
  }

  private static boolean oversight(Caller caller) {
    return caller.kind() == Caller.Kind.STAFF && (caller.has(Role.SUPERVISOR) || caller.has(Role.ADMIN));
  }

  /** What the caller sees of a visit: oversight sees the contact masked; the applicant and the hall in full. */
  private static JsonObject view(Caller caller, JsonObject v) {
    if (!QueueService.worksAt(caller, v.getString("hallCode")) && caller.kind() != Caller.Kind.CITIZEN) {
      v.put("contact", Masking.person(v.getJsonObject("contact")));
    }
    v.remove("id");
    v.remove("assignedId");
    return v;
  }

  private Future<JsonObject> visible(Caller caller, String number, boolean forHall) {
    return store.find(store.pool(), number, false).compose(found -> {
      Optional<JsonObject> v = found.filter(x -> QueueService.worksAt(caller, x.getString("hallCode"))
          || !forHall && (oversight(caller) || caller.kind() == Caller.Kind.CITIZEN
              && caller.subject().equals(x.getString("accountId"))));
      if (v.isPresent()) {
        return Future.succeededFuture(v.get());
      }
      boolean seen = found.isPresent() && (oversight(caller) || caller.kind() == Caller.Kind.STAFF
          && (caller.has(Role.CLERK) || caller.has(Role.AGENT)) && forHall
          && found.get().getString("hallCode").equals(caller.hallCode().orElse(null)));
      return Future.failedFuture(seen ? new DomainException(ProblemCode.FORBIDDEN, "homeVisit.forbidden")
          : new DomainException(ProblemCode.NOT_FOUND, "homeVisit.notFound", number));
    });
  }

  /** One visit, with the deadline warnings raised on it: its applicant, its hall's staff, oversight (masked). */
  public Future<JsonObject> get(Caller caller, String number) {
    return visible(caller, number, false).compose(v -> store.warnings(store.pool(), v.getLong("id"))
        .map(w -> view(caller, v.put("warnings", new JsonArray(w)))));
  }

  /** A citizen their own; a hall's clerks and agents their hall's; supervisors and administrators all (masked). */
  public Future<List<JsonObject>> list(Caller caller) {
    Future<List<JsonObject>> found;
    if (caller.kind() == Caller.Kind.CITIZEN) {
      found = store.list(caller.subject(), null);
    } else if (oversight(caller)) {
      found = store.list(null, null);
    } else if (caller.kind() == Caller.Kind.STAFF && (caller.has(Role.CLERK) || caller.has(Role.AGENT))
        && caller.hallCode().isPresent()) {
      found = store.list(null, caller.hallCode().get());
    } else {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "homeVisit.forbidden"));
    }
    return found.map(list -> list.stream().map(v -> view(caller, v)).toList());
  }

  /**
   * The hall's clerks and agents assign one of their own staff and a time: {assignee (username), scheduledAt};
   * again to move it. The applicant is told (outbox → SMS sink).
   */
  public Future<JsonObject> schedule(Caller caller, String number, JsonObject body, Locale locale) {
    OffsetDateTime at = HallTime.parse(body.getString("scheduledAt"));
    String assignee = body.getString("assignee", "");
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return visible(caller, number, true).compose(v -> {
      if (at == null) {
        return AppointmentService.<JsonObject>invalid(List.of(new Violation("/scheduledAt", "format",
            Messages.get(locale, "violation.format", "scheduledAt", "2026-12-07T09:00:00+08:00"))));
      }
      if (!at.isAfter(now)) {
        return AppointmentService.<JsonObject>invalid(List.of(new Violation("/scheduledAt", "past",
            Messages.get(locale, "appointment.past"))));
      }
      return store.hallStaff(v.getString("hallCode"), assignee).compose(staff -> staff.isEmpty()
          ? AppointmentService.<String>invalid(List.of(new Violation("/assignee", "unknown",
              Messages.get(locale, "hall.dutyStaff"))))
          : store.pool().withTransaction(tx -> store.schedule(tx, number, staff.get()[0], at, caller.scopeKey(), now)
              .compose(ok -> ok ? Future.<Void>succeededFuture() : Future.failedFuture(new DomainException(
                  ProblemCode.ILLEGAL_TRANSITION, "homeVisit.state", v.getString("status"))))
              .compose(x -> AuditLog.record(tx, caller.scopeKey(), "homeVisit.scheduled", "homeVisit", number,
                  new JsonObject().put("assignee", assignee).put("scheduledAt", HallTime.text(at))))
              .compose(x -> Outbox.append(tx, "homeVisit", number, "HomeVisitScheduled", new JsonObject()
                  .put("number", number).put("accountId", v.getString("accountId"))
                  .put("scheduledAt", HallTime.text(at)).put("assigneeName", staff.get()[1])))
              .map(x -> number)))
          .compose(n -> get(caller, n));
    });
  }

  /** The hall declines a visit it cannot make, with a reason the applicant is told. */
  public Future<JsonObject> decline(Caller caller, String number, JsonObject body, Locale locale) {
    String reason = body.getString("reason", "").strip();
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return visible(caller, number, true).compose(v -> reason.isEmpty()
        ? AppointmentService.<JsonObject>invalid(List.of(new Violation("/reason", "required",
            Messages.get(locale, "holiday.reason"))))
        : store.pool().withTransaction(tx -> store.decline(tx, number, reason, caller.scopeKey(), now)
            .compose(ok -> ok ? Future.<Void>succeededFuture() : Future.failedFuture(new DomainException(
                ProblemCode.ILLEGAL_TRANSITION, "homeVisit.state", v.getString("status"))))
            .compose(x -> AuditLog.record(tx, caller.scopeKey(), "homeVisit.declined", "homeVisit", number,
                new JsonObject().put("reason", reason)))
            .compose(x -> Outbox.append(tx, "homeVisit", number, "HomeVisitDeclined", new JsonObject()
                .put("number", number).put("accountId", v.getString("accountId")).put("reason", reason)))
            .map(x -> number)).compose(n -> get(caller, n)));
  }

  /** The applicant withdraws a visit not yet made. */
  public Future<JsonObject> cancel(Caller caller, String number) {
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return visible(caller, number, false).compose(v -> caller.kind() != Caller.Kind.CITIZEN
        ? Future.<JsonObject>failedFuture(new DomainException(ProblemCode.FORBIDDEN, "homeVisit.forbidden"))
        : store.pool().withTransaction(tx -> store.cancel(tx, number, now)
            .compose(ok -> ok ? Future.<Void>succeededFuture() : Future.failedFuture(new DomainException(
                ProblemCode.ILLEGAL_TRANSITION, "homeVisit.state", v.getString("status"))))
            .compose(x -> AuditLog.record(tx, caller.scopeKey(), "homeVisit.cancelled", "homeVisit", number, null))
            .compose(x -> Outbox.append(tx, "homeVisit", number, "HomeVisitCancelled", new JsonObject()
                .put("number", number).put("hallCode", v.getString("hallCode"))))
            .map(x -> number)).compose(n -> get(caller, n)));
  }

  /**
   * 上门受理: the assigned member of staff takes the case in at the door, {data, materials?}: the ordinary
   * submission (the form's rules, the matter's materials), channel HOME_VISIT, the visit's hall, the applicant
   * from the visit, idempotency key {@code home-visit-<number>} — sent twice, or twice at once, it makes one case.
   */
  public Future<JsonObject> takeIn(Caller caller, String number, JsonObject body, Locale locale) {
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return visible(caller, number, true).compose(v -> {
      // A repeat by the assignee after the case was made answers that case again (the idempotency key).
      boolean again = "TAKEN_IN".equals(v.getString("status"));
      if (!"SCHEDULED".equals(v.getString("status")) && !again) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "homeVisit.state",
            v.getString("status")));
      }
      if (!caller.subject().equals(assignedId(v))) {
        return Future.failedFuture(again
            ? new DomainException(ProblemCode.ILLEGAL_TRANSITION, "homeVisit.state", v.getString("status"))
            : new DomainException(ProblemCode.FORBIDDEN, "homeVisit.notAssigned"));
      }
      JsonObject contact = v.getJsonObject("contact");
      SubmitCommand cmd = new SubmitCommand(v.getString("matterCode"), body.getJsonObject("data", new JsonObject()),
          Channel.HOME_VISIT, Optional.of(v.getString("hallCode")), Optional.of(new JsonObject()
              .put("name", contact.getString("name")).put("idNumber", contact.getString("idNumber"))),
          Optional.of("home-visit-" + number), body.getJsonArray("materials", new JsonArray()));
      return applications.submit(caller, cmd, locale).compose(submission -> {
        String application = submission.application().number();
        return store.pool().withTransaction(tx -> store.takenIn(tx, number, application, now)
                .compose(changed -> !changed ? Future.<Void>succeededFuture()
                    : AuditLog.record(tx, caller.scopeKey(), "homeVisit.takenIn", "homeVisit", number,
                            new JsonObject().put("applicationNumber", application))
                        .compose(x -> Outbox.append(tx, "homeVisit", number, "HomeVisitTakenIn", new JsonObject()
                            .put("number", number).put("applicationNumber", application)))))
            .map(x -> new JsonObject().put("homeVisit", number)
                .put("application", ApplicationView.of(submission.application(), caller)));
      });
    });
  }

  /** The assigned staff member's account id (the store answers the username; the id is kept for this check). */
  private String assignedId(JsonObject v) {
    return v.getString("assignedId");
  }

  /** The deadline scan of visits not yet made (one working day ahead), through the one warning rule. */
  public Future<Integer> scan() {
    LocalDate today = calendar.today();
    LocalDate horizon = DeadlineWarnings.horizon(calendar.calendar(), today);
    return jobs.dueBy(horizon).compose(due -> {
      DeadlineWarnings.Batch batch = new DeadlineWarnings.Batch(today);
      due.forEach(d -> batch.add((Long) d[0], (String) d[1], (LocalDate) d[2]));
      return batch.isEmpty() ? Future.succeededFuture(0)
          : jobs.raise(batch.ids, batch.kinds, batch.levels, batch.dues, OffsetDateTime.now(calendar.clock()));
    });
  }
}
