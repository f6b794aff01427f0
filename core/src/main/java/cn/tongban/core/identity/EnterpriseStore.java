package cn.tongban.core.identity;

import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.privacy.PersonalData;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** All of 法人's SQL: enterprises and their agents (经办人), with the row mapping. */
final class EnterpriseStore {
  /** An enterprise as an account stands to it. */
  record Membership(EnterpriseService.Enterprise enterprise, boolean legalRepresentative) {
  }

  /** The reason a pending claim is refused when the enterprise is registered to a verified representative. */
  private static final String REFUSED_REGISTERED = "该企业已由核验通过的法定代表人登记。";

  private final Pool pool;
  private final PersonalData personal;

  EnterpriseStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  /** Registers an enterprise; false when its credit code is registered already. */
  Future<Boolean> register(String creditCode, String name, String legalRepAccount) {
    return pool.preparedQuery("""
            insert into enterprise (credit_code, name, legal_rep_account) values ($1, $2, $3::uuid)
            on conflict do nothing""")
        .execute(Tuple.of(creditCode, name, legalRepAccount))
        .map(rows -> rows.rowCount() == 1);
  }

  /** A claim to represent an enterprise, with the claimant's name and identity number (opened). */
  record Claim(String id, String creditCode, String name, String accountId, String claimantName,
      String claimantIdNumber, String status, String decidedBy, String decidedAt, String reason, String createdAt) {
  }

  private static final String CLAIM_COLUMNS = """
      c.id::text, c.credit_code, c.name, c.account_id::text, a.display_name, a.id_number_sealed, c.status,
      c.decided_by, c.decided_at::text, c.reason, c.created_at::text""";

  /** Whether the account's identity number has this blind index (the legal representative on record). */
  Future<Boolean> accountHasIdIndex(String accountId, String idIndex) {
    return pool.preparedQuery("select 1 from account where id::text = $1 and id_number_index = $2")
        .execute(Tuple.of(accountId, idIndex)).map(rows -> rows.size() == 1);
  }

