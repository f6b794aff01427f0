package cn.tongban.core.hall;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.event.Outbox;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.matter.MatterService;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * 法定节假日订制服务: an applicant asks for a time at a hall on a day it is closed (a statutory holiday, a Sunday, a
 * Saturday without hours); the hall's clerks confirm or decline it, and the applicant is told (outbox → SMS sink).
 * The same real-name level as a booking, and the same limit of open requests per person.
 */
public final class HolidayRequestService {
  private final HolidayRequestStore store;
  private final AppointmentService hours;
  private final CalendarService calendar;
  private final MatterService matters;
  private final IdentityService identity;
  private final int maxOpen;

  public HolidayRequestService(Pool pool, AppointmentService hours, CalendarService calendar, MatterService matters,
      IdentityService identity, TongbanConfig.Hall settings) {
    this.store = new HolidayRequestStore(pool);
    this.hours = hours;
    this.calendar = calendar;
    this.matters = matters;
    this.identity = identity;
    this.maxOpen = settings.maxOpenBookings();
  }

  /** {hallCode, matterCode, date, time (HH:mm), note?}: a citizen for themselves, on a day the hall is closed. */
  public Future<JsonObject> request(Caller caller, JsonObject body, Locale locale) {
    if (caller.kind() != Caller.Kind.CITIZEN) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "appointment.forbidden"));
    }
    String hall = body.getString("hallCode");
    String matter = body.getString("matterCode");
    String time = body.getString("time", "");
    String note = body.getString("note");
    LocalDate day;
    try {
      day = LocalDate.parse(body.getString("date", ""));
    } catch (DateTimeParseException e) {
      return AppointmentService.invalid(List.of(new Violation("/date", "format",
          Messages.get(locale, "violation.format", "date", "2026-10-01"))));
    }
    if (!time.matches("([01]\\d|2[0-3]):[0-5]\\d")) {
      return AppointmentService.invalid(List.of(new Violation("/time", "format",
          Messages.get(locale, "violation.format", "time", "10:00"))));
    }
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return matters.get(matter).compose(m -> identity.account(caller.subject()).compose(found -> {
      var account = found.orElseThrow(() -> new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken"));
      Optional<DomainException> low = hours.belowLevel(account, m.matter().document());
      if (low.isPresent()) {
        return Future.failedFuture(low.get());
      }
      if (!day.isAfter(calendar.today())) {
        return AppointmentService.invalid(List.of(new Violation("/date", "past",
            Messages.get(locale, "appointment.past"))));
      }
      return hours.hallHours(hall).compose(h -> HallHours.dayKind(calendar.calendar(), day).isPresent()
              && !h.slots(calendar.calendar(), day).isEmpty()
          ? AppointmentService.invalid(List.of(new Violation("/date", "open", Messages.get(locale, "holiday.open"))))
          : store.pool().withTransaction(tx -> store.open(tx, account.id(), calendar.today())
              .compose(open -> open >= maxOpen ? AppointmentService.<Void>invalid(List.of(new Violation("",
                  "tooManyBookings", Messages.get(locale, "appointment.tooMany", maxOpen))))
                  : Future.succeededFuture())
              .compose(x -> store.insert(tx, hall, matter, day, time, account.id(), account.displayName(), note, now))
              .compose(number -> AuditLog.record(tx, caller.scopeKey(), "holidayRequest.requested",
                      "holidayRequest", number, new JsonObject().put("hallCode", hall).put("date", day.toString()))
                  .compose(x -> Outbox.append(tx, "holidayRequest", number, "HolidayRequestMade", new JsonObject()
                      .put("number", number).put("hallCode", hall).put("matterCode", matter)
                      .put("date", day.toString()).put("time", time)))
                  .compose(x -> store.find(tx, number)).map(Optional::orElseThrow))));
    }));
  }

  /** A citizen their own; a hall's clerks and agents their hall's; supervisors and administrators all. */
  public Future<List<JsonObject>> list(Caller caller) {
    if (caller.kind() == Caller.Kind.CITIZEN) {
      return store.list(caller.subject(), null);
    }
    if (caller.has(Role.ADMIN) || caller.has(Role.SUPERVISOR)) {
      return store.list(null, null);
    }
    if ((caller.has(Role.CLERK) || caller.has(Role.AGENT)) && caller.hallCode().isPresent()) {
      return store.list(null, caller.hallCode().get());
    }
    return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "appointment.forbidden"));
  }

  /**
   * The hall's clerks confirm or decline: {decision: CONFIRM | DECLINE, reason?} (a reason is required to decline);
   * 409 once decided. The applicant hears of it through the outbox (SMS sink).
   */
  public Future<JsonObject> decide(Caller caller, String number, JsonObject body, Locale locale) {
    String decision = body.getString("decision", "");
    String reason = body.getString("reason");
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    if (!decision.equals("CONFIRM") && !decision.equals("DECLINE")) {
      return AppointmentService.invalid(List.of(new Violation("/decision", "enum",
          Messages.get(locale, "violation.enum", "decision"))));
    }
    if (decision.equals("DECLINE") && (reason == null || reason.isBlank())) {
      return AppointmentService.invalid(List.of(new Violation("/reason", "required",
          Messages.get(locale, "holiday.reason"))));
    }
    String status = decision.equals("CONFIRM") ? "CONFIRMED" : "DECLINED";
    return store.find(store.pool(), number).compose(found -> found
            .filter(r -> QueueService.worksAt(caller, r.getString("hallCode"))).map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(found.isPresent() && caller.kind() == Caller.Kind.STAFF
                ? new DomainException(ProblemCode.FORBIDDEN, "ticket.forbidden")
                : new DomainException(ProblemCode.NOT_FOUND, "holiday.notFound", number))))
        .compose(r -> store.pool().withTransaction(tx -> store.decide(tx, number, status, caller.scopeKey(), reason,
                now)
            .compose(ok -> ok ? Future.<Void>succeededFuture() : Future.failedFuture(new DomainException(
                ProblemCode.ILLEGAL_TRANSITION, "holiday.decided")))
            .compose(x -> AuditLog.record(tx, caller.scopeKey(), "holidayRequest." + status.toLowerCase(Locale.ROOT),
                "holidayRequest", number, new JsonObject().put("reason", reason)))
            .compose(x -> Outbox.append(tx, "holidayRequest", number,
                status.equals("CONFIRMED") ? "HolidayRequestConfirmed" : "HolidayRequestDeclined", new JsonObject()
                    .put("number", number).put("hallCode", r.getString("hallCode")).put("date", r.getString("date"))
                    .put("time", r.getString("time")).put("accountId", r.getString("accountId"))
                    .put("reason", reason)))
            .compose(x -> store.find(tx, number)).map(Optional::orElseThrow)));
  }
}
