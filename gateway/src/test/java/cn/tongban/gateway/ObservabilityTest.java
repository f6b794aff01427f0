package cn.tongban.gateway;

import cn.tongban.core.config.TongbanConfig;
import cn.tongban.gateway.ops.JsonLogFormatter;
import cn.tongban.gateway.ops.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Metrics, logs and traces (issue 27): one gateway with metrics behind a token, JSON logs captured in-process
 * and the access log on; the exchange platform is a local server that records the trace it was sent.
 */
class ObservabilityTest {
  private static final String TOKEN = "metrics-token-for-the-test-0123456789";
  private static final List<String> LINES = new CopyOnWriteArrayList<>();
  private static final List<String> PUSHED_TRACES = new CopyOnWriteArrayList<>();
  private static final Handler CAPTURE = new Handler() {
    private final JsonLogFormatter json = new JsonLogFormatter();

    @Override
    public void publish(LogRecord r) {
      LINES.add(json.format(r));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private static Vertx vertx;
  private static HttpServer exchange;
  private static TestGateway gateway;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Logger.getLogger("").addHandler(CAPTURE);
    vertx = Vertx.vertx();
    exchange = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      PUSHED_TRACES.add(String.valueOf(req.getHeader("traceparent")));
      req.response().setStatusCode(202).end();
    })).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gateway = TestGateway.start(Map.of(
        "TONGBAN_METRICS", "token", "TONGBAN_METRICS_TOKEN", TOKEN,
        "TONGBAN_LOG_FORMAT", "json", "TONGBAN_ACCESS_LOG", "true",
        "TONGBAN_EXCHANGE_URL", "http://127.0.0.1:" + exchange.actualPort() + "/exchange/events",
        "TONGBAN_EXCHANGE_SECRET", "exchange-shared-secret",
        "TONGBAN_RELAY_INTERVAL_MS", "50"));
  }

  @AfterAll
  static void stop() throws Exception {
    Logger.getLogger("").removeHandler(CAPTURE);
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRequestsTraceReachesItsLogLinesItsOutboxEventAndThePushItCaused() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String traceparent = "00-" + traceId + "-00f067aa0ba902b7-01";
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", "mzj-elderly-preferential-card").put("channel", "WEB")
            .put("data", gateway.sample("mzj-elderly-preferential-card")).encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json",
        "traceparent", traceparent);
    assertEquals(201, r.statusCode(), r.body());
    assertEquals(traceId, r.headers().firstValue("X-Trace-Id").orElseThrow());
    String number = new JsonObject(r.body()).getString("number");

    // The access log's line for the request is a JSON line with the request's trace, operation and account.
    TestGateway.awaitUntil(Duration.ofSeconds(10), () -> LINES.stream().anyMatch(l -> l.contains(traceId)
        && l.contains("\"logger\":\"tongban.access\"")));
    JsonObject line = LINES.stream().filter(l -> l.contains(traceId) && l.contains("tongban.access"))
        .map(JsonObject::new).findFirst().orElseThrow();
    assertEquals(traceId, line.getString("traceId"));
    assertEquals("submitApplication", line.getString("operation"));
    assertEquals(16, line.getString("spanId").length());
    assertTrue(line.getString("message").startsWith("POST submitApplication 201 "), line.encode());
    assertTrue(line.getString("account") != null && !line.getString("account").isBlank(), line.encode());
    assertFalse(line.encode().contains("11010519491231002X"), "no identity number in a log line");

    // The outbox event the submission produced carries the same trace, and so does the push it caused.
    assertEquals(traceparent.substring(0, 36), gateway.text("select substr(traceparent, 1, 36) from outbox_event"
        + " where aggregate_id = '" + number + "' and event_type = 'ApplicationSubmitted'"));
    TestGateway.awaitUntil(Duration.ofSeconds(20), () -> PUSHED_TRACES.stream()
        .anyMatch(t -> t.startsWith("00-" + traceId + "-")));
  }

  @Test
  void aRequestWithoutTraceparentGetsANewTrace() throws Exception {
    HttpResponse<String> r = gateway.send("GET", "/api/v1/matters", null, "traceparent", "not-a-trace");
    assertEquals(200, r.statusCode());
    String id = r.headers().firstValue("X-Trace-Id").orElseThrow();
    assertTrue(id.matches("[0-9a-f]{32}"), id);
  }

  @Test
  void metricsNeedTheTokenAndShowTheSeries() throws Exception {
    gateway.submitSample("mzj-elderly-preferential-card");
    HttpResponse<String> q = gateway.send("POST", "/graphql", new JsonObject()
            .put("query", "query MatterList { matters(first: 2) { edges { node { code } } } }").encode(),
        "Content-Type", "application/json");
    assertEquals(200, q.statusCode(), q.body());

    assertEquals(401, gateway.send("GET", "/metrics", null).statusCode());
    assertEquals(401, gateway.send("GET", "/metrics", null, "Authorization", "Bearer wrong-token-0123456789")
        .statusCode());
    // The lag probe fires once a second.
    String[] text = new String[1];
    TestGateway.awaitUntil(Duration.ofSeconds(20), () -> {
      try {
        text[0] = gateway.send("GET", "/metrics", null, "Authorization", "Bearer " + TOKEN).body();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return text[0].contains("tongban_event_loop_lag_seconds_count");
    });
    String metrics = text[0];
    // Kept for a look at what an operator's Prometheus would scrape.
    java.nio.file.Files.writeString(java.nio.file.Path.of("target", "metrics-sample.txt"), metrics);
    for (String series : List.of(
        "tongban_http_requests_seconds_bucket{operation=\"submitApplication\",status=\"201\"",
        "tongban_http_requests_seconds_count{operation=\"graphql\",status=\"200\"}",
        "tongban_graphql_operations_seconds_count{operation=\"MatterList\",outcome=\"ok\",type=\"query\"}",
        "tongban_group_commit_batch_count",
        "tongban_deadline_scan_seconds_count",
        "tongban_outbox_pending",
        "tongban_outbox_dead",
        "lettuce_command_completion_seconds_count",
        "vertx_pool_in_use{pool_name=\"requests\",pool_type=\"sql\"}",
        "vertx_pool_in_use{pool_name=\"background\",pool_type=\"sql\"}",
        "jvm_memory_used_bytes")) {
      assertTrue(metrics.contains(series), "missing " + series);
    }
    // No path with a case number or other id becomes a label.
    assertFalse(metrics.contains("/api/v1/applications/"), "paths are not labels");
  }

  @Test
  void theManagementPortServesMetricsAndKeepsItsOwnToken() throws Exception {
    TongbanConfig.Observability open = new TongbanConfig.Observability(TongbanConfig.Observability.Metrics.PORT,
        java.util.Optional.empty(), 0, "127.0.0.1", false, false);
    HttpServer server = Telemetry.listen(vertx, open).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).orElseThrow();
    TongbanConfig.Observability guarded = new TongbanConfig.Observability(TongbanConfig.Observability.Metrics.PORT,
        java.util.Optional.of(TOKEN), 0, "127.0.0.1", false, false);
    HttpServer withToken = Telemetry.listen(vertx, guarded).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).orElseThrow();
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + server.actualPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("jvm_memory_used_bytes"));
      assertEquals(401, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + withToken.actualPort()
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + withToken.actualPort()
          + "/metrics")).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode());
    } finally {
      server.close();
      withToken.close();
    }
  }
}
