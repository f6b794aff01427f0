package cn.tongban.core.project;

import cn.tongban.core.clock.DeadlineWarnings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * All SQL of construction projects: the projects, their stages and the cases each stage made, the project's
 * own timeline and the stage warnings; and the read-only views of the stage cases (status, opinions, steps,
 * warnings, licences) the project view shows. No personal data is kept here: the cases hold it.
 */
public final class ProjectStore {
  private final Pool pool;

  public ProjectStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** A registered project. */
  public record Project(UUID id, String code, String name, String type, BigDecimal investment, String township,
      String site, String creditCode, String enterpriseName, boolean keyProject, Optional<String> officerId,
      Optional<String> officerName, String createdBy, Optional<String> requestHash, OffsetDateTime createdAt) {
  }

  /** A stage applied for, its re-applications and the cases linked to it so far (every attempt's). */
  public record Stage(long id, String stage, JsonObject definition, String submittedBy, String idempotencyKey,
      String requestHash, OffsetDateTime appliedAt, LocalDate clockStart, LocalDate dueDate,
      Optional<OffsetDateTime> completedAt, List<Linked> cases, List<Attempt> attempts) {
  }

  /** A case of the stage: the definition's matter at {@code position}, made by application {@code attempt}. */
  public record Linked(int position, String matterCode, String caseNumber, int attempt) {
  }

  /** A re-application (attempt 2, 3 …) for the matters at {@code positions} of the stage definition. */
  public record Attempt(int attempt, List<Integer> positions, String submittedBy, String idempotencyKey,
      String requestHash, OffsetDateTime appliedAt, Optional<OffsetDateTime> completedAt) {
  }

  /** An entry of the project's own timeline. */
  public record Event(long id, String kind, Optional<String> stage, Optional<String> departmentCode,
      Optional<String> departmentName, Optional<String> note, String actorName, JsonObject detail, OffsetDateTime at) {
  }

  /** What the project view shows of a stage case. */
  public record CaseRow(String number, String matterCode, String status, String departmentCode, String departmentName,
      Optional<OffsetDateTime> acceptedAt, Optional<LocalDate> dueDate, Optional<OffsetDateTime> decidedAt,
      Optional<JsonObject> deficiency, Optional<JsonObject> commitments, Optional<JsonObject> licence) {
  }

  private static final String PROJECT = "select p.*, a.username as officer_username from project p"
      + " left join account a on a.id = p.officer_id";

  /** Inserts a project; empty when the caller's idempotency key or the project code was taken. */
  public Future<Boolean> insert(SqlClient tx, Project p, Optional<String> key) {
    return tx.preparedQuery("insert into project (id, code, name, type, investment, township, site, credit_code,"
            + " enterprise_name, key_project, created_by, idempotency_key, request_hash, created_at)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) on conflict do nothing")
        .execute(Tuple.from(new Object[] {p.id(), p.code(), p.name(), p.type(), p.investment(), p.township(), p.site(),
            p.creditCode(), p.enterpriseName(), p.keyProject(), p.createdBy(), key.orElse(null),
            p.requestHash().orElse(null), p.createdAt()}))
        .map(r -> r.rowCount() == 1);
  }

  public Future<Optional<Project>> byCode(String code) {
    return pool.preparedQuery(PROJECT + " where p.code = $1").execute(Tuple.of(code)).map(this::first);
  }

  public Future<Optional<Project>> byKey(String createdBy, String key) {
    return pool.preparedQuery(PROJECT + " where p.created_by = $1 and p.idempotency_key = $2")
        .execute(Tuple.of(createdBy, key)).map(this::first);
  }

  /** Projects of the enterprises given, or tracked by the officer given, or (both empty) all; newest first. */
  public Future<List<Project>> list(List<String> creditCodes, Optional<String> officerId, boolean all, int limit) {
    String where = all ? "true" : "p.credit_code = any($1) or p.officer_id::text = $2";
    return pool.preparedQuery(PROJECT + " where " + where + " order by p.created_at desc, p.code limit " + limit)
        .execute(all ? Tuple.tuple() : Tuple.of(creditCodes.toArray(String[]::new), officerId.orElse(null)))
        .map(rows -> {
          List<Project> out = new ArrayList<>();
          rows.forEach(r -> out.add(project(r)));
          return out;
        });
  }

