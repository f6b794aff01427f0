package cn.tongban.core.agency;

import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.SealedTable;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * All of 代办授权's SQL ({@code agent_authorisation}), with the row mapping. A grant and a revocation are
 * each one statement with their audit and outbox rows.
 */
final class AuthorisationStore {
  /** An authorisation as stored, the applicant's identity number opened. */
  record Stored(String id, String applicantIdNumber, String applicantName, String hallCode, String hallName,
      String matterCode, LocalDate validUntil, String evidence, String createdBy, OffsetDateTime createdAt,
      OffsetDateTime revokedAt, String revokedBy, boolean byApplicant) {
  }

  /** Whose authorisations a list covers: an applicant's (by identity number), a hall's, or all. */
  sealed interface Scope {
    record Applicant(String idNumber) implements Scope {
    }

    record Hall(String hallCode) implements Scope {
    }

    record All() implements Scope {
    }
  }

  private static final String COLUMNS = """
       a.id::text as id, a.applicant_id_sealed, a.applicant_name, a.hall_code, h.name as hall_name, a.matter_code,
      a.valid_until, a.evidence, a.created_by, a.created_at, a.revoked_at, a.revoked_by,
      exists (select 1 from account ac where a.created_by = 'account:' || ac.id::text and ac.kind = 'CITIZEN')
        as by_applicant""";

  private static final String GRANT = """
      with ins as (
        insert into agent_authorisation (applicant_id_index, applicant_name, hall_code, matter_code, valid_until,
                                         evidence, created_by, created_at, applicant_id_sealed, id)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::uuid)
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
  static final String APPLICANT_ID = "agent_authorisation.applicant_id";

  /** An authorisation's sealed applicant identity number, for a rewrap. */
  static final SealedTable SEALED = new SealedTable("agent_authorisation",
      "select id, applicant_id_sealed from agent_authorisation where $2::bytea is not null and "
          + SealedTable.stale("applicant_id_sealed") + " order by id",
      "update agent_authorisation set applicant_id_sealed = $2, applicant_id_index = $3 where id = $1",
      (personal, r) -> {
        String row = r.getUUID("id").toString();
        String id = personal.open(APPLICANT_ID, row, r.getString("applicant_id_sealed"));
        return Tuple.of(r.getUUID("id"), personal.seal(APPLICANT_ID, row, id), personal.index(PersonalData.Kind.ID, id));
      });
  private final Pool pool;
  private final PersonalData personal;

  AuthorisationStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  /** Records a grant; fails with the database's foreign-key error for an unknown hall or matter. */
  Future<Stored> grant(String idNumber, String name, String hall, String matter, LocalDate until, String evidence,
      String by, OffsetDateTime at) {
    // The id is drawn here: the sealed identity number is bound to it.
    String id = java.util.UUID.randomUUID().toString();
    return pool.preparedQuery(GRANT).execute(Tuple.from(new Object[] {personal.index(PersonalData.Kind.ID, idNumber),
            name, hall, matter, until, evidence, by, at, personal.seal(APPLICANT_ID, id, idNumber), id}))
        .map(rows -> stored(rows.iterator().next()));
  }

  /** The authorisations in a scope, newest first (at most 200); {@code id} narrows them to one. */
  Future<List<Stored>> list(Scope scope, Optional<String> id) {
    String where;
    String key;
    if (scope instanceof Scope.Applicant a) {
      where = "a.applicant_id_index = $1";
      key = personal.index(PersonalData.Kind.ID, a.idNumber());
    } else if (scope instanceof Scope.Hall h) {
      where = "a.hall_code = $1";
      key = h.hallCode();
    } else {
      where = "$1::text is null";
      key = null;
    }
    return pool.preparedQuery("select " + COLUMNS
            + " from agent_authorisation a join hall h on h.code = a.hall_code where " + where
            + " and ($2::uuid is null or a.id = $2::uuid) order by a.created_at desc limit 200")
        .execute(Tuple.of(key, id.orElse(null)))
        .map(rows -> {
          List<Stored> out = new ArrayList<>();
          rows.forEach(r -> out.add(stored(r)));
          return out;
        });
  }

  /** Revokes an authorisation that is not revoked yet. */
  Future<Void> revoke(String id, OffsetDateTime at, String by) {
    return pool.preparedQuery(REVOKE).execute(Tuple.of(id, at, by)).mapEmpty();
  }

  /** The latest authorisation valid on {@code today} for the applicant, hall and matter ({@code id}: that one). */
  Future<Optional<Stored>> usable(Optional<String> id, String idNumber, String hallCode, String matterCode,
      LocalDate today) {
    return pool.preparedQuery("select " + COLUMNS + " from agent_authorisation a join hall h on h.code = a.hall_code"
            + " where a.applicant_id_index = $1 and a.hall_code = $2"
            + " and (a.matter_code is null or a.matter_code = $3) and a.revoked_at is null and a.valid_until >= $4"
            + " and ($5::uuid is null or a.id = $5::uuid) order by a.created_at desc limit 1")
        .execute(Tuple.of(personal.index(PersonalData.Kind.ID, idNumber), hallCode, matterCode, today,
            id.orElse(null)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(stored(rows.iterator().next())));
  }

  /**
   * Whether any authorisation of the applicant for this hall is valid on {@code today}, whatever its matter;
   * {@code grantedOnly}: one the applicant granted themselves.
   */
  Future<Boolean> anyUsable(String idNumber, String hallCode, LocalDate today, boolean grantedOnly) {
    return pool.preparedQuery("select 1 from agent_authorisation a where a.applicant_id_index = $1"
            + " and a.hall_code = $2 and a.revoked_at is null and a.valid_until >= $3"
            + " and (not $4 or exists (select 1 from account ac where a.created_by = 'account:' || ac.id::text"
            + " and ac.kind = 'CITIZEN')) limit 1")
        .execute(Tuple.of(personal.index(PersonalData.Kind.ID, idNumber), hallCode, today, grantedOnly))
        .map(rows -> rows.size() > 0);
  }

  private Stored stored(Row r) {
    return new Stored(r.getString("id"), personal.open(APPLICANT_ID, r.getString("id"), r.getString("applicant_id_sealed")),
        r.getString("applicant_name"), r.getString("hall_code"), r.getString("hall_name"), r.getString("matter_code"),
        r.getLocalDate("valid_until"), r.getString("evidence"), r.getString("created_by"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("revoked_at"), r.getString("revoked_by"),
        r.getBoolean("by_applicant"));
  }
}
