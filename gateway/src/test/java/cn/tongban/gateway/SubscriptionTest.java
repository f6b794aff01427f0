package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** GraphQL subscriptions over graphql-transport-ws: each subscriber sees the events of the cases it may see. */
class SubscriptionTest {
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final String EVENTS =
      "subscription($n: String) { applicationEvents(number: $n) { id type number status matterCode payload } }";
  private static TestGateway gateway;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  /** An open graphql-transport-ws connection: every message received, in order. */
  private record Connection(WebSocket socket, BlockingQueue<JsonObject> messages, CompletableFuture<Short> closed) {
    void subscribe(String id, JsonObject variables) {
      socket.writeTextMessage(new JsonObject().put("id", id).put("type", "subscribe").put("payload",
          new JsonObject().put("query", EVENTS).put("variables", variables)).encode());
    }

    /** The next event of subscription {@code id} about case {@code number}, skipping the others. */
    JsonObject next(String id, String number, long millis) throws InterruptedException {
      return next(id, number, null, millis);
    }

    /** The next event of type {@code type} (any when null) of subscription {@code id} about case {@code number}. */
    JsonObject next(String id, String number, String type, long millis) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (System.nanoTime() < deadline) {
        JsonObject m = messages.poll(50, TimeUnit.MILLISECONDS);
        if (m != null && "next".equals(m.getString("type")) && id.equals(m.getString("id"))) {
          JsonObject event = m.getJsonObject("payload").getJsonObject("data").getJsonObject("applicationEvents");
          if (number.equals(event.getString("number")) && (type == null || type.equals(event.getString("type")))) {
            return event;
          }
        }
      }
      return null;
    }
  }

  private static Connection connect(String authorization) throws Exception {
    BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    WebSocket socket = vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(gateway.port()).setURI("/graphql").addSubProtocol("graphql-transport-ws"))
        .await(10, TimeUnit.SECONDS);
    socket.textMessageHandler(text -> messages.add(new JsonObject(text)));
    socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
    socket.writeTextMessage(new JsonObject().put("type", "connection_init")
        .put("payload", new JsonObject().put("Authorization", authorization)).encode());
    return new Connection(socket, messages, closed);
  }

  private static Connection signedIn(String user) throws Exception {
    Connection c = connect("Bearer " + gateway.token(user));
    JsonObject ack = c.messages().poll(10, TimeUnit.SECONDS);
    assertNotNull(ack, "no connection_ack");
    assertEquals("connection_ack", ack.getString("type"));
    return c;
  }

  @Test
  void applicantsAndStaffSeeTheEventsOfTheCasesTheyMaySeeAndNoOthers() throws Exception {
    Connection citizen = signedIn("citizen");
    Connection clerk = signedIn("clerk");
    Connection otherDepartment = signedIn("reviewer.gaj");
    citizen.subscribe("mine", new JsonObject());
    clerk.subscribe("hall", new JsonObject());
    otherDepartment.subscribe("other", new JsonObject());
    Thread.sleep(200);

    String number = gateway.submitSample(ELDERLY);
    JsonObject submitted = citizen.next("mine", number, 10_000);
    assertNotNull(submitted, "the applicant sees their own case");
    assertEquals("ApplicationSubmitted", submitted.getString("type"));
    assertEquals("SUBMITTED", submitted.getString("status"));
    assertEquals(ELDERLY, submitted.getString("matterCode"));
    assertEquals(number, submitted.getJsonObject("payload").getString("number"));
    assertNotNull(clerk.next("hall", number, 10_000), "the hall's window clerk sees it");

    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    assertEquals("ACCEPTED", citizen.next("mine", number, 10_000).getString("status"));
    assertNull(otherDepartment.next("other", number, 500), "another department's reviewer sees nothing of it");
  }

  @Test
  void aSubscriptionCanFollowOneCase() throws Exception {
    Connection citizen = signedIn("citizen");
    String first = gateway.submitSample(ELDERLY);
    citizen.subscribe("one", new JsonObject().put("n", first));
    Thread.sleep(200);
    String second = gateway.submitSample(ELDERLY);
    TestGateway.ok(gateway.act("clerk", first, new JsonObject().put("action", "accept")));
    assertNotNull(citizen.next("one", first, "ApplicationAccept", 10_000));
    assertNull(citizen.next("one", second, 300), "only the case asked for");
  }

  @Test
  void signingOutEndsTheSubscriptionsOfThatSessionAtOnce() throws Exception {
    String token = gateway.token("citizen");
    Connection session = connect("Bearer " + token);
    assertEquals("connection_ack", session.messages().poll(10, TimeUnit.SECONDS).getString("type"));
    Connection other = signedIn("citizen");
    session.subscribe("mine", new JsonObject());
    other.subscribe("mine", new JsonObject());
    assertEquals(204, gateway.send("POST", "/api/v1/auth/logout", null, "Authorization", "Bearer " + token)
        .statusCode());
    assertEquals((short) 4403, session.closed().get(10, TimeUnit.SECONDS), "closed as the session ended");
    String number = gateway.submitSample(ELDERLY);
    assertNotNull(other.next("mine", number, 10_000), "the citizen's other session goes on");
    assertTrue(session.messages().stream().noneMatch(m -> "next".equals(m.getString("type"))
        && m.encode().contains(number)), "nothing reaches the ended session");
  }

  @Test
  void aSubscriptionOnAnExchangedTokenEndsWhenTheCitizenSignsOut() throws Exception {
    // A portal holds a token exchanged for the citizen's (issue 31 item 4): it ends with the citizen's session.
    String own = gateway.token("citizen");
    HttpResponse<String> exchanged = gateway.send("POST", "/api/v1/auth/token", new JsonObject()
        .put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange").put("client_id", "portal-demo")
        .put("client_secret", "tongban-demo").put("subject_token", own).encode(), "Content-Type", "application/json");
    assertEquals(200, exchanged.statusCode(), exchanged.body());
    Connection portal = connect("Bearer " + new JsonObject(exchanged.body()).getString("access_token"));
    assertEquals("connection_ack", portal.messages().poll(10, TimeUnit.SECONDS).getString("type"));
    portal.subscribe("mine", new JsonObject());
    assertEquals(204, gateway.send("POST", "/api/v1/auth/logout", null, "Authorization", "Bearer " + own)
        .statusCode());
    assertEquals((short) 4403, portal.closed().get(10, TimeUnit.SECONDS), "closed with the citizen's session");
  }

  @Test
  void aConnectionWithoutAValidTokenIsClosed() throws Exception {
    Connection stranger = connect("Bearer not-a-token");
    short code = stranger.closed().get(10, TimeUnit.SECONDS);
    assertEquals((short) 4401, code, "closed as unauthorized");
    assertTrue(stranger.messages().stream().noneMatch(m -> "connection_ack".equals(m.getString("type"))));
  }
}
