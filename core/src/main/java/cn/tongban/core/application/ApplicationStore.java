package cn.tongban.core.application;

import cn.tongban.plugin.Trace;
import cn.tongban.core.access.Channel;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.privacy.PersonalData;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL for cases: the one-statement submission, and reads limited to what the caller may see. */
public final class ApplicationStore {
  /**
   * The years from the clock's start to the later due date that have no loaded holiday calendar, while the
   * clock runs (accepted, in review, suspended): those due dates are provisional.
   */
  static final String PROVISIONAL_YEARS = """
      (select coalesce(array_agg(y order by y), '{}') from generate_series(
          extract(year from a.clock_start)::int,
          extract(year from greatest(a.due_date, a.legal_due_date))::int) y
        where a.status in ('ACCEPTED', 'IN_REVIEW', 'SUSPENDED')
          and not exists (select 1 from calendar_year cy where cy.year = y))""";

  /** The case's own columns (as {@code a}), without its matter's name, opinions and warnings. */
  private static final String CASE_COLUMNS = """
       a.id, a.number, a.matter_code, a.form_version, a.status, a.channel, a.hall_code,
      a.department_code, a.applicant, a.data, a.query_code, a.submitted_by, a.version, a.submitted_at,
      a.updated_at, a.request_hash, a.notice_due_date, a.accepted_at, a.clock_start, a.due_date, a.legal_due_date,
      a.suspended_at, a.suspended_from_status, a.correction, a.parallel_departments, a.deficiency, a.commitments,
      a.accepting_department_code, a.home_hall_code, a.forwarded_at, a.forward_due_date, a.forward_answered_at,
      a.collection, a.agency""";

  /** Everything {@link #toStored} reads: the case ({@code a}), its matter's name ({@code m}), opinions, warnings. */
  private static final String COLUMNS = CASE_COLUMNS + """
      , m.name as matter_name,
      (select coalesce(jsonb_agg(jsonb_build_object('department', o.department_code,
                 'departmentName', o.department_name, 'task', o.task, 'dueDate', o.due_date, 'opinion', o.opinion,
                 'comment', o.comment, 'decidedAt', o.decided_at) order by o.department_code), '[]'::jsonb)
       from case_opinion o where o.application_id = a.id) as opinions,
      (select coalesce(jsonb_agg(jsonb_build_object('kind', w.kind, 'level', w.level, 'subject', w.subject,
                 'dueDate', w.due_date, 'raisedAt', w.raised_at) order by w.id), '[]'::jsonb)
       from case_warning w where w.application_id = a.id) as warnings,
      """ + PROVISIONAL_YEARS + " as provisional_years";

  /**
   * What {@link #toSummary} reads, in the order it reads them (by position: looking each column up by name
   * was a tenth of a page's cost): the columns a list shows and the case's warnings (through their unique
   * index; SQL null when there are none, which is most cases: nothing to parse), not its form data nor its
   * other per-case sub-selects.
   */
  private static final String SUMMARY_COLUMNS = """
       a.id, a.number, a.matter_code, m.name as matter_name, a.form_version, a.status, a.channel, a.hall_code,
      a.department_code, a.applicant, a.query_code, a.submitted_by, a.version, a.submitted_at, a.updated_at,
      a.notice_due_date, a.accepted_at, a.clock_start, a.due_date, a.legal_due_date, a.suspended_at,
      (select jsonb_agg(jsonb_build_object('kind', w.kind, 'level', w.level, 'subject', w.subject,
                 'dueDate', w.due_date, 'raisedAt', w.raised_at) order by w.id)
       from case_warning w where w.application_id = a.id) as warnings""";


  /**
   * The submission statement's parameters, in order: each is an array with one element per submission of the
   * batch ({@link cn.tongban.core.infra.GroupCommit}), unnested together {@code with ordinality} as the columns
   * of {@code input}. A {@code json} value travels as its JSON text in a {@code text[]} (a {@code jsonb[]} would
   * turn a missing value into JSON null, not SQL null); the authorisation's uuid as text.
   */
  private static final String[][] SUBMIT_INPUT = {
      {"area_code", "text"}, {"matter_code", "text"}, {"form_version", "int"}, {"channel", "text"},
      {"hall_code", "text"}, {"department_code", "text"}, {"applicant", "text"}, {"applicant_id_index", "text"},
      {"data", "text"}, {"query_code", "text"}, {"submitted_by", "text"}, {"idempotency_key", "text"},
      {"request_hash", "text"}, {"notice_due_date", "date"}, {"submitted_at", "timestamptz"},
      {"credit_code", "text"}, {"licence_needs", "json"}, {"handed_in", "json"}, {"reusable", "json"},
      {"accepting_department_code", "text"}, {"home_hall_code", "text"}, {"forwarded_at", "timestamptz"},
      {"forward_due_date", "date"}, {"collection", "json"}, {"agency", "json"}, {"authorisation_id", "text"},
      {"matter_name", "text"}, {"intake_fingerprint", "text"}, {"given_hall", "text"}, {"value_hashes", "json"},
      {"traceparent", "text"}};

