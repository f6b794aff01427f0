package cn.tongban.core.clock;

import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The working-day calendar and the platform clock. The calendar is held in memory and reloaded when an
 * administrator changes a day, on every node (the change is published on the event bus); every date is a
 * date in Beijing time.
 */
public final class CalendarService {
  /** The zone every date of the platform is in. */
  public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  /** Where a change of the calendar is announced, to every node of a cluster. */
  public static final String CHANGED = "tongban.calendar.changed";
  private static final Logger LOG = Logger.getLogger(CalendarService.class.getName());
  private final Vertx vertx;
  private final CalendarStore store;
  private final Clock clock;
  private volatile WorkingCalendar calendar = new WorkingCalendar(Map.of(), Set.of());

  public CalendarService(Vertx vertx, Pool pool, Clock clock) {
    this.vertx = vertx;
    this.store = new CalendarStore(pool);
    this.clock = clock;
  }

  /** Loads the calendar from the database. */
  public Future<WorkingCalendar> load() {
    return store.load().map(loaded -> {
      calendar = loaded;
      return loaded;
    });
  }

  /** Reloads the calendar whenever any node announces a change; unregister the consumer to stop. */
  public MessageConsumer<String> followChanges() {
    return vertx.eventBus().<String>consumer(CHANGED, m -> load()
        .onFailure(e -> LOG.log(Level.WARNING, "reloading the calendar failed", e)));
  }

  public WorkingCalendar calendar() {
    return calendar;
  }

  public Clock clock() {
    return clock;
  }

  /** Today, in Beijing. */
  public LocalDate today() {
    return LocalDate.now(clock.withZone(ZONE));
  }

  /** The due date {@code workingDays} after {@code from}, with a warning for years not entered yet. */
  public JsonObject dueDate(LocalDate from, BigDecimal workingDays) {
    if (workingDays.signum() < 0 || workingDays.remainder(new BigDecimal("0.5")).signum() != 0
        || workingDays.compareTo(new BigDecimal("3650")) > 0) {
      throw new DomainException(ProblemCode.BAD_REQUEST, "calendar.workingDays", workingDays);
    }
    WorkingCalendar.DueDate due = calendar.addWorkingDays(from, workingDays);
    JsonObject json = new JsonObject().put("from", from.toString()).put("workingDays", workingDays)
        .put("dueDate", due.date().toString()).put("halfDay", due.halfDay());
    if (!due.yearsWithoutCalendar().isEmpty()) {
      json.put("warnings", new JsonArray(due.yearsWithoutCalendar().stream()
          .map(y -> new JsonObject().put("code", "calendar-year-missing").put("year", y)).toList()));
    }
    return json;
  }

  /** Marks a day as a holiday or a make-up working day (administrators). */
  public Future<JsonObject> setDay(Caller caller, LocalDate day, WorkingCalendar.Kind kind, String name) {
    if (!caller.has(Role.ADMIN)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "calendar.forbidden"));
    }
    return store.pool().withTransaction(tx -> store.setDay(tx, day, kind, name, caller.scopeKey())
            .compose(v -> AuditLog.record(tx, caller.scopeKey(), "calendar.day.set", "calendar", day.toString(),
                new JsonObject().put("kind", kind.name()).put("name", name))))
        .compose(v -> load())
        .onSuccess(c -> vertx.eventBus().publish(CHANGED, day.toString()))
        .map(c -> new JsonObject().put("date", day.toString()).put("kind", kind.name()).put("name", name)
            .put("workingDay", c.isWorkingDay(day)));
  }

  /**
   * Enters a whole year from the State Council's notice (administrators): its holidays as date ranges and
   * its make-up working days, replacing whatever the year had, in one transaction with its audit event. Every
   * problem comes back at once (422 with pointers); nothing changes unless all of it is right.
   */
  public Future<JsonObject> setYear(Caller caller, int year, JsonObject notice, Locale locale) {
    if (!caller.has(Role.ADMIN)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "calendar.forbidden"));
    }
    List<Violation> v = new ArrayList<>();
    Map<LocalDate, String> holidays = new TreeMap<>();
    Map<LocalDate, String> workdays = new TreeMap<>();
    JsonArray ranges = notice.getJsonArray("holidays", new JsonArray());
    for (int i = 0; i < ranges.size(); i++) {
      JsonObject r = ranges.getJsonObject(i);
      LocalDate from = date(r.getString("from"), year, "/holidays/" + i + "/from", v, locale);
      LocalDate to = date(r.getString("to"), year, "/holidays/" + i + "/to", v, locale);
      if (from != null && to != null) {
        if (to.isBefore(from) || from.plusDays(15).isBefore(to)) {
          v.add(new Violation("/holidays/" + i + "/to", "range",
              Messages.get(locale, "calendar.range")));
        } else {
          for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            holidays.put(d, r.getString("name"));
          }
        }
      }
    }
    JsonArray extra = notice.getJsonArray("workdays", new JsonArray());
    for (int i = 0; i < extra.size(); i++) {
      JsonObject w = extra.getJsonObject(i);
      LocalDate d = date(w.getString("date"), year, "/workdays/" + i + "/date", v, locale);
      if (d != null && holidays.containsKey(d)) {
        v.add(new Violation("/workdays/" + i + "/date", "conflict",
            Messages.get(locale, "calendar.bothKinds", d)));
      } else if (d != null) {
        workdays.put(d, w.getString("name"));
      }
    }
    if (!v.isEmpty()) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "calendar.invalid", v,
          v.size()));
    }
    String source = notice.getString("source");
    return store.pool().withTransaction(tx -> store.replaceYear(tx, year, holidays, workdays, source,
                caller.scopeKey())
            .compose(x -> AuditLog.record(tx, caller.scopeKey(), "calendar.year.set", "calendar", String.valueOf(year),
                new JsonObject().put("source", source).put("holidays", holidays.size())
                    .put("workdays", workdays.size()))))
        .compose(x -> load())
        .onSuccess(c -> vertx.eventBus().publish(CHANGED, String.valueOf(year)))
        .map(c -> new JsonObject().put("year", year).put("source", source).put("holidays", holidays.size())
            .put("workdays", workdays.size()));
  }

  private static LocalDate date(String text, int year, String pointer,
      List<Violation> v, Locale locale) {
    try {
      LocalDate d = LocalDate.parse(text);
      if (d.getYear() == year) {
        return d;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    v.add(new Violation(pointer, "format",
        Messages.get(locale, "calendar.dateInYear", String.valueOf(year))));
    return null;
  }
}