  /**
   * Registers an enterprise verified at once ({@code by} the source that confirmed its legal
   * representative), with its claim and audit event in one transaction; false when it is registered already.
   */
  Future<Boolean> registerVerified(String creditCode, String name, String accountId, String by) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            insert into enterprise (credit_code, name, legal_rep_account, verified_by, verified_at)
            values ($1, $2, $3::uuid, $4, now()) on conflict do nothing""")
        .execute(Tuple.of(creditCode, name, accountId, by))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false) : tx.preparedQuery("""
                with settled as (
                  -- Claims of the code still waiting are settled with it: others' refused, one's own verified.
                  update enterprise_claim set decided_by = $4, decided_at = now(),
                      status = case when account_id = $3::uuid then 'VERIFIED' else 'REFUSED' end,
                      reason = case when account_id = $3::uuid then null else $5 end
                  where credit_code = $1 and status = 'PENDING'
                  returning id, account_id
                ), own as (
                  insert into enterprise_claim (credit_code, name, account_id, status, decided_by, decided_at)
                  select $1, $2, $3::uuid, 'VERIFIED', $4, now()
                  where not exists (select 1 from settled where account_id = $3::uuid)
                  returning id
                )
                select id::text from own union all select id::text from settled where account_id = $3::uuid""")
            .execute(Tuple.of(creditCode, name, accountId, by, REFUSED_REGISTERED))
            .compose(c -> AuditLog.record(tx, "account:" + accountId, "enterprise.verified", "enterprise", creditCode,
                new JsonObject().put("claim", c.iterator().next().getString(0)).put("by", by)))
            .map(true)));
  }

  /** Files a pending claim (or finds the account's pending one for this code); its id. */
  Future<String> claim(String creditCode, String name, String accountId) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            insert into enterprise_claim (credit_code, name, account_id) values ($1, $2, $3::uuid)
            on conflict do nothing returning id::text""")
        .execute(Tuple.of(creditCode, name, accountId))
        .compose(rows -> rows.size() == 1
            ? AuditLog.record(tx, "account:" + accountId, "enterprise.claimed", "enterprise", creditCode,
                new JsonObject().put("claim", rows.iterator().next().getString(0)))
                .map(rows.iterator().next().getString(0))
            : tx.preparedQuery("select id::text from enterprise_claim where credit_code = $1 and account_id = $2::uuid"
                + " and status = 'PENDING'").execute(Tuple.of(creditCode, accountId))
                .map(r -> r.iterator().next().getString(0))));
  }

  /** Claims of one account (newest first), or the pending claims of everyone (oldest first); at most 200. */
  Future<List<Claim>> claims(Optional<String> accountId) {
    String where = accountId.isPresent() ? "c.account_id::text = $1 and c.status <> 'VERIFIED' order by c.created_at desc"
        : "c.status = 'PENDING' and $1::text is null order by c.created_at";
    return pool.preparedQuery("select " + CLAIM_COLUMNS + " from enterprise_claim c join account a on a.id = c.account_id"
            + " where " + where + " limit 200")
        .execute(Tuple.of(accountId.orElse(null)))
        .map(rows -> {
          List<Claim> out = new ArrayList<>();
          rows.forEach(r -> out.add(claim(r)));
          return out;
        });
  }

  /** What deciding a claim came to. */
  enum Decided { DONE, NOT_PENDING, REGISTERED_ALREADY }

  /**
   * A window clerk's decision on a pending claim: verified (the enterprise is registered to the claimant,
   * the other pending claims of the code are refused) or refused; with the audit event, in one transaction.
   */
  Future<Decided> decide(String claimId, boolean verify, String reason, String by) {
    return pool.withTransaction(tx -> tx.preparedQuery("select " + CLAIM_COLUMNS
            + " from enterprise_claim c join account a on a.id = c.account_id where c.id = $1::uuid and c.status ="
            + " 'PENDING' for update of c")
        .execute(Tuple.of(claimId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Decided.NOT_PENDING);
          }
          Claim c = claim(rows.iterator().next());
          Future<Boolean> registered = !verify ? Future.succeededFuture(true) : tx.preparedQuery("""
                  insert into enterprise (credit_code, name, legal_rep_account, verified_by, verified_at)
                  values ($1, $2, $3::uuid, $4, now()) on conflict do nothing""")
              .execute(Tuple.of(c.creditCode(), c.name(), c.accountId(), by)).map(r -> r.rowCount() == 1);
          return registered.compose(ok -> !ok ? Future.succeededFuture(Decided.REGISTERED_ALREADY)
              : tx.preparedQuery("""
                      update enterprise_claim set status = case when id = $1::uuid then $2
                          else 'REFUSED' end, decided_by = $3, decided_at = now(),
                          reason = case when id = $1::uuid then $4 else $5 end
                      where id = $1::uuid or ($6 and credit_code = $7 and status = 'PENDING')""")
                  .execute(Tuple.from(new Object[] {claimId, verify ? "VERIFIED" : "REFUSED", by, reason,
                      REFUSED_REGISTERED, verify, c.creditCode()}))
                  .compose(u -> AuditLog.record(tx, by, verify ? "enterprise.verified" : "enterprise.refused",
                      "enterprise", c.creditCode(), new JsonObject().put("claim", claimId)))
                  .map(Decided.DONE));
        }));
  }

  private Claim claim(Row r) {
    return new Claim(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
        personal.open(IdentityStore.ID_NUMBER, r.getString(3), r.getString(5)), r.getString(6), r.getString(7), r.getString(8),
        r.getString(9), r.getString(10));
  }

  /** The account of an enterprise's legal representative, if the enterprise is registered. */
  Future<Optional<String>> legalRepresentative(String creditCode) {
    return pool.preparedQuery("select legal_rep_account::text from enterprise where credit_code = $1")
        .execute(Tuple.of(creditCode))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  /** What adding an agent came to. */
  enum AgentAdded { ADDED, ALREADY, NO_SUCH_CITIZEN }

  /** Adds the citizen with this identity number as the enterprise's agent. */
  Future<AgentAdded> addAgent(String creditCode, String idNumber, String grantedBy) {
    String index = personal.index(PersonalData.Kind.ID, idNumber);
    return pool.preparedQuery("""
            insert into enterprise_agent (credit_code, account_id, granted_by)
            select $1, id, $3::uuid from account where id_number_index = $2 and kind = 'CITIZEN'
            on conflict do nothing""")
        .execute(Tuple.of(creditCode, index, grantedBy))
        .compose(r -> r.rowCount() == 1 ? Future.succeededFuture(AgentAdded.ADDED)
            : pool.preparedQuery("select 1 from account where id_number_index = $1").execute(Tuple.of(index))
                .map(a -> a.size() == 0 ? AgentAdded.NO_SUCH_CITIZEN : AgentAdded.ALREADY));
  }

  /** The enterprise if the account may act for it (its legal representative or an agent). */
  Future<Optional<EnterpriseService.Enterprise>> actingFor(String accountId, String creditCode) {
    return pool.preparedQuery("""
            select e.credit_code, e.name, e.legal_rep_account::text from enterprise e
            where e.credit_code = $1 and (e.legal_rep_account::text = $2 or exists (select 1 from enterprise_agent g
              where g.credit_code = e.credit_code and g.account_id::text = $2))""")
        .execute(Tuple.of(creditCode, accountId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(enterprise(rows.iterator().next())));
  }

  /** The enterprises an account may act for, by credit code. */
  Future<List<Membership>> ofAccount(String accountId) {
    return pool.preparedQuery("""
            select e.credit_code, e.name, e.legal_rep_account::text from enterprise e
            where e.legal_rep_account::text = $1 or exists (select 1 from enterprise_agent g
              where g.credit_code = e.credit_code and g.account_id::text = $1) order by e.credit_code""")
        .execute(Tuple.of(accountId))
        .map(rows -> {
          List<Membership> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Membership(enterprise(r), accountId.equals(r.getString(2)))));
          return out;
        });
  }

  private static EnterpriseService.Enterprise enterprise(Row r) {
    return new EnterpriseService.Enterprise(r.getString(0), r.getString(1), r.getString(2));
  }
}