  private static String submitInput() {
    StringBuilder columns = new StringBuilder();
    StringBuilder arrays = new StringBuilder();
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < SUBMIT_INPUT.length; i++) {
      String name = SUBMIT_INPUT[i][0];
      String type = SUBMIT_INPUT[i][1];
      columns.append(switch (type) {
        case "json" -> "i." + name + "::jsonb as " + name;
        default -> "i." + name;
      }).append(", ");
      arrays.append(i == 0 ? "" : ", ").append('$').append(i + 1).append("::")
          .append(type.equals("json") ? "text" : type).append("[]");
      names.append(name).append(", ");
    }
    return "select " + columns + "i.pos from unnest(" + arrays + ") with ordinality as i(" + names + "pos)";
  }

  // One statement for a whole batch of submissions (GroupCommit; a batch of one is the same statement), one
  // implicit transaction: every case with its steps, audit and outbox events and materials lands, or none does.
  // A repeated idempotency key inserts nothing for that submission (also when the first use is earlier in the
  // same batch: ON CONFLICT DO NOTHING skips a row conflicting with one the statement inserted), and neither
  // does a submission whose intake changed; neither returns a row. Every returned row starts with its
  // submission's position in the batch (pos).
  private static final String SUBMIT = ("""
      with input as (
        :input
      ), fingerprint as (
        -- The intake as it is now, once per hall and matter of the batch rather than once per submission.
        select hm.given_hall, hm.matter_code, :intake_fingerprint as fingerprint
        from (select distinct given_hall, matter_code from input) hm
      ), admitted as materialized (
        -- Only the submissions whose intake (which the caller may have kept) is still what it validated and
        -- routed against; each numbered here, so the inserted case can be matched to its submission.
        select i.*, i.area_code || to_char(i.submitted_at at time zone 'Asia/Shanghai', 'YYYYMMDD')
                   || lpad((nextval('application_number_seq') % 100000000)::text, 8, '0') as number
        from input i join fingerprint f on f.given_hall is not distinct from i.given_hall
                                       and f.matter_code = i.matter_code
        where f.fingerprint = i.intake_fingerprint
        order by i.pos
      ), app as (
        insert into application (number, matter_code, form_version, status, channel, hall_code, department_code,
                                 applicant, applicant_id_index, data, query_code, submitted_by, idempotency_key,
                                 request_hash, notice_due_date, submitted_at, updated_at, applicant_credit_code,
                                 accepting_department_code, home_hall_code, forwarded_at, forward_due_date,
                                 collection, agency, authorisation_id)
        select number, matter_code, form_version, 'SUBMITTED', channel,
               -- Online cases are received by the city service centre's comprehensive window (一窗受理);
               -- the caller names it (read with the intake), this look-up is only the fallback.
               coalesce(hall_code, (select code from hall where level = 'CITY' order by code limit 1)),
               department_code, applicant, applicant_id_index, data, query_code, submitted_by, idempotency_key,
               request_hash, notice_due_date, submitted_at, submitted_at, credit_code, accepting_department_code,
               home_hall_code, forwarded_at, forward_due_date, collection, agency, authorisation_id::uuid
        from admitted order by pos
        on conflict (submitted_by, idempotency_key) do nothing
        returning *
      ), step as (
        -- 同城通办: a case taken in away from its home hall is forwarded there in the same breath (转办).
        insert into case_step (application_id, action, step_name, actor, from_status, to_status, started_at,
                               ended_at, detail)
        select id, 'submit', '收件', submitted_by, null, 'SUBMITTED', submitted_at, submitted_at,
               jsonb_strip_nulls(jsonb_build_object('channel', channel, 'hallCode', hall_code, 'agency', agency))
        from app
        union all
        select id, 'forward', '转办', submitted_by, 'SUBMITTED', 'SUBMITTED', submitted_at, submitted_at,
               jsonb_build_object('fromHall', hall_code, 'toHall', home_hall_code,
                                  'acceptingDepartment', accepting_department_code,
                                  'approvingDepartment', department_code, 'dueDate', forward_due_date)
        from app where forwarded_at is not null
      ), audit as (
        insert into audit_event (actor, action, entity_type, entity_id, detail)
        select submitted_by, 'application.submitted', 'application', number,
               jsonb_strip_nulls(jsonb_build_object('matterCode', matter_code, 'formVersion', form_version,
                                  'channel', channel, 'hallCode', hall_code, 'authorisationId', authorisation_id))
        from app
        union all
        select submitted_by, 'application.forwarded', 'application', number,
               jsonb_build_object('fromHall', hall_code, 'toHall', home_hall_code,
                                  'acceptingDepartment', accepting_department_code, 'dueDate', forward_due_date)
        from app where forwarded_at is not null
      ), outbox as (
        insert into outbox_event (aggregate_type, aggregate_id, event_type, payload, traceparent)
        select 'application', app.number, 'ApplicationSubmitted',
               jsonb_build_object('number', app.number, 'matterCode', app.matter_code,
                                  'formVersion', app.form_version, 'status', app.status, 'channel', app.channel,
                                  'departmentCode', app.department_code, 'hallCode', app.hall_code,
                                  'submittedAt', app.submitted_at), x.traceparent
        from app join admitted x on x.number = app.number
        union all
        select 'application', app.number, 'ApplicationForwarded',
               jsonb_build_object('number', app.number, 'matterCode', app.matter_code, 'fromHall', app.hall_code,
                                  'toHall', app.home_hall_code, 'acceptingDepartment', app.accepting_department_code,
                                  'departmentCode', app.department_code, 'hallCode', app.hall_code,
                                  'forwardedAt', app.forwarded_at, 'dueDate', app.forward_due_date), x.traceparent
        from app join admitted x on x.number = app.number where app.forwarded_at is not null
      ), licensed as (
        -- 免提交: a material the library holds as the applicant's valid licence is attached, not asked for.
        insert into case_material (application_id, material_code, source, licence_identifier)
        select app.id, need.code, 'LICENCE', held.identifier
        from app join admitted x on x.number = app.number
        cross join jsonb_to_recordset(x.licence_needs) as need(code text, "licenceType" text)
        cross join lateral (:held_licence) held
        returning application_id, material_code
      ), handed as (
        insert into case_material (application_id, material_code, source, material_id)
        select app.id, f.code, 'UPLOAD', f."materialId"::uuid
        from app join admitted x on x.number = app.number
        cross join jsonb_to_recordset(x.handed_in) as f(code text, "materialId" text)
        where not exists (select 1 from licensed l where l.application_id = app.id and l.material_code = f.code)
        returning application_id, material_code
      ), reused as (
        -- 一次提交、多次复用: the applicant's latest valid file handed in before as this material.
        insert into case_material (application_id, material_code, source, material_id)
        select app.id, need.code, 'REUSED', earlier.id
        from app join admitted x on x.number = app.number
        cross join jsonb_to_recordset(x.reusable) as need(code text)
        cross join lateral (:earlier_file) earlier
        where not exists (select 1 from licensed l where l.application_id = app.id and l.material_code = need.code)
          and not exists (select 1 from handed h where h.application_id = app.id and h.material_code = need.code)
      ), sourced as (
        -- 数据来源: where each submitted top-level field came from — the origin the prefill named when the
        -- value is the one it offered this caller for this matter within a day, else the applicant. No offer:
        -- nothing recorded. In this statement, so a submission costs no extra round trip for it.
        insert into application_data_source (number, sources)
        select app.number, jsonb_object_agg(f.key,
                 case when o.fields -> f.key ->> 'hash' = f.value #>> '{}' then (o.fields -> f.key) - 'hash'
                      else jsonb_build_object('handler', 'applicant') end)
        from app join admitted x on x.number = app.number
        join prefill_offer o on o.scope_key = app.submitted_by and o.matter_code = app.matter_code
                             and o.offered_at > app.submitted_at - interval '1 day'
        cross join jsonb_each(x.value_hashes) f
        group by app.number
      )
      -- A new case has no opinions and no warnings yet, and the caller knows its matter's name: the smaller
      -- plan is cheaper to start, for every submission.
      select x.pos,""" + CASE_COLUMNS + ", x.matter_name, '[]'::jsonb as opinions, '[]'::jsonb as warnings,"
      + " '{}'::int[] as provisional_years"
      + " from app a join admitted x on x.number = a.number")
      .replace(":input", submitInput())
      .replace(":intake_fingerprint", intakeFingerprint("hm.given_hall", "hm.matter_code"))
      .replace(":held_licence", heldLicence("l.identifier", "app.applicant_id_index", "app.applicant_credit_code",
          "need.\"licenceType\"", "(app.submitted_at at time zone 'Asia/Shanghai')::date"))
      .replace(":earlier_file", earlierFile("f.id", "app.applicant_id_index", "need.code",
          "(app.submitted_at at time zone 'Asia/Shanghai')::date"));

  /**
   * 免提交 — the one rule, for the submission and for {@link #wouldSatisfy}: the holder's latest active
   * licence of the type, valid on the day (holder: a person's identity-number index, or a credit code).
   */
  private static String heldLicence(String columns, String idIndex, String creditCode, String type, String day) {
    return "select " + columns + " from licence l where l.holder_index in (" + idIndex + ", " + creditCode + ")"
        + " and l.type_name = " + type + " and l.status = 'ACTIVE'"
        + " and (l.valid_until is null or l.valid_until >= " + day + ")"
        + " order by l.issue_date desc, l.created_at desc limit 1";
  }

  /**
   * 一次提交、多次复用 — the one rule, for the submission and for {@link #wouldSatisfy}: the applicant's latest
   * file handed in before as this material and still valid on the day, that they uploaded themselves (a file
   * staff uploaded for them belongs to the case it was uploaded for, and is not reused silently).
   */
  private static String earlierFile(String columns, String ownerIndex, String kind, String day) {
    return "select " + columns + " from material_file f where f.owner_index = " + ownerIndex
        + " and f.kind = " + kind + " and f.by_owner and f.valid_until >= " + day
        + " order by f.uploaded_at desc limit 1";
  }

  private static final String WOULD_LICENCE = "select need.code as material_code, held.* from"
      + " jsonb_to_recordset($1::jsonb) as need(code text, \"licenceType\" text) cross join lateral ("
      + heldLicence("l.*", "$2", "$3", "need.\"licenceType\"", "$4") + ") held";

  private static final String WOULD_FILE = "select need.code as material_code, earlier.* from"
      + " jsonb_to_recordset($1::jsonb) as need(code text) cross join lateral ("
      + earlierFile("f.id::text as id, f.file_name, f.media_type, f.size_bytes, f.uploaded_at, f.valid_until",
          "$2", "need.code", "$3") + ") earlier";

  /** What {@link #insert} would attach, were the case submitted on {@code day}: licences and earlier files. */
  public record WouldSatisfy(java.util.Map<String, Row> licences, java.util.Map<String, JsonObject> files) {
  }

  /**
   * What the submission statement would attach to a case of this plan (its licence needs and its materials
   * to fill from earlier files) for this applicant on {@code day}, by the same rules ({@link #heldLicence},
   * {@link #earlierFile}); the licence rows are whole rows of {@code licence}.
   */
  public Future<WouldSatisfy> wouldSatisfy(Optional<String> idIndex, Optional<String> creditCode, Materials plan,
      LocalDate day) {
    Future<java.util.Map<String, Row>> held = plan.licenceNeeds().isEmpty()
        ? Future.succeededFuture(java.util.Map.of())
        : pool.preparedQuery(WOULD_LICENCE).execute(Tuple.of(plan.licenceNeeds(), idIndex.orElse(null),
            creditCode.orElse(null), day)).map(rows -> {
              java.util.Map<String, Row> out = new java.util.HashMap<>();
              rows.forEach(r -> out.put(r.getString("material_code"), r));
              return out;
            });
    Future<java.util.Map<String, JsonObject>> earlier = plan.reusable().isEmpty() || idIndex.isEmpty()
        ? Future.succeededFuture(java.util.Map.of())
        : pool.preparedQuery(WOULD_FILE).execute(Tuple.of(plan.reusable(), idIndex.get(), day)).map(rows -> {
          java.util.Map<String, JsonObject> out = new java.util.HashMap<>();
          rows.forEach(r -> out.put(r.getString("material_code"), new JsonObject().put("id", r.getString("id"))
              .put("fileName", r.getString("file_name")).put("mediaType", r.getString("media_type"))
              .put("size", r.getInteger("size_bytes")).put("uploadedAt", r.getOffsetDateTime("uploaded_at").toString())
              .put("validUntil", r.getLocalDate("valid_until").toString())));
          return out;
        });
    return Future.all(held, earlier).map(x -> new WouldSatisfy(held.result(), earlier.result()));
  }

  /** A staff member read what a person's library holds for a matter (personal data): audited. */
  public Future<Void> auditLibraryRead(String actor, String idIndex, String matterCode) {
    return AuditLog.record(pool, actor, "material.reusable.read", "person", idIndex,
        new JsonObject().put("matterCode", matterCode));
  }

  private final Pool pool;
  private final PersonalData personal;
  private final cn.tongban.core.infra.GroupCommit<Object[]> submissions;

  /**
   * {@code submissionsInFlight}: how many submission statements may be on their way at once; submissions
   * arriving meanwhile wait and go out together, sharing one commit ({@link cn.tongban.core.infra.GroupCommit}).
   */
  public ApplicationStore(Pool pool, PersonalData personal, int submissionsInFlight) {
    this.pool = pool;
    this.personal = personal;
    this.submissions = new cn.tongban.core.infra.GroupCommit<>(pool, SUBMIT, ApplicationStore::submitArrays,
        submissionsInFlight, 64);
  }

  /** Submissions waiting for a commit slot ({@link cn.tongban.core.infra.GroupCommit#queued}). */
  public int submissionsQueued() {
    return submissions.queued();
  }

  /** The sealing of personal data this store uses (the applicant, form data and express address are sealed). */
  public PersonalData personal() {
    return personal;
  }

  /** A new case to insert. */
  public record NewApplication(String areaCode, String matterCode, String matterName, int formVersion,
      Channel channel, Optional<String> hallCode, String departmentCode, JsonObject applicant,
      String applicantIdNumber, JsonObject data, String queryCode, String submittedBy,
      Optional<String> idempotencyKey, String requestHash, LocalDate noticeDueDate, OffsetDateTime submittedAt,
      Optional<String> creditCode, Materials materials, Routing routing, String intakeFingerprint) {
  }

  /**
   * 通办地收件、归属地受理、归属地审批: who accepts, the hall taking the case in (the city hall for online cases),
   * the home hall, when the case was forwarded there and by when it must be accepted or returned (empty when
   * taken in at home), where the result is collected, and the 代办 record with its authorisation.
   */
  public record Routing(String acceptingDepartment, Optional<String> intakeHall, Optional<String> homeHall,
      Optional<OffsetDateTime> forwardedAt, Optional<LocalDate> forwardDueDate, JsonObject collection,
      Optional<JsonObject> agency, Optional<String> authorisationId) {
  }

  /**
   * What the case's materials may be satisfied by: licence types to look up in the library, files handed
   * in with the submission, and material codes to fill from the applicant's earlier files.
   */
  public record Materials(JsonArray licenceNeeds, JsonArray handedIn, JsonArray reusable) {
    public static final Materials NONE = new Materials(new JsonArray(), new JsonArray(), new JsonArray());
  }

  /** A stored case and the hash of the request that created it. */
  public record Stored(Application application, String requestHash) {
  }

  /**
   * Inserts the case; empty when the caller's idempotency key was used before, or when the intake it was
   * validated against ({@link NewApplication#intakeFingerprint}) is no longer the current one.
   */
  public Future<Optional<Stored>> insert(NewApplication n) {
    return submissions.execute(new Object[] {
        n.areaCode(), n.matterCode(), n.formVersion(), n.channel().name(),
        n.hallCode().or(n.routing()::intakeHall).orElse(null),
        n.departmentCode(), personal.sealJson(APPLICANT, n.queryCode(), n.applicant()),
        personal.index(PersonalData.Kind.ID, n.applicantIdNumber()), personal.sealJson(DATA, n.queryCode(), n.data()),
        n.queryCode(), n.submittedBy(),
        n.idempotencyKey().orElse(null), n.requestHash(), n.noticeDueDate(), n.submittedAt(),
        n.creditCode().orElse(null), n.materials().licenceNeeds(), n.materials().handedIn(),
        n.materials().reusable(), n.routing().acceptingDepartment(), n.routing().homeHall().orElse(null),
        n.routing().forwardedAt().orElse(null), n.routing().forwardDueDate().orElse(null),
        sealCollection(personal, n.queryCode(), n.routing().collection()), n.routing().agency().orElse(null),
        n.routing().authorisationId().orElse(null), n.matterName(), n.intakeFingerprint(),
        n.hallCode().orElse(null), valueHashes(n.data()), Trace.currentTraceparent()})
        // The applicant and the data are the ones just sealed: handed back as they are, not opened again (an
        // AES-GCM decryption and a JSON parse of each, a tenth of a submission's allocation).
        .map(rows -> rows.isEmpty() ? Optional.empty() : Optional.of(toStored(rows.get(0), n.applicant(), n.data())));
  }

  /** A batch's submissions as the statement's parameters: one array per input column, one element per submission. */
  private static Tuple submitArrays(List<Object[]> batch) {
    Object[] arrays = new Object[SUBMIT_INPUT.length];
    for (int c = 0; c < arrays.length; c++) {
      String type = SUBMIT_INPUT[c][1];
      Object[] column = (Object[]) java.lang.reflect.Array.newInstance(switch (type) {
        case "int" -> Integer.class;
        case "date" -> LocalDate.class;
        case "timestamptz" -> OffsetDateTime.class;
        default -> String.class;
      }, batch.size());
      for (int i = 0; i < column.length; i++) {
        Object value = batch.get(i)[c];
        column[i] = value == null || !type.equals("json") ? value
            : value instanceof JsonObject o ? o.encode() : ((JsonArray) value).encode();
      }
      arrays[c] = column;
    }
    return Tuple.from(arrays);
  }

  /**
   * Where a case is taken in: the intake hall's level (empty when there is no such hall) and the city hall;
   * and, read in the same round trip, the stamp of the matter's published form
   * ({@link cn.tongban.core.matter.MatterStore#publishedFormStampQuery}; empty when there is no such matter).
   */
  public record Intake(Optional<String> hallLevel, Optional<String> cityHall, Optional<String> formStamp) {
    /**
     * All three in one text, as {@link #intakeFingerprint} computes it in SQL: the submission statement
     * inserts nothing when the intake it was routed and validated against has changed since.
     */
    public String fingerprint() {
      return String.join("|", hallLevel.orElse("-"), cityHall.orElse("-"), formStamp.orElse("-"));
    }
  }

  /** {@link Intake#fingerprint()} in SQL, for the hall code and the matter code these SQL expressions give. */
  private static String intakeFingerprint(String hall, String matter) {
    return "concat_ws('|', coalesce((select level from hall where code = " + hall + "), '-'),"
        + " coalesce((select code from hall where level = 'CITY' order by code limit 1), '-'),"
        + " coalesce(" + cn.tongban.core.matter.MatterStore.publishedFormStampQuery(matter) + ", '-'))";
  }

  public Future<Intake> intake(Optional<String> hallCode, String matterCode) {
    return pool.preparedQuery("select (select level from hall where code = $1),"
            + " (select code from hall where level = 'CITY' order by code limit 1), "
            + cn.tongban.core.matter.MatterStore.publishedFormStampQuery(2))
        .execute(Tuple.of(hallCode.orElse(null), matterCode))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Intake(Optional.ofNullable(r.getString(0)), Optional.ofNullable(r.getString(1)),
              Optional.ofNullable(r.getString(2)));
        });
  }

  public Future<Optional<Stored>> findByIdempotencyKey(String submittedBy, String key) {
    return pool.preparedQuery("select " + COLUMNS
            + " from application a join matter m on m.code = a.matter_code"
            + " where a.submitted_by = $1 and a.idempotency_key = $2")
        .execute(Tuple.of(submittedBy, key))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toStored(rows.iterator().next())));
  }

  /** A change of a case's state, with the step, audit event and outbox event it records. */
  public record Transition(Application before, ApplicationStatus to, JsonObject data, Application.Clock clock,
      Application.Supervision supervision, OffsetDateTime at, String action, String stepName, String actor,
      String opinion, JsonObject detail, String eventType, Optional<JsonObject> collection) {
  }

  private static final String TRANSITION = """
      with upd as (
        update application set status = $3, version = version + 1, updated_at = $4, data = $5,
          accepted_at = $6, clock_start = $7, due_date = $8, legal_due_date = $9, suspended_at = $10,
          notice_due_date = $23,
          suspended_from_status = $11, correction = $12, parallel_departments = $20, deficiency = $21,
          commitments = $22, collection = coalesce($24::jsonb, collection),
          decided_at = case when $3 in ('APPROVED', 'DENIED', 'NOT_ACCEPTED') then $4 else decided_at end
        where id = $1 and version = $2
        returning *
      ), step as (
        insert into case_step (application_id, action, step_name, actor, opinion, from_status, to_status, detail,
                               started_at, ended_at)
        select id, $13, $14, $15, $16, $17, status, $18,
               coalesce((select max(ended_at) from case_step where application_id = $1), submitted_at), $4
        from upd
      ), audit as (
        insert into audit_event (actor, action, entity_type, entity_id, detail)
        select $15, 'application.' || $13, 'application', number,
               jsonb_build_object('from', $17::text, 'to', status, 'version', version)
        from upd
      ), outbox as (
        insert into outbox_event (aggregate_type, aggregate_id, event_type, payload, traceparent)
        select 'application', number, $19,
               jsonb_build_object('number', number, 'matterCode', matter_code, 'action', $13::text,
                                  'from', $17::text, 'status', status, 'version', version,
                                  'departmentCode', department_code, 'hallCode', hall_code, 'at', $4::timestamptz), $25::text
        from upd
      )
      select""" + COLUMNS + " from upd a join matter m on m.code = a.matter_code";

  /** Applies a transition if nobody changed the case since {@code before} was read; empty otherwise. */
  public Future<Optional<Application>> transition(Transition t) {
    return transition(pool, t);
  }

  /** As {@link #transition(Transition)}, inside the caller's transaction. */
  public Future<Optional<Application>> transition(SqlClient client, Transition t) {
    Application.Clock c = t.clock();
    Application.Supervision sv = t.supervision();
    return client.preparedQuery(TRANSITION).execute(Tuple.from(new Object[] {
        t.before().id(), t.before().version(), t.to().name(), t.at(),
        personal.sealJson(DATA, t.before().queryCode(), t.data()),
        c.acceptedAt().orElse(null), c.clockStart().orElse(null), c.dueDate().orElse(null),
        c.legalDueDate().orElse(null), c.suspendedAt().orElse(null),
        c.suspendedFromStatus().map(Enum::name).orElse(null), c.correction().orElse(null),
        t.action(), t.stepName(), t.actor(), t.opinion(), t.before().status().name(), t.detail(), t.eventType(),
        sv.parallelDepartments().toArray(String[]::new), sv.deficiency().orElse(null),
        sv.commitments().orElse(null), c.noticeDueDate().orElse(null),
        t.collection().map(x -> sealCollection(personal, t.before().queryCode(), x)).orElse(null),
        Trace.currentTraceparent()}))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toStored(rows.iterator().next()).application()));
  }

  /** A running clock whose due dates a newly loaded calendar year may move. */
  public record RunningClock(long id, String number, LocalDate clockStart, LocalDate dueDate, LocalDate legalDueDate) {
  }

  /** Cases whose clock runs (accepted, in review, suspended) from before or in {@code year} to it or later. */
  public Future<List<RunningClock>> clocksReaching(SqlClient tx, int year) {
    return tx.preparedQuery("""
            select id, number, clock_start, due_date, legal_due_date from application
            where status in ('ACCEPTED', 'IN_REVIEW', 'SUSPENDED') and clock_start is not null
              and clock_start <= $2 and greatest(due_date, legal_due_date) >= $1
            order by id for update""")
        .execute(Tuple.of(LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31)))
        .map(rows -> {
          List<RunningClock> out = new ArrayList<>();
          rows.forEach(r -> out.add(new RunningClock(r.getLong(0), r.getString(1), r.getLocalDate(2),
              r.getLocalDate(3), r.getLocalDate(4))));
          return out;
        });
  }

  /**
   * Moves the due dates of cases ({@code $1} ids, {@code $2} due dates, {@code $3} statutory due dates) as
   * the calendar now counts them, each with a new version and an audit event naming the year and the dates
   * before and after.
   */
  public Future<Integer> moveDueDates(SqlClient tx, List<Long> ids, List<LocalDate> dues, List<LocalDate> legalDues,
      int year, String actor, OffsetDateTime at) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return tx.preparedQuery("""
            with moved as (
              select * from unnest($1::bigint[], $2::date[], $3::date[]) as t(id, due_date, legal_due_date)
            ), old as (
              select a.id, a.due_date, a.legal_due_date from application a join moved using (id)
            ), upd as (
              update application a set due_date = m.due_date, legal_due_date = m.legal_due_date,
                version = a.version + 1, updated_at = $6
              from moved m where a.id = m.id
              returning a.id, a.number, a.version
            ), audit as (
              insert into audit_event (actor, action, entity_type, entity_id, detail)
              select $5, 'application.due-dates-recomputed', 'application', upd.number,
                     jsonb_build_object('calendarYear', $4::int, 'version', upd.version,
                       'from', jsonb_build_object('dueDate', old.due_date, 'legalDueDate', old.legal_due_date),
                       'to', jsonb_build_object('dueDate', m.due_date, 'legalDueDate', m.legal_due_date))
              from upd join old using (id) join moved m using (id)
            )
            select count(*) from upd""")
        .execute(Tuple.of(ids.toArray(Long[]::new), dues.toArray(LocalDate[]::new),
            legalDues.toArray(LocalDate[]::new), year, actor, at))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  /** Cases whose running clock reaches a year without a loaded calendar, the latest statutory limit last. */
  public Future<List<JsonObject>> provisionalCases(int limit) {
    return pool.preparedQuery("select a.number, a.matter_code, m.name, a.department_code, a.status, a.clock_start,"
            + " a.due_date, a.legal_due_date, " + PROVISIONAL_YEARS + " as years"
            + " from application a join matter m on m.code = a.matter_code"
            + " where a.status in ('ACCEPTED', 'IN_REVIEW', 'SUSPENDED') and cardinality(" + PROVISIONAL_YEARS + ") > 0"
            + " order by a.legal_due_date, a.number limit $1")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new JsonObject().put("number", r.getString(0)).put("matterCode", r.getString(1))
              .put("matterName", r.getString(2)).put("departmentCode", r.getString(3)).put("status", r.getString(4))
              .put("clockStart", r.getLocalDate(5).toString()).put("dueDate", r.getLocalDate(6).toString())
              .put("legalDueDate", r.getLocalDate(7).toString())
              .put("provisionalYears", new JsonArray(List.of(r.getArrayOfIntegers(8))))));
          return out;
        });
  }

  public Pool pool() {
    return pool;
  }

  /** Opens the departments' opinions of a parallel approval. */
  public Future<Void> openOpinions(SqlClient tx, long applicationId, JsonArray departments) {
    Future<Void> chain = Future.succeededFuture();
    for (Object o : departments) {
      JsonObject d = (JsonObject) o;
      chain = chain.compose(v -> tx.preparedQuery("""
              insert into case_opinion (application_id, department_code, department_name, task, due_date)
              values ($1, $2, $3, $4, $5)
              on conflict (application_id, department_code) do update set due_date = excluded.due_date,
                opinion = null, comment = null, actor = null, decided_at = null""")
          .execute(Tuple.of(applicationId, d.getString("code"), d.getString("name"), d.getString("task"),
              LocalDate.parse(d.getString("dueDate"))))
          .mapEmpty());
    }
    return chain;
  }

  /** Stops a forwarded case's forwarding clock: it was accepted, refused or returned. */
  public Future<Void> answerForward(SqlClient tx, long applicationId, OffsetDateTime at) {
    return tx.preparedQuery("update application set forward_answered_at = $2"
            + " where id = $1 and forward_answered_at is null")
        .execute(Tuple.of(applicationId, at)).mapEmpty();
  }

  /** Records a department's opinion if it is still pending; false when it was given (or deemed) already. */
  public Future<Boolean> decideOpinion(SqlClient tx, long applicationId, String department, String opinion,
      String comment, String actor, OffsetDateTime at) {
    return tx.preparedQuery("""
            update case_opinion set opinion = $3, comment = $4, actor = $5, decided_at = $6
            where application_id = $1 and department_code = $2 and opinion is null""")
        .execute(Tuple.of(applicationId, department, opinion, comment, actor, at))
        .map(rows -> rows.rowCount() == 1);
  }

  /** How many opinions are still pending, and how many disagree. */
  public Future<int[]> opinionCounts(SqlClient tx, long applicationId) {
    return tx.preparedQuery("""
            select count(*) filter (where opinion is null), count(*) filter (where opinion = 'DISAGREE')
            from case_opinion where application_id = $1""")
        .execute(Tuple.of(applicationId))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new int[] {r.getInteger(0), r.getInteger(1)};
        });
  }

  /** Records that a member of staff read a case (and the personal data in it). */
  public Future<Void> auditRead(String actor, String number) {
    return AuditLog.record(pool, actor, "application.read", "application", number, null);
  }

  /** Whether a step with {@code action} was ever recorded on the case. */
  public Future<Boolean> hasStep(long applicationId, String action) {
    return pool.preparedQuery("select 1 from case_step where application_id = $1 and action = $2 limit 1")
        .execute(Tuple.of(applicationId, action))
        .map(rows -> rows.size() > 0);
  }

  /** Whether the applicant (by identity number, an enterprise by credit code) is flagged with bad credit (失信). */
  public Future<Boolean> badCredit(JsonObject applicant) {
    return pool.preparedQuery("select 1 from applicant_credit where subject_index = $1 and status = 'BAD'")
        .execute(Tuple.of(creditIndex(applicant)))
        .map(rows -> rows.size() > 0);
  }

  /** Records bad credit for the applicant (a false commitment), inside the caller's transaction. */
  public Future<Void> recordBadCredit(SqlClient tx, JsonObject applicant, String reason) {
    return tx.preparedQuery("""
            insert into applicant_credit (subject_index, subject_sealed, status, reason, source)
            values ($1, $3, 'BAD', $2, 'commitment')
            on conflict (subject_index) do update set status = 'BAD', reason = excluded.reason,
              source = excluded.source, updated_at = now()""")
        .execute(Tuple.of(creditIndex(applicant), reason,
            personal.seal(CREDIT_SUBJECT, creditIndex(applicant), creditKey(applicant)))).mapEmpty();
  }

  /**
   * The columns' contexts: a sealed value opens only in the column it was sealed for, and only in its row. A case's
   * values are bound to its query code (drawn here before the insert, unlike the number and id, which the insert
   * draws: binding to them would cost every submission a round trip); a credit record's to its subject's index.
   */
  public static final String APPLICANT = "application.applicant";
  public static final String DATA = "application.data";
  public static final String EXPRESS = "application.collection.express";
  public static final String CREDIT_SUBJECT = "applicant_credit.subject";

  /** A case's sealed applicant, form data and express address, for a rewrap. */
  public static final SealedTable SEALED = new SealedTable("application",
      "select id, query_code, applicant, data, collection from application where $2::bytea is not null and ("
          + SealedTable.stale("applicant") + " or " + SealedTable.stale("data") + " or "
          + SealedTable.stale("collection->>'express'") + ") order by id",
      "update application set applicant = $2, applicant_id_index = $3, data = $4, collection = $5 where id = $1",
      (personal, r) -> {
        String row = r.getString("query_code");
        JsonObject applicant = personal.openJson(APPLICANT, row, r.getString("applicant"));
        JsonObject data = personal.openJson(DATA, row, r.getString("data"));
        JsonObject collection = openCollection(personal, row, (JsonObject) r.getValue("collection"));
        return Tuple.of(r.getLong("id"), personal.sealJson(APPLICANT, row, applicant),
            personal.index(PersonalData.Kind.ID, applicant.getString("idNumber")),
            personal.sealJson(DATA, row, data), sealCollection(personal, row, collection));
      });

  /** The credit record's sealed subject, for a rewrap. */
  public static final SealedTable SEALED_CREDIT = new SealedTable("applicant_credit",
      "select subject_index, subject_sealed from applicant_credit where $2::bytea is not null and "
          + SealedTable.stale("subject_sealed") + " order by subject_index",
      "update applicant_credit set subject_sealed = $2, subject_index = $3 where subject_index = $1",
      (personal, r) -> {
        String subject = personal.open(CREDIT_SUBJECT, r.getString("subject_index"), r.getString("subject_sealed"));
        String index = personal.index(PersonalData.Kind.ID, subject);
        return Tuple.of(r.getString("subject_index"), personal.seal(CREDIT_SUBJECT, index, subject), index);
      });

  /** Where the result is collected, with the express recipient, phone and address sealed (the method stays plain). */
  public static JsonObject sealCollection(PersonalData personal, String row, JsonObject collection) {
    if (collection == null || !(collection.getValue("express") instanceof JsonObject express)) {
      return collection;
    }
    return collection.copy().put("express", personal.sealJson(EXPRESS, row, express));
  }

  public static JsonObject openCollection(PersonalData personal, String row, JsonObject collection) {
    if (collection == null || !(collection.getValue("express") instanceof String sealed)) {
      return collection;
    }
    return collection.copy().put("express", personal.openJson(EXPRESS, row, sealed));
  }

  /** The blind index of the enterprise's credit code, or else of the person's identity number. */
  private String creditIndex(JsonObject applicant) {
    return personal.index(PersonalData.Kind.ID, creditKey(applicant));
  }

  private static String creditKey(JsonObject applicant) {
    return applicant.getString("creditCode", applicant.getString("idNumber", ""));
  }

  /** Every step of a case, oldest first. */
  public Future<List<JsonObject>> steps(long applicationId) {
    return pool.preparedQuery("""
            select s.action, s.step_name, s.actor, s.opinion, s.from_status, s.to_status, s.detail, s.started_at,
                   s.ended_at, ac.display_name
            from case_step s
            -- Staff are named (their display name is a work title, not personal data); citizens are not.
            left join account ac on s.actor = 'account:' || ac.id::text and ac.kind = 'STAFF'
            where s.application_id = $1 order by s.id""")
        .execute(Tuple.of(applicationId))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new JsonObject()
              .put("action", r.getString("action"))
              .put("stepName", r.getString("step_name"))
              .put("handler", r.getString("actor"))
              .put("handlerName", r.getString("display_name"))
              .put("opinion", r.getString("opinion"))
              .put("fromStatus", r.getString("from_status"))
              .put("toStatus", r.getString("to_status"))
              .put("detail", r.getValue("detail"))
              .put("startedAt", r.getOffsetDateTime("started_at").toString())
              .put("endedAt", r.getOffsetDateTime("ended_at").toString())));
          return out;
        });
  }

  /** The case by its id, for the platform's own jobs, inside their transaction. */
  public Future<Optional<Application>> findById(SqlClient client, long id) {
    return client.preparedQuery("select " + COLUMNS + " from application a join matter m on m.code = a.matter_code"
            + " where a.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toStored(rows.iterator().next()).application()));
  }

  /** The case by its number, whoever asks: only for the public progress look-up, which checks the query code. */
  public Future<Optional<Application>> findForProgress(String number) {
    Statement s = byNumberStatement(number);
    return pool.preparedQuery(s.sql()).execute(s.args())
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toStored(rows.iterator().next()).application()));
  }

  /**
   * The cases of the person whose account is registered with this phone, and the cases with these numbers,
   * newest first, whoever asks: only for the hotline's caller lookup, which its service authorises.
   */
  public Future<List<Application>> findForPhone(String phone, List<String> numbers, int limit) {
    return pool.preparedQuery("select " + COLUMNS + " from application a join matter m on m.code = a.matter_code"
            + " where a.applicant_id_index in (select id_number_index from account"
            + "   where phone_index = $1 and id_number_index is not null)"
            + " or a.number = any($2) order by a.id desc limit $3")
        .execute(Tuple.of(personal.index(PersonalData.Kind.PHONE, phone), numbers.toArray(String[]::new), limit))
        .map(rows -> {
          List<Application> out = new ArrayList<>();
          rows.forEach(r -> out.add(toStored(r).application()));
          return out;
        });
  }

  /** Which form version a case is on. */
  public record CaseForm(String matterCode, int formVersion) {
  }

  /**
   * The form versions of the cases with these numbers, whoever asks, nothing personal read or opened: for the
   * outbox relay, which reads whole cases ({@link #findByNumbers}) only for the events whose deliveries look
   * at them.
   */
  public Future<java.util.Map<String, CaseForm>> formsOf(List<String> numbers) {
    return pool.preparedQuery("select number, matter_code, form_version from application where number = any($1)")
        .execute(Tuple.of(numbers.toArray(String[]::new)))
        .map(rows -> {
          java.util.Map<String, CaseForm> out = new java.util.HashMap<>();
          rows.forEach(r -> out.put(r.getString(0), new CaseForm(r.getString(1), r.getInteger(2))));
          return out;
        });
  }

  /** The cases with these numbers, whoever asks: for the outbox relay, one read for a whole batch of events. */
  public Future<java.util.Map<String, Application>> findByNumbers(List<String> numbers) {
    return pool.preparedQuery("select " + COLUMNS + " from application a join matter m on m.code = a.matter_code"
            + " where a.number = any($1)")
        .execute(Tuple.of(numbers.toArray(String[]::new)))
        .map(rows -> {
          java.util.Map<String, Application> out = new java.util.HashMap<>();
          rows.forEach(r -> {
            Application a = toStored(r).application();
            out.put(a.number(), a);
          });
          return out;
        });
  }

  /** The case, if the caller may see it. */
  public Future<Optional<Application>> find(Caller caller, String number) {
    Tuple args = Tuple.of(number);
    String scope = scope(caller, args);
    return pool.preparedQuery("select " + COLUMNS + " from application a join matter m on m.code = a.matter_code"
            + " where a.number = $1 and " + scope)
        .execute(args)
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toStored(rows.iterator().next()).application()));
  }

  /** Cases the caller may see, newest first, before case id {@code beforeId}. */
  public Future<List<Application>> list(Caller caller, ApplicationQuery q, Optional<Long> beforeId, int limit) {
    Statement list = listStatement(caller, q, beforeId, limit);
    return pool.preparedQuery(list.sql()).execute(list.args()).map(rows -> {
      List<Application> out = new ArrayList<>();
      rows.forEach(r -> out.add(toStored(r).application()));
      return out;
    });
  }

  /** {@link #list} as a list shows the cases: the same cases and order, read as {@link ApplicationSummary}. */
  public Future<List<ApplicationSummary>> listSummaries(Caller caller, ApplicationQuery q, Optional<Long> beforeId,
      int limit) {
    Statement list = summaryListStatement(caller, q, beforeId, limit);
    return pool.preparedQuery(list.sql()).execute(list.args()).map(rows -> {
      List<ApplicationSummary> out = new ArrayList<>();
      rows.forEach(r -> out.add(toSummary(r)));
      return out;
    });
  }

  /** What the public progress look-up shows of a case: no form data, the applicant for their masked name. */
  public record Progress(String number, String matterCode, String matterName, ApplicationStatus status,
      JsonObject applicant, String queryCode, java.time.OffsetDateTime submittedAt,
      Optional<java.time.LocalDate> dueDate, List<JsonObject> steps) {
  }

  /**
   * The public progress of the case with this number, whoever asks (the service checks the query code): one
   * round trip for the case and its steps, and only the columns shown (the form data is neither read nor opened).
   */
  public Future<Optional<Progress>> findProgress(String number) {
    Statement s = progressStatement(number);
    return pool.preparedQuery(s.sql()).execute(s.args()).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      List<JsonObject> steps = new ArrayList<>();
      Row first = null;
      for (Row r : rows) {
        if (first == null) {
          first = r;
        }
        if (r.getOffsetDateTime("ended_at") != null) {
          steps.add(new JsonObject().put("stepName", r.getString("step_name")).put("status", r.getString("to_status"))
              .put("at", r.getOffsetDateTime("ended_at").toString()));
        }
      }
      return Optional.of(new Progress(first.getString("number"), first.getString("matter_code"),
          first.getString("matter_name"), ApplicationStatus.valueOf(first.getString("status")),
          personal.openJson(APPLICANT, first.getString("query_code"), first.getString("applicant")), first.getString("query_code"),
          first.getOffsetDateTime("submitted_at"), Optional.ofNullable(first.getLocalDate("due_date")), steps));
    });
  }

  /** What {@link #findProgress} runs (also for the scale bench). */
  public static Statement progressStatement(String number) {
    return new Statement("""

        select a.number, a.matter_code, m.name as matter_name, a.status, a.applicant, a.query_code, a.submitted_at,
               a.due_date, s.step_name, s.to_status, s.ended_at
        from application a join matter m on m.code = a.matter_code
          left join case_step s on s.application_id = a.id
        where a.number = $1 order by s.id""", Tuple.of(number));
  }

  /** What {@link #findForProgress} runs. */
  private static Statement byNumberStatement(String number) {
    return new Statement("select " + COLUMNS + " from application a join matter m on m.code = a.matter_code"
        + " where a.number = $1", Tuple.of(number));
  }

  /** A statement with its arguments. */
  public record Statement(String sql, Tuple args) {
  }

  /** What {@link #list} runs, as it runs it (also for {@code EXPLAIN} by the scale bench). */
  public static Statement listStatement(Caller caller, ApplicationQuery q, Optional<Long> beforeId, int limit) {
    return listStatement(COLUMNS, caller, q, beforeId, limit);
  }

  /** What {@link #listSummaries} runs (also for the scale bench): {@link #listStatement}'s cases, fewer columns. */
  public static Statement summaryListStatement(Caller caller, ApplicationQuery q, Optional<Long> beforeId,
      int limit) {
    return listStatement(SUMMARY_COLUMNS, caller, q, beforeId, limit);
  }

  private static Statement listStatement(String columns, Caller caller, ApplicationQuery q, Optional<Long> beforeId,
      int limit) {
    Tuple args = Tuple.tuple();
    List<Way> ways = scopeParts(caller, args);
    StringBuilder filters = new StringBuilder();
    if (q.status().isPresent()) {
      args.addString(q.status().get().name());
      filters.append(" and a.status = $").append(args.size());
    }
    if (q.matterCode().isPresent()) {
      args.addString(q.matterCode().get());
      filters.append(" and a.matter_code = $").append(args.size());
    }
    if (beforeId.isPresent()) {
      args.addLong(beforeId.get());
      filters.append(" and a.id < $").append(args.size());
    }
    args.addInteger(limit);
    String page = " order by a.id desc limit $" + args.size();
    // Each way the caller may see a case is its own branch, read newest first along its index; an OR of
    // them would make PostgreSQL scan every case ever submitted.
    StringBuilder ids = new StringBuilder();
    for (Way way : ways) {
      ids.append(ids.length() == 0 ? "" : " union ").append("(select a.id from application a where ")
          .append(way.condition()).append(filters).append(way.ordered() ? page : "").append(")");
    }
    return new Statement("select " + columns + " from application a join matter m on m.code = a.matter_code"
        + " where a.id in (" + ids + ")" + page, args);
  }


  /**
   * The SQL condition for "cases this caller may see": applicants their own (by identity number, so
   * cases taken in for them at a window are theirs too); staff their department's or hall's; oversight
   * roles everything; a client what it submitted.
   */
  private static String scope(Caller caller, Tuple args) {
    List<String> ways = scopeParts(caller, args).stream().map(Way::condition).toList();
    return ways.size() == 1 ? ways.get(0) : "(" + String.join(" or ", ways) + ")";
  }

  /**
   * One way a caller may see a case: an SQL condition on {@code a}, and whether a page of it is best read
   * newest first along a B-tree index ({@code ordered}) or whole through another index (parallel approvals
   * are few and found through their GIN index; LIMIT would tempt the planner to walk the primary key).
   */
  private record Way(String condition, boolean ordered) {
    static Way ordered(String condition) {
      return new Way(condition, true);
    }
  }

  /** Each way a caller may see a case ({@link CaseScope}, the policy), as SQL on {@code a}. */
  private static List<Way> scopeParts(Caller caller, Tuple args) {
    CaseScope scope = CaseScope.of(caller);
    if (scope instanceof CaseScope.All) {
      return List.of(Way.ordered("true"));
    }
    // One parameter per distinct value: a department's code serves its three ways.
    java.util.Map<String, Integer> params = new java.util.HashMap<>();
    java.util.function.Function<String, String> param = value -> "$" + params.computeIfAbsent(value, v -> {
      args.addString(v);
      return args.size();
    });
    List<Way> parts = new ArrayList<>();
    for (CaseScope.Way way : ((CaseScope.AnyOf) scope).ways()) {
      if (way instanceof CaseScope.SubmittedBy w) {
        parts.add(Way.ordered("a.submitted_by = " + param.apply(w.scopeKey())));
      } else if (way instanceof CaseScope.ApplicantOf w) {
        parts.add(Way.ordered("a.applicant_id_index = (select id_number_index from account where id::text = "
            + param.apply(w.accountId()) + ")"));
      } else if (way instanceof CaseScope.EnterprisesOf w) {
        String me = param.apply(w.accountId());
        parts.add(Way.ordered("a.applicant_credit_code in (select credit_code from enterprise where"
            + " legal_rep_account::text = " + me + " union select credit_code from enterprise_agent where"
            + " account_id::text = " + me + ")"));
      } else if (way instanceof CaseScope.OfDepartment w) {
        parts.add(Way.ordered("a.department_code = " + param.apply(w.departmentCode())));
      } else if (way instanceof CaseScope.AcceptedBy w) {
        parts.add(Way.ordered("a.accepting_department_code = " + param.apply(w.departmentCode())));
      } else if (way instanceof CaseScope.OpinionOf w) {
        parts.add(new Way("a.parallel_departments @> array[" + param.apply(w.departmentCode()) + "]", false));
      } else if (way instanceof CaseScope.AtHall w) {
        parts.add(Way.ordered("a.hall_code = " + param.apply(w.hallCode())));
      }
    }
    return parts;
  }


  private Stored toStored(Row r) {
    return toStored(r, personal.openJson(APPLICANT, r.getString("query_code"), r.getString("applicant")),
        personal.openJson(DATA, r.getString("query_code"), r.getString("data")));
  }

  /** A {@link #SUMMARY_COLUMNS} row, read by position: only the applicant is opened. */
  private ApplicationSummary toSummary(Row r) {
    String queryCode = r.getString(10);
    JsonArray warnings = (JsonArray) r.getValue(21);
    return new ApplicationSummary(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getInteger(4),
        ApplicationStatus.valueOf(r.getString(5)), Channel.valueOf(r.getString(6)),
        Optional.ofNullable(r.getString(7)), r.getString(8), personal.openJson(APPLICANT, queryCode, r.getString(9)),
        queryCode, r.getString(11), r.getInteger(12), r.getOffsetDateTime(13), r.getOffsetDateTime(14),
        Optional.ofNullable(r.getLocalDate(15)), Optional.ofNullable(r.getOffsetDateTime(16)),
        Optional.ofNullable(r.getLocalDate(17)), Optional.ofNullable(r.getLocalDate(18)),
        Optional.ofNullable(r.getLocalDate(19)), Optional.ofNullable(r.getOffsetDateTime(20)),
        warnings == null ? new JsonArray() : warnings);
  }

  /** A row whose sealed applicant and data are already known in the clear. */
  private Stored toStored(Row r, JsonObject applicant, JsonObject data) {
    Application a = new Application(
        r.getLong("id"), r.getString("number"), r.getString("matter_code"), r.getString("matter_name"),
        r.getInteger("form_version"), ApplicationStatus.valueOf(r.getString("status")),
        Channel.valueOf(r.getString("channel")), Optional.ofNullable(r.getString("hall_code")),
        r.getString("department_code"), applicant, data,
        r.getString("query_code"), r.getString("submitted_by"), r.getInteger("version"),
        r.getOffsetDateTime("submitted_at"), r.getOffsetDateTime("updated_at"), new Application.Clock(
            Optional.ofNullable(r.getLocalDate("notice_due_date")),
            Optional.ofNullable(r.getOffsetDateTime("accepted_at")),
            Optional.ofNullable(r.getLocalDate("clock_start")), Optional.ofNullable(r.getLocalDate("due_date")),
            Optional.ofNullable(r.getLocalDate("legal_due_date")),
            Optional.ofNullable(r.getOffsetDateTime("suspended_at")),
            Optional.ofNullable(r.getString("suspended_from_status")).map(ApplicationStatus::valueOf),
            Optional.ofNullable((JsonObject) r.getValue("correction"))),
        new Application.Supervision(List.of(r.getArrayOfStrings("parallel_departments")),
            (JsonArray) r.getValue("opinions"), (JsonArray) r.getValue("warnings"),
            Optional.ofNullable((JsonObject) r.getValue("deficiency")),
            Optional.ofNullable((JsonObject) r.getValue("commitments"))),
        new Application.SameCity(Optional.ofNullable(r.getString("accepting_department_code"))
            .orElse(r.getString("department_code")), Optional.ofNullable(r.getString("home_hall_code")),
            Optional.ofNullable(r.getOffsetDateTime("forwarded_at")),
            Optional.ofNullable(r.getLocalDate("forward_due_date")),
            Optional.ofNullable(r.getOffsetDateTime("forward_answered_at")),
            Optional.ofNullable(openCollection(personal, r.getString("query_code"), (JsonObject) r.getValue("collection"))),
            Optional.ofNullable((JsonObject) r.getValue("agency"))),
        List.of(r.getArrayOfIntegers("provisional_years")));
    return new Stored(a, r.getString("request_hash"));
  }

  // ------------------------------------------------------------------------------ where data came from

  /**
   * The keyed hash of a form value (canonical JSON of {@code {v: value}}), so an offered value can be told
   * from what is submitted without keeping the value itself.
   */
  String valueHash(Object value) {
    return personal.index(PersonalData.Kind.ID, cn.tongban.core.json.CanonicalJson.valueText(value));
  }

  /**
   * What the prefill offered a caller for a matter: per field its origin ({@code {handler, source?, via?}})
   * and the hash of the value; the latest offer replaces the one before.
   */
  Future<Void> offerPrefill(String scopeKey, String matterCode, JsonObject data, JsonObject sources) {
    JsonObject fields = new JsonObject();
    sources.forEach(e -> fields.put(e.getKey(), ((JsonObject) e.getValue()).copy()
        .put("hash", valueHash(data.getValue(e.getKey())))));
    return pool.preparedQuery("insert into prefill_offer (scope_key, matter_code, fields) values ($1, $2, $3)"
            + " on conflict (scope_key, matter_code) do update set fields = excluded.fields, offered_at = now()")
        .execute(Tuple.of(scopeKey, matterCode, fields)).mapEmpty();
  }

  /** The keyed hash of each submitted top-level field, compared with what a prefill offered (数据来源). */
  private JsonObject valueHashes(JsonObject data) {
    JsonObject hashes = new JsonObject();
    data.forEach(e -> hashes.put(e.getKey(), valueHash(e.getValue())));
    return hashes;
  }

  /** Where a case's data came from, by field; empty when nothing was prefilled. */
  Future<JsonObject> dataSources(String number) {
    return pool.preparedQuery("select sources from application_data_source where number = $1")
        .execute(Tuple.of(number))
        .map(rows -> rows.size() == 0 ? new JsonObject() : (JsonObject) rows.iterator().next().getValue(0));
  }

  /**
   * Forgets one batch of the idempotency keys of application older than {@code before} (IdempotencyKeys.forget).
   */
  public Future<Integer> forgetIdempotencyKeys(OffsetDateTime before, int batch) {
    return cn.tongban.core.infra.IdempotencyKeys.forget(pool, "application", "submitted_at", false, before, batch);
  }
}
