package cn.tongban.core.rating;

import cn.tongban.core.clock.DeadlineWarnings;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.agency.AgentAuthorisations;
import cn.tongban.core.application.Application;
import cn.tongban.core.application.ApplicationService;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.page.Cursor;
import cn.tongban.core.page.Page;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * 好差评: the applicant rates a decided or delivered case once; a bad review (grades 1–2) is verified,
 * rectified and called back by the case's department on the working-day clock, or appealed to a supervisor;
 * the figures leave out upheld appeals. Every change is one transaction with its audit and outbox rows.
 */
public final class RatingService {
  /** Who the platform's own ratings and warnings are recorded as. */
  public static final String ACTOR = "system:ratings";
  static final Map<Integer, String> GRADE_NAMES = Map.of(5, "非常满意", 4, "满意", 3, "基本满意", 2, "不满意",
      1, "非常不满意");
  private static final Set<String> RATEABLE = Set.of("APPROVED", "DENIED", "DELIVERED");
  private static final Set<String> CITIZEN_SOURCES = Set.of("WEB", "MINI_PROGRAM", "SMS", "KIOSK");
  private static final Set<Role> DEPARTMENT_ROLES = Set.of(Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_ADMIN);
  private static final int TEXT_MAX = 1000;

  /** How far back the default job looks past a closed window (a job stopped longer leaves older ones be). */
  static final int DEFAULT_LOOKBACK_DAYS = 60;

  /**
   * A hall visit as the rating needs it, read through {@link Visits} (wired by {@code Platform} to the hall
   * services' queue, which this package does not depend on).
   */
  public record Visit(String id, String hallCode, LocalDate day, String number, String status,
      Optional<String> matterCode, Optional<String> departmentCode, Optional<String> windowCode,
      Optional<String> servedBy, Optional<String> accountId, Optional<OffsetDateTime> finishedAt) {
  }

  /** Finds a visit by hall, day and queue number. */
  public interface Visits {
    Future<Optional<Visit>> find(String hallCode, LocalDate day, String number);
  }

  private final RatingStore store;
  /** The same store on the background pool: the periodic pass never waits for the requests' connections. */
  private final RatingStore jobs;
  private final ApplicationService applications;
  private final AgentAuthorisations authorisations;
  private final Visits visits;
  private final CalendarService calendar;
  private final TongbanConfig.Ratings settings;

  public RatingService(RatingStore store, RatingStore jobs, ApplicationService applications,
      AgentAuthorisations authorisations, Visits visits, CalendarService calendar, TongbanConfig.Ratings settings) {
    this.store = store;
    this.jobs = jobs;
    this.applications = applications;
    this.authorisations = authorisations;
    this.visits = visits;
    this.calendar = calendar;
    this.settings = settings;
  }

  /** The settings pages need: grades, reasons, the window. Public. */
  public JsonObject settings() {
    JsonArray grades = new JsonArray();
    for (int g = 5; g >= 1; g--) {
      grades.add(new JsonObject().put("grade", g).put("name", GRADE_NAMES.get(g)));
    }
    return new JsonObject().put("grades", grades).put("reasons", new JsonArray(settings.reasons()))
        .put("windowDays", settings.windowDays());
  }

  // ------------------------------------------------------------------------------------------- rating

  /**
   * 评价: the applicant (online), the window's pad (a clerk of the case's hall hands it to the applicant) or
   * the hotline reading it out. 404 when the caller may not see the case, 403 when they see it but may not
   * rate, 422 with every violation, 409 before the decision, after the window or for a second rating.
   */
  public Future<JsonObject> rate(Caller caller, String number, JsonObject body, Locale locale) {
    return store.caseFacts(number).compose(found -> found.isEmpty() ? notFound(number)
        : applications.visible(caller, number).compose(visible -> visible ? rate(caller, found.get(), body, locale)
            : notFound(number)));
  }

