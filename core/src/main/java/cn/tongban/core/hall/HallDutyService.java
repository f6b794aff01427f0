package cn.tongban.core.hall;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * 六统一 and staff on duty: the roster of a day (which clerk is at which window), set by administrators or the
 * hall's own clerks, and what the hall publishes about itself — its name and level, hours, each window with the
 * hours it keeps, the matters it serves and who is on duty there today.
 */
public final class HallDutyService {
  private final HallDutyStore store;
  private final AppointmentService hours;
  private final CalendarService calendar;

  public HallDutyService(io.vertx.sqlclient.Pool pool, AppointmentService hours, CalendarService calendar) {
    this.store = new HallDutyStore(pool);
    this.hours = hours;
    this.calendar = calendar;
  }

  private static LocalDate day(Optional<String> date, LocalDate today) {
    try {
      return date.map(LocalDate::parse).orElse(today);
    } catch (DateTimeParseException e) {
      throw new DomainException(ProblemCode.BAD_REQUEST, "request.invalid", "date");
    }
  }

  private Future<JsonObject> hall(String hall) {
    return store.hall(hall).compose(h -> h.map(Future::succeededFuture).orElseGet(() ->
        Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "hall.notFound", hall))));
  }

  /** A day's roster (public: window and the clerk's name, as on the window's sign; usernames for staff). */
  public Future<JsonObject> roster(Caller caller, String hall, Optional<String> date) {
    LocalDate d;
    try {
      d = day(date, calendar.today());
    } catch (DomainException e) {
      return Future.failedFuture(e);
    }
    boolean staff = caller != null && caller.kind() == Caller.Kind.STAFF;
    return hall(hall).compose(h -> store.roster(hall, d)).map(list -> {
      if (!staff) {
        list.forEach(e -> e.remove("username"));
      }
      return new JsonObject().put("hallCode", hall).put("date", d.toString()).put("duty", new JsonArray(list));
    });
  }

  /**
   * Sets a day's roster: {date, duty: [{windowCode, username}]} replaces that day's. Administrators, or the hall's
   * own clerks; each window must be the hall's and each person a clerk or agent of the hall.
   */
  public Future<JsonObject> putRoster(Caller caller, String hall, JsonObject body, Locale locale) {
    boolean allowed = caller.kind() == Caller.Kind.STAFF && (caller.has(Role.ADMIN)
        || caller.has(Role.CLERK) && caller.hallCode().map(hall::equals).orElse(false));
    if (!allowed) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "hall.dutyForbidden"));
    }
    LocalDate d;
    try {
      d = LocalDate.parse(body.getString("date", ""));
    } catch (DateTimeParseException e) {
      return AppointmentService.invalid(List.of(new Violation("/date", "format",
          Messages.get(locale, "violation.format", "date", "2026-12-07"))));
    }
    JsonArray duty = body.getValue("duty") instanceof JsonArray a ? a : new JsonArray();
    return hall(hall).compose(h -> store.pool().withTransaction(tx -> {
      List<Violation> violations = new ArrayList<>();
      List<String[]> entries = new ArrayList<>();
      Future<Void> checks = Future.succeededFuture();
      for (int i = 0; i < duty.size(); i++) {
        String pointer = "/duty/" + i;
        JsonObject e = duty.getValue(i) instanceof JsonObject o ? o : new JsonObject();
        String window = e.getString("windowCode", "");
        String username = e.getString("username", "");
        checks = checks.compose(x -> store.windowExists(tx, hall, window)).compose(ok -> {
          if (!ok) {
            violations.add(new Violation(pointer + "/windowCode", "unknown", Messages.get(locale, "ticket.window")));
          }
          return store.windowStaff(tx, hall, username);
        }).compose(name -> {
          if (name.isEmpty()) {
            violations.add(new Violation(pointer + "/username", "unknown", Messages.get(locale, "hall.dutyStaff")));
          } else {
            entries.add(new String[] {window, username, name.get()});
          }
          return Future.succeededFuture();
        });
      }
      return checks.compose(x -> violations.isEmpty() ? store.replace(tx, hall, d, entries)
              : AppointmentService.invalid(violations))
          .compose(x -> AuditLog.record(tx, caller.scopeKey(), "hall.duty", "hall", hall,
              new JsonObject().put("date", d.toString()).put("duty", duty)));
    })).compose(x -> roster(caller, hall, Optional.of(d.toString())));
  }

  /**
   * 六统一, published (public): the hall's name and level, its hours, each window — its sign (code and name), kind,
   * department, own hours or the hall's, the matters it serves (a comprehensive window: all, 一窗受理) and who is on
   * duty there today — and today's kind of day.
   */
  public Future<JsonObject> guide(String hall) {
    LocalDate today = calendar.today();
    return hall(hall).compose(h -> hours.hallHours(hall).compose(hh -> hours.windows(hall)
        .compose(windows -> store.roster(hall, today).compose(duty -> {
          Future<Void> all = Future.succeededFuture();
          for (JsonObject w : windows) {
            JsonArray names = new JsonArray();
            duty.stream().filter(e -> e.getString("windowCode").equals(w.getString("windowCode")))
                .forEach(e -> names.add(e.getString("name")));
            w.put("onDuty", names).put("sign", w.getString("windowCode") + " " + w.getString("name"))
                .put("hoursOwn", w.getValue("hours") != null);
            if (w.getValue("hours") == null) {
              w.put("hours", hh.toJson().getJsonObject("hours"));
            }
            if ("DEPARTMENT".equals(w.getString("kind"))) {
              all = all.compose(x -> store.departmentMatters(w.getString("departmentCode"))
                  .map(m -> {
                    w.put("allMatters", false).put("matters", new JsonArray(m));
                    return null;
                  }));
            } else {
              w.put("allMatters", true).put("matters", new JsonArray());
            }
          }
          return all.map(x -> h.copy().put("hours", hh.toJson().getJsonObject("hours"))
              .put("today", today.toString())
              .put("todayKind", HallHours.dayKind(calendar.calendar(), today).orElse("CLOSED"))
              .put("windows", new JsonArray(windows)));
        }))));
  }
}
