package cn.tongban.core.identity;

import cn.tongban.core.privacy.PersonalData;
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
