package cn.tongban.plugins.prefill;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.FormHandler;
import cn.tongban.plugin.FormHandlerFactory;
import cn.tongban.plugin.HandlerContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code profile-prefill} (一次提交、多次复用): fills top-level form fields from what the platform already
 * knows of the applicant — name, identity number, phone, enterprise name and credit code — so nobody types
 * them twice. The configuration maps each profile item to the field (a JSON pointer) it fills.
 */
public final class ProfilePrefillFactory implements FormHandlerFactory {
  private static final String[] ITEMS = {"name", "idNumber", "phone", "creditCode"};

  @Override
  public String id() {
    return "profile-prefill";
  }

  @Override
  public JsonObject configSchema() {
    JsonObject field = new JsonObject().put("type", "string").put("pattern", "^/[^/]+$");
    JsonObject props = new JsonObject();
    for (String item : ITEMS) {
      props.put(item, field.copy());
    }
    return new JsonObject().put("$schema", "https://json-schema.org/draft/2020-12/schema").put("type", "object")
        .put("additionalProperties", false).put("minProperties", 1).put("properties", props);
  }

  @Override
  public FormHandler create(JsonObject config) {
    return new FormHandler() {
      @Override
      public Future<JsonObject> prefill(HandlerContext context, CaseView draft) {
        JsonObject applicant = draft.applicant();
        JsonObject out = new JsonObject();
        for (String item : ITEMS) {
          String pointer = config.getString(item);
          Object value = applicant.getValue(item);
          if (pointer != null && value != null) {
            out.put(pointer.substring(1), value);
          }
        }
        return Future.succeededFuture(out);
      }
    };
  }
}
