package cn.tongban.plugin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every form-handler module runs (extend it in the module's tests): the factory is found by
 * ServiceLoader as a {@link Plugin} of kind {@code FORM_HANDLER}, starts and stops, its id and configuration
 * schema are well formed, it creates handlers from a sample configuration, and every hook answers with a
 * completed future rather than throwing or blocking.
 */
public abstract class FormHandlerContract {
  private final Vertx vertx = Vertx.vertx();

  /** The factory under test. */
  protected abstract FormHandlerFactory factory();

  /** A valid configuration for it. */
  protected abstract JsonObject sampleConfig();

  /** A case view the hooks are called with. */
  protected CaseView sampleCase() {
    return view(new JsonObject());
  }

  /** A view of a case with {@code data}, for subclasses' own tests. */
  protected static CaseView view(JsonObject data) {
    return view(data, new JsonObject());
  }

  /** A view of a case with {@code data} for {@code applicant}, for subclasses' own tests. */
  protected static CaseView view(JsonObject data, JsonObject applicant) {
    return new CaseView() {
      public Optional<String> number() {
        return Optional.empty();
      }

      public String matterCode() {
        return "contract-test";
      }

      public int formVersion() {
        return 1;
      }

      public JsonObject data() {
        return data.copy();
      }

      public JsonObject applicant() {
        return applicant.copy();
      }

      public String status() {
        return "SUBMITTED";
      }
    };
  }

  /** Runs the validate hook and returns the pointers it reported. */
  protected List<String> violationsOf(FormHandler handler, CaseView view) throws Exception {
    List<String> pointers = new ArrayList<>();
    Violations v = new Violations() {
      public void add(String pointer, String code, String message) {
        assertTrue(pointer.startsWith("/"), "a JSON pointer: " + pointer);
        assertNotNull(code);
        assertTrue(message != null && !message.isBlank(), "a message for people");
        pointers.add(pointer);
      }

      public Locale locale() {
        return Locale.SIMPLIFIED_CHINESE;
      }
    };
    await(handler.validate(context(), view, v));
    return pointers;
  }

  protected HandlerContext context() {
    return new HandlerContext() {
      public Vertx vertx() {
        return vertx;
      }

      public Clock clock() {
        return Clock.systemUTC();
      }

      public Future<Optional<JsonObject>> sharedData(String source, String subjectKey) {
        return Future.succeededFuture(Optional.ofNullable(sharedRecords().get(source + "/" + subjectKey)));
      }

      public Future<List<JsonObject>> licences(String holderCode, String typeName) {
        return Future.succeededFuture(licenceRecords().getOrDefault(holderCode + "/" + typeName, List.of()));
      }
    };
  }

  /** The valid licences the contract's handler context holds, newest first, by "holderCode/typeName". */
  protected Map<String, List<JsonObject>> licenceRecords() {
    return Map.of();
  }

  /** The records the contract's handler context answers {@code sharedData} with, by "source/subjectKey". */
  protected Map<String, JsonObject> sharedRecords() {
    return Map.of();
  }

  private static <T> T await(Future<T> f) throws Exception {
    assertNotNull(f, "hooks return a future, never null");
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void isFoundByServiceLoader() {
    assertTrue(ServiceLoader.load(Plugin.class).stream()
        .anyMatch(p -> p.type().equals(factory().getClass())), "listed in META-INF/services/cn.tongban.plugin.Plugin");
    assertEquals(PluginKind.FORM_HANDLER, factory().kind());
  }

  @Test
  void startsAndStops() throws Exception {
    await(factory().start(PluginContext.of(vertx, Clock.systemUTC(), Map.of())));
    await(factory().stop());
  }

  @Test
  void hasAWellFormedIdAndConfigurationSchema() {
    assertTrue(factory().id().matches("[a-z][a-z0-9-]{1,63}"), factory().id());
    JsonObject schema = factory().configSchema();
    assertEquals("object", schema.getString("type"), "the configuration is an object");
    assertTrue(schema.getValue("properties") instanceof JsonObject || schema.getValue("required") instanceof JsonArray,
        "it says what the configuration holds");
  }

  @Test
  void everyHookCompletes() throws Exception {
    FormHandler handler = factory().create(sampleConfig());
    CaseView view = sampleCase();
    assertNotNull(await(handler.prefill(context(), view)));
    violationsOf(handler, view);
    await(handler.onSubmit(context(), view));
    await(handler.onAccept(context(), view));
    await(handler.onCorrection(context(), view));
    await(handler.onApprove(context(), view));
    await(handler.onReject(context(), view));
    await(handler.onIssue(context(), view));
  }
}
