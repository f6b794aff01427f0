package cn.tongban.core.disclosure;

import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.SealedTable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** All SQL of 行政处罚 / 行政强制 decisions (table {@code penalty}). */
public final class PenaltyStore {
  /** A decision, checked, as a department records it. */
  public record NewPenalty(String decisionNumber, String kind, String partyKind, String partyName, String partyCode,
      String facts, String legalBasis, String penaltyType, Optional<BigDecimal> amount, LocalDate decisionDate,
      String departmentCode) {
  }

  private static final String VIEW = "select p.*, d.name as department_name from penalty p"
      + " join department d on d.code = p.department_code";

  /** The sealing context of a party's identity number or credit code (bound to the decision's unique number). */
  static final String PARTY_CODE = "penalty.party_code";

  /** The party codes, for a rewrap. */
  public static final SealedTable SEALED = new SealedTable("penalty",
      "select id, decision_number, party_code_sealed from penalty where $2::bytea is not null and "
          + SealedTable.stale("party_code_sealed") + " order by id",
      "update penalty set party_code_sealed = $2 where id = $1",
      (personal, r) -> Tuple.of(r.getLong("id"), personal.seal(PARTY_CODE, r.getString("decision_number"),
          personal.open(PARTY_CODE, r.getString("decision_number"), r.getString("party_code_sealed")))));

  private final Pool pool;
  private final PersonalData personal;

  public PenaltyStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  public Pool pool() {
    return pool;
  }

  /** Which of {@code numbers} are taken already. */
  public Future<Set<String>> existingNumbers(SqlClient client, List<String> numbers) {
    return client.preparedQuery("select decision_number from penalty where decision_number = any($1)")
        .execute(Tuple.of(numbers.toArray(String[]::new)))
        .map(rows -> {
          Set<String> out = new java.util.HashSet<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /** Stores a decision; empty when its number is taken (the unique key decides). */
  public Future<Optional<Long>> insert(SqlClient tx, NewPenalty p, String by, OffsetDateTime at) {
    return tx.preparedQuery("""
            insert into penalty (decision_number, kind, party_kind, party_name, party_code_sealed, facts, legal_basis,
                                 penalty_type, amount, decision_date, department_code, recorded_by, recorded_at,
                                 updated_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
            on conflict (decision_number) do nothing
            returning id""")
        .execute(Tuple.from(new Object[] {p.decisionNumber(), p.kind(), p.partyKind(), p.partyName(), personal.seal(PARTY_CODE, p.decisionNumber(), p.partyCode()),
            p.facts(), p.legalBasis(), p.penaltyType(), p.amount().orElse(null), p.decisionDate(), p.departmentCode(),
            by, at}))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  public Future<Optional<JsonObject>> find(SqlClient client, long id, boolean lock) {
    return client.preparedQuery(VIEW + " where p.id = $1" + (lock ? " for update of p" : "")).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  /** A change of status (revoked, or changed with new facts, type or amount). */
  public Future<Void> changeStatus(SqlClient tx, long id, String status, String reason, Optional<String> penaltyType,
      Optional<BigDecimal> amount, Optional<String> facts, OffsetDateTime at) {
    return tx.preparedQuery("""
            update penalty set status = $2, status_reason = $3, penalty_type = coalesce($4, penalty_type),
                   amount = case when $5::numeric is null then amount else $5 end, facts = coalesce($6, facts),
                   updated_at = $7
            where id = $1""")
        .execute(Tuple.from(new Object[] {id, status, reason, penaltyType.orElse(null), amount.orElse(null),
            facts.orElse(null), at}))
        .mapEmpty();
  }

  /** A page of decisions, newest first; {@code department} empty for all. */
  public Future<List<JsonObject>> list(Optional<String> department, Optional<String> status, Optional<Long> before,
      int limit) {
    return pool.preparedQuery(VIEW + """
             where ($1::text is null or p.department_code = $1) and ($2::text is null or p.status = $2)
               and ($3::bigint is null or p.id < $3)
            order by p.id desc limit $4""")
        .execute(Tuple.of(department.orElse(null), status.orElse(null), before.orElse(null), limit + 1))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(toJson(r)));
          return out;
        });
  }

  private JsonObject toJson(Row r) {
    BigDecimal amount = r.getBigDecimal("amount");
    return new JsonObject().put("id", String.valueOf(r.getLong("id")))
        .put("decisionNumber", r.getString("decision_number")).put("kind", r.getString("kind"))
        .put("partyKind", r.getString("party_kind")).put("partyName", r.getString("party_name"))
        .put("partyCode", personal.open(PARTY_CODE, r.getString("decision_number"), r.getString("party_code_sealed"))).put("facts", r.getString("facts"))
        .put("legalBasis", r.getString("legal_basis")).put("penaltyType", r.getString("penalty_type"))
        .put("amount", amount == null ? null : amount.toPlainString())
        .put("decisionDate", r.getLocalDate("decision_date").toString())
        .put("departmentCode", r.getString("department_code")).put("departmentName", r.getString("department_name"))
        .put("status", r.getString("status")).put("statusReason", r.getString("status_reason"))
        .put("recordedBy", r.getString("recorded_by")).put("recordedAt", r.getOffsetDateTime("recorded_at").toString())
        .put("updatedAt", r.getOffsetDateTime("updated_at").toString());
  }
}
