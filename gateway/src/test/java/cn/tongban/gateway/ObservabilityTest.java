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
 * Metrics, logs and traces (issue 27): one gateway with metrics behind a token, JSON logs captured in-process,
 * the access log on and spans exported by OTLP over HTTP; the exchange platform is a local server that records
 * the trace it was sent, the OpenTelemetry collector a local server that records the spans it received.
 */
class ObservabilityTest {
  private static final String TOKEN = "metrics-token-for-the-test-0123456789";
  private static final List<String> LINES = new CopyOnWriteArrayList<>();
  private static final List<String> PUSHED_TRACES = new CopyOnWriteArrayList<>();
  /** The spans the collector received: trace id, span id, parent span id (hex) and name. */
  private static final List<Map<String, String>> SPANS = new CopyOnWriteArrayList<>();
  private static final List<String> EXPORTS = new CopyOnWriteArrayList<>();
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
  private static HttpServer collector;
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
    // An OTLP/HTTP receiver as a collector runs it: POST /v1/traces, an ExportTraceServiceRequest in protobuf.
    collector = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (req.path().equals("/v1/traces")) {
        SPANS.addAll(Otlp.spans(body.getBytes()));
        EXPORTS.add(body.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      req.response().setStatusCode(req.path().equals("/v1/traces") ? 200 : 404)
          .putHeader("Content-Type", "application/x-protobuf").end();
    })).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gateway = TestGateway.start(Map.ofEntries(Map.entry("TONGBAN_OTEL_ENDPOINT",
            "http://127.0.0.1:" + collector.actualPort()),
        Map.entry("TONGBAN_METRICS", "token"), Map.entry("TONGBAN_METRICS_TOKEN", TOKEN),
        Map.entry("TONGBAN_LOG_FORMAT", "json"), Map.entry("TONGBAN_ACCESS_LOG", "true"),
        Map.entry("TONGBAN_EXCHANGE_URL", "http://127.0.0.1:" + exchange.actualPort() + "/exchange/events"),
        Map.entry("TONGBAN_EXCHANGE_SECRET", "exchange-shared-secret"),
        Map.entry("TONGBAN_RELAY_INTERVAL_MS", "50")));
  }

  @AfterAll
  static void stop() throws Exception {
    Logger.getLogger("").removeHandler(CAPTURE);
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Reads the spans out of an OTLP ExportTraceServiceRequest (protobuf): only the fields the test looks at. */
  static final class Otlp {
    private final byte[] b;
    private int at;

    private Otlp(byte[] b) {
      this.b = b;
    }

    static List<Map<String, String>> spans(byte[] request) {
      List<Map<String, String>> out = new java.util.ArrayList<>();
      // resource_spans = 1 → scope_spans = 2 → spans = 2 → trace_id 1, span_id 2, parent_span_id 4, name 5
      for (byte[] resource : fields(request).getOrDefault(1, List.of())) {
        for (byte[] scope : fields(resource).getOrDefault(2, List.of())) {
          for (byte[] span : fields(scope).getOrDefault(2, List.of())) {
            Map<Integer, List<byte[]>> f = fields(span);
            out.add(Map.of("traceId", hex(f, 1), "spanId", hex(f, 2), "parentSpanId", hex(f, 4),
                "name", new String(f.getOrDefault(5, List.of(new byte[0])).get(0), java.nio.charset.StandardCharsets.UTF_8)));
          }
        }
      }
      return out;
    }

    /** The length-delimited fields of a message by number (the others skipped). */
    private static Map<Integer, List<byte[]>> fields(byte[] message) {
      Otlp in = new Otlp(message);
      Map<Integer, List<byte[]>> out = new java.util.HashMap<>();
      while (in.at < message.length) {
        long key = in.varint();
        switch ((int) (key & 7)) {
          case 0 -> in.varint();
          case 1 -> in.at += 8;
          case 5 -> in.at += 4;
          case 2 -> {
            int length = (int) in.varint();
            out.computeIfAbsent((int) (key >>> 3), k -> new java.util.ArrayList<>())
                .add(java.util.Arrays.copyOfRange(message, in.at, in.at + length));
            in.at += length;
          }
          default -> throw new IllegalArgumentException("wire type " + (key & 7));
        }
      }
      return out;
    }

    private long varint() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        byte x = b[at++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
      }
    }

    private static String hex(Map<Integer, List<byte[]>> f, int field) {
      return f.containsKey(field) ? java.util.HexFormat.of().formatHex(f.get(field).get(0)) : "";
    }
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
  void spansOfTheRequestAndOfTheDeliveryItCausedGoToTheCollector() throws Exception {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String parent = "b7ad6b7169203331";
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", "mzj-elderly-preferential-card").put("channel", "WEB")
            .put("data", gateway.sample("mzj-elderly-preferential-card")).encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json",
        "traceparent", "00-" + traceId + "-" + parent + "-01");
    assertEquals(201, r.statusCode(), r.body());
    assertEquals(traceId, r.headers().firstValue("X-Trace-Id").orElseThrow());
    String number = new JsonObject(r.body()).getString("number");
    // The outbox event names the span Vert.x's tracer opened for the request: the platform's trace took its ids.
    String stored = gateway.text("select traceparent from outbox_event where aggregate_id = '" + number
        + "' and event_type = 'ApplicationSubmitted'");
    assertTrue(stored.startsWith("00-" + traceId + "-"), stored);
    String requestSpan = stored.substring(36, 52);

    // The request's span, a child of the caller's, with the trace id the caller sent.
    TestGateway.awaitUntil(Duration.ofSeconds(30), () -> SPANS.stream().anyMatch(s -> traceId.equals(s.get("traceId"))
        && requestSpan.equals(s.get("spanId")) && parent.equals(s.get("parentSpanId"))
        && "submitApplication".equals(s.get("name"))));
    // The relay's delivery of the event, continuing the trace the event stored.
    TestGateway.awaitUntil(Duration.ofSeconds(30), () -> SPANS.stream().anyMatch(s -> traceId.equals(s.get("traceId"))
        && requestSpan.equals(s.get("parentSpanId")) && "outbox ApplicationSubmitted".equals(s.get("name"))));
    // Nothing leaves with a path (case numbers), a query or personal data.
    for (String export : EXPORTS) {
      assertFalse(export.contains(number) || export.contains("http.url") || export.contains("url.query"),
          "a span with the URL");
      assertFalse(export.contains("11010519491231002X"), "personal data in a span");
    }
  }

  @Test
  void withoutAnEndpointNothingIsTraced() throws Exception {
    TongbanConfig off = TongbanConfig.from(Map.of());
    assertTrue(off.observability().otelEndpoint().isEmpty(), "off by default");
    Vertx plain = Telemetry.vertxBuilder(off, new io.vertx.core.VertxOptions()).build();
    try {
      assertEquals(null, ((io.vertx.core.internal.VertxInternal) plain).tracer(), "no tracer installed");
    } finally {
      plain.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
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
        java.util.Optional.empty(), 0, "127.0.0.1", false, false, java.util.Optional.empty());
    HttpServer server = Telemetry.listen(vertx, open).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).orElseThrow();
    TongbanConfig.Observability guarded = new TongbanConfig.Observability(TongbanConfig.Observability.Metrics.PORT,
        java.util.Optional.of(TOKEN), 0, "127.0.0.1", false, false, java.util.Optional.empty());
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
