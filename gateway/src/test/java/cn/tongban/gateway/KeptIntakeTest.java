package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each node keeps, on two nodes (not clustered) on one PostgreSQL and one Redis. The intake (hall, city
 * hall, the stamp of the matter's published form) a node last read instead of reading it for every submission:
 * what another node changes meanwhile still counts at once, a form published on A judges the next submission
 * on B, whether it now refuses what B's kept form accepted, or accepts what B's kept form refused. The reads
 * a node keeps (published matters as the catalogue and matter pages show them; tokens Redis found valid) are
 * dropped on every node before the change that ends them is answered: no waiting, the read on B right after
 * the change's answer sees it (kept reads would otherwise last up to a minute, and checked tokens ten seconds).
 */
class KeptIntakeTest {
  private static final String BASE = "mzj-elderly-preferential-card";
  private static TestGateway a;
  private static TestGateway b;

  @BeforeAll
  static void start() throws Exception {
    a = TestGateway.start(Map.of());
    b = a.secondNode(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    b.close();
    a.close();
  }

  private static JsonObject bundled(String file) throws Exception {
    try (InputStream in = KeptIntakeTest.class.getClassLoader().getResourceAsStream("catalogue/" + BASE + "/" + file)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static void publish(String code, JsonObject form, int version) throws Exception {
    String author = "Bearer " + a.token("author");
    assertEquals(201, a.send("POST", "/api/v1/matters/" + code + "/forms", form.encode(), "Authorization", author,
        "Content-Type", "application/json").statusCode());
    HttpResponse<String> published = a.send("POST", "/api/v1/matters/" + code + "/forms/" + version + "/publish",
        null, "Authorization", author);
    assertEquals(200, published.statusCode(), published.body());
  }

  private static void matter(String code) throws Exception {
    JsonObject doc = bundled("matter.json").put("code", code).put("name", "测试事项" + code);
    assertEquals(201, a.send("POST", "/api/v1/matters", doc.encode(), "Authorization", "Bearer " + a.token("author"),
        "Content-Type", "application/json").statusCode());
  }

  private static HttpResponse<String> submitOnB(String code, JsonObject data) throws Exception {
    return b.send("POST", "/api/v1/applications", new JsonObject().put("matterCode", code).put("channel", "WEB")
        .put("data", data).encode(), "Authorization", "Bearer " + b.token("citizen"), "Content-Type",
        "application/json");
  }

  @Test
  void aFormPublishedOnAnotherNodeRefusesWhatTheKeptFormAccepted() throws Exception {
    matter("t-kept-stricter");
    publish("t-kept-stricter", bundled("form.json"), 1);
    JsonObject sample = b.sample(BASE);
    assertEquals(201, submitOnB("t-kept-stricter", sample).statusCode(), "B keeps version 1 and its intake");

    publish("t-kept-stricter", AuthoringTest.withRequiredHukouBookNumber(bundled("form.json")), 2);
    HttpResponse<String> refused = submitOnB("t-kept-stricter", sample);
    assertEquals(422, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("/data/hukouBookNumber"), refused.body());
    assertEquals(1, a.count("select count(*) from application where matter_code = 't-kept-stricter'"),
        "nothing stored under the old form");
  }

  @Test
  void aFormPublishedOnAnotherNodeAcceptsWhatTheKeptFormRefused() throws Exception {
    matter("t-kept-looser");
    publish("t-kept-looser", AuthoringTest.withRequiredHukouBookNumber(bundled("form.json")), 1);
    JsonObject sample = b.sample(BASE);
    HttpResponse<String> refused = submitOnB("t-kept-looser", sample);
    assertEquals(422, refused.statusCode(), "B keeps version 1, which needs the hukou book number");

    publish("t-kept-looser", bundled("form.json"), 2);
    HttpResponse<String> accepted = submitOnB("t-kept-looser", sample);
    assertEquals(201, accepted.statusCode(), accepted.body());
    assertEquals(2, new JsonObject(accepted.body()).getInteger("formVersion"), accepted.body());
  }

  private static JsonObject ok(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject restMatter(TestGateway node, String code) throws Exception {
    return ok(node.send("GET", "/api/v1/matters/" + code, null));
  }

  private static JsonObject graphqlMatter(TestGateway node, String code) throws Exception {
    JsonObject answer = ok(node.send("POST", "/graphql", new JsonObject().put("query",
            "query M($code: String!) { matter(code: $code) { name form { version } } }")
        .put("variables", new JsonObject().put("code", code)).encode(), "Content-Type", "application/json"));
    assertNull(answer.getValue("errors"), answer.encode());
    return answer.getJsonObject("data").getJsonObject("matter");
  }

  /** The name the catalogue page (REST) shows for the matter, or null when it is not on the page. */
  private static String listedName(TestGateway node, String code) throws Exception {
    return ok(node.send("GET", "/api/v1/matters?q=" + code + "&limit=5", null)).getJsonArray("items").stream()
        .map(o -> (JsonObject) o).filter(m -> code.equals(m.getString("code"))).map(m -> m.getString("name"))
        .findFirst().orElse(null);
  }

  private static void author(String method, String path, JsonObject body, int status) throws Exception {
    HttpResponse<String> r = a.send(method, path, body == null ? null : body.encode(),
        "Authorization", "Bearer " + a.token("author"), "Content-Type", "application/json");
    assertEquals(status, r.statusCode(), r.body());
  }

  @Test
  void aFormPublishedAndAMatterRenamedOnOneNodeAreReadOnTheOtherAtOnce() throws Exception {
    String code = "t-cache-publish";
    JsonObject matter = bundled("matter.json").put("code", code).put("name", "缓存测试事项");
    author("POST", "/api/v1/matters", matter, 201);
    author("POST", "/api/v1/matters/" + code + "/forms", bundled("form.json"), 201);
    author("POST", "/api/v1/matters/" + code + "/forms/1/publish", null, 200);
    // B reads (and keeps) version 1 through both APIs and the catalogue page, twice.
    for (int i = 0; i < 2; i++) {
      assertEquals(1, restMatter(b, code).getJsonObject("form").getInteger("version"));
      assertEquals(1, graphqlMatter(b, code).getJsonObject("form").getInteger("version"));
      assertEquals("缓存测试事项", listedName(b, code));
    }

    author("POST", "/api/v1/matters/" + code + "/forms", AuthoringTest.withRequiredHukouBookNumber(
        bundled("form.json")), 201);
    author("POST", "/api/v1/matters/" + code + "/forms/2/publish", null, 200);
    assertEquals(2, restMatter(b, code).getJsonObject("form").getInteger("version"), "B sees version 2 at once");
    assertEquals(2, graphqlMatter(b, code).getJsonObject("form").getInteger("version"));
    assertEquals(2, restMatter(a, code).getJsonObject("form").getInteger("version"), "so does A");

    author("PUT", "/api/v1/matters/" + code, matter.copy().put("name", "缓存测试事项（改名）"), 200);
    assertEquals("缓存测试事项（改名）", listedName(b, code), "the catalogue page on B at once");
    assertEquals("缓存测试事项（改名）", graphqlMatter(b, code).getString("name"));
  }

  @Test
  void aTokenLoggedOutOnOneNodeIsRefusedOnTheOtherAtOnce() throws Exception {
    String token = a.token("citizen");
    for (int i = 0; i < 3; i++) {
      assertEquals(200, b.send("GET", "/api/v1/me", null, "Authorization", "Bearer " + token).statusCode(),
          "B checks (and keeps) the token");
    }
    assertEquals(204, a.send("POST", "/api/v1/auth/logout", null, "Authorization", "Bearer " + token).statusCode());
    HttpResponse<String> refused = b.send("GET", "/api/v1/me", null, "Authorization", "Bearer " + token);
    assertEquals(401, refused.statusCode(), "refused on B right after the logout on A: " + refused.body());
    assertEquals(401, a.send("GET", "/api/v1/me", null, "Authorization", "Bearer " + token).statusCode());
  }
}
