package cn.tongban.core.supervision;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.clock.DeadlineWarnings;
import cn.tongban.core.page.Cursor;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * 电子监察 monitoring and 问责 (docs/supervision.md): the warned cases, work orders and rectifications; the
 * timeliness of decided cases; and the accountability of every red card — routed to the case's officer and
 * its department's head (the department's approvers), explained within {@code explainDays} working days,
 * closed by a supervisor with a finding. Supervisors and administrators see everything; department staff
 * their department's; a window clerk their hall's warned items; an officer their own accountability.
 */
public final class SupervisionService {
  /** Who the platform's own accountability steps are recorded as. */
  public static final String ACTOR = "system:supervision";
  private static final Set<String> LEVELS = Set.of("REMINDER", "YELLOW", "RED");
  private static final Set<String> SOURCES = Set.of("CASE", "WORK_ORDER", "RECTIFICATION");
  private static final Set<String> FINDINGS = Set.of("JUSTIFIED", "WARNED", "REPORTED");
  private static final Set<String> STATUSES = Set.of("OPEN", "EXPLAINED", "CLOSED");
  private static final List<String> GROUPS = List.of("department", "hall", "matter", "officer");
  private static final Set<Role> DEPARTMENT_ROLES = Set.of(Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_ADMIN);
  private static final int TEXT_MAX = 2000;

  private final SupervisionStore store;
  /** The same store on the background pool: the periodic pass never waits for the requests' connections. */
  private final SupervisionStore jobs;
  private final CalendarService calendar;
  private final int explainDays;

  public SupervisionService(SupervisionStore store, SupervisionStore jobs, CalendarService calendar,
      int explainDays) {
    this.store = store;
    this.jobs = jobs;
    this.calendar = calendar;
    this.explainDays = explainDays;
  }

  private static boolean oversight(Caller c) {
    return c.kind() == Caller.Kind.STAFF && (c.has(Role.SUPERVISOR) || c.has(Role.ADMIN));
  }

  private static boolean departmentStaff(Caller c) {
    return c.kind() == Caller.Kind.STAFF && c.departmentCode().isPresent()
        && DEPARTMENT_ROLES.stream().anyMatch(c::has);
  }

  // ------------------------------------------------------------------------------------------ monitoring

  /**
   * 预警办件: warned items, the latest warning first, by {@code level} (the highest raised), {@code source},
   * {@code kind}, {@code department}, {@code hall}, {@code matter}, {@code officer} (username), the period
   * the last warning was raised in ({@code from}, {@code to}, days inclusive), {@code overdue}. Department
   * staff are held to their department, window clerks to their hall.
   */
  public Future<JsonObject> warned(Caller caller, Map<String, String> q, Locale locale) {
    Optional<String> department = opt(q, "department");
    Optional<String> hall = opt(q, "hall");
    if (!oversight(caller)) {
      if (departmentStaff(caller)) {
        department = caller.departmentCode();
      } else if (caller.kind() == Caller.Kind.STAFF && caller.has(Role.CLERK) && caller.hallCode().isPresent()) {
        hall = caller.hallCode();
      } else {
        return forbidden();
      }
    }
    List<Violation> v = new ArrayList<>();
    Optional<String> level = oneOf(q, "level", LEVELS, v, locale);
    Optional<String> source = oneOf(q, "source", SOURCES, v, locale);
    Optional<OffsetDateTime> from = day(q, "from", v, locale).map(this::startOf);
    Optional<OffsetDateTime> to = day(q, "to", v, locale).map(d -> startOf(d.plusDays(1)));
    Optional<Boolean> overdue = opt(q, "overdue").map(Boolean::parseBoolean);
    int limit = limit(q, v, locale);
    Optional<JsonArray> after;
    try {
      after = Cursor.decode(opt(q, "cursor"), 3);
    } catch (DomainException e) {
      return Future.failedFuture(e);
    }
    if (!v.isEmpty()) {
      return invalid(v);
    }
    var filter = new SupervisionStore.WarnedFilter(level, source, opt(q, "kind"), department, hall,
        opt(q, "matter"), opt(q, "officer"), from, to, overdue, after, limit + 1);
    return store.warned(filter, calendar.today()).map(rows -> {
      boolean more = rows.size() > limit;
      List<JsonObject> items = more ? rows.subList(0, limit) : rows;
      String next = null;
      if (more) {
        JsonObject last = items.get(items.size() - 1);
        next = Cursor.encode(last.getString("lastRaisedAt"), last.getString("source"), last.getLong("itemId"));
      }
      return new JsonObject().put("items", new JsonArray(new ArrayList<>(items))).put("nextCursor", next);
    });
  }

