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

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * 法人: enterprises by unified social credit code. The citizen who registers one is its legal
 * representative and may authorise other registered citizens as agents (经办人) who apply for it.
 */
public final class EnterpriseService {
  private final EnterpriseStore store;

  public EnterpriseService(Pool pool, PersonalData personal) {
    this.store = new EnterpriseStore(pool, personal);
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
    return store.register(creditCode, name, caller.subject())
        .compose(registered -> registered ? Future.succeededFuture(new Enterprise(creditCode, name,
            caller.subject())) : Future.failedFuture(new DomainException(ProblemCode.ACCOUNT_EXISTS,
            "enterprise.exists")));
  }

  /** The legal representative authorises a registered citizen, by identity number, to act for the enterprise. */
  public Future<Void> authorise(Caller caller, String creditCode, String idNumber) {
    return store.legalRepresentative(creditCode)
        .compose(rep -> {
          if (rep.isEmpty()) {
            return Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "enterprise.notFound"));
          }
          if (!rep.get().equals(caller.subject())) {
            return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "enterprise.forbidden"));
          }
          return store.addAgent(creditCode, idNumber, caller.subject())
              .compose(added -> added == EnterpriseStore.AgentAdded.NO_SUCH_CITIZEN
                  ? Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "citizen.notFound"))
                  : Future.<Void>succeededFuture());
        });
  }

  /** The enterprise if the caller may act for it (its legal representative or an authorised agent). */
  public Future<Optional<Enterprise>> actingFor(Caller caller, String creditCode) {
    return store.actingFor(caller.subject(), creditCode);
  }

  /** The enterprises the caller may act for. */
  public Future<JsonArray> mine(Caller caller) {
    return store.ofAccount(caller.subject()).map(list -> {
      JsonArray out = new JsonArray();
      list.forEach(m -> out.add(m.enterprise().toJson()
          .put("role", m.legalRepresentative() ? "LEGAL_REPRESENTATIVE" : "AGENT")));
      return out;
    });
  }
}
