package cn.tongban.plugins.publication;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.EventSink;
import cn.tongban.plugin.EventSinkFactory;
import cn.tongban.plugin.HandlerContext;
import cn.tongban.plugin.JsonPost;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;

/**
 * {@code publication} (双公示): every licensing decision (granted or refused) is POSTed to the public
 * disclosure feed at {@code TONGBAN_PUBLICATION_URL}: the case number, the matter, the decision, the
 * department and the date, with a person's name masked and no identity number (DOMAIN.md §7). An
 * enterprise's name and credit code are public and stay.
 */
public final class PublicationFactory implements EventSinkFactory {
  private static final Map<String, String> DECISIONS = Map.of("ApplicationApprove", "准予", "ApplicationDeny", "不予");

  @Override
  public String id() {
    return "publication";
  }

  @Override
  public Optional<EventSink> create(Map<String, String> settings) {
    return JsonPost.configured(settings, "TONGBAN_PUBLICATION_URL", "the disclosure feed").map(Sink::new);
  }

  /** The public record of a decision: what may be disclosed, nothing else. */
  static JsonObject record(JsonObject event, CaseView view, String decision) {
    JsonObject applicant = view.applicant();
    boolean enterprise = "ENTERPRISE".equals(applicant.getString("kind"));
    String name = applicant.getString("name", "");
    JsonObject payload = event.getJsonObject("payload", new JsonObject());
    JsonObject out = new JsonObject()
        .put("eventId", event.getString("id"))
        .put("number", view.number().orElse(null))
        .put("matterCode", view.matterCode())
        .put("decision", decision)
        .put("departmentCode", payload.getString("departmentCode"))
        .put("decidedAt", payload.getString("at"))
        .put("party", enterprise ? name : name.isEmpty() ? "" : name.charAt(0) + "*".repeat(name.length() - 1));
    if (enterprise) {
      out.put("creditCode", applicant.getString("creditCode"));
    }
    return out;
  }

  private static final class Sink implements EventSink {
    private final JsonPost target;

    Sink(JsonPost target) {
      this.target = target;
    }

    @Override
    public Future<Void> deliver(HandlerContext context, JsonObject event, Optional<CaseView> view) {
      String decision = DECISIONS.get(event.getString("type"));
      if (decision == null || view.isEmpty()) {
        return Future.succeededFuture();
      }
      return target.send(context.vertx(), record(event, view.get(), decision));
    }
  }
}
