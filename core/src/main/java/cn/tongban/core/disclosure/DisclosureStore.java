package cn.tongban.core.disclosure;

import cn.tongban.core.licence.Licence;
import cn.tongban.core.privacy.PersonalData;
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
import java.util.List;
import java.util.Optional;

/** All SQL of the 双公示 listing (tables {@code disclosure} and {@code disclosure_warning}). */
public final class DisclosureStore {
  /** A record as it is published: already masked. */
  public record Published(String kind, String sourceRef, String title, String documentNumber, String partyName,
      String partyKind, Optional<String> creditCode, String basis, Optional<String> content,
      Optional<BigDecimal> amount, Optional<String> departmentCode, Optional<String> applicationNumber,
      LocalDate decisionDate, LocalDate dueDate, String status, Optional<String> statusReason) {
  }

  /** A licence issued for a case and not yet on the listing. */
  public record LicensingDecision(String identifier, String name, String number, String holderName,
      String holderCode, String holderCodeType, String departmentCode, String applicationNumber, String basis,
      LocalDate decisionDate, String status, String revocationReason) {
  }

  /** The listing's filters. */
  public record Filter(Optional<String> partyName, Optional<String> creditCode, Optional<String> kind,
      Optional<String> departmentCode, Optional<Long> before, int limit) {
  }

  private static final String VIEW = """
      select x.*, dp.name as department_name,
             (select w.level from disclosure_warning w where w.disclosure_id = x.id order by w.raised_at limit 1)
               as warning
      from disclosure x left join department dp on dp.code = x.department_code""";

  private static final String EVENT = """
      jsonb_build_object('id', x.id, 'kind', x.kind, 'title', x.title, 'documentNumber', x.document_number,
                         'partyName', x.party_name, 'partyKind', x.party_kind, 'creditCode', x.credit_code,
                         'basis', x.basis, 'content', x.content, 'amount', x.amount,
                         'departmentCode', x.department_code, 'decisionDate', x.decision_date,
                         'publishedAt', x.published_at, 'status', x.status, 'statusReason', x.status_reason)""";

  private final Pool pool;
  private final PersonalData personal;

  public DisclosureStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  public Pool pool() {
    return pool;
  }

