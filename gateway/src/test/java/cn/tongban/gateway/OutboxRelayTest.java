package cn.tongban.gateway;

import cn.tongban.gateway.testplugins.RecordingHandlerFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Side effects after commit: delivered at least once and in order, retried, dead-lettered, retried by hand. */
class OutboxRelayTest {
  private static final String BASE = "mzj-elderly-preferential-card";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_RELAY_INTERVAL_MS", "50", "TONGBAN_OUTBOX_MAX_ATTEMPTS", "3",
        "TONGBAN_OUTBOX_BACKOFF_MS", "20"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static void awaitUntil(Duration limit, BooleanSupplier done) {
    TestGateway.awaitUntil(limit, done);
  }

  private static long count(String sql) {
    try {
      return gateway.count(sql);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A matter like a bundled one whose form binds the recording handler. */
  private static void matterWithRecorder(String code) throws Exception {
    String author = "Bearer " + gateway.token("author");
    JsonObject doc = bundled("matter.json").put("code", code).put("name", "测试事项" + code);
    assertEquals(201, gateway.send("POST", "/api/v1/matters", doc.encode(), "Authorization", author,
        "Content-Type", "application/json").statusCode());
    JsonObject form = bundled("form.json").put("handlers", new JsonArray().add(new JsonObject()
        .put("id", "test-recorder").put("config", new JsonObject())));
    assertEquals(201, gateway.send("POST", "/api/v1/matters/" + code + "/forms", form.encode(), "Authorization",
        author, "Content-Type", "application/json").statusCode());
    HttpResponse<String> published = gateway.send("POST", "/api/v1/matters/" + code + "/forms/1/publish", null,
        "Authorization", author);
    assertEquals(200, published.statusCode(), published.body());
  }

  private static JsonObject bundled(String file) throws Exception {
    try (InputStream in = OutboxRelayTest.class.getClassLoader().getResourceAsStream("catalogue/" + BASE + "/" + file)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static String submit(String matter) throws Exception {
    return submit(matter, gateway.token("citizen"), gateway.sample(BASE));
  }

  /** The same with the citizen's {@code token} and {@code data}: many cases in a row, one sign-in, not one each. */
  private static String submit(String matter, String token, JsonObject data) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject().put("matterCode", matter)
        .put("channel", "WEB").put("data", data).encode(), "Authorization", "Bearer "
        + token, "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("number");
  }

  @Test
  void eachCasesEventsReachTheHandlersAfterCommitInOrder() throws Exception {
    matterWithRecorder("t-relay");
    String number = submit("t-relay");
    assertEquals(200, gateway.send("POST", "/api/v1/applications/" + number + "/actions", "{\"action\":\"accept\"}",
        "Authorization", "Bearer " + gateway.token("clerk"), "Content-Type", "application/json").statusCode());
    awaitUntil(Duration.ofSeconds(20), () -> count("select count(*) from outbox_event where aggregate_id = '"
        + number + "' and status = 'DELIVERED'") == 2);
    assertEquals(List.of("SUBMIT:" + number, "ACCEPT:" + number), RecordingHandlerFactory.CALLS.stream()
        .filter(c -> c.endsWith(number)).toList());
  }

  @Test
  void anEventOfAClaimThatRanOutIsDeliveredByTheNextClaimWithTheLostTryCounted() throws Exception {
    // A node claimed the event and died before marking it delivered: its claim row stays until it runs out
    // (5 s here). Made by hand under the claims' lock, as a relay pass makes it.
    matterWithRecorder("t-relay-orphan");
    String number = submit("t-relay-orphan");
    String event = "select count(*) from outbox_event where aggregate_id = '" + number + "'";
    awaitUntil(Duration.ofSeconds(20), () -> count(event + " and status = 'DELIVERED'") == 1);
    gateway.execute("with l as (select pg_advisory_xact_lock(hashtext('outbox_event.claim'))),"
        + " e as (update outbox_event set status = 'PENDING', attempts = 0, next_attempt_at = now() - interval '1 second'"
        + " where aggregate_id = '" + number + "' and (select count(*) from l) = 1 returning id)"
        + " insert into outbox_claim (event_ids, claimed_at, expires_at)"
        + " select array_agg(id), now() - interval '1 second', now() + interval '5 seconds' from e");
    long runsOut = count("select (extract(epoch from expires_at) * 1000)::bigint from outbox_claim c, outbox_event e"
        + " where e.aggregate_id = '" + number + "' and e.id = any(c.event_ids)");
    awaitUntil(Duration.ofSeconds(30), () -> count(event + " and status = 'DELIVERED'") == 1);
    assertTrue(count("select (extract(epoch from delivered_at) * 1000)::bigint from outbox_event where aggregate_id = '"
        + number + "'") >= runsOut, "no pass took the event while the claim ran");
    assertEquals(2, count("select attempts from outbox_event where aggregate_id = '" + number + "'"),
        "the dead node's try and the delivery");
    assertEquals(2, RecordingHandlerFactory.CALLS.stream().filter(("SUBMIT:" + number)::equals).count(),
        "delivered again (at least once)");
  }

  @Test
  void aFailingSideEffectRetriesThenWaitsAsADeadLetterWithoutTouchingTheCase() throws Exception {
    matterWithRecorder("t-relay-down");
    RecordingHandlerFactory.FAILING.add("t-relay-down");
    String number = submit("t-relay-down");
    String event = "select count(*) from outbox_event where aggregate_id = '" + number + "'";
    awaitUntil(Duration.ofSeconds(20), () -> count(event + " and status = 'DEAD'") == 1);
    assertEquals(3, count("select attempts from outbox_event where aggregate_id = '" + number + "'"),
        "tried three times with backoff");
    assertEquals("SUBMITTED", new JsonObject(gateway.send("GET", "/api/v1/applications/" + number, null,
        "Authorization", "Bearer " + gateway.token("citizen")).body()).getString("status"), "the case is unharmed");

    assertEquals(403, gateway.send("GET", "/api/v1/admin/outbox/dead", null, "Authorization", "Bearer "
        + gateway.token("clerk")).statusCode());
    JsonArray dead = new JsonArray(gateway.send("GET", "/api/v1/admin/outbox/dead", null, "Authorization", "Bearer "
        + gateway.token("admin")).body());
    JsonObject letter = dead.stream().map(JsonObject.class::cast).filter(d -> d.getString("aggregateId")
        .equals(number)).findFirst().orElseThrow();
    assertTrue(letter.getString("lastError").contains("notification service is down"));

    RecordingHandlerFactory.FAILING.remove("t-relay-down");
    assertEquals(204, gateway.send("POST", "/api/v1/admin/outbox/" + letter.getString("id") + "/retry", null,
        "Authorization", "Bearer " + gateway.token("admin")).statusCode());
    awaitUntil(Duration.ofSeconds(20), () -> count(event + " and status = 'DELIVERED'") == 1);
    assertTrue(RecordingHandlerFactory.CALLS.contains("SUBMIT:" + number));
  }

  @Test
  void aCasesEventIsDeliveredBehindHundredsOfOthersBackingOff() throws Exception {
    // A sink that failed for more cases than a claim reads in one page (500): their events wait ten minutes
    // before the next try. A later case's event must not wait behind them.
    TestGateway slow = TestGateway.start(Map.of("TONGBAN_RELAY_INTERVAL_MS", "50", "TONGBAN_OUTBOX_MAX_ATTEMPTS",
        "5", "TONGBAN_OUTBOX_BACKOFF_MS", "600000"));
    try {
      TestGateway main = gateway;
      gateway = slow;
      try {
        matterWithRecorder("t-relay-flaky");
        matterWithRecorder("t-relay-fine");
        RecordingHandlerFactory.FAILING.add("t-relay-flaky");
        String citizen = gateway.token("citizen");
        JsonObject data = gateway.sample(BASE);
        for (int i = 0; i < 510; i++) {
          submit("t-relay-flaky", citizen, data);
        }
        String backingOff = "select count(*) from outbox_event where status = 'PENDING' and attempts >= 1"
            + " and next_attempt_at > now() + interval '5 minutes'";
        awaitUntil(Duration.ofSeconds(60), () -> count(backingOff) >= 510);
        String number = submit("t-relay-fine");
        awaitUntil(Duration.ofSeconds(20), () -> count("select count(*) from outbox_event where aggregate_id = '"
            + number + "' and status = 'DELIVERED'") == 1);
        assertTrue(RecordingHandlerFactory.CALLS.contains("SUBMIT:" + number));
        assertEquals(0, count("select count(*) from outbox_event where status = 'DELIVERED' and aggregate_id in"
            + " (select number from application where matter_code = 't-relay-flaky')"), "the failing ones wait");
      } finally {
        gateway = main;
        RecordingHandlerFactory.FAILING.remove("t-relay-flaky");
      }
    } finally {
      slow.close();
    }
  }

  @Test
  void aNodeStopsDeliveringItsBatchBeforeItsLeaseRunsOutSoAnotherNodeNeverDeliversTwice() throws Exception {
    // Two nodes on one database, relays driven by hand, a 2 s lease and a notification service that takes
    // 0.5 s per event. Node A leases six events and, once half its lease is gone, leaves the rest alone
    // (without the stop it would go on past its lease, while another node may already have taken them).
    // Node B, passing each time the lease of what was left has run out, delivers the rest; every hook runs
    // once.
    Map<String, String> manual = Map.of("TONGBAN_RELAY_INTERVAL_MS", "0", "TONGBAN_OUTBOX_LEASE_SECONDS", "2");
    TestGateway a = TestGateway.start(manual);
    try (TestGateway b = a.secondNode(manual)) {
      TestGateway main = gateway;
      gateway = a;
      try {
        matterWithRecorder("t-relay-slow");
        RecordingHandlerFactory.SLOW.add("t-relay-slow");
        // Case numbers of their own: the recorder's list is shared with the other tests' databases.
        a.execute("select setval('application_number_seq', 90000000)");
        List<String> numbers = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
          numbers.add(submit("t-relay-slow"));
        }
        String slow = " and aggregate_id in (select number from application where matter_code = 't-relay-slow')";
        String delivered = "select count(*) from outbox_event where status = 'DELIVERED'" + slow;
        String due = "select count(*) from outbox_event where status = 'PENDING' and next_attempt_at <= now()" + slow;

        a.platform().relay().relay().toCompletionStage().toCompletableFuture()
            .get(30, java.util.concurrent.TimeUnit.SECONDS);
        long byA = count(delivered);
        assertTrue(byA >= 1 && byA < 6, "node A stopped at half its lease, after " + byA + " of 6");

        int passesOfB = 0;
        while (count(delivered) < 6 && passesOfB < 10) {
          awaitUntil(Duration.ofSeconds(20), () -> count(due) > 0); // the lease of what was left ran out
          b.platform().relay().relayAll().toCompletionStage().toCompletableFuture()
              .get(30, java.util.concurrent.TimeUnit.SECONDS);
          passesOfB++;
        }
        assertEquals(6, count(delivered), "node B delivered the rest");
        for (String number : numbers) {
          assertEquals(1, RecordingHandlerFactory.CALLS.stream().filter(("SUBMIT:" + number)::equals).count(),
              "the hook ran once for " + number);
        }
      } finally {
        gateway = main;
        RecordingHandlerFactory.SLOW.remove("t-relay-slow");
      }
    } finally {
      a.close();
    }
  }

  private static int pass(TestGateway node) {
    try {
      return node.platform().relay().relayAll().toCompletionStage().toCompletableFuture()
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aClaimIsRenewedWhileItsDeliveryIsInHandSoAnotherNodeDoesNotTakeItAgain() throws Exception {
    // Two nodes, relays driven by hand, a 2 s lease, and an exchange platform that holds a case's push
    // unanswered until told (a slow platform, or a node stalled mid-push). Node A pushes the event; when the
    // claim is older than its lease, node B passes: the claim A still holds (renewed) is not B's to take, and
    // the exchange platform gets the event once.
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    Map<Long, java.util.concurrent.atomic.AtomicInteger> pushes = new java.util.concurrent.ConcurrentHashMap<>();
    List<io.vertx.core.http.HttpServerRequest> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.vertx.core.http.HttpServer exchange = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(
        body -> {
          JsonObject event = body.toJsonObject();
          pushes.computeIfAbsent(event.getLong("seq"), k -> new java.util.concurrent.atomic.AtomicInteger())
              .incrementAndGet();
          if ("ApplicationSubmitted".equals(event.getString("eventType"))) {
            held.add(req);
          } else {
            req.response().setStatusCode(202).end();
          }
        })).listen(0).await(10, java.util.concurrent.TimeUnit.SECONDS);
    Map<String, String> manual = Map.of("TONGBAN_RELAY_INTERVAL_MS", "0", "TONGBAN_OUTBOX_LEASE_SECONDS", "2",
        "TONGBAN_EXCHANGE_URL", "http://127.0.0.1:" + exchange.actualPort() + "/events",
        "TONGBAN_EXCHANGE_SECRET", "relay-test-secret");
    TestGateway a = TestGateway.start(manual);
    try (TestGateway b = a.secondNode(manual)) {
      TestGateway main = gateway;
      gateway = a;
      try {
        // The events of the start (forms published) first: a pass stops at half its lease.
        awaitUntil(Duration.ofSeconds(60), () -> pass(a) >= 0 && count("select count(*) from outbox_event"
            + " where status = 'PENDING'") == 0);
        String number = submit(BASE);
        long seq = count("select seq from outbox_event where aggregate_id = '" + number + "'");
        var byA = a.platform().relay().relay().toCompletionStage().toCompletableFuture();
        awaitUntil(Duration.ofSeconds(20), () -> held.size() == 1);
        // Past the lease the claim was taken with (without renewal it has run out by now), and before A's
        // push times out (5 s).
        awaitUntil(Duration.ofSeconds(20), () -> count("select count(*) from outbox_claim"
            + " where claimed_at < now() - interval '2200 milliseconds'") == 1);
        int byB = b.platform().relay().relay().toCompletionStage().toCompletableFuture()
            .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, byB, "node B took nothing that A's running claim held");
        assertEquals(1, pushes.get(seq).get(), "the exchange platform was pushed the event once");
        held.forEach(req -> req.response().setStatusCode(202).end());
        assertEquals(1, byA.get(30, java.util.concurrent.TimeUnit.SECONDS), "node A delivered the event");
        assertEquals(1, count("select count(*) from outbox_event where status = 'DELIVERED' and seq = " + seq));
      } finally {
        gateway = main;
      }
    } finally {
      a.close();
      vertx.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
