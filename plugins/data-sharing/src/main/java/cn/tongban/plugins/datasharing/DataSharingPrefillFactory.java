package cn.tongban.plugins.datasharing;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.FormHandler;
import cn.tongban.plugin.FormHandlerFactory;
import cn.tongban.plugin.HandlerContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@code data-sharing} (数据共享, 国务院令第716号): fills form fields from what a department already holds on
 * the applicant, so it is not asked for again. Each lookup names the source (e.g. {@code gongan-population},
 * {@code scjg-enterprise}), which applicant item keys the record ({@code idNumber} or {@code creditCode}),
 * and which item of the record fills which top-level field. A source with no record of the applicant fills
 * nothing; the applicant then types it in as before. So does a source that fails or answers late (a live
 * adapter's department down, a wrong answer): a department never keeps an applicant from applying.
 */
public final class DataSharingPrefillFactory implements FormHandlerFactory {
  private static final Logger LOG = Logger.getLogger(DataSharingPrefillFactory.class.getName());
  /** Under the host's 3 s for a whole prefill hook, so the other lookups' answers still arrive. */
  static final long LOOKUP_TIMEOUT_MS = 2_500;

  @Override
  public String id() {
    return "data-sharing";
  }

  @Override
  public JsonObject configSchema() {
    JsonObject lookup = new JsonObject().put("type", "object").put("additionalProperties", false)
        .put("required", new JsonArray().add("source").add("by").add("fields"))
        .put("properties", new JsonObject()
            .put("source", new JsonObject().put("type", "string").put("pattern", "^[a-z][a-z0-9-]{1,63}$"))
            .put("by", new JsonObject().put("enum", new JsonArray().add("idNumber").add("creditCode")))
            .put("fields", new JsonObject().put("type", "object").put("minProperties", 1)
                .put("additionalProperties", new JsonObject().put("type", "string").put("pattern", "^/[^/]+$"))));
    return new JsonObject().put("$schema", "https://json-schema.org/draft/2020-12/schema").put("type", "object")
        .put("additionalProperties", false).put("required", new JsonArray().add("lookups"))
        .put("properties", new JsonObject().put("lookups",
            new JsonObject().put("type", "array").put("minItems", 1).put("items", lookup)));
  }

  @Override
  public FormHandler create(JsonObject config) {
    JsonArray lookups = config.getJsonArray("lookups");
    return new FormHandler() {
      @Override
      public Optional<String> sourceOf(String field) {
        // The last lookup filling the field wins the merge below, so it is the one that names the source.
        Optional<String> source = Optional.empty();
        for (int i = 0; i < lookups.size(); i++) {
          JsonObject lookup = lookups.getJsonObject(i);
          if (lookup.getJsonObject("fields").stream().anyMatch(e -> ("/" + field).equals(e.getValue()))) {
            source = Optional.of(lookup.getString("source"));
          }
        }
        return source;
      }

      @Override
      public Future<JsonObject> prefill(HandlerContext context, CaseView draft) {
        JsonObject applicant = draft.applicant();
        List<Future<JsonObject>> parts = new ArrayList<>();
        for (int i = 0; i < lookups.size(); i++) {
          JsonObject lookup = lookups.getJsonObject(i);
          String key = applicant.getString(lookup.getString("by"));
          if (key != null && !key.isBlank()) {
            String source = lookup.getString("source");
            parts.add(context.sharedData(source, key)
                .timeout(LOOKUP_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .map(record -> fill(lookup.getJsonObject("fields"), record))
                .recover(e -> {
                  LOG.warning(() -> "shared data from " + source + " unavailable for prefill: " + e.getMessage());
                  return Future.succeededFuture(new JsonObject());
                }));
          }
        }
        return Future.all(parts).map(all -> {
          JsonObject out = new JsonObject();
          parts.forEach(p -> out.mergeIn(p.result()));
          return out;
        });
      }
    };
  }

  private static JsonObject fill(JsonObject fields, Optional<JsonObject> record) {
    JsonObject out = new JsonObject();
    record.ifPresent(r -> fields.forEach(e -> {
      Object value = r.getValue(e.getKey());
      if (value != null) {
        out.put(((String) e.getValue()).substring(1), value);
      }
    }));
    return out;
  }
}