  /** Publishes a record; empty when it is on the listing already. */
  public Future<Optional<Long>> insert(SqlClient tx, Published p, OffsetDateTime at) {
    return tx.preparedQuery("""
            insert into disclosure (kind, source_ref, title, document_number, party_name, party_kind, credit_code,
                                    basis, content, amount, department_code, application_number, decision_date,
                                    due_date, published_at, status, status_reason, updated_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $15)
            on conflict (kind, source_ref) do nothing
            returning id""")
        .execute(Tuple.from(new Object[] {p.kind(), p.sourceRef(), p.title(), p.documentNumber(), p.partyName(),
            p.partyKind(), p.creditCode().orElse(null), p.basis(), p.content().orElse(null), p.amount().orElse(null),
            p.departmentCode().orElse(null), p.applicationNumber().orElse(null), p.decisionDate(), p.dueDate(), at,
            p.status(), p.statusReason().orElse(null)}))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  /** Records that a publication came after its due date. */
  public Future<Void> warn(SqlClient tx, long id, String level, LocalDate due, LocalDate publishedOn,
      OffsetDateTime at) {
    return tx.preparedQuery("insert into disclosure_warning (disclosure_id, level, due_date, published_on, raised_at)"
            + " values ($1, $2, $3, $4, $5) on conflict do nothing")
        .execute(Tuple.of(id, level, due, publishedOn, at)).mapEmpty();
  }

  /** The published record of a source changes with it (revoked or changed); answers its id, if published. */
  public Future<Optional<Long>> update(SqlClient tx, String kind, String sourceRef, String status, String reason,
      Optional<String> title, Optional<String> content, Optional<BigDecimal> amount, OffsetDateTime at) {
    return tx.preparedQuery("""
            update disclosure set status = $3, status_reason = $4, title = coalesce($5, title),
                   content = coalesce($6, content), amount = case when $7::numeric is null then amount else $7 end,
                   updated_at = $8
            where kind = $1 and source_ref = $2 returning id""")
        .execute(Tuple.from(new Object[] {kind, sourceRef, status, reason, title.orElse(null), content.orElse(null),
            amount.orElse(null), at}))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  /** Appends the outbox event carrying the published record as it now reads. */
  public Future<Void> event(SqlClient tx, long id, String eventType) {
    return tx.preparedQuery("insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)"
            + " select 'disclosure', x.id::text, $2, " + EVENT + " from disclosure x where x.id = $1")
        .execute(Tuple.of(id, eventType)).mapEmpty();
  }

  /** Licences issued for cases that the listing does not show yet, oldest first. */
  public Future<List<LicensingDecision>> unpublishedLicences(int limit) {
    return pool.preparedQuery("""
            select l.identifier, l.name, l.number, l.holder_name, l.holder_code_sealed, l.holder_code_type,
                   coalesce(l.department_code, a.department_code) as department_code, l.application_number,
                   coalesce(m.document ->> 'legalBasis', '') as basis,
                   coalesce((a.decided_at at time zone 'Asia/Shanghai')::date, l.issue_date) as decision_date,
                   l.status, l.revocation_reason
            from licence l join application a on a.number = l.application_number
              join matter m on m.code = a.matter_code
            where not exists (select 1 from disclosure d where d.kind = 'LICENSING' and d.source_ref = l.identifier)
            order by l.created_at limit $1""")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<LicensingDecision> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new LicensingDecision(r.getString("identifier"), r.getString("name"), r.getString("number"),
                r.getString("holder_name"),
                // a person's code is never published, so only an enterprise's is opened
                "001".equals(r.getString("holder_code_type"))
                    ? personal.open(Licence.HOLDER_CODE, r.getString("identifier"), r.getString("holder_code_sealed"))
                    : null,
                r.getString("holder_code_type"),
                r.getString("department_code"), r.getString("application_number"), r.getString("basis"),
                r.getLocalDate("decision_date"), r.getString("status"), r.getString("revocation_reason")));
          }
          return out;
        });
  }

  /** Licences revoked since their publication: the listing follows them; answers the records changed. */
  public Future<List<Long>> followRevokedLicences(SqlClient tx, OffsetDateTime at) {
    return tx.preparedQuery("""
            update disclosure x set status = 'REVOKED', status_reason = l.revocation_reason, updated_at = $1
            from licence l
            where x.kind = 'LICENSING' and x.source_ref = l.identifier and l.status = 'REVOKED'
              and x.status <> 'REVOKED'
            returning x.id""")
        .execute(Tuple.of(at))
        .map(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getLong(0)));
          return ids;
        });
  }

  /** A page of the listing, newest first (one row more than asked, for the next cursor). */
  public Future<List<JsonObject>> list(Filter f) {
    return pool.preparedQuery(VIEW + """
             where ($1::text is null or x.party_name like '%' || $1 || '%')
               and ($2::text is null or x.credit_code = $2) and ($3::text is null or x.kind = $3)
               and ($4::text is null or x.department_code = $4) and ($5::bigint is null or x.id < $5)
            order by x.id desc limit $6""")
        .execute(Tuple.of(f.partyName().orElse(null), f.creditCode().orElse(null), f.kind().orElse(null),
            f.departmentCode().orElse(null), f.before().orElse(null), f.limit() + 1))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(toJson(r)));
          return out;
        });
  }

  public Future<Optional<JsonObject>> find(SqlClient client, long id) {
    return client.preparedQuery(VIEW + " where x.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  static JsonObject toJson(Row r) {
    BigDecimal amount = r.getBigDecimal("amount");
    String warning = r.getString("warning");
    return new JsonObject().put("id", String.valueOf(r.getLong("id"))).put("kind", r.getString("kind"))
        .put("title", r.getString("title")).put("documentNumber", r.getString("document_number"))
        .put("partyName", r.getString("party_name")).put("partyKind", r.getString("party_kind"))
        .put("creditCode", r.getString("credit_code")).put("basis", r.getString("basis"))
        .put("content", r.getString("content")).put("amount", amount == null ? null : amount.toPlainString())
        .put("departmentCode", r.getString("department_code")).put("departmentName", r.getString("department_name"))
        .put("applicationNumber", r.getString("application_number"))
        .put("decisionDate", r.getLocalDate("decision_date").toString())
        .put("dueDate", r.getLocalDate("due_date").toString())
        .put("publishedAt", r.getOffsetDateTime("published_at").toString())
        .put("late", warning != null).put("status", r.getString("status"))
        .put("statusReason", r.getString("status_reason"))
        .put("updatedAt", r.getOffsetDateTime("updated_at").toString());
  }

  static JsonArray array(List<JsonObject> items) {
    return new JsonArray(new ArrayList<>(items));
  }
}
