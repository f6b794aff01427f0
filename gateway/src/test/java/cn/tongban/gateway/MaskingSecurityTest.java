package cn.tongban.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 31 items 1 and 9, the masking table: every masked role × every read path it can reach on REST,
 * GraphQL and the subscription. A masked caller either reads the path without meeting any of the demo
 * citizen's personal data (identity number, name, birth date, address, file name, photo bytes) or is
 * refused (404); the owner reads the same paths and meets them, so the walk proves something.
 */
class MaskingSecurityTest {
  /**
   * The demo users of the roles {@code cn.tongban.core.identity.Masking.masks} masks (today the 12345
   * hotline); a role added to the rule gets its demo user here.
   */
  private static final List<String> MASKED = List.of("hotline");
  private static final String OWNER = "citizen";
  private static final String DISABILITY = "cjl-disability-certificate";
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final String ID = "11010519491231002X";
  private static final String PHONE = "13800138000";
  /** What the demo citizen's licences, profile, uploads and cases hold in full. */
  private static final List<String> PERSONAL = List.of(ID, "19491231", "1949-12-31", "张三", "西大街1号",
      "照片原件", PHONE);
  private static final String PHOTO_MARK = "photo-bytes-of-the-applicant";
  private static TestGateway gateway;
  private static Vertx vertx;
  /** A case with the applicant's photo and an open correction notice. */
  private static String corrected;
  /** A case accepted (intake notice, receipt) and suspended (special procedure notice). */
  private static String suspended;
  private static String queryCode;
  private static String photoId;
  private static String licenceId;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of());
    vertx = Vertx.vertx();
    byte[] pdf = ("%PDF-1.4\n% " + PHOTO_MARK + " " + System.nanoTime() + "\n1 0 obj << /Type /Catalog >> endobj\n"
        + "trailer << /Root 1 0 R >>\n%%EOF\n").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> up = gateway.upload(OWNER, Map.of("kind", "photo"), "张三照片原件.pdf", pdf);
    assertEquals(201, up.statusCode(), up.body());
    photoId = new JsonObject(up.body()).getString("id");
    HttpResponse<String> submitted = gateway.post(OWNER, "/api/v1/applications", new JsonObject()
        .put("matterCode", DISABILITY).put("channel", "WEB").put("data", gateway.sample(DISABILITY))
        .put("materials", new JsonArray().add(new JsonObject().put("code", "photo").put("materialId", photoId))));
    assertEquals(201, submitted.statusCode(), submitted.body());
    corrected = new JsonObject(submitted.body()).getString("number");
    TestGateway.ok(gateway.act("clerk", corrected, new JsonObject().put("action", "request-correction")
        .put("items", new JsonArray().add(new JsonObject().put("material", "photo").put("message", "请补正")))));

    suspended = gateway.submitSample(ELDERLY);
    queryCode = gateway.read(OWNER, suspended).getString("queryCode");
    TestGateway.ok(gateway.act("clerk", suspended, new JsonObject().put("action", "accept")));
    TestGateway.ok(gateway.act("reviewer.mzj", suspended, new JsonObject().put("action", "suspend")
        .put("procedure", "ON_SITE_CHECK").put("comment", "需现场核查居住情况")));
    licenceId = new JsonArray(gateway.get(OWNER, "/api/v1/licences").body()).getJsonObject(0)
        .getString("identifier");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  /** One sign-in per user for the whole walk (each sign-in hashes a password). */
  private static final Map<String, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

  private static String token(String user) throws Exception {
    String token = TOKENS.get(user);
    if (token == null) {
      token = gateway.token(user);
      TOKENS.put(user, token);
    }
    return token;
  }

  /** One read path: what a user gets from it (status and body as text). */
  private interface Read {
    Answer by(String user) throws Exception;
  }

  private record Answer(int status, String body) {
  }

  private static Read rest(String path) {
    return user -> {
      HttpResponse<byte[]> r = gateway.getBytes(path, "Authorization", "Bearer " + token(user));
      return new Answer(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    };
  }

  private static Read graphql(String query) {
    return user -> {
      HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", query)
          .put("variables", new JsonObject().put("n", corrected).put("s", suspended).put("q", queryCode)
              .put("p", PHONE).put("l", licenceId)).encode(),
          "Content-Type", "application/json", "Authorization", "Bearer " + token(user));
      JsonObject answer = new JsonObject(r.body());
      // A field refused to this caller is null with a not-found error: the GraphQL form of a 404.
      // Any other error fails the walk: a query that does not run proves nothing.
      int status = !(answer.getValue("errors") instanceof JsonArray errors) ? r.statusCode()
          : errors.stream().allMatch(e -> e.toString().contains("not-found")) ? 404 : 400;
      return new Answer(status, r.body());
    };
  }

  /** A lookup by phone answers with the phone the caller typed in; that echo is not a disclosure. */
  private static Read echoing(Read read) {
    return user -> {
      Answer a = read.by(user);
      return new Answer(a.status(), a.body().replace("{\"phone\":\"" + PHONE + "\",", "{"));
    };
  }

  /** Every read path of the demo citizen's data a masked role is allowed to call (authorisation-table.txt). */
  private static Map<String, Read> paths() {
    Map<String, Read> paths = new LinkedHashMap<>();
    for (String n : List.of(corrected, suspended)) {
      String base = "/api/v1/applications/" + n;
      for (String tail : List.of("", "/materials", "/steps", "/data-sources")) {
        paths.put("GET " + base + tail, rest(base + tail));
      }
    }
    paths.put("GET /api/v1/applications", rest("/api/v1/applications?first=100"));
    paths.put("GET correction-notice", rest("/api/v1/applications/" + corrected + "/correction-notice"));
    paths.put("GET intake-notice", rest("/api/v1/applications/" + suspended + "/intake-notice"));
    paths.put("GET special-procedure-notice", rest("/api/v1/applications/" + suspended + "/special-procedure-notice"));
    paths.put("GET receipt", rest("/api/v1/applications/" + suspended + "/receipt"));
    paths.put("GET /api/v1/materials/{id}", rest("/api/v1/materials/" + photoId));
    paths.put("GET /api/v1/materials/{id}/content", rest("/api/v1/materials/" + photoId + "/content"));
    paths.put("GET /api/v1/licences/{id}", rest("/api/v1/licences/" + licenceId));
    paths.put("GET /api/v1/licences/{id}/print", rest("/api/v1/licences/" + licenceId + "/print"));
    paths.put("GET /api/v1/progress", rest("/api/v1/applications/" + suspended + "/progress?queryCode=" + queryCode));
    paths.put("GET /api/v1/hotline/cases/{n}", rest("/api/v1/hotline/cases/" + suspended + "?queryCode=" + queryCode));
    paths.put("GET /api/v1/hotline/callers/{phone}", echoing(rest("/api/v1/hotline/callers/" + PHONE)));
    String fields = "number applicant { kind name idNumber phone } data correction queryCode collection"
        + " agency commitments deficiency warnings opinions sameCity rating dataSources"
        + " steps { action stepName handler handlerName opinion detail }";
    paths.put("Query.application", graphql("query($n: String!, $s: String!) { a: application(number: $n) { "
        + fields + " } b: application(number: $s) { " + fields + " } }"));
    paths.put("Query.applications", graphql("{ applications(first: 10) { edges { node { " + fields + " } } } }"));
    paths.put("Query.progress", graphql("query($s: String!, $q: String!) { progress(number: $s, queryCode: $q) }"));
    paths.put("Query.hotlineCase", graphql("query($s: String!, $q: String!) { hotlineCase(number: $s, queryCode: $q) }"));
    paths.put("Query.hotlineCaller", echoing(graphql("query($p: String!) { hotlineCaller(phone: $p) }")));
    paths.put("Query.licence", graphql("query($l: String!) { licence(identifier: $l) { identifier holderName"
        + " holderCode surface } }"));
    return paths;
  }

  private static void masked(String user, String path, Answer a) {
    assertTrue(a.status() == 200 || a.status() == 404, user + " " + path + " answers " + a.status() + ": " + a.body());
    for (String p : PERSONAL) {
      assertFalse(a.body().contains(p), user + " meets " + p + " on " + path + ": " + a.body());
    }
    assertFalse(a.body().contains(PHOTO_MARK), user + " downloads the applicant's file on " + path);
  }

  @Test
  void everyMaskedRoleMeetsNoPersonalDataOnAnyReadPath() throws Exception {
    List<String> failures = new ArrayList<>();
    for (String user : MASKED) {
      for (Map.Entry<String, Read> path : paths().entrySet()) {
        try {
          masked(user, path.getKey(), path.getValue().by(user));
        } catch (AssertionError e) {
          failures.add(e.getMessage());
        }
      }
    }
    assertTrue(failures.isEmpty(), "masking bypassed:\n" + String.join("\n", failures));
  }

  @Test
  void theMaskedViewStillAnswersWhatTheHotlineIsAskedAbout() throws Exception {
    for (String user : MASKED) {
      JsonObject idCard = new JsonArray(rest("/api/v1/applications/" + corrected + "/materials").by(user).body())
          .stream().map(JsonObject.class::cast).filter(m -> "id-card".equals(m.getString("code"))).findFirst()
          .orElseThrow();
      JsonObject licence = idCard.getJsonArray("licences").getJsonObject(0);
      assertTrue(licence.getJsonObject("surface").isEmpty(), licence.encode());
      assertFalse(licence.containsKey("verificationPayload"), "the payload carries the holder's code");
      assertEquals("居民身份证", licence.getString("typeName"), "what it is stays");
      Answer notice = rest("/api/v1/applications/" + suspended + "/intake-notice").by(user);
      assertEquals(200, notice.status(), notice.body());
      assertTrue(notice.body().contains("张*") && notice.body().contains("受理通知书"), notice.body());
      Answer download = rest("/api/v1/materials/" + photoId + "/content").by(user);
      assertEquals(404, download.status(), "a masked role never downloads an applicant's file");
      JsonObject app = new JsonObject(rest("/api/v1/applications/" + suspended).by(user).body());
      assertEquals("SUSPENDED", app.getString("status"));
    }
  }

  /** The control: the owner reads the same paths and meets their data, so the table above tests something. */
  @Test
  void theOwnerSeesTheirOwnDataOnThePathsThatCarryIt() throws Exception {
    Map<String, Read> paths = paths();
    for (String path : List.of("GET /api/v1/applications/" + corrected + "/materials", "GET correction-notice",
        "GET intake-notice", "GET special-procedure-notice", "GET /api/v1/materials/{id}", "Query.application",
        "GET /api/v1/licences/{id}")) {
      Answer a = paths.get(path).by(OWNER);
      assertEquals(200, a.status(), path + ": " + a.body());
      assertTrue(PERSONAL.stream().anyMatch(a.body()::contains), "the owner sees their data on " + path + ": "
          + a.body());
    }
    String materials = paths.get("GET /api/v1/applications/" + corrected + "/materials").by(OWNER).body();
    assertTrue(materials.contains(ID) && materials.contains("1949-12-31") && materials.contains("西大街1号"),
        "the holder sees their licences in full: " + materials);
    assertTrue(paths.get("GET /api/v1/materials/{id}/content").by(OWNER).body().contains(PHOTO_MARK));
    // The department handling the case reads it in full too (masking is for roles that do not need the data).
    assertTrue(rest("/api/v1/applications/" + corrected + "/materials").by("clerk").body().contains(ID));
    assertTrue(rest("/api/v1/applications/" + suspended + "/intake-notice").by("clerk").body().contains("张三"));
  }

  /** Subscriptions: a masked role's case events carry nothing personal either. */
  @Test
  void caseEventsToAMaskedRoleCarryNoPersonalData() throws Exception {
    for (String user : MASKED) {
      BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
      WebSocket socket = vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(gateway.port()).setURI("/graphql").addSubProtocol("graphql-transport-ws"))
          .await(10, TimeUnit.SECONDS);
      try {
        socket.textMessageHandler(text -> messages.add(new JsonObject(text)));
        socket.writeTextMessage(new JsonObject().put("type", "connection_init").put("payload",
            new JsonObject().put("Authorization", "Bearer " + token(user))).encode());
        assertEquals("connection_ack", messages.poll(10, TimeUnit.SECONDS).getString("type"));
        socket.writeTextMessage(new JsonObject().put("id", "all").put("type", "subscribe").put("payload",
            new JsonObject().put("query", "subscription { applicationEvents { id type number status payload } }"))
            .encode());
        // The subscription has no acknowledgement: cases are submitted until one's events arrive.
        List<JsonObject> events = new ArrayList<>();
        TestGateway.awaitUntil(Duration.ofSeconds(60), () -> {
          try {
            String number = gateway.submitSample(ELDERLY);
            TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < deadline) {
              JsonObject m = messages.poll(50, TimeUnit.MILLISECONDS);
              if (m != null && "next".equals(m.getString("type"))) {
                events.add(m);
                if (m.encode().contains(number) && m.encode().contains("ApplicationAccept")) {
                  return true;
                }
              }
            }
            return false;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        for (JsonObject event : events) {
          masked(user, "applicationEvents", new Answer(200, event.encode()));
        }
      } finally {
        socket.close();
      }
    }
  }
}
