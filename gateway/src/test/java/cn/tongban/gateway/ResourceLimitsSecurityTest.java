package cn.tongban.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 31 item 5 (GraphQL aliases exhausting the pool) and the public-lookup rates of item 7, as an outsider
 * would try them: one anonymous operation with a thousand aliases of a database-backed field, an operation
 * fanning out over pages, a caller and an address sending operations in a loop (over HTTP and on a WebSocket), a
 * lookup repeated by aliases, a forged X-Forwarded-For; and the background work still done while every request
 * connection is taken. The gateway trusts 127.0.0.1 as a reverse proxy (requests from it without the header
 * count as 127.0.0.1, as before).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResourceLimitsSecurityTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static TestGateway gateway;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    // Low rates, so that reaching them takes few requests; each test below counts only its own caller or key.
    // The relay is driven by hand (backgroundWorkHasConnectionsOfItsOwn holds an approval's events for it).
    Map<String, String> options = new HashMap<>(Map.of("TONGBAN_GRAPHQL_RATE_PER_CALLER", "15",
        "TONGBAN_GRAPHQL_RATE_PER_ADDRESS", "80", "TONGBAN_PUBLIC_LOOKUP_RATE_PER_ADDRESS", "10",
        "TONGBAN_LOGIN_MAX_FAILURES_PER_ADDRESS", "12", "TONGBAN_RELAY_INTERVAL_MS", "0"));
    options.put("TONGBAN_TRUSTED_PROXIES", "127.0.0.1");
    gateway = TestGateway.start(options);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> graphql(String token, String query) throws Exception {
    String body = new JsonObject().put("query", query).encode();
    return token == null
        ? gateway.send("POST", "/graphql", body, "Content-Type", "application/json")
        : gateway.send("POST", "/graphql", body, "Content-Type", "application/json", "Authorization", "Bearer " + token);
  }

  private static String aliases(int n, String field) {
    StringBuilder q = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      q.append(" a").append(i).append(": ").append(field);
    }
    return q.append(" }").toString();
  }

  @Test
  @Order(1)
  void aThousandAliasesAreRefusedWithOneClearProblemBeforeAnythingRuns() throws Exception {
    // As the prober sent it: a database-backed field answering a scalar, so 1,000 fields, within the field count.
    HttpResponse<String> r = graphql(null,
        aliases(1000, "progress(number: \"4101832026000000000001\", queryCode: \"X\")"));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject answer = new JsonObject(r.body());
    JsonArray errors = answer.getJsonArray("errors");
    assertEquals(1, errors.size(), () -> "one problem, not one per alias: " + r.body().substring(0, 300));
    JsonObject problem = errors.getJsonObject(0).getJsonObject("extensions");
    assertEquals("bad-request", problem.getString("code"));
    assertEquals("一次查询最多 30 个别名字段，本次有 1,000 个；请分多次查询。", problem.getString("detail"));
    assertFalse(r.body().contains("pool"), "no pool errors");
    assertTrue(answer.getValue("data") == null, "nothing ran");
  }

  @Test
  @Order(2)
  void normalQueriesStillWorkAndManyFetchesRunInTurn() throws Exception {
    // 25 aliases of a database-backed field: under the cap; they run four at a time, and all answer.
    HttpResponse<String> r = graphql(null, aliases(25, "matter(code: \"" + MATTER + "\") { code name }"));
    JsonObject data = new JsonObject(r.body()).getJsonObject("data");
    assertNotNull(data, r.body());
    for (int i = 0; i < 25; i++) {
      assertEquals(MATTER, data.getJsonObject("a" + i).getString("code"), r.body());
    }
    HttpResponse<String> mine = graphql(gateway.token("citizen"),
        "{ applications(first: 20) { edges { node { number steps { stepName } } } } }");
    assertFalse(mine.body().contains("\"errors\""), mine.body());
  }

  @Test
  @Order(3)
  void fieldsFetchedOncePerPageElementCostAsMuch() throws Exception {
    // Three pages of 100 cases, each case's steps and rating fetched: about 600 fetches, without an alias cap hit.
    String page = "applications(first: 100) { edges { node { steps { stepName } rating } } }";
    HttpResponse<String> r = graphql(gateway.token("citizen"), "{ a: " + page + " b: " + page + " c: " + page + " }");
    JsonObject problem = new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0).getJsonObject("extensions");
    assertEquals("bad-request", problem.getString("code"), r.body());
    assertEquals("一次查询最多读取数据 250 次，本次约需 603 次；请减少字段或分页查询。", problem.getString("detail"));
  }

  @Test
  @Order(4)
  void aCallerSendingOperationsInALoopIsThrottledAndOthersAreNot() throws Exception {
    String supervisor = gateway.token("supervisor");
    HttpResponse<String> last = null;
    for (int i = 0; i < 16; i++) {
      last = graphql(supervisor, "{ me }");
    }
    assertEquals(429, last.statusCode(), last.body());
    JsonObject problem = new JsonObject(last.body());
    assertEquals("too-many-requests", problem.getString("code"));
    assertTrue(last.headers().firstValue("Retry-After").isPresent());
    assertEquals(200, graphql(gateway.token("citizen"), "{ me }").statusCode(), "another caller goes on");
  }

  @Test
  @Order(5)
  void publicLookupsAreCountedPerAliasAndAcrossBothApis() throws Exception {
    // Ten lookups a minute per address: eleven aliases of progress, the eleventh refused.
    HttpResponse<String> r = graphql(null, aliases(11, "progress(number: \"TB-NONE\", queryCode: \"000000\")"));
    JsonArray errors = new JsonObject(r.body()).getJsonArray("errors");
    assertNotNull(errors, r.body());
    assertEquals(1, errors.size(), r.body());
    assertEquals("too-many-requests", errors.getJsonObject(0).getJsonObject("extensions").getString("code"));
    HttpResponse<String> verify = gateway.send("POST", "/api/v1/licences/verify",
        new JsonObject().put("identifier", "11410183MB0000001X").encode(), "Content-Type", "application/json");
    assertEquals(429, verify.statusCode(), verify.body());
    HttpResponse<String> progress = gateway.send("GET", "/api/v1/applications/TB-NONE/progress?queryCode=000000", null);
    assertEquals(429, progress.statusCode(), progress.body());
  }

  @Test
  @Order(6)
  void operationsStartedOnAWebSocketCountAsOperationsSentOverHttp() throws Exception {
    BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
    WebSocket socket = vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(gateway.port()).setURI("/graphql").addSubProtocol("graphql-transport-ws"))
        .await(10, TimeUnit.SECONDS);
    try {
      socket.textMessageHandler(text -> messages.add(new JsonObject(text)));
      socket.writeTextMessage(new JsonObject().put("type", "connection_init").put("payload",
          new JsonObject().put("Authorization", "Bearer " + gateway.token("reviewer.rsj"))).encode());
      assertEquals("connection_ack", messages.poll(10, TimeUnit.SECONDS).getString("type"));
      // The operation limits hold on the socket: 31 aliases are refused before anything runs.
      socket.writeTextMessage(subscribe("aliases", aliases(31, "me")));
      JsonObject refused = answers(messages, 1).get("aliases");
      assertEquals("bad-request", refused.getJsonObject("payload").getJsonArray("errors").getJsonObject(0)
          .getJsonObject("extensions").getString("code"), refused.encode());
      // The caller's rate (15 a minute here) counts every operation started on the socket, that one included.
      for (int i = 0; i < 19; i++) {
        socket.writeTextMessage(subscribe("me" + i, "{ me }"));
      }
      Map<String, JsonObject> answered = answers(messages, 19);
      List<JsonObject> errors = answered.values().stream().filter(m -> "error".equals(m.getString("type"))).toList();
      assertEquals(5, errors.size(), answered.toString());
      for (JsonObject error : errors) {
        assertTrue(error.getJsonArray("payload").getJsonObject(0).getString("message").startsWith("GraphQL 查询过于频繁"),
            error.encode());
      }
      assertEquals(14, answered.values().stream().filter(m -> "next".equals(m.getString("type"))
          && m.getJsonObject("payload").getJsonObject("data") != null).count(), answered.toString());
    } finally {
      socket.close();
    }
  }

  private static String subscribe(String id, String query) {
    return new JsonObject().put("id", id).put("type", "subscribe").put("payload", new JsonObject().put("query", query))
        .encode();
  }

  /** The first answer (next or error) to each of {@code n} operations, by id. */
  private static Map<String, JsonObject> answers(BlockingQueue<JsonObject> messages, int n) throws Exception {
    Map<String, JsonObject> first = new HashMap<>();
    while (first.size() < n) {
      JsonObject m = messages.poll(30, TimeUnit.SECONDS);
      assertNotNull(m, "answered so far: " + first);
      if ("next".equals(m.getString("type")) || "error".equals(m.getString("type"))) {
        first.putIfAbsent(m.getString("id"), m);
      }
    }
    return first;
  }

  @Test
  @Order(7)
  void backgroundWorkHasConnectionsOfItsOwn() throws Exception {
    // Waiting for the background: an approved case whose licence the relay has yet to issue (the relay runs by hand
    // here), and a citizen turning 80 within the bundled reminder rule's 30 days.
    String number = gateway.submitSample("cjl-disability-certificate");
    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    TestGateway.ok(gateway.act("reviewer.cjl", number, new JsonObject().put("action", "review-pass")));
    TestGateway.ok(gateway.act("approver.cjl", number, new JsonObject().put("action", "approve")));
    LocalDate born = LocalDate.now(cn.tongban.core.clock.CalendarService.ZONE).plusDays(10).minusYears(80);
    String elder = TestGateway.idNumber("410183" + born.format(DateTimeFormatter.BASIC_ISO_DATE) + "307");
    assertEquals(201, gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber", elder)
        .put("name", "王老").put("phone", "13912340308").put("password", "Strong-pass-2026y").encode(),
        "Content-Type", "application/json").statusCode());
    String elderToken = new JsonObject(signIn(elder, "Strong-pass-2026y").body()).getString("access_token");
    var platform = gateway.platform();
    // Every connection requests use is taken, as a flood would; each background pass still finishes.
    var pool = platform.pool();
    List<SqlConnection> held = new ArrayList<>();
    try {
      for (int i = 0; i < platform.config().pgPoolSize(); i++) {
        held.add(pool.getConnection().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      }
      // The relay's passes deliver the case's events in order, the approval's issuing the licence.
      TestGateway.awaitUntil(Duration.ofSeconds(120), () -> finished(platform.relay().relay()) == 0);
      finished(platform.reminders().scan());
      finished(platform.ratings().scan());
      finished(platform.disclosures().scan());
      finished(platform.hallJobs().pass());
      finished(platform.intermediaries().scan());
      finished(platform.deadlines().scan());
      finished(platform.workOrderDeadlines().scan());
      finished(platform.auditChain().sealAll());
    } finally {
      Future.join(held.stream().map(SqlConnection::close).toList()).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
    // What the passes did, as the people concerned see it.
    assertTrue(new JsonArray(gateway.get("citizen", "/api/v1/licences").body()).stream()
        .anyMatch(l -> number.equals(((JsonObject) l).getString("applicationNumber"))), "the licence is issued");
    HttpResponse<String> reminders = gateway.send("GET", "/api/v1/me/reminders", null,
        "Authorization", "Bearer " + elderToken);
    assertTrue(reminders.body().contains("\"ruleCode\":\"advanced-age-80\""), reminders.body());
  }

  /** A background pass run by hand: it must finish, not wait for a connection of the requests' pool. */
  private static <T> T finished(Future<T> pass) {
    TestGateway.awaitUntil(Duration.ofSeconds(30), pass::isComplete);
    assertTrue(pass.succeeded(), () -> "the pass failed: " + pass.cause());
    return pass.result();
  }

  @Test
  @Order(8)
  void theClientAddressIsForwardedOnlyByTrustedProxies() throws Exception {
    // From 127.0.0.2, no proxy of ours: its X-Forwarded-For is a forgery and ignored; ten lookups a minute from it.
    for (int i = 0; i < 10; i++) {
      assertEquals(404, statusFrom("127.0.0.2", "203.0.113." + i), "lookup " + i);
    }
    assertEquals(429, statusFrom("127.0.0.2", "203.0.113.99"), "a new forged address does not help");
    // Through the trusted proxy (127.0.0.1): the client it names has a budget of its own, another client another.
    for (int i = 0; i < 10; i++) {
      assertEquals(404, lookup("198.51.100.7").statusCode(), "lookup " + i);
    }
    assertEquals(429, lookup("198.51.100.7").statusCode());
    assertEquals(429, lookup("6.6.6.6, 198.51.100.7").statusCode(),
        "what the client wrote left of the proxy's entry is not believed");
    assertEquals(404, lookup("198.51.100.8").statusCode(), "another client behind the proxy goes on");
    assertEquals(404, lookup("198.51.100.9, 127.0.0.1").statusCode(), "trusted hops are skipped");
    // Sign-ins are audited (and throttled) under the forwarded address too.
    assertEquals(200, gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", "clerk.town").put("password", "tongban-demo").encode(), "Content-Type", "application/json",
        "X-Forwarded-For", "198.51.100.20").statusCode());
    assertEquals(1, gateway.count("select count(*) from audit_event where action = 'auth.login'"
        + " and actor = 'address:198.51.100.20'"));
  }

  private static HttpResponse<String> lookup(String forwardedFor) throws Exception {
    return gateway.send("GET", "/api/v1/applications/TB-NONE/progress?queryCode=000000", null,
        "X-Forwarded-For", forwardedFor);
  }

  /** A public lookup sent from another address of this machine, with an X-Forwarded-For of its own making. */
  private static int statusFrom(String localAddress, String forwardedFor) throws Exception {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(localAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 10_000);
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET /api/v1/applications/TB-NONE/progress?queryCode=000000 HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nX-Forwarded-For: " + forwardedFor + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  @Test
  @Order(9)
  void anAddressSendingOperationsInALoopIsThrottled() throws Exception {
    HttpResponse<String> r = null;
    for (int i = 0; i < 200 && (r == null || r.statusCode() != 429); i++) {
      r = graphql(null, "{ matters(first: 1) { edges { node { code } } } }");
    }
    assertEquals(429, r.statusCode(), r.body());
    assertEquals("too-many-requests", new JsonObject(r.body()).getString("code"));
  }

  private static HttpResponse<String> signIn(String login, String password) throws Exception {
    return gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", login).put("password", password).encode(), "Content-Type", "application/json");
  }

  @Test
  @Order(10)
  void fiveWrongGuessesLockTheAccountWhicheverOfItsLoginsIsTyped() throws Exception {
    String id = TestGateway.idNumber("44052419900307123");
    String phone = "13912340307";
    HttpResponse<String> registered = gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber", id)
        .put("name", "李四").put("phone", phone).put("password", "Strong-pass-2026x").encode(),
        "Content-Type", "application/json");
    assertEquals(201, registered.statusCode(), registered.body());
    // Five guesses, spread over the two logins of one account (three by identity number, two by phone).
    for (String login : List.of(id, phone, id, phone, id)) {
      assertEquals(401, signIn(login, "wrong-guess-1").statusCode());
    }
    HttpResponse<String> locked = signIn(phone, "Strong-pass-2026x");
    assertEquals(429, locked.statusCode(), "the account is locked, whichever login comes next: " + locked.body());
    assertEquals("too-many-requests", new JsonObject(locked.body()).getString("code"));
  }

  @Test
  @Order(11)
  void aGuesserBehindASharedAddressDoesNotLockOutThoseWhoSignInThere() throws Exception {
    assertEquals(200, signIn("clerk", "tongban-demo").statusCode(), "the clerk signs in here every day");
    // Someone at the same address guesses across accounts until the address is over its limit.
    HttpResponse<String> r = null;
    for (int i = 0; i < 20 && (r == null || r.statusCode() != 429); i++) {
      r = signIn("nobody-" + i, "guess");
    }
    assertEquals(429, r.statusCode(), r.body());
    assertEquals(429, signIn("approver.rsj", "tongban-demo").statusCode(),
        "an account that never signed in from here waits, as the guesser does");
    assertEquals(200, signIn("clerk", "tongban-demo").statusCode(), "the clerk still signs in");
  }
}
