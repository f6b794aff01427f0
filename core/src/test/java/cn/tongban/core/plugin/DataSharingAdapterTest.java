package cn.tongban.core.plugin;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A live department source, found by ServiceLoader, answers the data-sharing handler for the sources it serves. */
class DataSharingAdapterTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aLiveSourceFillsTheFormThroughItsAdapter() throws Exception {
    PluginHost host = PluginHost.load(vertx, Clock.systemUTC(), Optional.empty(),
        Map.of("TEST_REGISTRY_CREDIT_CODE", "91410183MA9XYZ1234", "TEST_REGISTRY_NAME", "新密市超化镇示范农业有限公司",
            "TEST_REGISTRY_DOWN_FOR", "91410183MA9DOWN000"),
        null, null, LicenceLookup.NONE);
    // Adapters configure themselves when started.
    host.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    JsonArray bindings = new JsonArray().add(new JsonObject().put("id", "data-sharing").put("config",
        new JsonObject().put("lookups", new JsonArray().add(new JsonObject().put("source", "test-live-registry")
            .put("by", "creditCode").put("fields", new JsonObject().put("name", "/enterpriseName"))))));
    JsonObject known = host.prefill("adapter-test", bindings, PluginHost.view(Optional.empty(), "m", 1,
        new JsonObject(), new JsonObject().put("creditCode", "91410183MA9XYZ1234"), "DRAFT"))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(new JsonObject().put("enterpriseName", "新密市超化镇示范农业有限公司"), known);
    JsonObject unknown = host.prefill("adapter-test", bindings, PluginHost.view(Optional.empty(), "m", 1,
        new JsonObject(), new JsonObject().put("creditCode", "91410183MA9OTHER00"), "DRAFT"))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(new JsonObject(), unknown);
    // A source that fails fills nothing: the form falls back to what the applicant types, and the prefill
    // answers (a department being down never keeps anyone from applying).
    JsonObject down = host.prefill("adapter-test", bindings, PluginHost.view(Optional.empty(), "m", 1,
            new JsonObject(), new JsonObject().put("creditCode", "91410183MA9DOWN000"), "DRAFT"))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(new JsonObject(), down);
  }
}
