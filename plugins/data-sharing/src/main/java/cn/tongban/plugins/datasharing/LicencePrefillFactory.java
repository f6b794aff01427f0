package cn.tongban.plugins.datasharing;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.FormHandler;
import cn.tongban.plugin.FormHandlerFactory;
import cn.tongban.plugin.HandlerContext;
import cn.tongban.plugin.JsonPointer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code licence-prefill} (电子证照免提交): fills form fields from the applicant's valid e-licences. Each
 * binding names a licence type and which item of the licence fills which top-level field: a metadata item
 * ({@code /number}, {@code /holderName}, {@code /validUntil}, …) or one of its surface data
 * ({@code /surface/householdAddress}). The newest valid licence of the type is used; without one nothing
 * is filled and the applicant types it in as before.
 */
public final class LicencePrefillFactory implements FormHandlerFactory {

  @Override
  public String id() {
    return "licence-prefill";
  }

  @Override
  public JsonObject configSchema() {
    JsonObject binding = new JsonObject().put("type", "object").put("additionalProperties", false)
        .put("required", new JsonArray().add("licenceType").add("fields"))
        .put("properties", new JsonObject()
            .put("licenceType", new JsonObject().put("type", "string").put("minLength", 1).put("maxLength", 64))
            .put("fields", new JsonObject().put("type", "object").put("minProperties", 1)
                .put("propertyNames", new JsonObject().put("pattern", "^/[^/]+(/[^/]+)?$"))
                .put("additionalProperties", new JsonObject().put("type", "string").put("pattern", "^/[^/]+$"))));
    return new JsonObject().put("$schema", "https://json-schema.org/draft/2020-12/schema").put("type", "object")
        .put("additionalProperties", false).put("required", new JsonArray().add("licences"))
        .put("properties", new JsonObject().put("licences",
            new JsonObject().put("type", "array").put("minItems", 1).put("items", binding)));
  }

  @Override
  public FormHandler create(JsonObject config) {
    JsonArray bindings = config.getJsonArray("licences");
    return new FormHandler() {
      @Override
      public Future<JsonObject> prefill(HandlerContext context, CaseView draft) {
        JsonObject applicant = draft.applicant();
        String holder = applicant.getString("creditCode", applicant.getString("idNumber"));
        if (holder == null || holder.isBlank()) {
          return Future.succeededFuture(new JsonObject());
        }
        List<Future<JsonObject>> parts = new ArrayList<>();
        for (int i = 0; i < bindings.size(); i++) {
          JsonObject binding = bindings.getJsonObject(i);
          parts.add(context.licences(holder, binding.getString("licenceType"))
              .map(found -> found.isEmpty() ? new JsonObject() : fill(binding.getJsonObject("fields"), found.get(0))));
        }
        return Future.all(parts).map(all -> {
          JsonObject out = new JsonObject();
          parts.forEach(p -> out.mergeIn(p.result()));
          return out;
        });
      }
    };
  }

  private static JsonObject fill(JsonObject fields, JsonObject licence) {
    JsonObject out = new JsonObject();
    fields.forEach(e -> JsonPointer.read(licence, e.getKey())
        .ifPresent(value -> out.put(((String) e.getValue()).substring(1), value)));
    return out;
  }
}
