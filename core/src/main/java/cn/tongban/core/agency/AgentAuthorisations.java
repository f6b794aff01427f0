package cn.tongban.core.agency;

import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.access.Caller;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.identity.SharedRecords;
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

  /** Column context of the applicant's sealed identity number. */
  public static final String APPLICANT_ID = AuthorisationStore.APPLICANT_ID;

  /** An authorisation's sealed applicant identity number, for a rewrap. */
  public static final SealedTable SEALED = AuthorisationStore.SEALED;

  /** The material kind of a signed authorisation form an agent or clerk uploads as evidence. */
  public static final String EVIDENCE_KIND = "agent-authorisation";

  /** Whether a material is a valid upload of this kind, for this person, by this uploader; materials answer. */
  @FunctionalInterface
  public interface Evidence {
    Future<Boolean> uploaded(String materialId, String kind, String ownerIdNumber, String uploadedBy);
  }

  private final AuthorisationStore store;
  private final IdentityService identity;
  private final CalendarService calendar;
  private final SharedRecords shared;
  private final Evidence evidence;

  public AgentAuthorisations(Pool pool, IdentityService identity, CalendarService calendar, PersonalData personal,
      SharedRecords shared, Evidence evidence) {
    this.store = new AuthorisationStore(pool, personal);
    this.identity = identity;
    this.calendar = calendar;
    this.shared = shared;
    this.evidence = evidence;
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
      if (!isUuid(body.getString("evidence", ""))) {
        v.add(new Violation("/evidence", body.getString("evidence", "").isBlank() ? "required" : "upload",
            Messages.get(locale, "authorisation.evidence")));
      }
      // The name recorded must be the person's name on record — the one they registered with, else the one
      // 公安's population registry holds: an authorisation is not a way to borrow an identity number under
      // any name. The signed form must be a real upload: a file this member of staff uploaded for the person.
      String idNumber = given.getString("idNumber");
      String name = given.getString("name", "").strip();
      applicant = !v.isEmpty() ? Future.succeededFuture(null) : nameOnRecord(idNumber)
          .compose(onRecord -> evidence.uploaded(body.getString("evidence"), EVIDENCE_KIND, idNumber,
                  caller.scopeKey())
              .compose(uploaded -> {
                List<Violation> w = new ArrayList<>();
                if (onRecord.isPresent() && !onRecord.get().equals(name)) {
                  w.add(new Violation("/applicant/name", "mismatch", Messages.get(locale, "authorisation.nameMismatch")));
                }
                if (!uploaded) {
                  w.add(new Violation("/evidence", "upload", Messages.get(locale, "authorisation.evidence")));
                }
                return w.isEmpty() ? Future.succeededFuture(new String[] {idNumber, name}) : invalid(w);
              }));
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
    return applicant.compose(who -> store.grant(who[0], who[1], hall, matter, until, body.getString("evidence"),
            caller.scopeKey(), OffsetDateTime.now(calendar.clock())))
        .recover(e -> e instanceof io.vertx.pgclient.PgException pg && "23503".equals(pg.getSqlState())
            ? invalid(List.of(new Violation(String.valueOf(pg.getConstraint()).contains("hall") ? "/hallCode"
                : "/matterCode", "unknown", Messages.get(locale, "violation.enum", "code"))))
            : Future.failedFuture(e))
        .map(a -> toJson(a, today));
  }

  /**
   * The person's name on record: their account's, else the population registry's; empty when neither has
   * them (a registry that cannot be reached counts as having no record).
   */
  private Future<Optional<String>> nameOnRecord(String idNumber) {
    return identity.registeredName(idNumber).compose(registered -> registered.isPresent()
        ? Future.succeededFuture(registered)
        : shared.record(SharedRecords.POPULATION, idNumber).recover(e -> Future.succeededFuture(Optional.empty()))
            .map(r -> r.map(x -> x.getString("name")).filter(n -> n != null && !n.isBlank()).map(String::strip)));
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
    Future<AuthorisationStore.Scope> scope;
    if (caller.kind() == Caller.Kind.CITIZEN) {
      scope = identity.account(caller.subject())
          .map(a -> new AuthorisationStore.Scope.Applicant(a.flatMap(x -> x.idNumber()).orElse("")));
    } else if (caller.kind() == Caller.Kind.STAFF && caller.has(Role.ADMIN)) {
      scope = Future.succeededFuture(new AuthorisationStore.Scope.All());
    } else if (caller.kind() == Caller.Kind.STAFF && caller.hallCode().isPresent()
        && (caller.has(Role.AGENT) || caller.has(Role.CLERK))) {
      scope = Future.succeededFuture(new AuthorisationStore.Scope.Hall(caller.hallCode().get()));
    } else {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "authorisation.forbidden"));
    }
    LocalDate today = calendar.today();
    return scope.compose(sc -> store.list(sc, id))
        .map(found -> found.stream().map(a -> toJson(a, today)).toList());
  }

  /** The applicant (or an administrator) revokes an authorisation; 404 for anyone else. */
  public Future<JsonObject> revoke(Caller caller, String id) {
    return find(caller, id).compose(found -> {
      JsonObject a = found.orElseThrow(() -> new DomainException(ProblemCode.NOT_FOUND, "request.notFound", id));
      boolean own = caller.kind() == Caller.Kind.CITIZEN;
      if (!own && !caller.has(Role.ADMIN)) {
        throw new DomainException(ProblemCode.FORBIDDEN, "authorisation.forbidden");
      }
      return store.revoke(id, OffsetDateTime.now(calendar.clock()), caller.scopeKey())
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
    return store.usable(id, idNumber, hallCode, matterCode, today).map(found -> found.map(a -> toJson(a, today)));
  }

  /** Whether the person has a valid authorisation (for any matter) given to the agents of this hall today. */
  public Future<Boolean> authorisedAt(String idNumber, String hallCode) {
    return store.anyUsable(idNumber, hallCode, calendar.today(), false);
  }

  /** The same, counting only authorisations the person granted themselves (which open their library). */
  public Future<Boolean> grantedAt(String idNumber, String hallCode) {
    return store.anyUsable(idNumber, hallCode, calendar.today(), true);
  }

  private Future<Optional<JsonObject>> find(Caller caller, String id) {
    if (!isUuid(id)) {
      return Future.succeededFuture(Optional.empty());
    }
    return select(caller, Optional.of(id)).map(found -> found.stream().findFirst());
  }

  private static JsonObject toJson(AuthorisationStore.Stored a, LocalDate today) {
    JsonObject json = new JsonObject()
        .put("id", a.id())
        .put("applicant", new JsonObject().put("name", a.applicantName()).put("idNumber", a.applicantIdNumber()))
        .put("hallCode", a.hallCode())
        .put("hallName", a.hallName())
        .put("matterCode", a.matterCode())
        .put("validUntil", a.validUntil().toString())
        .put("status", a.revokedAt() != null ? "REVOKED" : a.validUntil().isBefore(today) ? "EXPIRED" : "ACTIVE")
        .put("createdBy", a.createdBy())
        // GRANTED by the applicant themselves, or RECORDED by staff from a signed form.
        .put("origin", a.byApplicant() ? "GRANTED" : "RECORDED")
        .put("createdAt", a.createdAt().toString());
    if (a.evidence() != null) {
      json.put("evidence", a.evidence());
    }
    if (a.revokedAt() != null) {
      json.put("revokedAt", a.revokedAt().toString()).put("revokedBy", a.revokedBy());
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
