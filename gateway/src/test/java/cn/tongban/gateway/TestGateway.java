package cn.tongban.gateway;

import cn.tongban.client.ApiClient;
import cn.tongban.client.ApiException;
import cn.tongban.client.api.ApplicationsApi;
import cn.tongban.client.api.AuthApi;
import cn.tongban.client.api.MattersApi;
import cn.tongban.client.model.TokenRequest;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real gateway for a test class: started in this JVM on a free port, against its own database on the
 * shared test PostgreSQL and its own Redis database, both reached by URL as external servers would be.
 * Tests talk to it over HTTP, through the generated Java client or a plain HTTP client.
 */
final class TestGateway implements AutoCloseable {
  private final Running running;
  private final Map<String, String> env;
  private final java.time.Clock clock;
  private final HttpClient http = HttpClient.newHttpClient();
  private java.sql.Connection jdbc;

  private TestGateway(Running running, Map<String, String> env, java.time.Clock clock) {
    this.clock = clock;
    this.running = running;
    this.env = env;
  }

  /**
   * The tests' personal-data keys (an external database needs configured keys). Fixed test values, never
   * used anywhere else.
   */
  static final Map<String, String> DATA_KEYS = Map.of(
      "TONGBAN_DATA_KEYS", "t1:" + java.util.Base64.getEncoder().encodeToString("tongban-test-data-key-t1-32bytes".getBytes()),
      "TONGBAN_DATA_INDEX_KEY", java.util.Base64.getEncoder().encodeToString("tongban-test-blind-index-key-32b".getBytes()));

  /** The sealing and blind indexes this gateway uses, for tests that read or write rows directly. */
  cn.tongban.core.privacy.PersonalData personal() {
    TongbanConfig.DataKeys keys = config().dataKeys().orElseThrow();
    return cn.tongban.core.privacy.PersonalData.of(keys, config().dataIndexAlgorithm());
  }

  /** The blind index of an identity number (or credit code), as stored in the *_index columns. */
  String idIndex(String idNumber) {
    return personal().index(cn.tongban.core.privacy.PersonalData.Kind.ID, idNumber);
  }

  static TestGateway start() {
    return start(Map.of());
  }

  /** Starts a gateway with demo data on a fresh database; {@code overrides} adds or replaces TONGBAN_* options. */
  static TestGateway start(Map<String, String> overrides) {
    return start(overrides, java.time.Clock.system(cn.tongban.core.clock.CalendarService.ZONE));
  }

  /** Starts a gateway that tells time by {@code clock}. */
  static TestGateway start(Map<String, String> overrides, java.time.Clock clock) {
    try {
      Map<String, String> env = new HashMap<>();
      env.put("TONGBAN_HTTP_PORT", "0");
      env.put("TONGBAN_PG_URL", TestServers.newDatabase());
      env.put("TONGBAN_REDIS_URL", TestServers.newRedis());
      env.put("TONGBAN_DEMO", "true");
      // Tests count their own ratings: no demo ones.
      env.put("TONGBAN_RATING_DEMO", "false");
      // …nor demo penalties and red cards.
      env.put("TONGBAN_SUPERVISION_DEMO", "false");
      env.put("TONGBAN_DATA_DIR", Files.createTempDirectory("tongban-gw").toString());
      env.putAll(DATA_KEYS);
      env.putAll(overrides);
      return startWith(env, clock);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static TestGateway startWith(Map<String, String> env, java.time.Clock clock) throws Exception {
    Vertx vertx = cn.tongban.gateway.ops.Telemetry.vertxBuilder(TongbanConfig.from(env), new io.vertx.core.VertxOptions())
        .build();
    // A deadline against a start that hangs, not a measure: a test JVM's first start (cold JIT) on a 2-core machine
    // at load 30 or more took over 120 s (2026-12-07, ApiDocsBrowserTest and OutboxRelayTest failed so).
    Running running = Running.start(vertx, TongbanConfig.from(env), clock).toCompletionStage()
        .toCompletableFuture().get(300, TimeUnit.SECONDS);
    return new TestGateway(running, env, clock);
  }

  /** Stops this gateway and starts a new one on the same database: a restart. */
  TestGateway restart() throws Exception {
    close();
    Map<String, String> again = new HashMap<>(env);
    return startWith(again, clock);
  }

  /** A second node on this one's database and Redis, with {@code overrides} (started after this one). */
  TestGateway secondNode(Map<String, String> overrides) throws Exception {
    Map<String, String> other = new HashMap<>(env);
    other.put("TONGBAN_DATA_DIR", Files.createTempDirectory("tongban-gw").toString());
    other.putAll(overrides);
    return startWith(other, clock);
  }

  /** This node's platform, for tests that drive a background job (the relay, the sealer) by hand. */
  cn.tongban.core.Platform platform() {
    return running.platform();
  }

  int port() {
    return running.port();
  }

  /** The configuration this gateway was started with (its database URL, data directory, …). */
  TongbanConfig config() {
    return TongbanConfig.from(env);
  }

  String baseUri() {
    return "http://127.0.0.1:" + port();
  }

  /** A generated-client instance, anonymous. */
  ApiClient anonymous() {
    ApiClient client = new ApiClient();
    client.updateBaseUri(baseUri());
    return client;
  }

  /** A generated-client instance signed in as a demo account. */
  ApiClient as(String username) throws ApiException {
    String token = token(username);
    ApiClient client = anonymous();
    client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token));
    return client;
  }