  private Optional<Project> first(io.vertx.sqlclient.RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(project(rows.iterator().next()));
  }

  private Project project(Row r) {
    return new Project(r.getUUID("id"), r.getString("code"), r.getString("name"), r.getString("type"),
        r.getBigDecimal("investment"), r.getString("township"), r.getString("site"), r.getString("credit_code"),
        r.getString("enterprise_name"), r.getBoolean("key_project"),
        Optional.ofNullable(r.getUUID("officer_id")).map(UUID::toString), Optional.ofNullable(r.getString("officer_name")),
        r.getString("created_by"), Optional.ofNullable(r.getString("request_hash")), r.getOffsetDateTime("created_at"));
  }

  /** An active staff account by username, and whether it holds the given role. */
  public record StaffAccount(String id, String displayName, boolean hasRole) {
  }

  public Future<Optional<StaffAccount>> staffAccount(String username, String role) {
    return pool.preparedQuery("select id::text, display_name, $2 = any(roles) from account where username = $1"
        + " and kind = 'STAFF' and not disabled").execute(Tuple.of(username, role)).map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new StaffAccount(r.getString(0), r.getString(1), Boolean.TRUE.equals(r.getBoolean(2))));
        });
  }

  public Future<Void> setOfficer(SqlClient tx, UUID project, String officerId, String officerName) {
    return tx.preparedQuery("update project set officer_id = $2::uuid, officer_name = $3, key_project = true"
        + " where id = $1").execute(Tuple.of(project, officerId, officerName)).mapEmpty();
  }

  public Future<Long> addEvent(SqlClient tx, UUID project, String kind, String stage, String departmentCode,
      String note, String actor, String actorName, JsonObject detail, OffsetDateTime at) {
    return tx.preparedQuery("insert into project_event (project_id, kind, stage, department_code, note, actor,"
            + " actor_name, detail, at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id")
        .execute(Tuple.from(new Object[] {project, kind, stage, departmentCode, note, actor, actorName,
            detail == null ? new JsonObject() : detail, at}))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<List<Event>> events(UUID project) {
    return pool.preparedQuery("select e.*, d.name as department_name from project_event e"
        + " left join department d on d.code = e.department_code where e.project_id = $1 order by e.id")
        .execute(Tuple.of(project)).map(rows -> {
          List<Event> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Event(r.getLong("id"), r.getString("kind"), Optional.ofNullable(r.getString("stage")),
              Optional.ofNullable(r.getString("department_code")), Optional.ofNullable(r.getString("department_name")),
              Optional.ofNullable(r.getString("note")), Optional.ofNullable(r.getString("actor_name")).orElse(""),
              r.getJsonObject("detail"), r.getOffsetDateTime("at"))));
          return out;
        });
  }

  /** Whether a department of this code exists. */
  public Future<Boolean> departmentExists(String code) {
    return pool.preparedQuery("select 1 from department where code = $1").execute(Tuple.of(code))
        .map(rows -> rows.size() > 0);
  }

  // ---- stages

  /** Records a stage application; false when the stage was applied for already (or the key was used). */
  public Future<Boolean> insertStage(UUID project, String stage, JsonObject definition, String submittedBy,
      String key, String hash, OffsetDateTime at, LocalDate clockStart, LocalDate dueDate) {
    return pool.preparedQuery("insert into project_stage (project_id, stage, definition, submitted_by,"
            + " idempotency_key, request_hash, applied_at, clock_start, due_date)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing")
        .execute(Tuple.from(new Object[] {project, stage, definition, submittedBy, key, hash, at, clockStart, dueDate}))
        .map(r -> r.rowCount() == 1);
  }

  /** Every stage applied for, in the order applied, with its linked cases. */
  public Future<List<Stage>> stages(UUID project) {
    return pool.preparedQuery("select s.*, coalesce((select jsonb_agg(jsonb_build_array(c.position, c.matter_code,"
        + " c.case_number, c.attempt) order by c.attempt, c.position) from project_stage_case c"
        + " where c.project_id = s.project_id and c.stage = s.stage), '[]'::jsonb) as cases,"
        + " coalesce((select jsonb_agg(jsonb_build_object('attempt', t.attempt, 'positions', to_jsonb(t.positions),"
        + " 'submittedBy', t.submitted_by, 'key', t.idempotency_key, 'hash', t.request_hash, 'appliedAt',"
        + " t.applied_at, 'completedAt', t.completed_at) order by t.attempt) from project_stage_attempt t"
        + " where t.project_id = s.project_id and t.stage = s.stage), '[]'::jsonb) as attempts"
        + " from project_stage s where s.project_id = $1"
        + " order by s.applied_at, s.id").execute(Tuple.of(project)).map(rows -> {
          List<Stage> out = new ArrayList<>();
          rows.forEach(r -> {
            List<Linked> cases = new ArrayList<>();
            for (Object o : (JsonArray) r.getJson("cases")) {
              JsonArray c = (JsonArray) o;
              cases.add(new Linked(c.getInteger(0), c.getString(1), c.getString(2), c.getInteger(3)));
            }
            List<Attempt> attempts = new ArrayList<>();
            for (Object o : (JsonArray) r.getJson("attempts")) {
              JsonObject t = (JsonObject) o;
              attempts.add(new Attempt(t.getInteger("attempt"), t.getJsonArray("positions").stream()
                  .map(p -> ((Number) p).intValue()).toList(), t.getString("submittedBy"), t.getString("key"),
                  t.getString("hash"), OffsetDateTime.parse(t.getString("appliedAt")),
                  Optional.ofNullable(t.getString("completedAt")).map(OffsetDateTime::parse)));
            }
            out.add(new Stage(r.getLong("id"), r.getString("stage"), r.getJsonObject("definition"),
                r.getString("submitted_by"), r.getString("idempotency_key"), r.getString("request_hash"),
                r.getOffsetDateTime("applied_at"), r.getLocalDate("clock_start"), r.getLocalDate("due_date"),
                Optional.ofNullable(r.getOffsetDateTime("completed_at")), cases, attempts));
          });
          return out;
        });
  }

  /**
   * Records a re-application of a stage (the next attempt) and moves the stage's due date to the new limit;
   * false when another re-application took the attempt number (or the key) first.
   */
  public Future<Boolean> insertAttempt(UUID project, String stage, int attempt, List<Integer> positions,
      String submittedBy, String key, String hash, OffsetDateTime at, LocalDate dueDate) {
    return pool.withTransaction(tx -> tx.preparedQuery("insert into project_stage_attempt (project_id, stage, attempt,"
            + " positions, submitted_by, idempotency_key, request_hash, applied_at) values ($1, $2, $3, $4, $5, $6, $7,"
            + " $8) on conflict do nothing")
        .execute(Tuple.from(new Object[] {project, stage, attempt, positions.toArray(Integer[]::new), submittedBy, key,
            hash, at}))
        .compose(r -> r.rowCount() == 0 ? Future.succeededFuture(false)
            : tx.preparedQuery("update project_stage set due_date = $3 where project_id = $1 and stage = $2")
                .execute(Tuple.of(project, stage, dueDate)).map(true)));
  }

  /**
   * Links the cases of one application of the stage (attempt 1: the first, kept in project_stage; 2 …: a
   * re-application) and marks it complete; false when another request completed it first.
   */
  public Future<Boolean> completeStage(SqlClient tx, UUID project, String stage, int attempt, List<Linked> cases,
      OffsetDateTime at) {
    String mark = attempt == 1
        ? "update project_stage set completed_at = $3 where project_id = $1 and stage = $2 and $4 = 1"
        : "update project_stage_attempt set completed_at = $3 where project_id = $1 and stage = $2 and attempt = $4";
    return tx.preparedQuery(mark + " and completed_at is null").execute(Tuple.of(project, stage, at, attempt))
        .compose(r -> {
          if (r.rowCount() == 0) {
            return Future.succeededFuture(false);
          }
          List<Tuple> batch = cases.stream().map(c -> Tuple.of(project, stage, c.position(), c.matterCode(),
              c.caseNumber(), attempt)).toList();
          return tx.preparedQuery("insert into project_stage_case (project_id, stage, position, matter_code,"
              + " case_number, attempt) values ($1, $2, $3, $4, $5, $6) on conflict do nothing").executeBatch(batch)
              .map(true);
        });
  }

  // ---- the stage cases, read-only

  /** The cases by number, with their department's name and the licence issued for each. */
  public Future<Map<String, CaseRow>> cases(List<String> numbers) {
    return pool.preparedQuery("select a.number, a.matter_code, a.status, a.department_code, d.name as department_name,"
        + " a.accepted_at, a.due_date, a.decided_at, a.deficiency, a.commitments,"
        + " (select jsonb_build_object('identifier', l.identifier, 'name', l.name, 'number', l.number,"
        + " 'typeName', l.type_name, 'issueDate', l.issue_date, 'status', l.status) from licence l"
        + " where l.application_number = a.number) as licence"
        + " from application a join department d on d.code = a.department_code where a.number = any($1)")
        .execute(Tuple.of(numbers.toArray(String[]::new))).map(rows -> {
          Map<String, CaseRow> out = new LinkedHashMap<>();
          rows.forEach(r -> out.put(r.getString("number"), new CaseRow(r.getString("number"), r.getString("matter_code"),
              r.getString("status"), r.getString("department_code"), r.getString("department_name"),
              Optional.ofNullable(r.getOffsetDateTime("accepted_at")), Optional.ofNullable(r.getLocalDate("due_date")),
              Optional.ofNullable(r.getOffsetDateTime("decided_at")), Optional.ofNullable(r.getJsonObject("deficiency")),
              Optional.ofNullable(r.getJsonObject("commitments")), Optional.ofNullable(r.getJsonObject("licence")))));
          return out;
        });
  }

  /** The parallel opinions of the cases: case number → [{department, departmentName, task, dueDate, opinion…}]. */
  public Future<Map<String, JsonArray>> opinions(List<String> numbers) {
    return pool.preparedQuery("select a.number, o.department_code, o.department_name, o.task, o.due_date, o.opinion,"
        + " o.comment, o.decided_at from case_opinion o join application a on a.id = o.application_id"
        + " where a.number = any($1) order by a.number, o.due_date desc, o.department_code")
        .execute(Tuple.of(numbers.toArray(String[]::new))).map(rows -> {
          Map<String, JsonArray> out = new LinkedHashMap<>();
          rows.forEach(r -> {
            JsonObject o = new JsonObject().put("department", r.getString("department_code"))
                .put("departmentName", r.getString("department_name")).put("task", r.getString("task"))
                .put("dueDate", r.getLocalDate("due_date").toString()).put("opinion", r.getString("opinion"))
                .put("comment", r.getString("comment"));
            Optional.ofNullable(r.getOffsetDateTime("decided_at")).ifPresent(t -> o.put("decidedAt", t.toString()));
            out.computeIfAbsent(r.getString("number"), n -> new JsonArray()).add(o);
          });
          return out;
        });
  }

  /** The cases' steps as timeline entries (oldest first): {at, caseNumber, action, stepName, department…}. */
  public Future<List<JsonObject>> steps(List<String> numbers) {
    return pool.preparedQuery("select a.number, a.department_code, d.name as department_name, s.action, s.step_name,"
        + " s.actor_name, s.to_status, s.detail, s.ended_at from case_step s join application a"
        + " on a.id = s.application_id join department d on d.code = a.department_code where a.number = any($1)"
        + " order by s.ended_at, s.id").execute(Tuple.of(numbers.toArray(String[]::new))).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new JsonObject().put("at", r.getOffsetDateTime("ended_at").toString())
              .put("kind", "CASE_STEP").put("caseNumber", r.getString("number")).put("action", r.getString("action"))
              .put("title", r.getString("step_name")).put("departmentCode", r.getString("department_code"))
              .put("departmentName", r.getString("department_name")).put("actorName", r.getString("actor_name"))
              .put("toStatus", r.getString("to_status")).put("detail", r.getJsonObject("detail"))));
          return out;
        });
  }

  /** The warnings raised on the cases and on the project's stages, newest first. */
  public Future<List<JsonObject>> warnings(UUID project, List<String> numbers) {
    return pool.preparedQuery("select a.number, null as stage, w.kind, w.level, w.subject, w.due_date, w.raised_at"
        + " from case_warning w join application a on a.id = w.application_id where a.number = any($1)"
        + " union all select null, s.stage, w.kind, w.level, '', w.due_date, w.raised_at from project_stage_warning w"
        + " join project_stage s on s.id = w.project_stage_id where s.project_id = $2"
        + " order by raised_at desc, due_date").execute(Tuple.of(numbers.toArray(String[]::new), project))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new JsonObject().put("caseNumber", r.getString(0)).put("stage", r.getString(1))
              .put("kind", r.getString(2)).put("level", r.getString(3)).put("subject", r.getString(4))
              .put("dueDate", r.getLocalDate(5).toString()).put("raisedAt", r.getOffsetDateTime(6).toString())));
          return out;
        });
  }

  // ---- the stage clock's warnings

  private static final String FINAL = "('APPROVED', 'DENIED', 'DELIVERED', 'WITHDRAWN', 'TERMINATED', 'NOT_ACCEPTED')";

  /** Open stages (a linked case not final) due by {@code horizon}: [stage id, due date]. */
  public Future<List<Object[]>> dueStages(LocalDate horizon) {
    return pool.preparedQuery("select s.id, s.due_date from project_stage s where s.due_date <= $1"
        + " and s.completed_at is not null and exists (select 1 from project_stage_case c join application a"
        + " on a.number = c.case_number where c.project_id = s.project_id and c.stage = s.stage"
        + " and a.status not in " + FINAL + ")").execute(Tuple.of(horizon)).map(rows -> {
          List<Object[]> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Object[] {r.getLong(0), r.getLocalDate(1)}));
          return out;
        });
  }

  private static final String RAISE = DeadlineWarnings.raiseStatement("project_stage_warning", "project_stage_id",
      "project_stage", "project", "p.project_id::text", "ProjectStageDeadlineWarning",
      "jsonb_build_object('projectId', p.project_id, 'stage', p.stage, 'kind', ins.kind, 'level', ins.level,"
          + " 'dueDate', ins.due_date)");

  public Future<Integer> raise(DeadlineWarnings.Batch batch, OffsetDateTime at) {
    return pool.preparedQuery(RAISE).execute(DeadlineWarnings.raiseArguments(batch.ids, batch.kinds, batch.levels,
        batch.dues, at)).map(r -> r.iterator().next().getLong(0).intValue());
  }

  /**
   * Forgets one batch of the idempotency keys of project older than {@code before} (IdempotencyKeys.forget).
   */
  public Future<Integer> forgetIdempotencyKeys(OffsetDateTime before, int batch) {
    return cn.tongban.core.infra.IdempotencyKeys.forget(pool, "project", "created_at", false, before, batch);
  }

  /**
   * Forgets one batch of the idempotency keys of project_stage older than {@code before} (IdempotencyKeys.forget).
   */
  public Future<Integer> forgetStageIdempotencyKeys(OffsetDateTime before, int batch) {
    return cn.tongban.core.infra.IdempotencyKeys.forget(pool, "project_stage", "applied_at", true, before, batch);
  }
}
