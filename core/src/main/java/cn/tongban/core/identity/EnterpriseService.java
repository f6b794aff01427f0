package cn.tongban.core.identity;

import cn.tongban.core.access.Caller;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import cn.tongban.plugin.CreditCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * 法人: enterprises by unified social credit code. The citizen who registers one is its legal
 * representative and may authorise other registered citizens as agents (经办人) who apply for it.
 */
public final class EnterpriseService {
  private final Pool pool;

  private final PersonalData personal;

  public EnterpriseService(Pool pool, PersonalData personal) {
    this.personal = personal;
    this.pool = pool;
  }

  /** An enterprise and how the caller stands to it. */
  public record Enterprise(String creditCode, String name, String legalRepresentative) {
    public JsonObject toJson() {
      return new JsonObject().put("creditCode", creditCode).put("name", name);
    }
  }

  /** Registers an enterprise with the caller (a citizen) as its legal representative. */
  public Future<Enterprise> register(Caller caller, String creditCode, String name, Locale locale) {
    if (caller.kind() != Caller.Kind.CITIZEN) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "enterprise.forbidden"));
    }
    if (!CreditCode.isValid(creditCode) || name == null || name.isBlank()) {
      List<Violation> v = new java.util.ArrayList<>();
      if (!CreditCode.isValid(creditCode)) {
        v.add(new Violation("/creditCode", "creditCode", Messages.get(locale, "enterprise.creditCode")));
      }
      if (name == null || name.isBlank()) {
        v.add(new Violation("/name", "required", Messages.get(locale, "violation.required",
            Messages.isEnglish(locale) ? "name" : "企业名称")));
      }
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid",
          v, v.size()));
    }
    return pool.preparedQuery("""
            insert into enterprise (credit_code, name, legal_rep_account) values ($1, $2, $3::uuid)
            on conflict do nothing""")
        .execute(Tuple.of(creditCode, name, caller.subject()))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture(new Enterprise(creditCode, name,
            caller.subject())) : Future.failedFuture(new DomainException(ProblemCode.ACCOUNT_EXISTS,
            "enterprise.exists")));
  }

  /** The legal representative authorises a registered citizen, by identity number, to act for the enterprise. */
  public Future<Void> authorise(Caller caller, String creditCode, String idNumber) {
    return pool.preparedQuery("select legal_rep_account::text from enterprise where credit_code = $1")
        .execute(Tuple.of(creditCode))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "enterprise.notFound"));
          }
          if (!rows.iterator().next().getString(0).equals(caller.subject())) {
            return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "enterprise.forbidden"));
          }
          return pool.preparedQuery("""
                  insert into enterprise_agent (credit_code, account_id, granted_by)
                  select $1, id, $3::uuid from account where id_number_index = $2 and kind = 'CITIZEN'
                  on conflict do nothing""")
              .execute(Tuple.of(creditCode, personal.index(PersonalData.Kind.ID, idNumber), caller.subject()))
              .compose(r -> r.rowCount() == 1 ? Future.<Void>succeededFuture()
                  : pool.preparedQuery("select 1 from account where id_number_index = $1")
                      .execute(Tuple.of(personal.index(PersonalData.Kind.ID, idNumber)))
                      .compose(a -> a.size() == 0
                          ? Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "citizen.notFound"))
                          : Future.succeededFuture()));
        });
  }

  /** The enterprise if the caller may act for it (its legal representative or an authorised agent). */
  public Future<Optional<Enterprise>> actingFor(Caller caller, String creditCode) {
    return pool.preparedQuery("""
            select e.credit_code, e.name, e.legal_rep_account::text from enterprise e
            where e.credit_code = $1 and (e.legal_rep_account::text = $2 or exists (select 1 from enterprise_agent g
              where g.credit_code = e.credit_code and g.account_id::text = $2))""")
        .execute(Tuple.of(creditCode, caller.subject()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new Enterprise(
            rows.iterator().next().getString(0), rows.iterator().next().getString(1),
            rows.iterator().next().getString(2))));
  }

  /** The enterprises the caller may act for. */
  public Future<JsonArray> mine(Caller caller) {
    return pool.preparedQuery("""
            select e.credit_code, e.name, e.legal_rep_account::text = $1 as legal_rep from enterprise e
            where e.legal_rep_account::text = $1 or exists (select 1 from enterprise_agent g
              where g.credit_code = e.credit_code and g.account_id::text = $1) order by e.credit_code""")
        .execute(Tuple.of(caller.subject()))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject().put("creditCode", r.getString(0)).put("name", r.getString(1))
              .put("role", r.getBoolean(2) ? "LEGAL_REPRESENTATIVE" : "AGENT")));
          return out;
        });
  }
}
