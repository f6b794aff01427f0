package cn.tongban.core.matter;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Loads the bundled catalogue (the form-definitions module: {@code catalogue/index.json} and one folder
 * per matter) into the database. A matter already present is left as its authors changed it.
 */
public final class CatalogueImporter {
  private static final Logger LOG = Logger.getLogger(CatalogueImporter.class.getName());
  private final Vertx vertx;
  private final Pool pool;
  private final MatterStore store;

  public CatalogueImporter(Vertx vertx, Pool pool, MatterStore store) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
  }

  /** A bundled matter: its document and its form definition. */
  public record Bundled(JsonObject matter, JsonObject form) {
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

  /** Imports every bundled matter that is not in the database yet, each as published form version 1. */
  public Future<Integer> importBundled() {
    return vertx.executeBlocking(CatalogueImporter::readBundled).compose(bundled -> pool.withTransaction(tx -> {
      Future<Integer> chain = Future.succeededFuture(0);
      int order = 0;
      for (Bundled b : bundled) {
        int sortOrder = ++order * 10;
        JsonObject dept = b.matter().getJsonObject("department");
        chain = chain.compose(n -> store.upsertDepartment(tx, dept.getString("code"), dept.getString("name"))
            .compose(v -> store.insertIfAbsent(tx, b.matter(), sortOrder))
            .compose(inserted -> inserted
                ? store.insertForm(tx, b.matter().getString("code"), 1, FormVersion.Status.PUBLISHED, b.form())
                    .map(v -> n + 1)
                : Future.succeededFuture(n)));
      }
      return chain;
    })).onSuccess(n -> LOG.info(() -> "bundled catalogue: " + n + " new matters imported"));
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
