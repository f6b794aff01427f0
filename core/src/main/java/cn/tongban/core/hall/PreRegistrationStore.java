package cn.tongban.core.hall;

import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.SealedTable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every statement of pre-registrations (预登记): applicant and form data sealed, found by the identity's index. */
final class PreRegistrationStore {
  /** The columns' contexts: a sealed value opens only in the column it was sealed for. */
  static final String APPLICANT = "pre_registration.applicant";
  static final String DATA = "pre_registration.data";

  /** A pre-registration's sealed applicant and data, for a rewrap. */
  static final SealedTable SEALED = new SealedTable("pre_registration",
      "select number, applicant, data from pre_registration where $2::bytea is not null and ("
          + SealedTable.stale("applicant") + " or " + SealedTable.stale("data") + ") order by number",
      "update pre_registration set applicant = $2, applicant_id_index = $3, data = $4 where number = $1",
      (personal, r) -> {
        String row = r.getString("number");
        JsonObject applicant = personal.openJson(APPLICANT, row, r.getString("applicant"));
        JsonObject data = personal.openJson(DATA, row, r.getString("data"));
        return Tuple.of(row, personal.sealJson(APPLICANT, row, applicant),
            personal.index(PersonalData.Kind.ID, applicant.getString("idNumber")), personal.sealJson(DATA, row, data));
      });

  private static final String COLUMNS = """
      p.number, p.matter_code, m.name as matter_name, p.account_id::text as account_id, p.applicant, p.data,
      p.status, p.created_at, p.expires_at, p.converted_at, p.converted_by, p.application_number""";
  private static final String FROM = " from pre_registration p join matter m on m.code = p.matter_code";

  private final Pool pool;
  private final PersonalData personal;

  PreRegistrationStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  Pool pool() {
    return pool;
  }

  Future<String> insert(String matter, String accountId, JsonObject applicant, JsonObject data, OffsetDateTime now,
      OffsetDateTime expires, String actor) {
    // The number is drawn first: the sealed applicant and data are bound to it.
    return pool.withTransaction(tx -> tx.preparedQuery("select 'YD' || to_char($1::timestamptz at time zone 'Asia/Shanghai',"
            + " 'YYYYMMDD') || lpad(nextval('pre_registration_seq')::text, 6, '0')").execute(Tuple.of(now))
        .map(rows -> rows.iterator().next().getString(0))
        .compose(drawn -> tx.preparedQuery("""
            insert into pre_registration (number, matter_code, account_id, applicant_id_index, applicant, data, status,
                                          created_at, expires_at)
            values ($8, $1, $2::uuid, $3, $4, $5, 'OPEN', $7, $6)
            returning number""")
        .execute(Tuple.from(new Object[] {matter, accountId,
            personal.index(PersonalData.Kind.ID, applicant.getString("idNumber")),
            personal.sealJson(APPLICANT, drawn, applicant), personal.sealJson(DATA, drawn, data), expires, now, drawn})))
        .map(rows -> rows.iterator().next().getString(0))
        .compose(number -> cn.tongban.core.audit.AuditLog.record(tx, actor, "preRegistration.created",
                "preRegistration", number, new JsonObject().put("matterCode", matter))
            .compose(x -> cn.tongban.core.event.Outbox.append(tx, "preRegistration", number,
                "PreRegistrationCreated", new JsonObject().put("number", number).put("matterCode", matter)
                    .put("expiresAt", HallTime.text(expires))))
            .map(number)));
  }

  Future<Optional<JsonObject>> find(SqlClient client, String number, boolean lock) {
    return client.preparedQuery("select " + COLUMNS + FROM + " where p.number = $1" + (lock ? " for update of p" : ""))
        .execute(Tuple.of(number)).map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toJson(rows.iterator().next())));
  }

  /** Open ones of an identity number (window staff), or an account's own (newest first). */
  Future<List<JsonObject>> list(String idNumber, String accountId) {
    return pool.preparedQuery("select " + COLUMNS + FROM + " where ($1::text is null or"
            + " (p.applicant_id_index = $1 and p.status = 'OPEN')) and ($2::uuid is null or p.account_id = $2::uuid)"
            + " order by p.created_at desc limit 100")
        .execute(Tuple.of(personal.index(PersonalData.Kind.ID, idNumber), accountId)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(toJson(r)));
          return out;
        });
  }

  /**
   * Claims an open pre-registration for one clerk's conversion (one conditional update: of two clerks at once the
   * second finds it no longer open). The same clerk may claim it again (a retry answers the same case through the
   * submission's idempotency key); a claim left by a failed node is free again after {@code staleBefore}.
   */
  Future<Boolean> claim(String number, String by, OffsetDateTime now, OffsetDateTime staleBefore) {
    return pool.preparedQuery("update pre_registration set status = 'CONVERTING', converted_by = $2, converted_at = $3"
            + " where number = $1 and (status = 'OPEN' or status = 'CONVERTING' and (converted_by = $2"
            + " or converted_at < $4))")
        .execute(Tuple.of(number, by, now, staleBefore)).map(r -> r.rowCount() == 1);
  }

  /** Gives a claim back when the submission failed, so the pre-registration can be converted again. */
  Future<Void> release(String number, String by) {
    return pool.preparedQuery("update pre_registration set status = 'OPEN', converted_by = null, converted_at = null"
            + " where number = $1 and status = 'CONVERTING' and converted_by = $2")
        .execute(Tuple.of(number, by)).mapEmpty();
  }

  /** Marks the caller's claim converted; false when it was not theirs any more. */
  Future<Boolean> converted(SqlClient tx, String number, String application, String by, OffsetDateTime now) {
    return tx.preparedQuery("update pre_registration set status = 'CONVERTED', converted_at = $4, converted_by = $3,"
            + " application_number = $2 where number = $1 and status = 'CONVERTING' and converted_by = $3")
        .execute(Tuple.of(number, application, by, now)).map(r -> r.rowCount() == 1);
  }

  /** 过期: open pre-registrations past their date, with their audit and outbox rows, in one statement. */
  Future<Integer> expire(OffsetDateTime now) {
    return pool.preparedQuery("""
            with due as (
              select number from pre_registration where status = 'OPEN' and expires_at <= $1
              order by expires_at limit 500 for update skip locked
            ), upd as (
              update pre_registration p set status = 'EXPIRED' from due where p.number = due.number
              returning p.number, p.matter_code
            ), audit as (
              insert into audit_event (actor, action, entity_type, entity_id)
              select 'system', 'preRegistration.expired', 'preRegistration', number from upd
            ), outbox as (
              insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)
              select 'preRegistration', number, 'PreRegistrationExpired',
                     jsonb_build_object('number', number, 'matterCode', matter_code)
              from upd
            )
            select count(*) from upd""").execute(Tuple.of(now))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  private JsonObject toJson(Row r) {
    return new JsonObject().put("number", r.getString("number")).put("matterCode", r.getString("matter_code"))
        .put("matterName", r.getString("matter_name")).put("accountId", r.getString("account_id"))
        .put("applicant", personal.openJson(APPLICANT, r.getString("number"), r.getString("applicant")))
        .put("data", personal.openJson(DATA, r.getString("number"), r.getString("data"))).put("status", r.getString("status"))
        .put("createdAt", HallTime.text(r.getOffsetDateTime("created_at")))
        .put("expiresAt", HallTime.text(r.getOffsetDateTime("expires_at")))
        .put("convertedAt", HallTime.text(r.getOffsetDateTime("converted_at")))
        .put("applicationNumber", r.getString("application_number"));
  }
}
