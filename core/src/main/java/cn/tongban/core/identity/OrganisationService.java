package cn.tongban.core.identity;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The organisation as data, managed through the API: departments, the city → township → village tree of
 * halls and service stations, and staff accounts. Administrators manage everything; a department
 * administrator manages the accounts of their own department.
 */
public final class OrganisationService {
  private static final Set<Role> DEPARTMENT_ROLES = EnumSet.of(Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_ADMIN);
  private static final Set<Role> HALL_ROLES = EnumSet.of(Role.CLERK, Role.AGENT);

  private final Vertx vertx;
  private final Pool pool;
  private final IdentityStore store;
  private final OrganisationStore organisation;
  private final IdentityService identity;

  public OrganisationService(Vertx vertx, Pool pool, PersonalData personal, IdentityService identity) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = new IdentityStore(pool, personal);
    this.organisation = new OrganisationStore(pool, personal);
    this.identity = identity;
  }

  /** A staff account to create. */
  public record NewStaff(String username, String displayName, String password, Set<Role> roles,
      Optional<String> departmentCode, Optional<String> hallCode) {
  }

  /** Creates a staff account; 422 with every problem, 409 when the username is taken. */
  public Future<Account> createStaff(Caller caller, NewStaff n, Locale locale) {
    boolean admin = caller.has(Role.ADMIN);
    boolean deptAdmin = caller.has(Role.DEPARTMENT_ADMIN) && caller.departmentCode().isPresent()
        && n.departmentCode().equals(caller.departmentCode())
        && n.roles().stream().allMatch(DEPARTMENT_ROLES::contains);
    if (!admin && !deptAdmin) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "account.forbidden"));
    }
    List<Violation> v = new ArrayList<>();
    if (n.roles().isEmpty() || n.roles().contains(Role.APPLICANT) || n.roles().contains(Role.CHANNEL)) {
      v.add(new Violation("/roles", "roles", Messages.get(locale, "account.roles")));
    }
    if (n.roles().stream().anyMatch(DEPARTMENT_ROLES::contains) && n.departmentCode().isEmpty()) {
      v.add(new Violation("/departmentCode", "required", Messages.get(locale, "account.scope")));
    }
    if (n.roles().stream().anyMatch(HALL_ROLES::contains) && n.hallCode().isEmpty()) {
      v.add(new Violation("/hallCode", "required", Messages.get(locale, "account.scope")));
    }
    PasswordRules.problem(n.password(), n.username())
        .ifPresent(key -> v.add(new Violation("/password", "password", Messages.get(locale, key))));
    if (!v.isEmpty()) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid",
          v, v.size()));
    }
    return vertx.executeBlocking(() -> PasswordHasher.hash(n.password()), false)
        .compose(hash -> store.insertAccountIfAbsent(pool, new Account(null, n.username(), hash, Caller.Kind.STAFF,
            n.displayName(), n.roles(), n.departmentCode(), n.hallCode(), Optional.empty(), Optional.empty(), false,
            1, 0)))
        .recover(e -> Future.failedFuture(e instanceof io.vertx.pgclient.PgException pg
            && "23503".equals(pg.getSqlState())
            ? DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid", List.of(
                new Violation(String.valueOf(pg.getConstraint()).contains("hall") ? "/hallCode" : "/departmentCode",
                    "unknown", Messages.get(locale, "violation.enum", "code"))), 1) : e))
        .compose(inserted -> inserted ? audit(caller, "account.created", n.username())
            .compose(x -> store.findByLogin(n.username())).map(Optional::orElseThrow)
            : Future.failedFuture(new DomainException(ProblemCode.ACCOUNT_EXISTS, "account.exists", n.username())));
  }

  /** Disables (or enables) an account; disabling ends every session it has. */
  public Future<Void> setDisabled(Caller caller, String username, boolean disabled) {
    if (!caller.has(Role.ADMIN)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "account.forbidden"));
    }
    // A citizen is named by their identity number (found by its blind index); staff by username.
    return organisation.setDisabled(username, disabled)
        .compose(found -> found.isEmpty()
            ? Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "request.notFound", username))
            : identity.moveEpoch(found.get().accountId(), found.get().epoch())
                // The audit names the account by its stored username, never by an identity number typed in.
                .compose(v -> audit(caller, disabled ? "account.disabled" : "account.enabled",
                    found.get().username())));
  }

  /**
   * The caller's own profile (any signed-in caller): their account with the names of their department and
   * hall; a client sees its id and roles.
   */
  public Future<Profile> profile(Caller caller) {
    if (caller.kind() == Caller.Kind.CLIENT) {
      return Future.succeededFuture(new Profile(caller.kind(), caller.subject(), Optional.empty(), Optional.empty(),
          caller.roles(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0));
    }
    return identity.account(caller.subject()).compose(found -> {
      Account a = found.orElseThrow(() -> new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken"));
      return organisation.names(a.departmentCode(), a.hallCode())
          .map(names -> new Profile(a.kind(), a.id(), Optional.of(a.username()), Optional.ofNullable(a.displayName()),
              a.roles(), a.departmentCode(), Optional.ofNullable(names[0]), a.hallCode(),
              Optional.ofNullable(names[1]), a.realNameLevel()));
    });
  }

  /** A hall's or station's name (public data: it is printed on receipts and shown in the hall list). */
  public Future<Optional<String>> hallName(String code) {
    return organisation.names(Optional.empty(), Optional.of(code)).map(names -> Optional.ofNullable(names[1]));
  }

  /**
   * Creates or renames a department and records its 统一社会信用代码, the issuer code of its e-licences
   * (administrators): a code must pass GB 32100's check and belong to no other department (422 otherwise);
   * without one the recorded code stays.
   */
  public Future<JsonObject> putDepartment(Caller caller, String code, String name, Optional<String> creditCode,
      Locale locale) {
    if (!caller.has(Role.ADMIN)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "account.forbidden"));
    }
    if (creditCode.isPresent() && !cn.tongban.plugin.CreditCode.isValid(creditCode.get())) {
      return invalid("/creditCode", "department.creditCode", locale).map(v -> null);
    }
    return pool.withTransaction(tx -> organisation.putDepartment(tx, code, name, creditCode.orElse(null))
            .compose(d -> AuditLog.record(tx, caller.scopeKey(), "department.put", "department", code,
                new JsonObject().put("creditCode", creditCode.orElse(null))).map(d)))
        .recover(e -> e instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())
            ? invalid("/creditCode", "department.creditCodeTaken", locale).map(v -> null)
            : Future.failedFuture(e));
  }

  /** Every department with its 统一社会信用代码 and whether that is a demo code (public: issuers are public). */
  public Future<JsonArray> departments() {
    return organisation.departments();
  }

  /** Creates or changes a hall or service station in the city → township → village tree (administrators). */
  public Future<JsonObject> putHall(Caller caller, String code, String name, String level, String parent,
      Locale locale) {
    if (!caller.has(Role.ADMIN)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "account.forbidden"));
    }
    Future<Void> parentOk = parent == null
        ? (level.equals("CITY") ? Future.succeededFuture() : invalid("/parentCode", "hall.parent", locale))
        : organisation.hallLevel(parent).compose(found -> {
          String parentLevel = found.orElse(null);
          boolean fits = "CITY".equals(parentLevel) && level.equals("TOWNSHIP")
              || "TOWNSHIP".equals(parentLevel) && level.equals("VILLAGE");
          return fits ? Future.succeededFuture() : invalid("/parentCode", "hall.parent", locale);
        });
    // A hall with halls under it keeps its level, or the tree would no longer run city → township → village.
    return parentOk.compose(v -> organisation.changesLevelOfParent(code, level))
        .compose(changes -> !changes ? Future.<Void>succeededFuture()
            : invalid("/level", "hall.hasChildren", locale))
        .compose(v -> pool.withTransaction(tx -> organisation.putHall(tx, code, name, level, parent)
            .compose(x -> audit(tx, caller, "hall.put", code))))
        .map(v -> new JsonObject().put("code", code).put("name", name).put("level", level).put("parentCode", parent));
  }

  /**
   * The service network: every hall and station with its parent and its windows (public: citizens choose
   * where to go).
   */
  public Future<JsonArray> halls() {
    return organisation.halls();
  }

  /**
   * The service network as a tree (市 → 乡镇/街道 → 村/社区): each hall with its windows and its
   * {@code children}; halls whose parent is missing are roots.
   */
  public Future<JsonArray> hallTree() {
    return halls().map(flat -> {
      java.util.Map<String, JsonObject> byCode = new java.util.LinkedHashMap<>();
      flat.forEach(o -> byCode.put(((JsonObject) o).getString("code"),
          ((JsonObject) o).copy().put("children", new JsonArray())));
      JsonArray roots = new JsonArray();
      byCode.values().forEach(h -> {
        JsonObject parent = h.getString("parentCode") == null ? null : byCode.get(h.getString("parentCode"));
        (parent == null ? roots : parent.getJsonArray("children")).add(h);
      });
      return roots;
    });
  }

  /** Opens or changes a window of a hall: comprehensive (any matter) or a department's own (administrators). */
  public Future<JsonObject> putWindow(Caller caller, String hall, String code, String name, String kind,
      String department, Locale locale) {
    if (!caller.has(Role.ADMIN)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "account.forbidden"));
    }
    if ("DEPARTMENT".equals(kind) && department == null) {
      return invalid("/departmentCode", "account.scope", locale).map(v -> null);
    }
    return organisation.putWindow(pool, hall, code, name, kind, "DEPARTMENT".equals(kind) ? department : null)
        .recover(e -> Future.failedFuture(e instanceof io.vertx.pgclient.PgException pg
            && "23503".equals(pg.getSqlState())
            ? DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid", List.of(
                new Violation(String.valueOf(pg.getConstraint()).contains("hall") ? "/hallCode" : "/departmentCode",
                    "unknown", Messages.get(locale, "violation.enum", "code"))), 1) : e))
        .compose(v -> audit(caller, "hall.window", hall + "/" + code))
        .map(v -> new JsonObject().put("hallCode", hall).put("code", code).put("name", name).put("kind", kind)
            .put("departmentCode", department));
  }

  private static Future<Void> invalid(String pointer, String key, Locale locale) {
    return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid",
        List.of(new Violation(pointer, "invalid", Messages.get(locale, key))), 1));
  }

  private Future<Void> audit(Caller caller, String action, String entity) {
    return audit(pool, caller, action, entity);
  }

  private static Future<Void> audit(io.vertx.sqlclient.SqlClient client, Caller caller, String action,
      String entity) {
    return AuditLog.record(client, caller.scopeKey(), action, action.substring(0, action.indexOf('.')), entity, null);
  }
}
