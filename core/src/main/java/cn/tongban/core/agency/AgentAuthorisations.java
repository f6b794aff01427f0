package cn.tongban.core.agency;

import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.access.Caller;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.access.Role;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import cn.tongban.plugin.IdNumber;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * 代办授权: an applicant authorises the agents and clerks of one hall or station to apply on their behalf,
 * for one matter or all, until a date. The applicant grants it online, or the agent records it from the
 * applicant's signed form (evidence required); the applicant lists and revokes it. A revoked or expired
 * authorisation lets no new submission through. Each change is one statement with its audit and outbox event.
 */
public final class AgentAuthorisations {
  /** The longest an authorisation may run, in days from today. */
  public static final int MAX_DAYS = 366;

  private static final String COLUMNS = """
       a.id::text as id, a.applicant_id_sealed, a.applicant_name, a.hall_code, h.name as hall_name, a.matter_code,
      a.valid_until, a.evidence, a.created_by, a.created_at, a.revoked_at, a.revoked_by""";

  private static final String GRANT = """
      with ins as (
        insert into agent_authorisation (applicant_id_index, applicant_name, hall_code, matter_code, valid_until,
                                         evidence, created_by, created_at, applicant_id_sealed)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        returning *
      ), audit as (
        insert into audit_event (actor, action, entity_type, entity_id, detail)
        select created_by, 'authorisation.granted', 'authorisation', id::text,
               jsonb_strip_nulls(jsonb_build_object('hallCode', hall_code, 'matterCode', matter_code,
                                                    'validUntil', valid_until))
        from ins
      ), outbox as (
        insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)
        select 'authorisation', id::text, 'AgentAuthorisationGranted',
               jsonb_build_object('id', id, 'hallCode', hall_code, 'matterCode', matter_code,
                                  'validUntil', valid_until)
        from ins
      )
      select""" + COLUMNS + " from ins a join hall h on h.code = a.hall_code";

  private static final String REVOKE = """
      with upd as (
        update agent_authorisation set revoked_at = $2, revoked_by = $3
        where id = $1::uuid and revoked_at is null
        returning *
      ), audit as (
        insert into audit_event (actor, action, entity_type, entity_id)
        select revoked_by, 'authorisation.revoked', 'authorisation', id::text from upd
      ), outbox as (
        insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)
        select 'authorisation', id::text, 'AgentAuthorisationRevoked',
               jsonb_build_object('id', id, 'hallCode', hall_code, 'revokedAt', revoked_at)
        from upd
      )
      select count(*) from upd""";

  /** Column context of the applicant's sealed identity number. */
  public static final String APPLICANT_ID = "agent_authorisation.applicant_id";

  /** An authorisation's sealed applicant identity number, for a rewrap. */
  public static final SealedTable SEALED = new SealedTable("agent_authorisation",
      "select id, applicant_id_sealed from agent_authorisation where $2::bytea is not null and "
          + SealedTable.stale("applicant_id_sealed") + " order by id",
      "update agent_authorisation set applicant_id_sealed = $2, applicant_id_index = $3 where id = $1",
      (personal, r) -> {
        String id = personal.open(APPLICANT_ID, r.getString("applicant_id_sealed"));
        return Tuple.of(r.getUUID("id"), personal.seal(APPLICANT_ID, id), personal.index(PersonalData.Kind.ID, id));
      });
  private final Pool pool;
  private final IdentityService identity;
  private final CalendarService calendar;
  private final PersonalData personal;

  public AgentAuthorisations(Pool pool, IdentityService identity, CalendarService calendar, PersonalData personal) {
    this.personal = personal;
    this.pool = pool;
    this.identity = identity;
    this.calendar = calendar;
  }