  String token(String username) throws ApiException {
    return new AuthApi(anonymous()).issueToken(new TokenRequest().grantType("password")
        .username(username).password("tongban-demo")).getAccessToken();
  }

  MattersApi matters(ApiClient client) {
    return new MattersApi(client);
  }

  ApplicationsApi applications(ApiClient client) {
    return new ApplicationsApi(client);
  }

  /** A raw request, for what the generated client cannot send (malformed bodies, odd headers). */
  HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUri() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls what the platform does in the background (the relay, a restart), with a deadline. */
  static void awaitUntil(Duration limit, java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "not within " + limit);
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(25).toNanos());
    }
  }

  /** The citizen submits the matter's sample online; returns the case number. */
  String submitSample(String matter) throws Exception {
    HttpResponse<String> r = send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", matter).put("channel", "WEB").put("data", sample(matter)).encode(),
        "Authorization", "Bearer " + token("citizen"), "Content-Type", "application/json");
    org.junit.jupiter.api.Assertions.assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("number");
  }

  /**
   * A 残疾人证 case taken from submission to approval (clerk accepts, reviewer.cjl passes, approver.cjl
   * approves); returns the licence its holder, the demo citizen, then has.
   */
  JsonObject approvedDisabilityCertificate() throws Exception {
    String number = submitSample("cjl-disability-certificate");
    ok(act("clerk", number, new JsonObject().put("action", "accept")));
    ok(act("reviewer.cjl", number, new JsonObject().put("action", "review-pass")));
    ok(act("approver.cjl", number, new JsonObject().put("action", "approve")));
    JsonObject[] found = new JsonObject[1];
    awaitUntil(Duration.ofSeconds(20), () -> {
      try {
        found[0] = new io.vertx.core.json.JsonArray(ok200(get("citizen", "/api/v1/licences"))).stream()
            .map(o -> (JsonObject) o).filter(l -> number.equals(l.getString("applicationNumber"))).findFirst()
            .orElse(null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return found[0] != null;
    });
    return found[0];
  }

  private static String ok200(HttpResponse<String> r) {
    org.junit.jupiter.api.Assertions.assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** A GET whose body is bytes (images, downloads). */
  HttpResponse<byte[]> getBytes(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUri() + path)).timeout(Duration.ofSeconds(30)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A multipart/form-data upload as a browser or wx.uploadFile sends it: text fields and one file. */
  HttpResponse<String> upload(String user, Map<String, String> fields, String fileName, byte[] content)
      throws Exception {
    String boundary = "----tongban" + java.util.UUID.randomUUID();
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    for (var f : fields.entrySet()) {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
          + f.getValue() + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    body.write(content);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    HttpRequest req = HttpRequest.newBuilder(URI.create(baseUri() + "/api/v1/materials"))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token(user))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  /** A user posts a JSON body. */
  HttpResponse<String> post(String user, String path, JsonObject body) throws Exception {
    return send("POST", path, body.encode(), "Authorization", "Bearer " + token(user),
        "Content-Type", "application/json");
  }

  /** A user reads a path. */
  HttpResponse<String> get(String user, String path) throws Exception {
    return send("GET", path, null, "Authorization", "Bearer " + token(user));
  }

  /** A user acts on a case. */
  HttpResponse<String> act(String user, String number, JsonObject body) throws Exception {
    return post(user, "/api/v1/applications/" + number + "/actions", body);
  }

  /** A user reads a case. */
  JsonObject read(String user, String number) throws Exception {
    return new JsonObject(send("GET", "/api/v1/applications/" + number, null, "Authorization",
        "Bearer " + token(user)).body());
  }

  /** The body of a 200 answer (failing the test otherwise). */
  static JsonObject ok(HttpResponse<String> r) {
    org.junit.jupiter.api.Assertions.assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  /** A valid data sample of a bundled matter, from its published form's {@code examples}. */
  JsonObject sample(String matterCode) throws Exception {
    HttpResponse<String> r = send("GET", "/api/v1/matters/" + matterCode, null);
    return new JsonObject(r.body()).getJsonObject("form").getJsonObject("schema").getJsonArray("examples")
        .getJsonObject(0);
  }

  /** A resident identity number: the first 17 characters given, the GB 11643 check character added. */
  static String idNumber(String first17) {
    int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (first17.charAt(i) - '0') * weights[i];
    }
    return first17 + "10X98765432".charAt(sum % 11);
  }

  /** A number the database holds, read directly (to prove what was or was not written). */
  long count(String sql) throws Exception {
    return jdbc(st -> {
      try (var rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /** A text the database holds, read directly: the first column of the query's one row. */
  String text(String sql) throws Exception {
    return jdbc(st -> {
      try (var rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getString(1);
      }
    });
  }

  /** Several numbers the database holds: the columns of the query's one row. */
  long[] counts(String sql) throws Exception {
    return jdbc(st -> {
      try (var rs = st.executeQuery(sql)) {
        rs.next();
        long[] values = new long[rs.getMetaData().getColumnCount()];
        for (int i = 0; i < values.length; i++) {
          values[i] = rs.getLong(i + 1);
        }
        return values;
      }
    });
  }

  /** Empties this gateway's Redis database, as if Redis had lost its data. */
  void flushRedis() throws Exception {
    java.net.URI uri = java.net.URI.create(env.get("TONGBAN_REDIS_URL"));
    try (var socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.getOutputStream().write(("SELECT " + uri.getPath().substring(1) + "\r\nFLUSHDB\r\nQUIT\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getInputStream().readAllBytes();
    }
  }

  /** Sends inline commands to this gateway's Redis database; the raw replies, as Redis wrote them. */
  String redis(String... commands) throws Exception {
    java.net.URI uri = java.net.URI.create(env.get("TONGBAN_REDIS_URL"));
    StringBuilder out = new StringBuilder("SELECT " + uri.getPath().substring(1) + "\r\n");
    for (String c : commands) {
      out.append(c).append("\r\n");
    }
    out.append("QUIT\r\n");
    try (var socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.getOutputStream().write(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** Changes the database directly, as an older installation or an operator would have left it. */
  void execute(String sql) throws Exception {
    jdbc(st -> st.execute(sql));
  }

  /** A connection of the test's own to this gateway's database (the caller closes it), for transactions held open. */
  java.sql.Connection connect() throws java.sql.SQLException {
    io.vertx.pgclient.PgConnectOptions o = io.vertx.pgclient.PgConnectOptions.fromUri(env.get("TONGBAN_PG_URL"));
    return java.sql.DriverManager.getConnection("jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/"
        + o.getDatabase(), o.getUser(), o.getPassword());
  }

  private interface Work<T> {
    T apply(java.sql.Statement statement) throws java.sql.SQLException;
  }

  /**
   * Runs {@code work} on this gateway's one JDBC connection, autocommit as a fresh connection per query was
   * (PersonalDataAtRestTest's leak scans alone ran some 1 900 queries, each paying for a new PostgreSQL backend),
   * opened again when the server dropped it.
   */
  private synchronized <T> T jdbc(Work<T> work) throws java.sql.SQLException {
    if (jdbc == null || !jdbc.isValid(10)) {
      closeJdbc();
      jdbc = connect();
    }
    try (var st = jdbc.createStatement()) {
      return work.apply(st);
    }
  }

  private synchronized void closeJdbc() {
    if (jdbc != null) {
      try {
        jdbc.close();
      } catch (java.sql.SQLException e) {
        // already gone with its server
      }
      jdbc = null;
    }
  }

  @Override
  public void close() throws Exception {
    closeJdbc();
    running.stopAndClose(java.time.Duration.ofSeconds(60));
  }
}