  private Future<JsonObject> rate(Caller caller, RatingStore.CaseFacts facts, JsonObject body, Locale locale) {
    Future<String> source;
    if (caller.kind() == Caller.Kind.CITIZEN) {
      source = Future.succeededFuture(body.getValue("source") instanceof String s ? s : "WEB");
    } else if (caller.kind() == Caller.Kind.STAFF && caller.has(Role.CLERK)) {
      source = Future.succeededFuture("PAD");
    } else if (caller.kind() == Caller.Kind.STAFF && caller.has(Role.HOTLINE)) {
      source = Future.succeededFuture("HOTLINE");
    } else if (caller.kind() == Caller.Kind.STAFF && caller.has(Role.AGENT) && caller.hallCode().isPresent()) {
      source = agent(caller, facts);
    } else {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "rating.forbidden"));
    }
    return source.compose(s -> {
      Rated rated = checkBody(caller, s, body, locale);
      if (!rated.violations.isEmpty()) {
        return invalid(rated.violations);
      }
      if (!RATEABLE.contains(facts.status())) {
        return Future.failedFuture(new DomainException(ProblemCode.RATING_CLOSED, "rating.notDecided"));
      }
      Optional<OffsetDateTime> from = facts.deliveredAt().or(facts::decidedAt);
      return record(caller, facts.subject(), rated, from, "rating.exists",
          new JsonObject().put("number", facts.number()));
    });
  }

  /**
   * 代办: an agent rates for the applicant only under the applicant's valid authorisation of the agent's hall
   * for the case's matter (the one they may apply under); any other agent is refused.
   */
  private Future<String> agent(Caller caller, RatingStore.CaseFacts facts) {
    return applications.get(caller, facts.number()).compose(a -> {
      String idNumber = a.applicant().getString("idNumber");
      return idNumber == null ? Future.succeededFuture(Optional.<JsonObject>empty())
          : authorisations.usable(Optional.empty(), idNumber, caller.hallCode().orElseThrow(), facts.matterCode());
    }).compose(found -> found.isPresent() ? Future.succeededFuture("AGENT")
        : Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "rating.agentNotAuthorised")));
  }

  /**
   * 评价 of a hall visit (a queue number served at a window), once: the applicant whose booking it was (online),
   * the window staff of the hall handing the pad to the applicant, or the hotline reading it out. 404 when the
   * visit is not there or not the caller's to see, 403 when they see it but may not rate, 422, 409 before it
   * is served, after the window or for a second rating.
   */
  public Future<JsonObject> rateVisit(Caller caller, String hall, String day, String number, JsonObject body,
      Locale locale) {
    return visit(caller, hall, day, number).compose(visit -> {
      String source;
      if (caller.kind() == Caller.Kind.CITIZEN) {
        source = body.getValue("source") instanceof String s ? s : "WEB";
      } else if (worksAt(caller, hall)) {
        source = "PAD";
      } else if (caller.kind() == Caller.Kind.STAFF && caller.has(Role.HOTLINE)) {
        source = "HOTLINE";
      } else {
        return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "rating.visitForbidden"));
      }
      Rated rated = checkBody(caller, source, body, locale);
      if (!rated.violations.isEmpty()) {
        return invalid(rated.violations);
      }
      if (!"SERVED".equals(visit.status())) {
        return Future.failedFuture(new DomainException(ProblemCode.RATING_CLOSED, "rating.visitNotServed"));
      }
      RatingStore.Subject subject = new RatingStore.Subject(Optional.empty(), Optional.of(visit.id()),
          Optional.empty(), Optional.of(visit.day()), Optional.of(visit.number()), visit.departmentCode(),
          visit.matterCode(), Optional.of(hall), visit.windowCode(), visit.servedBy());
      return record(caller, subject, rated, visit.finishedAt(), "rating.visitExists",
          new JsonObject().put("hallCode", hall).put("visitDay", day).put("visitNumber", number));
    });
  }

  /** The rating of a visit the caller may see, if any (their comment shown as {@link #shown} allows). */
  public Future<Optional<JsonObject>> ofVisit(Caller caller, String hall, String day, String number) {
    return visit(caller, hall, day, number).compose(v -> store.findByVisit(v.id()))
        .map(found -> found.map(r -> shown(caller, r)));
  }

  /**
   * A visit the caller may see: the window staff of its hall, supervisors, administrators and the hotline, or
   * the citizen whose booking it was; 404 otherwise.
   */
  private Future<Visit> visit(Caller caller, String hall, String day, String number) {
    LocalDate date;
    try {
      date = LocalDate.parse(day);
    } catch (DateTimeParseException e) {
      return visitNotFound(number);
    }
    return visits.find(hall, date, number).compose(found -> {
      boolean sees = found.isPresent() && (caller.kind() == Caller.Kind.CITIZEN
          ? found.get().accountId().filter(caller.subject()::equals).isPresent()
          : worksAt(caller, hall) || caller.kind() == Caller.Kind.STAFF && (caller.has(Role.SUPERVISOR)
              || caller.has(Role.ADMIN) || caller.has(Role.HOTLINE)));
      return sees ? Future.succeededFuture(found.get()) : visitNotFound(number);
    });
  }

  /** Whether the caller works at a window of {@code hall} (a clerk or agent of that hall). */
  private static boolean worksAt(Caller caller, String hall) {
    return caller.kind() == Caller.Kind.STAFF && (caller.has(Role.CLERK) || caller.has(Role.AGENT))
        && caller.hallCode().filter(hall::equals).isPresent();
  }

  /** A rating's body, checked: grade, reasons, comment, source, and every violation at its pointer. */
  private record Rated(int grade, List<String> reasons, Optional<String> comment, String source,
      List<Violation> violations) {
  }

  private Rated checkBody(Caller caller, String source, JsonObject body, Locale locale) {
    List<Violation> v = new ArrayList<>();
    Object g = body.getValue("grade");
    int grade = g instanceof Integer i ? i : g instanceof Long l && l >= 1 && l <= 5 ? l.intValue() : 0;
    if (grade < 1 || grade > 5) {
      v.add(new Violation("/grade", g == null ? "required" : "range", Messages.get(locale, "rating.grade")));
    }
    List<String> reasons = new ArrayList<>();
    Object given = body.getValue("reasons");
    if (given != null && !(given instanceof JsonArray)) {
      v.add(new Violation("/reasons", "type", Messages.get(locale, "rating.reasons", reasonList())));
    } else if (given instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        Object reason = list.getValue(i);
        if (!(reason instanceof String s) || !settings.reasons().contains(s)) {
          v.add(new Violation("/reasons/" + i, "enum", Messages.get(locale, "rating.reasonUnknown",
              String.valueOf(reason), reasonList())));
        } else if (!reasons.contains(s)) {
          reasons.add(s);
        }
      }
    }
    if (grade >= 1 && grade <= 2 && reasons.isEmpty() && v.stream().noneMatch(x -> x.pointer().startsWith("/reasons"))) {
      v.add(new Violation("/reasons", "required", Messages.get(locale, "rating.reasons", reasonList())));
    }
    Optional<String> comment = text(body, "comment", v, locale, false);
    if (caller.kind() == Caller.Kind.CITIZEN && !CITIZEN_SOURCES.contains(source)) {
      v.add(new Violation("/source", "enum", Messages.get(locale, "rating.source")));
    }
    return new Rated(grade, grade <= 2 ? reasons : List.of(), comment, source, v);
  }

  /**
   * Checks the window ({@code windowDays} from the day of {@code from}, the delivery, decision or end of the
   * visit) and stores the rating with its audit and outbox rows; 409 {@code exists} for a second one.
   */
  private Future<JsonObject> record(Caller caller, RatingStore.Subject subject, Rated rated,
      Optional<OffsetDateTime> from, String exists, JsonObject auditDetail) {
    LocalDate today = calendar.today();
    LocalDate last = from.map(t -> t.atZoneSameInstant(CalendarService.ZONE).toLocalDate()).orElse(today)
        .plusDays(settings.windowDays());
    if (today.isAfter(last)) {
      return Future.failedFuture(new DomainException(ProblemCode.RATING_CLOSED, "rating.late",
          settings.windowDays(), last.toString()));
    }
    boolean bad = rated.grade <= 2;
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    RatingStore.NewRating n = new RatingStore.NewRating(subject, rated.grade, rated.reasons, rated.comment,
        rated.source, caller.scopeKey(), now, bad ? "VERIFYING" : "RECORDED",
        bad ? Optional.of(workingDaysFrom(today, settings.verifyDays())) : Optional.empty());
    return store.pool().withTransaction(tx -> store.insert(tx, n).compose(id -> {
      if (id.isEmpty()) {
        return Future.failedFuture(new DomainException(ProblemCode.RATING_EXISTS, exists));
      }
      return AuditLog.record(tx, caller.scopeKey(), "rating.recorded", "rating", id.get().toString(),
              auditDetail.put("grade", rated.grade).put("source", rated.source))
          .compose(x -> store.event(tx, id.get(), "RatingRecorded"))
          .compose(x -> store.find(tx, id.get())).map(Optional::orElseThrow);
    }));
  }

  /** The rating of a case the caller may see (the applicant's own, shown with the case), if any. */
  public Future<Optional<JsonObject>> ofCase(Caller caller, String number) {
    return applications.visible(caller, number).compose(visible -> visible ? store.findByNumber(number)
        : Future.succeededFuture(Optional.<JsonObject>empty())).map(found -> found.map(r -> shown(caller, r)));
  }

  /**
   * The rating of a case just read for its caller ({@link ApplicationService#get} checked the scope and the
   * {@link Application} is its proof), without checking the scope a second time on the read path.
   */
  public Future<Optional<JsonObject>> ofShownCase(Caller caller, Application shown) {
    return store.findByNumber(shown.number()).map(found -> found.map(r -> shown(caller, r)));
  }

  /**
   * The free-text comment is personal data: shown to the applicant (who only ever gets their own), to those
   * who handle the rating (the responsible department's staff for a case, the hall's clerks for a visit) and
   * to supervisors; withheld from everyone else who sees the rating. The staff member's name only to staff.
   */
  private static JsonObject shown(Caller caller, JsonObject r) {
    if (caller.kind() != Caller.Kind.STAFF) {
      r.remove("staffName");
    }
    if (r.containsKey("comment") && !readsComment(caller, r)) {
      r.remove("comment");
      r.put("commentWithheld", true);
    }
    return r;
  }

  private static boolean readsComment(Caller caller, JsonObject r) {
    if (caller.kind() == Caller.Kind.CITIZEN || caller.has(Role.SUPERVISOR)) {
      return true;
    }
    return caller.kind() == Caller.Kind.STAFF && handles(caller, r);
  }

  /** The bad review's owner: the case's department (its reviewers, approvers, admins) or the visit's hall (clerks). */
  private static boolean handles(Caller caller, JsonObject r) {
    if ("VISIT".equals(r.getString("kind"))) {
      return caller.has(Role.CLERK) && caller.hallCode().filter(h -> h.equals(r.getString("hallCode"))).isPresent();
    }
    return DEPARTMENT_ROLES.stream().anyMatch(caller::has)
        && caller.departmentCode().filter(d -> d.equals(r.getString("departmentCode"))).isPresent();
  }

  // ------------------------------------------------------------------------------------ bad reviews

  /** One step of a bad review; see docs/ratings.md for who may take which, and when. */
  public Future<JsonObject> act(Caller caller, String id, JsonObject body, Locale locale) {
    Optional<Long> key = id.matches("\\d{1,18}") ? Optional.of(Long.parseLong(id)) : Optional.empty();
    if (key.isEmpty()) {
      return ratingNotFound(id);
    }
    String action = body.getValue("action") instanceof String a ? a : "";
    return store.pool().withTransaction(tx -> store.lock(tx, key.get()).compose(found -> {
      if (found.isEmpty() || !sees(caller, found.get())) {
        return ratingNotFound(id);
      }
      JsonObject r = found.get();
      boolean decide = action.equals("decide-appeal");
      if (decide ? !caller.has(Role.SUPERVISOR) : !handles(caller, r)) {
        return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "rating.actForbidden"));
      }
      return step(tx, caller, r, action, body, locale)
          .compose(event -> AuditLog.record(tx, caller.scopeKey(), "rating." + action, "rating", id,
                  new JsonObject().put("number", r.getString("number")).put("from", r.getString("status")))
              .compose(x -> store.event(tx, key.get(), event)))
          .compose(x -> store.find(tx, key.get())).map(found2 -> shown(caller, found2.orElseThrow()));
    }));
  }

  /** Checks the body and the turn, then makes the change; answers the outbox event's type. */
  private Future<String> step(SqlClient tx, Caller caller, JsonObject r, String action, JsonObject body,
      Locale locale) {
    List<Violation> v = new ArrayList<>();
    String status = r.getString("status");
    long id = Long.parseLong(r.getString("id"));
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    LocalDate today = calendar.today();
    String by = caller.scopeKey();
    switch (action) {
      case "verify" -> {
        Optional<String> finding = text(body, "finding", v, locale, true);
        Object d = body.getValue("rectifyDays");
        int days = d == null ? settings.rectifyMinDays() : d instanceof Integer i ? i : -1;
        if (days < settings.rectifyMinDays() || days > settings.rectifyMaxDays()) {
          v.add(new Violation("/rectifyDays", "range", Messages.get(locale, "rating.rectifyDays",
              settings.rectifyMinDays(), settings.rectifyMaxDays())));
        }
        return checked(v, status, "VERIFYING", action, locale).compose(x -> store.verify(tx, id, finding.orElseThrow(),
            workingDaysFrom(today, days), by, now)).map("RatingVerified");
      }
      case "rectify" -> {
        Optional<String> measures = text(body, "measures", v, locale, true);
        return checked(v, status, "RECTIFYING", action, locale).compose(x -> store.rectify(tx, id,
            measures.orElseThrow(), workingDaysFrom(today, settings.callbackDays()), by, now)).map("RatingRectified");
      }
      case "call-back" -> {
        String outcome = body.getValue("outcome") instanceof String o ? o : "";
        if (!Set.of("SATISFIED", "UNSATISFIED", "UNREACHABLE").contains(outcome)) {
          v.add(new Violation("/outcome", body.getValue("outcome") == null ? "required" : "enum",
              Messages.get(locale, "rating.outcome")));
        }
        Optional<String> note = text(body, "note", v, locale, false);
        return checked(v, status, "CALLING_BACK", action, locale).compose(x -> store.callBack(tx, id, outcome,
            note.orElse(null), by, now)).map("RatingCalledBack");
      }
      case "appeal" -> {
        Optional<String> reason = text(body, "reason", v, locale, true);
        JsonArray evidence = new JsonArray();
        if (body.getValue("evidence") instanceof JsonArray list) {
          for (int i = 0; i < list.size(); i++) {
            if (list.getValue(i) instanceof String s && !s.isBlank() && s.length() <= TEXT_MAX) {
              evidence.add(s.strip());
            } else {
              v.add(new Violation("/evidence/" + i, "type", Messages.get(locale, "rating.evidence")));
            }
          }
        }
        if (evidence.isEmpty() && v.stream().noneMatch(x -> x.pointer().startsWith("/evidence"))) {
          v.add(new Violation("/evidence", "required", Messages.get(locale, "rating.evidence")));
        }
        boolean open = Set.of("VERIFYING", "RECTIFYING", "CALLING_BACK").contains(status)
            && !r.containsKey("appeal");
        // One appeal per bad review, while it is open.
        return checked(v, status, open ? status : "VERIFYING, RECTIFYING or CALLING_BACK", action, locale).compose(x -> store.appeal(tx, id,
            new JsonObject().put("reason", reason.orElseThrow()).put("evidence", evidence).put("fromStatus", status)
                .put("appealedAt", now.toString()), "APPEALED", false)).map("RatingAppealed");
      }
      case "decide-appeal" -> {
        String decision = body.getValue("decision") instanceof String o ? o : "";
        if (!Set.of("UPHOLD", "REJECT").contains(decision)) {
          v.add(new Violation("/decision", body.getValue("decision") == null ? "required" : "enum",
              Messages.get(locale, "rating.decision")));
        }
        Optional<String> comment = text(body, "comment", v, locale, true);
        JsonObject appeal = r.getJsonObject("appeal", new JsonObject()).copy();
        boolean upheld = decision.equals("UPHOLD");
        return checked(v, status, "APPEALED", action, locale).compose(x -> store.appeal(tx, id,
            appeal.put("decision", decision).put("comment", comment.orElseThrow()).put("decidedAt", now.toString()),
            upheld ? "APPEAL_UPHELD" : appeal.getString("fromStatus"), upheld)).map("RatingAppealDecided");
      }
      default -> {
        return invalid(List.of(new Violation("/action", "enum", Messages.get(locale, "rating.action", action))));
      }
    }
  }

  /** 422 for a bad body first, then 409 when it is not this step's turn. */
  private Future<Void> checked(List<Violation> v, String status, String expected, String action, Locale locale) {
    if (!v.isEmpty()) {
      return invalid(v);
    }
    if (!status.equals(expected)) {
      return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "rating.outOfTurn",
          Messages.get(locale, "rating.status." + status), action));
    }
    return Future.succeededFuture();
  }

  /**
   * Who sees a rating: its department's staff, the clerks of its hall (intake hall of a case, hall of a
   * visit), supervisors and administrators.
   */
  private static boolean sees(Caller caller, JsonObject r) {
    if (caller.kind() != Caller.Kind.STAFF) {
      return false;
    }
    if (caller.has(Role.SUPERVISOR) || caller.has(Role.ADMIN)) {
      return true;
    }
    boolean department = DEPARTMENT_ROLES.stream().anyMatch(caller::has) && r.getString("departmentCode") != null
        && caller.departmentCode().filter(r.getString("departmentCode")::equals).isPresent();
    boolean hall = caller.has(Role.CLERK) && caller.hallCode().isPresent()
        && caller.hallCode().get().equals(r.getString("hallCode"));
    return department || hall;
  }

  // ------------------------------------------------------------------------------------- worklist

  /** The ratings the caller may see, newest first: department staff their own, clerks their hall's, oversight all. */
  public Future<JsonObject> list(Caller caller, Map<String, String> query, Locale locale) {
    Optional<String> department = Optional.empty();
    Optional<String> hall = Optional.empty();
    if (caller.kind() != Caller.Kind.STAFF) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "rating.staffOnly"));
    }
    if (!caller.has(Role.SUPERVISOR) && !caller.has(Role.ADMIN)) {
      if (DEPARTMENT_ROLES.stream().anyMatch(caller::has) && caller.departmentCode().isPresent()) {
        department = caller.departmentCode();
      } else if (caller.has(Role.CLERK) && caller.hallCode().isPresent()) {
        hall = caller.hallCode();
      } else {
        return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "rating.staffOnly"));
      }
    }
    List<Violation> v = new ArrayList<>();
    Optional<String> asked = Optional.ofNullable(query.get("departmentCode"));
    if (asked.isPresent()) {
      if (department.isPresent() && !department.equals(asked)) {
        return Future.succeededFuture(new JsonObject().put("items", new JsonArray()).putNull("nextCursor"));
      }
      department = asked;
    }
    Optional<Integer> grade = Optional.ofNullable(query.get("grade")).map(g -> g.matches("[1-5]") ? Integer.valueOf(g)
        : null);
    if (query.get("grade") != null && grade.isEmpty()) {
      v.add(new Violation("/grade", "range", Messages.get(locale, "rating.grade")));
    }
    int limit = 50;
    if (query.get("limit") != null) {
      limit = query.get("limit").matches("\\d{1,3}") ? Integer.parseInt(query.get("limit")) : 0;
      if (limit < 1 || limit > 200) {
        v.add(new Violation("/limit", "range", Messages.get(locale, "violation.maximum", "limit", 200)));
      }
    }
    LocalDate[] period = period(query, v, locale, false);
    Optional<String> kind = Optional.ofNullable(query.get("kind"));
    if (kind.isPresent() && !Set.of("CASE", "VISIT").contains(kind.get())) {
      v.add(new Violation("/kind", "enum", Messages.get(locale, "violation.enum", "kind")));
    }
    Optional<Long> before;
    try {
      before = Cursor.decode(Optional.ofNullable(query.get("cursor")), 1).map(k -> k.getLong(0));
    } catch (DomainException e) {
      return Future.failedFuture(e);
    } catch (ClassCastException e) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "application.cursor"));
    }
    if (!v.isEmpty()) {
      return invalid(v);
    }
    int size = limit;
    RatingStore.Filter f = new RatingStore.Filter(department, hall, Optional.ofNullable(query.get("status")),
        Optional.ofNullable(query.get("matterCode")), grade, "true".equals(query.get("bad")),
        Optional.ofNullable(query.get("number")), Optional.ofNullable(period[0]).map(this::startOf),
        Optional.ofNullable(period[1]).map(d -> startOf(d.plusDays(1))), before, size + 1, kind,
        Optional.ofNullable(query.get("windowCode")));
    return store.list(f).map(rows -> Page.of(rows, size, r -> Cursor.encode(Long.parseLong(r.getString("id"))))
        .toJson(r -> shown(caller, r)));
  }

  // ---------------------------------------------------------------------------------------- figures

  /**
   * The figures for ratings made from {@code from} to {@code to} (Beijing days, inclusive; default this
   * month), upheld appeals left out. Per department, matter or hall: public, no personal data. Per window or
   * member of staff: supervisors and administrators (any hall), a hall's clerks (their own hall); 401 without
   * a token, 403 for anyone else.
   */
  public Future<JsonObject> statistics(Optional<Caller> caller, Map<String, String> query, Locale locale) {
    List<Violation> v = new ArrayList<>();
    String groupBy = query.getOrDefault("groupBy", "department");
    if (!Set.of("department", "matter", "hall", "window", "staff").contains(groupBy)) {
      v.add(new Violation("/groupBy", "enum", Messages.get(locale, "violation.enum", "groupBy")));
    }
    Optional<String> hall = Optional.ofNullable(query.get("hallCode"));
    if (groupBy.equals("window") || groupBy.equals("staff")) {
      if (caller.isEmpty()) {
        return Future.failedFuture(new DomainException(ProblemCode.UNAUTHENTICATED, "rating.figuresSignIn"));
      }
      Caller c = caller.get();
      boolean oversight = c.kind() == Caller.Kind.STAFF && (c.has(Role.SUPERVISOR) || c.has(Role.ADMIN));
      if (!oversight) {
        if (c.kind() != Caller.Kind.STAFF || !c.has(Role.CLERK) || c.hallCode().isEmpty()
            || hall.isPresent() && !hall.equals(c.hallCode())) {
          return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "rating.figuresForbidden"));
        }
        hall = c.hallCode();
      }
    }
    LocalDate[] period = period(query, v, locale, true);
    if (!v.isEmpty()) {
      return invalid(v);
    }
    Optional<String> ofHall = hall;
    return store.statistics(groupBy, startOf(period[0]), startOf(period[1].plusDays(1)), hall).map(groups -> {
      long[] sum = new long[6];
      groups.forEach(o -> {
        JsonObject g = (JsonObject) o;
        int i = 0;
        for (String k : List.of("ratings", "satisfied", "bad", "rectified", "rectifiedOnTime", "defaults")) {
          sum[i++] += g.getLong(k);
        }
      });
      JsonObject out = new JsonObject().put("from", period[0].toString()).put("to", period[1].toString());
      ofHall.ifPresent(h -> out.put("hallCode", h));
      return out.put("groupBy", groupBy)
          .put("total", RatingStore.figures(new JsonObject(), sum[0], sum[1], sum[2], sum[3], sum[4], sum[5]))
          .put("groups", groups);
    });
  }

  /** from/to as dates; with {@code defaults}, the first of this month to today. */
  private LocalDate[] period(Map<String, String> query, List<Violation> v, Locale locale, boolean defaults) {
    LocalDate today = calendar.today();
    LocalDate from = date(query.get("from"), "/from", v, locale);
    LocalDate to = date(query.get("to"), "/to", v, locale);
    if (defaults) {
      from = from == null ? today.withDayOfMonth(1) : from;
      to = to == null ? today : to;
    }
    if (from != null && to != null && from.isAfter(to)) {
      v.add(new Violation("/from", "range", Messages.get(locale, "rating.period")));
    }
    return new LocalDate[] {from, to};
  }

  private static LocalDate date(String text, String pointer, List<Violation> v, Locale locale) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      v.add(new Violation(pointer, "format", Messages.get(locale, "rating.period")));
      return null;
    }
  }

  private OffsetDateTime startOf(LocalDate day) {
    return day.atStartOfDay(CalendarService.ZONE).toOffsetDateTime();
  }

  // ------------------------------------------------------------------------------------ periodic job

  /**
   * One pass of the ratings' periodic job, safe on every node: records the default rating of delivered cases
   * whose window has closed, then raises the reminders, yellow and red cards of bad reviews' open steps
   * (1 working day before a limit, on it, past it), each once.
   */
  public Future<JsonObject> scan() {
    LocalDate today = calendar.today();
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    // Delivered on day D: the window runs to the end of D + windowDays.
    OffsetDateTime cutoff = startOf(today.minusDays(settings.windowDays()));
    LocalDate horizon = DeadlineWarnings.horizon(calendar.calendar(), today);
    OffsetDateTime since = cutoff.minusDays(DEFAULT_LOOKBACK_DAYS);
    return jobs.recordDefaults(cutoff, since, settings.defaultGrade(), ACTOR, now)
        .compose(cases -> jobs.recordVisitDefaults(cutoff, since, settings.defaultGrade(), ACTOR, now)
            .map(visitsDefaulted -> cases + visitsDefaulted))
        .compose(defaults -> jobs.dueSteps(horizon).compose(due -> {
          DeadlineWarnings.Batch batch = new DeadlineWarnings.Batch(today);
          due.forEach(d -> batch.add((Long) d[0], (String) d[1], (LocalDate) d[2]));
          Future<Integer> raised = batch.isEmpty() ? Future.succeededFuture(0)
              : jobs.raise(batch.ids, batch.kinds, batch.levels, batch.dues, now);
          return raised.map(n -> new JsonObject().put("date", today.toString()).put("defaultsRecorded", defaults)
              .put("warningsRaised", n));
        }));
  }

  // ------------------------------------------------------------------------------------------ helpers

  private LocalDate workingDaysFrom(LocalDate day, int days) {
    return calendar.calendar().addWorkingDays(day, BigDecimal.valueOf(days)).date();
  }

  private String reasonList() {
    return String.join("、", settings.reasons());
  }

  /** A text field: trimmed, at most 1000 characters; {@code required} adds a violation when it is missing. */
  private static Optional<String> text(JsonObject body, String field, List<Violation> v, Locale locale,
      boolean required) {
    Object value = body.getValue(field);
    if (value == null || value instanceof String s && s.isBlank()) {
      if (required) {
        v.add(new Violation("/" + field, "required", Messages.get(locale, "violation.required",
            Messages.get(locale, "rating.field." + field))));
      }
      return Optional.empty();
    }
    if (!(value instanceof String s) || s.length() > TEXT_MAX) {
      v.add(new Violation("/" + field, "maxLength", Messages.get(locale, "violation.maxLength",
          Messages.get(locale, "rating.field." + field), TEXT_MAX)));
      return Optional.empty();
    }
    return Optional.of(s.strip());
  }

  private static <T> Future<T> invalid(List<Violation> v) {
    return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "rating.invalid", v,
        v.size()));
  }

  private static <T> Future<T> notFound(String number) {
    return Future.failedFuture(new DomainException(ProblemCode.APPLICATION_NOT_FOUND, "application.notFound", number));
  }

  private static <T> Future<T> visitNotFound(String number) {
    return Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "rating.visitNotFound", number));
  }

  private static <T> Future<T> ratingNotFound(String id) {
    return Future.failedFuture(new DomainException(ProblemCode.RATING_NOT_FOUND, "rating.notFound", id));
  }
}