  /**
   * 时效统计 of cases decided in the period, per {@code groupBy} (department, hall, matter, officer): how many,
   * on time, early, the average and 90th-percentile working days used (suspensions left out) against the
   * average promised limit, and how many were extended, suspended or deemed consented.
   */
  public Future<JsonObject> timeliness(Caller caller, Map<String, String> q, Locale locale) {
    Optional<String> department = opt(q, "department");
    if (!oversight(caller)) {
      if (!departmentStaff(caller)) {
        return forbidden();
      }
      department = caller.departmentCode();
    }
    List<Violation> v = new ArrayList<>();
    String groupBy = oneOf(q, "groupBy", Set.copyOf(GROUPS), v, locale).orElse("department");
    LocalDate today = calendar.today();
    LocalDate from = day(q, "from", v, locale).orElse(today.withDayOfMonth(1));
    LocalDate to = day(q, "to", v, locale).orElse(today);
    if (v.isEmpty() && to.isBefore(from)) {
      v.add(new Violation("/to", "range", Messages.get(locale, "supervision.period")));
    }
    if (!v.isEmpty()) {
      return invalid(v);
    }
    return store.decided(startOf(from), startOf(to.plusDays(1)), department).map(cases -> {
      Function<SupervisionStore.Decided, String[]> key = switch (groupBy) {
        case "hall" -> d -> new String[] {d.hall(), d.hallName()};
        case "matter" -> d -> new String[] {d.matter(), d.matterName()};
        case "officer" -> d -> new String[] {d.officer(), d.officerName()};
        default -> d -> new String[] {d.department(), d.departmentName()};
      };
      Map<String, List<SupervisionStore.Decided>> groups = new TreeMap<>();
      Map<String, String> names = new TreeMap<>();
      for (var d : cases) {
        String[] k = key.apply(d);
        String code = k[0] == null ? "" : k[0];
        groups.computeIfAbsent(code, x -> new ArrayList<>()).add(d);
        names.put(code, k[1]);
      }
      JsonArray out = new JsonArray();
      groups.forEach((code, list) -> out.add(figures(list).put("code", code.isEmpty() ? null : code)
          .put("name", names.get(code))));
      return new JsonObject().put("from", from.toString()).put("to", to.toString()).put("groupBy", groupBy)
          .put("total", figures(cases)).put("groups", out);
    });
  }

