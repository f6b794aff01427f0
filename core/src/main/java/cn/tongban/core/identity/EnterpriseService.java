package cn.tongban.core.identity;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
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
  private final SharedRecords registry;
  private final PersonalData personal;

  public EnterpriseService(Pool pool, PersonalData personal, SharedRecords registry) {
    this.store = new EnterpriseStore(pool, personal);
    this.registry = registry;
    this.personal = personal;
  }

  /** An enterprise and how the caller stands to it. */
  public record Enterprise(String creditCode, String name, String legalRepresentative) {
    public JsonObject toJson() {
      return new JsonObject().put("creditCode", creditCode).put("name", name);
    }
  }

  /** A claim's outcome: the enterprise registered (verified) or the claim waiting for a window clerk. */
  public record Registered(JsonObject json, boolean verified) {
  }

  /**
   * A citizen claims to be an enterprise's legal representative. When 市场监管's registration data has the
   * enterprise, the claim is verified at once if it names the caller (by identity number) as legal
   * representative, else refused (403); when it has no record (or cannot be reached), the claim waits for a
   * window clerk who checks the business licence ({@link #decide}). Until verified the claimant cannot act for
   * the enterprise or authorise agents.
   */
  public Future<Registered> register(Caller caller, String creditCode, String name, Locale locale) {
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
    String account = caller.subject();
    return store.legalRepresentative(creditCode).compose(held -> {
      if (held.isPresent()) {
        return Future.failedFuture(new DomainException(ProblemCode.ACCOUNT_EXISTS, "enterprise.exists"));
      }
      // A registry that cannot be reached leaves the claim to a clerk rather than failing it.
      return registry.record(SharedRecords.ENTERPRISES, creditCode).recover(e -> Future.succeededFuture(Optional.empty()))
          .compose(record -> {
            String repId = record.map(r -> r.getString("legalRepresentativeIdNumber")).orElse(null);
            if (repId == null) {
              return store.claim(creditCode, name.strip(), account).map(id -> new Registered(new JsonObject()
                  .put("creditCode", creditCode).put("name", name.strip()).put("role", "LEGAL_REPRESENTATIVE")
                  .put("status", "PENDING").put("claimId", id), false));
            }
            String registered = record.get().getString("name", name.strip());
            return store.accountHasIdIndex(account, personal.index(PersonalData.Kind.ID, repId))
                .compose(match -> !match
                    ? Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "enterprise.notRepresentative"))
                    : store.registerVerified(creditCode, registered, account, SharedRecords.ENTERPRISES).compose(ok -> ok
                        ? Future.succeededFuture(new Registered(new Enterprise(creditCode, registered, account).toJson()
                            .put("role", "LEGAL_REPRESENTATIVE").put("status", "VERIFIED"), true))
                        : Future.failedFuture(new DomainException(ProblemCode.ACCOUNT_EXISTS, "enterprise.exists"))));
          });
    });
  }

  /** The pending claims a window clerk checks (clerks and administrators), oldest first, with the claimant. */
  public Future<JsonArray> pendingClaims(Caller caller) {
    return Access.require(caller, "enterprise.claimsForbidden", Role.CLERK, Role.ADMIN)
        .compose(v -> store.claims(Optional.empty()))
        .map(list -> new JsonArray(list.stream().map(EnterpriseService::claimJson).toList()));
  }

  /**
   * A window clerk, having checked the business licence (营业执照) and the claimant's identity card, verifies
   * a pending claim or refuses it (with a reason). 404 when there is no such pending claim; 409 when the
   * enterprise was registered to someone else meanwhile.
   */
  public Future<JsonObject> decide(Caller caller, String claimId, String decision, String reason, Locale locale) {
    return Access.require(caller, "enterprise.claimsForbidden", Role.CLERK, Role.ADMIN).compose(v -> {
      boolean verify = "VERIFY".equals(decision);
      if (!verify && (reason == null || reason.isBlank())) {
        return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid",
            List.of(new Violation("/reason", "required", Messages.get(locale, "enterprise.refuseReason"))), 1));
      }
      if (!isUuid(claimId)) {
        return Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "enterprise.claimNotFound"));
      }
      return store.decide(claimId, verify, reason == null ? null : reason.strip(), caller.scopeKey())
          .compose(d -> switch (d) {
            case NOT_PENDING -> Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND,
                "enterprise.claimNotFound"));
            case REGISTERED_ALREADY -> Future.failedFuture(new DomainException(ProblemCode.ACCOUNT_EXISTS,
                "enterprise.exists"));
            case DONE -> Future.succeededFuture(new JsonObject().put("id", claimId)
                .put("status", verify ? "VERIFIED" : "REFUSED"));
          });
    });
  }

  private static JsonObject claimJson(EnterpriseStore.Claim c) {
    JsonObject j = new JsonObject().put("id", c.id()).put("creditCode", c.creditCode()).put("name", c.name())
        .put("status", c.status()).put("claimant", new JsonObject().put("name", c.claimantName())
            .put("idNumber", c.claimantIdNumber())).put("createdAt", c.createdAt());
    if (c.reason() != null) {
      j.put("reason", c.reason());
    }
    return j;
  }

  private static boolean isUuid(String s) {
    try {
      return s != null && s.length() == 36 && java.util.UUID.fromString(s) != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The legal representative authorises a registered citizen, by identity number, to act for the enterprise. */
  public Future<Void> authorise(Caller caller, String creditCode, String idNumber) {
    return store.legalRepresentative(creditCode)
        .compose(rep -> {
          if (rep.isEmpty()) {
            // A claim not verified yet authorises no one.
            return store.claims(Optional.of(caller.subject())).compose(mine -> mine.stream()
                .anyMatch(c -> c.creditCode().equals(creditCode) && "PENDING".equals(c.status()))
                ? Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "enterprise.pending"))
                : Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "enterprise.notFound")));
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

  /**
   * The enterprises the caller may act for ({@code status} VERIFIED), then their claims still pending or
   * refused (role LEGAL_REPRESENTATIVE, with the claim's id and the reason of a refusal).
   */
  public Future<JsonArray> mine(Caller caller) {
    return store.ofAccount(caller.subject()).compose(list -> {
      JsonArray out = new JsonArray();
      list.forEach(m -> out.add(m.enterprise().toJson()
          .put("role", m.legalRepresentative() ? "LEGAL_REPRESENTATIVE" : "AGENT").put("status", "VERIFIED")));
      if (caller.kind() != Caller.Kind.CITIZEN) {
        return Future.succeededFuture(out);
      }
      return store.claims(Optional.of(caller.subject())).map(claims -> {
        claims.forEach(c -> {
          JsonObject j = new JsonObject().put("creditCode", c.creditCode()).put("name", c.name())
              .put("role", "LEGAL_REPRESENTATIVE").put("status", c.status()).put("claimId", c.id());
          if (c.reason() != null) {
            j.put("reason", c.reason());
          }
          out.add(j);
        });
        return out;
      });
    });
  }
}
