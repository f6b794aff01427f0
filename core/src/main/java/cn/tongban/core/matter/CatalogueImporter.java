package cn.tongban.core.matter;

import cn.tongban.core.form.FormVersion;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.event.Outbox;
import cn.tongban.core.json.CanonicalJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Loads the bundled catalogue (the form-definitions module: {@code catalogue/index.json} and one folder
 * per matter) at every start, idempotently: a new matter is added with its form published as version 1;
 * a matter whose bundled definition changed since the last start gets its document updated and, when the
 * form itself changed, a new published version; an unchanged bundle changes nothing.
 */
public final class CatalogueImporter {
  private static final Logger LOG = Logger.getLogger(CatalogueImporter.class.getName());
  private static final String IMPORTER = "system:bundled-catalogue";
  private final Vertx vertx;
  private final MatterStore store;

  public CatalogueImporter(Vertx vertx, MatterStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** A bundled matter: its document and its form definition. */
  public record Bundled(JsonObject matter, JsonObject form) {
    String hash() {
      return CanonicalJson.sha256(new JsonObject().put("matter", matter).put("form", form));
    }
  }

  /** Reads every bundled matter from the class path (blocking I/O: done on a worker thread). */
  public static List<Bundled> readBundled() {
    JsonObject index = read("catalogue/index.json");
    List<Bundled> out = new ArrayList<>();
    for (Object code : index.getJsonArray("matters", new JsonArray())) {
      out.add(new Bundled(read("catalogue/" + code + "/matter.json"), read("catalogue/" + code + "/form.json")));
    }
    return out;
  }

  /** Imports what is new or changed in the bundle; returns how many matters it added or changed. */
  public Future<Integer> importBundled() {
    return vertx.executeBlocking(CatalogueImporter::readBundled).compose(bundled -> store.pool().withTransaction(tx -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (int i = 0; i < bundled.size(); i++) {
        Bundled b = bundled.get(i);
        int sortOrder = (i + 1) * 10;
        chain = chain.compose(n -> importOne(tx, b, sortOrder).map(changed -> changed ? n + 1 : n));
      }
      return chain;
    })).onSuccess(n -> LOG.info(() -> "bundled catalogue: " + n + " matters added or updated"));
  }

  private Future<Boolean> importOne(SqlClient tx, Bundled b, int sortOrder) {
    String code = b.matter().getString("code");
    String hash = b.hash();
    return store.bundleHash(tx, code).compose(recorded -> {
      if (recorded.isEmpty()) {
        return store.insertIfAbsent(tx, b.matter(), sortOrder, hash)
            .compose(v -> store.insertForm(tx, code, Optional.of(1), FormVersion.Status.PUBLISHED, b.form(),
                IMPORTER))
            .compose(v -> audit(tx, "matter.bundled", code, 1))
            .compose(v -> formPublished(tx, code, 1))
            .map(true);
      }
      if (recorded.get().isEmpty()) {
        // An author created this matter, not the bundle: the bundle never overwrites it.
        LOG.warning(() -> "bundled matter " + code + " skipped: a matter with this code was authored here");
        return Future.succeededFuture(false);
      }
      if (recorded.get().get().equals(hash)) {
        return Future.succeededFuture(false);
      }
      return store.update(tx, b.matter(), Optional.of(hash))
          .compose(v -> audit(tx, "matter.updated", code, 0))
          .compose(v -> store.listForms(tx, code))
          .compose(forms -> {
            JsonObject latest = forms.isEmpty() ? null : forms.get(forms.size() - 1).definition();
            if (latest != null && CanonicalJson.sha256(latest).equals(CanonicalJson.sha256(normalised(b.form())))) {
              return Future.succeededFuture(true);
            }
            return store.insertForm(tx, code, Optional.empty(), FormVersion.Status.DRAFT, b.form(), IMPORTER)
                .compose(version -> store.publish(tx, code, version)
                    .compose(x -> audit(tx, "form.published", code, version))
                    .compose(x -> formPublished(tx, code, version)))
                .map(true);
          });
    });
  }

  private static Future<Void> formPublished(SqlClient tx, String code, int version) {
    return Outbox.append(tx, "matter", code, "FormPublished", new JsonObject().put("matterCode", code)
        .put("version", version));
  }

  private static Future<Void> audit(SqlClient tx, String action, String code, int version) {
    return AuditLog.record(tx, IMPORTER, action, "matter", code, new JsonObject().put("version", version));
  }

  /** A definition with every optional part present, as stored versions have them. */
  private static JsonObject normalised(JsonObject form) {
    return new JsonObject()
        .put("schema", form.getJsonObject("schema"))
        .put("uiSchema", form.getJsonObject("uiSchema", new JsonObject()))
        .put("handlers", form.getJsonArray("handlers", new JsonArray()))
        .put("materialBindings", form.getJsonArray("materialBindings", new JsonArray()));
  }

  private static JsonObject read(String resource) {
    try (InputStream in = CatalogueImporter.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing bundled catalogue resource " + resource);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }
}
