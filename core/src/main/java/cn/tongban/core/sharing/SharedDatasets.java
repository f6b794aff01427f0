package cn.tongban.core.sharing;

import cn.tongban.core.access.Role;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Access;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import cn.tongban.plugin.CreditCode;
import cn.tongban.plugin.IdNumber;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;

/**
 * Departments' datasets imported for data sharing (数据共享): each record is what a source holds on one
 * subject (an identity number or a credit code). An import is one transaction: all of its records or none;
 * re-importing a subject replaces its record.
 */
public final class SharedDatasets {
  private final SharedDataStore store;

  public SharedDatasets(Pool pool, PersonalData personal) {
    this.store = new SharedDataStore(pool, personal);
  }

  /** What an import did: the source, the records it imported, the source's records after it. */
  public record Imported(String source, int imported, long total) {
    public JsonObject toJson() {
      return new JsonObject().put("source", source).put("imported", imported).put("total", total);
    }
  }

  /**
   * Imports {@code records} ({@code [{subjectKey, record}]}, already checked by the contract) into
   * {@code source}; administrators only.
   */
  public Future<Imported> importRecords(Caller caller, String source, JsonArray records) {
    return Access.require(caller, "account.forbidden", Role.ADMIN).compose(v -> importRecords(source, records));
  }

  private Future<Imported> importRecords(String source, JsonArray records) {
    // A subject is an identity number or a credit code; one with a wrong check character would never be
    // found by a real applicant, so the import is refused whole (all or none) with each bad key's pointer.
    List<Violation> bad = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      String key = records.getJsonObject(i).getString("subjectKey");
      if (!IdNumber.isValid(key) && !CreditCode.isValid(key)) {
        bad.add(new Violation("/records/" + i + "/subjectKey", "subjectKey",
            Messages.get(Messages.DEFAULT, "dataset.subjectKey", key)));
      }
    }
    if (!bad.isEmpty()) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "dataset.invalid",
          bad, bad.size()));
    }
    List<SharedDataStore.Entry> batch = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      JsonObject r = records.getJsonObject(i);
      batch.add(new SharedDataStore.Entry(r.getString("subjectKey"), r.getJsonObject("record")));
    }
    return store.importAll(source, batch)
        .map(total -> new Imported(source, batch.size(), total));
  }
}