  /**
   * Records an authorisation. A citizen authorises {@code hallCode} for themselves; an agent or clerk
   * records one for {@code applicant} at their own hall, with the signed form as {@code evidence}.
   */
  public Future<JsonObject> grant(Caller caller, JsonObject body, Locale locale) {
    boolean staff = caller.kind() == Caller.Kind.STAFF && (caller.has(Role.AGENT) || caller.has(Role.CLERK))
        && caller.hallCode().isPresent();
    if (caller.kind() != Caller.Kind.CITIZEN && !staff) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "authorisation.forbidden"));
    }
    List<Violation> v = new ArrayList<>();
    LocalDate today = calendar.today();
    LocalDate until = parse(body.getString("validUntil"));
    if (until == null || until.isBefore(today) || until.isAfter(today.plusDays(MAX_DAYS))) {
      v.add(new Violation("/validUntil", "range", Messages.get(locale, "authorisation.validUntil",
          today.plusDays(MAX_DAYS).toString())));
    }
    Future<String[]> applicant;
    String hall;
    if (staff) {
      hall = caller.hallCode().get();
      JsonObject given = body.getJsonObject("applicant", new JsonObject());
      if (given.getString("name", "").isBlank()) {
        v.add(new Violation("/applicant/name", "required", Messages.get(locale, "violation.required",
            Messages.isEnglish(locale) ? "name" : "姓名")));
      }
      if (!IdNumber.isValid(given.getString("idNumber"))) {
        v.add(new Violation("/applicant/idNumber", "idNumber", Messages.get(locale, "violation.pattern",
            Messages.isEnglish(locale) ? "identity number" : "公民身份号码")));
      }
      if (body.getString("evidence", "").isBlank()) {
        v.add(new Violation("/evidence", "required", Messages.get(locale, "authorisation.evidence")));
      }
      applicant = Future.succeededFuture(new String[] {given.getString("idNumber"), given.getString("name")});
    } else {
      hall = body.getString("hallCode");
      if (hall == null) {
        v.add(new Violation("/hallCode", "required", Messages.get(locale, "violation.required",
            Messages.isEnglish(locale) ? "hall" : "代办网点")));
      }
      applicant = identity.account(caller.subject()).map(a -> a.filter(x -> x.idNumber().isPresent())
          .map(x -> new String[] {x.idNumber().get(), x.displayName()})
          .orElseThrow(() -> new DomainException(ProblemCode.FORBIDDEN, "authorisation.forbidden")));
    }
    if (!v.isEmpty()) {
      return invalid(v);
    }
    String matter = body.getString("matterCode");
    return applicant.compose(who -> pool.preparedQuery(GRANT).execute(Tuple.from(new Object[] {
            personal.index(PersonalData.Kind.ID, who[0]), who[1], hall, matter, until, body.getString("evidence"),
            caller.scopeKey(), OffsetDateTime.now(calendar.clock()), personal.seal(APPLICANT_ID, who[0])})))
        .recover(e -> e instanceof io.vertx.pgclient.PgException pg && "23503".equals(pg.getSqlState())
            ? invalid(List.of(new Violation(String.valueOf(pg.getConstraint()).contains("hall") ? "/hallCode"
                : "/matterCode", "unknown", Messages.get(locale, "violation.enum", "code"))))
            : Future.failedFuture(e))
        .map(rows -> toJson(rows.iterator().next(), today));
  }

  /** The authorisations the caller may see, newest first (at most 200). */
  public Future<List<JsonObject>> list(Caller caller) {
    return select(caller, Optional.empty());
  }

  /**
   * Who sees which: a citizen their own, a hall's agents and clerks those given to their hall, an
   * administrator all; anyone else is refused. {@code id} narrows it to one.
   */
  private Future<List<JsonObject>> select(Caller caller, Optional<String> id) {
    Future<String> key;
    String where;
    if (caller.kind() == Caller.Kind.CITIZEN) {
      where = "a.applicant_id_index = $1";
      key = identity.account(caller.subject())
          .map(a -> personal.index(PersonalData.Kind.ID, a.flatMap(x -> x.idNumber()).orElse("")));
    } else if (caller.kind() == Caller.Kind.STAFF && caller.has(Role.ADMIN)) {
      where = "$1::text is null";
      key = Future.succeededFuture(null);
    } else if (caller.kind() == Caller.Kind.STAFF && caller.hallCode().isPresent()
        && (caller.has(Role.AGENT) || caller.has(Role.CLERK))) {
      where = "a.hall_code = $1";
      key = Future.succeededFuture(caller.hallCode().get());
    } else {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "authorisation.forbidden"));
    }
    LocalDate today = calendar.today();
    return key.compose(k -> pool.preparedQuery("select " + COLUMNS
            + " from agent_authorisation a join hall h on h.code = a.hall_code where " + where
            + " and ($2::uuid is null or a.id = $2::uuid) order by a.created_at desc limit 200")
            .execute(Tuple.of(k, id.orElse(null))))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(toJson(r, today)));
          return out;
        });
  }

  /** The applicant (or an administrator) revokes an authorisation; 404 for anyone else. */
  public Future<JsonObject> revoke(Caller caller, String id) {
    return find(caller, id).compose(found -> {
      JsonObject a = found.orElseThrow(() -> new DomainException(ProblemCode.NOT_FOUND, "request.notFound", id));
      boolean own = caller.kind() == Caller.Kind.CITIZEN;
      if (!own && !caller.has(Role.ADMIN)) {
        throw new DomainException(ProblemCode.FORBIDDEN, "authorisation.forbidden");
      }
      return pool.preparedQuery(REVOKE).execute(Tuple.of(id, OffsetDateTime.now(calendar.clock()), caller.scopeKey()))
          .compose(v -> find(caller, id)).map(Optional::orElseThrow);
    });
  }

  /**
   * The authorisation that lets an agent at {@code hallCode} apply for {@code idNumber} for {@code matterCode}
   * today: the one named, or else the latest that fits. Empty when none is valid (revoked, expired, another
   * hall, another matter or another applicant).
   */
  public Future<Optional<JsonObject>> usable(Optional<String> id, String idNumber, String hallCode,
      String matterCode) {
    LocalDate today = calendar.today();
    if (id.isPresent() && !isUuid(id.get())) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery("select " + COLUMNS + " from agent_authorisation a join hall h on h.code = a.hall_code"
            + " where a.applicant_id_index = $1 and a.hall_code = $2"
            + " and (a.matter_code is null or a.matter_code = $3) and a.revoked_at is null and a.valid_until >= $4"
            + " and ($5::uuid is null or a.id = $5::uuid) order by a.created_at desc limit 1")
        .execute(Tuple.of(personal.index(PersonalData.Kind.ID, idNumber), hallCode, matterCode, today,
            id.orElse(null)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next(), today)));
  }

  private Future<Optional<JsonObject>> find(Caller caller, String id) {
    if (!isUuid(id)) {
      return Future.succeededFuture(Optional.empty());
    }
    return select(caller, Optional.of(id)).map(found -> found.stream().findFirst());
  }

  private JsonObject toJson(Row r, LocalDate today) {
    LocalDate until = r.getLocalDate("valid_until");
    OffsetDateTime revoked = r.getOffsetDateTime("revoked_at");
    JsonObject json = new JsonObject()
        .put("id", r.getString("id"))
        .put("applicant", new JsonObject().put("name", r.getString("applicant_name"))
            .put("idNumber", personal.open(APPLICANT_ID, r.getString("applicant_id_sealed"))))
        .put("hallCode", r.getString("hall_code"))
        .put("hallName", r.getString("hall_name"))
        .put("matterCode", r.getString("matter_code"))
        .put("validUntil", until.toString())
        .put("status", revoked != null ? "REVOKED" : until.isBefore(today) ? "EXPIRED" : "ACTIVE")
        .put("createdBy", r.getString("created_by"))
        .put("createdAt", r.getOffsetDateTime("created_at").toString());
    if (r.getString("evidence") != null) {
      json.put("evidence", r.getString("evidence"));
    }
    if (revoked != null) {
      json.put("revokedAt", revoked.toString()).put("revokedBy", r.getString("revoked_by"));
    }
    return json;
  }

  private static boolean isUuid(String s) {
    try {
      UUID.fromString(s);
      return s.length() == 36;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static LocalDate parse(String s) {
    try {
      return s == null ? null : LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static <T> Future<T> invalid(List<Violation> v) {
    return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid",
        v, v.size()));
  }
}