  private JsonObject figures(List<SupervisionStore.Decided> cases) {
    var cal = calendar.calendar();
    List<Integer> used = new ArrayList<>();
    int onTime = 0;
    int early = 0;
    int extended = 0;
    int suspended = 0;
    int deemed = 0;
    BigDecimal promised = BigDecimal.ZERO;
    for (var d : cases) {
      used.add(Math.max(0, cal.workingDaysBetween(d.clockStart(), d.decided()) - d.suspendedWorkingDays()));
      onTime += d.decided().isAfter(d.dueDate()) ? 0 : 1;
      early += d.decided().isBefore(d.dueDate()) ? 1 : 0;
      extended += d.extended() ? 1 : 0;
      suspended += d.suspended() ? 1 : 0;
      deemed += d.deemedConsent() ? 1 : 0;
      promised = promised.add(d.promisedDays());
    }
    int n = cases.size();
    used.sort(Comparator.naturalOrder());
    JsonObject f = new JsonObject().put("decided", n).put("onTime", onTime).put("late", n - onTime)
        .put("early", early).put("extended", extended).put("suspended", suspended).put("deemedConsents", deemed);
    if (n == 0) {
      return f.put("onTimeRate", null).put("averageWorkingDays", null).put("p90WorkingDays", null)
          .put("averagePromisedDays", null);
    }
    double sum = used.stream().mapToInt(Integer::intValue).sum();
    // nearest rank: the smallest value with at least 90% of the cases at or below it
    int p90 = used.get((int) Math.ceil(0.9 * n) - 1);
    return f.put("onTimeRate", round((double) onTime / n, 4)).put("averageWorkingDays", round(sum / n, 2))
        .put("p90WorkingDays", p90)
        .put("averagePromisedDays", promised.divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_UP).doubleValue());
  }

  private static double round(double x, int places) {
    return BigDecimal.valueOf(x).setScale(places, RoundingMode.HALF_UP).doubleValue();
  }

  // ---------------------------------------------------------------------------------------------- 问责

  /** The periodic pass: opens accountability for new red cards, then warns of explanations falling due. */
  public Future<JsonObject> scan() {
    LocalDate today = calendar.today();
    LocalDate due = calendar.calendar().addWorkingDays(today, BigDecimal.valueOf(explainDays)).date();
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return jobs.openForRedCards(due, now, ACTOR).compose(opened -> {
      LocalDate horizon = DeadlineWarnings.horizon(calendar.calendar(), today);
      return jobs.explanationsDueBy(horizon).compose(dueRows -> {
        Future<Integer> chain = Future.succeededFuture(0);
        for (Object[] r : dueRows) {
          String level = DeadlineWarnings.level((LocalDate) r[1], today);
          String previous = (String) r[2];
          if (rank(level) > rank(previous)) {
            chain = chain.compose(n -> jobs.raiseOverdue((Long) r[0], level, previous, now).map(b -> n + (b ? 1 : 0)));
          }
        }
        return chain;
      }).map(warned -> new JsonObject().put("opened", opened).put("explanationWarnings", warned));
    });
  }

  private static int rank(String level) {
    return level == null ? 0 : switch (level) {
      case "RED" -> 3;
      case "YELLOW" -> 2;
      default -> 1;
    };
  }

  /**
   * 问责记录: supervisors and administrators all (narrowed by {@code status}, {@code department},
   * {@code number}); a department's approvers (its head) their department's and their own; any other staff
   * member those they are the officer of.
   */
  public Future<JsonObject> accountabilities(Caller caller, Map<String, String> q, Locale locale) {
    if (caller.kind() != Caller.Kind.STAFF) {
      return forbidden();
    }
    List<Violation> v = new ArrayList<>();
    Optional<String> status = oneOf(q, "status", STATUSES, v, locale);
    int limit = limit(q, v, locale);
    Optional<Long> before = Optional.empty();
    try {
      before = Cursor.decode(opt(q, "cursor"), 1).map(c -> c.getLong(0));
    } catch (RuntimeException e) {
      v.add(new Violation("/cursor", "format", Messages.get(locale, "supervision.cursor")));
    }
    if (!v.isEmpty()) {
      return invalid(v);
    }
    Optional<String> scope = oversight(caller) ? Optional.empty()
        : Optional.of(caller.subject() + "|" + (caller.has(Role.APPROVER) ? caller.departmentCode().orElse("") : ""));
    var filter = new SupervisionStore.AccountabilityFilter(status, opt(q, "department"), scope, opt(q, "number"),
        before, limit + 1);
    return store.accountabilities(filter).map(rows -> {
      boolean more = rows.size() > limit;
      List<JsonObject> items = more ? rows.subList(0, limit) : rows;
      return new JsonObject().put("items", new JsonArray(new ArrayList<>(items)))
          .put("nextCursor", more ? Cursor.encode(Long.parseLong(items.get(items.size() - 1).getString("id"))) : null);
    });
  }

  /**
   * 情况说明: the case's officer or an approver of its department records why the limit was missed, once,
   * while the record is OPEN (409 after). Others who may see it (oversight) get 403; anyone else 404.
   */
  public Future<JsonObject> explain(Caller caller, String id, JsonObject body, Locale locale) {
    return find(id).compose(c -> {
      boolean officer = caller.kind() == Caller.Kind.STAFF && caller.subject().equals(c.getString("officerId"));
      boolean head = departmentStaff(caller) && caller.has(Role.APPROVER)
          && caller.departmentCode().orElse("").equals(c.getString("departmentCode"));
      if (!officer && !head) {
        return oversight(caller) ? forbidden() : notFound(id);
      }
      List<Violation> v = new ArrayList<>();
      String text = text(body, "explanation", true, v, locale);
      if (!v.isEmpty()) {
        return invalid(v);
      }
      JsonObject event = new JsonObject().put("id", id).put("number", c.getString("number"))
          .put("departmentCode", c.getString("departmentCode")).put("explanation", text)
          .put("as", officer ? "OFFICER" : "DEPARTMENT_HEAD");
      return store.pool().withTransaction(tx -> store.explain(tx, Long.parseLong(id), text, caller.scopeKey(),
              OffsetDateTime.now(calendar.clock()), event))
          .compose(done -> done ? find(id) : illegal(c, "explain", locale));
    });
  }

  /** 问责结论: a supervisor closes an OPEN or EXPLAINED record with a finding (409 once closed). */
  public Future<JsonObject> close(Caller caller, String id, JsonObject body, Locale locale) {
    return Access.require(caller, "supervision.closeForbidden", Role.SUPERVISOR).compose(x -> find(id)).compose(c -> {
      List<Violation> v = new ArrayList<>();
      Object f = body.getValue("finding");
      if (!(f instanceof String s) || !FINDINGS.contains(s)) {
        v.add(new Violation("/finding", f == null ? "required" : "enum", Messages.get(locale, "supervision.finding")));
      }
      String note = text(body, "note", !"JUSTIFIED".equals(f), v, locale);
      if (!v.isEmpty()) {
        return invalid(v);
      }
      JsonObject event = new JsonObject().put("id", id).put("number", c.getString("number"))
          .put("departmentCode", c.getString("departmentCode")).put("officer", c.getString("officerId"))
          .put("finding", f).put("note", note);
      return store.pool().withTransaction(tx -> store.close(tx, Long.parseLong(id), (String) f, note,
              caller.scopeKey(), OffsetDateTime.now(calendar.clock()), event))
          .compose(done -> done ? find(id) : illegal(c, "close", locale));
    });
  }

  private Future<JsonObject> find(String id) {
    if (!id.matches("\\d{1,18}")) {
      return notFound(id);
    }
    return store.accountability(store.pool(), Long.parseLong(id))
        .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> notFound(id)));
  }

  // -------------------------------------------------------------------------------------------- helpers

  private OffsetDateTime startOf(LocalDate day) {
    return day.atStartOfDay(CalendarService.ZONE).toOffsetDateTime();
  }

  private static Optional<String> opt(Map<String, String> q, String name) {
    return Optional.ofNullable(q.get(name)).map(String::trim).filter(s -> !s.isEmpty());
  }

  private static Optional<String> oneOf(Map<String, String> q, String name, Set<String> allowed, List<Violation> v,
      Locale locale) {
    Optional<String> value = opt(q, name);
    if (value.isPresent() && !allowed.contains(value.get())) {
      v.add(new Violation("/" + name, "enum", Messages.get(locale, "supervision.enum", name,
          String.join(", ", new java.util.TreeSet<>(allowed)))));
      return Optional.empty();
    }
    return value;
  }

  private static Optional<LocalDate> day(Map<String, String> q, String name, List<Violation> v, Locale locale) {
    try {
      return opt(q, name).map(LocalDate::parse);
    } catch (DateTimeParseException e) {
      v.add(new Violation("/" + name, "format", Messages.get(locale, "supervision.date")));
      return Optional.empty();
    }
  }

  private static int limit(Map<String, String> q, List<Violation> v, Locale locale) {
    try {
      int n = opt(q, "limit").map(Integer::parseInt).orElse(100);
      if (n >= 1 && n <= 500) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    v.add(new Violation("/limit", "range", Messages.get(locale, "supervision.limit")));
    return 100;
  }

  private static String text(JsonObject body, String name, boolean required, List<Violation> v, Locale locale) {
    Object t = body.getValue(name);
    if (t == null || t instanceof String s && s.isBlank()) {
      if (required) {
        v.add(new Violation("/" + name, "required", Messages.get(locale, "supervision.text." + name)));
      }
      return null;
    }
    if (!(t instanceof String s) || s.length() > TEXT_MAX) {
      v.add(new Violation("/" + name, "length", Messages.get(locale, "supervision.text." + name)));
      return null;
    }
    return s.trim();
  }

  private static <T> Future<T> forbidden() {
    return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "supervision.monitorForbidden"));
  }

  private static <T> Future<T> notFound(String id) {
    return Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "supervision.notFound", id));
  }

  private static <T> Future<T> invalid(List<Violation> v) {
    return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "supervision.invalid", v));
  }

  private static <T> Future<T> illegal(JsonObject c, String action, Locale locale) {
    return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "supervision.illegal",
        Messages.get(locale, "supervision.status." + c.getString("status")), action));
  }
}
