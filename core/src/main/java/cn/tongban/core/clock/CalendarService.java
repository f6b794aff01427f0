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
  /** What else changes with the calendar, in its transaction (wired by Platform: the cases' due dates). */
  private YearChanged yearChanged = (tx, before, after, year) -> Future.succeededFuture(0);

  /** Runs inside the transaction that changed {@code year}: {@code before} and {@code after} the change. */
  @FunctionalInterface
  public interface YearChanged {
    Future<Integer> apply(io.vertx.sqlclient.SqlClient tx, WorkingCalendar before, WorkingCalendar after, int year);
  }

  public void onYearChanged(YearChanged hook) {
    this.yearChanged = hook;
  }

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
    WorkingCalendar before = calendar;
    return store.pool().withTransaction(tx -> store.setDay(tx, day, kind, name, caller.scopeKey())
            .compose(v -> AuditLog.record(tx, caller.scopeKey(), "calendar.day.set", "calendar", day.toString(),
                new JsonObject().put("kind", kind.name()).put("name", name)))
            .compose(v -> store.load(tx))
            .compose(after -> yearChanged.apply(tx, before, after, day.getYear())))
        .compose(moved -> load().map(c -> new JsonObject().put("date", day.toString()).put("kind", kind.name())
            .put("name", name).put("workingDay", c.isWorkingDay(day)).put("recomputedCases", moved)))
        .onSuccess(c -> vertx.eventBus().publish(CHANGED, day.toString()));
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
    WorkingCalendar before = calendar;
    return store.pool().withTransaction(tx -> store.replaceYear(tx, year, holidays, workdays, source,
                caller.scopeKey())
            .compose(x -> AuditLog.record(tx, caller.scopeKey(), "calendar.year.set", "calendar", String.valueOf(year),
                new JsonObject().put("source", source).put("holidays", holidays.size())
                    .put("workdays", workdays.size())))
            // Cases whose clocks reach the year are counted again in the same transaction: no case keeps a
            // provisional date once the year is loaded.
            .compose(x -> store.load(tx))
            .compose(after -> yearChanged.apply(tx, before, after, year)))
        .compose(moved -> load().map(c -> new JsonObject().put("year", year).put("source", source)
            .put("holidays", holidays.size()).put("workdays", workdays.size()).put("recomputedCases", moved)))
        .onSuccess(c -> vertx.eventBus().publish(CHANGED, String.valueOf(year)));
  }

  /**
   * Enters a whole year from the small text file of docs/calendar.md (administrators): one line per entry —
   * {@code source <the notice>}, {@code holiday <from>[..<to>] <name>}, {@code workday <date> <name>}; blank
   * lines and lines starting with {@code #} are skipped. Lines not understood are 422 at {@code /lines/<n>}
   * (1-based); then it is {@link #setYear} with what the file says.
   */
  public Future<JsonObject> setYearFromFile(Caller caller, int year, String text, Locale locale) {
    if (!caller.has(Role.ADMIN)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "calendar.forbidden"));
    }
    List<Violation> v = new ArrayList<>();
    JsonArray holidays = new JsonArray();
    JsonArray workdays = new JsonArray();
    List<String> sources = new ArrayList<>();
    if (text != null && text.length() > 20_000) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "calendar.invalid",
          List.of(new Violation("/lines", "maxLength", Messages.get(locale, "calendar.fileSource"))), 1));
    }
    String[] lines = text == null ? new String[0] : text.split("\\r?\\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 3);
      String word = parts[0].toLowerCase(Locale.ROOT);
      if (word.equals("source") && parts.length >= 2) {
        sources.add(line.substring(parts[0].length()).strip());
      } else if (parts.length == 3 && parts[2].length() > 50) {
        v.add(new Violation("/lines/" + (i + 1), "maxLength", Messages.get(locale, "calendar.fileLine",
            String.valueOf(i + 1))));
      } else if (word.equals("holiday") && parts.length == 3) {
        String[] range = parts[1].split("\\.\\.", 2);
        holidays.add(new JsonObject().put("from", range[0]).put("to", range.length == 2 ? range[1] : range[0])
            .put("name", parts[2]));
      } else if (word.equals("workday") && parts.length == 3) {
        workdays.add(new JsonObject().put("date", parts[1]).put("name", parts[2]));
      } else {
        v.add(new Violation("/lines/" + (i + 1), "format", Messages.get(locale, "calendar.fileLine", String.valueOf(i + 1))));
      }
    }
    if (holidays.size() > 20 || workdays.size() > 20) {
      v.add(new Violation("/lines", "maxItems", Messages.get(locale, "calendar.fileLine", String.valueOf(lines.length))));
    }
    if (sources.size() != 1 || sources.get(0).isEmpty() || sources.get(0).length() > 200) {
      v.add(new Violation("/source", "required", Messages.get(locale, "calendar.fileSource")));
    }
    if (!v.isEmpty()) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "calendar.invalid", v,
          v.size()));
    }
    return setYear(caller, year, new JsonObject().put("source", sources.get(0)).put("holidays", holidays)
        .put("workdays", workdays), locale);
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
