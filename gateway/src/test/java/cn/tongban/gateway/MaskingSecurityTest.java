package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 31 item 1, as the outside tester did it: the masked role (12345 hotline) walks every read path of a
 * case on both APIs and never meets the applicant's identity number, full name, birth date, address or
 * files; the owner walks the same paths and sees everything.
 */
class MaskingSecurityTest {
  private static final String MATTER = "cjl-disability-certificate";
  private static final String ID = "11010519491231002X";
  /** What the demo citizen's licences and case hold in full. */
  private static final List<String> PERSONAL = List.of(ID, "19491231", "1949-12-31", "张三", "西大街1号", "照片原件");
  private static TestGateway gateway;
  private static String number;
  private static String photoId;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of());
    byte[] pdf = ("%PDF-1.4\n% photo " + System.nanoTime() + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer"
        + " << /Root 1 0 R >>\n%%EOF\n").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> up = gateway.upload("citizen", Map.of("kind", "photo"), "张三照片原件.pdf", pdf);
    assertEquals(201, up.statusCode(), up.body());
    photoId = new JsonObject(up.body()).getString("id");
    HttpResponse<String> submitted = gateway.post("citizen", "/api/v1/applications", new JsonObject()
        .put("matterCode", MATTER).put("channel", "WEB").put("data", gateway.sample(MATTER))
        .put("materials", new JsonArray().add(new JsonObject().put("code", "photo").put("materialId", photoId))));
    assertEquals(201, submitted.statusCode(), submitted.body());
    number = new JsonObject(submitted.body()).getString("number");
    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "request-correction")
        .put("items", new JsonArray().add(new JsonObject().put("material", "photo").put("message", "请补正")))));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static String body(String user, String path) throws Exception {
    HttpResponse<String> r = gateway.get(user, path);
    assertEquals(200, r.statusCode(), user + " " + path + ": " + r.body());
    return r.body();
  }

  private static JsonObject graphql(String user, String query) throws Exception {
    return new JsonObject(gateway.send("POST", "/graphql", new JsonObject().put("query", query)
        .put("variables", new JsonObject().put("n", number)).encode(), "Content-Type", "application/json",
        "Authorization", "Bearer " + gateway.token(user)).body());
  }

  private static void noPersonalData(String what, String text) {
    for (String p : PERSONAL) {
      assertFalse(text.contains(p), what + " shows " + p + " to the hotline: " + text);
    }
  }

  @Test
  void theHotlineMeetsNoPersonalDataOnAnyReadPath() throws Exception {
    String base = "/api/v1/applications/" + number;
    for (String path : List.of(base, base + "/materials", base + "/steps", base + "/correction-notice",
        "/api/v1/applications?first=50")) {
      noPersonalData(path, body("hotline", path));
    }
    // The licence surfaces on the case's materials are gone, not merely the holder's code.
    JsonObject idCard = new JsonArray(body("hotline", base + "/materials")).stream().map(JsonObject.class::cast)
        .filter(m -> "id-card".equals(m.getString("code"))).findFirst().orElseThrow();
    JsonObject licence = idCard.getJsonArray("licences").getJsonObject(0);
    assertTrue(licence.getJsonObject("surface").isEmpty(), licence.encode());
    assertFalse(licence.containsKey("verificationPayload"), "the payload carries the holder's code");
    assertEquals("居民身份证", licence.getString("typeName"), "what it is stays");

    // The applicant's files: neither their record nor their bytes.
    assertEquals(404, gateway.get("hotline", "/api/v1/materials/" + photoId).statusCode());
    assertEquals(404, gateway.getBytes("/api/v1/materials/" + photoId + "/content",
        "Authorization", "Bearer " + gateway.token("hotline")).statusCode());

    JsonObject answer = graphql("hotline", "query($n: String!) { application(number: $n) { number"
        + " applicant { name idNumber phone } data correction steps { action stepName handler handlerName opinion detail } } applications(first: 50)"
        + " { edges { node { number applicant { name idNumber } data } } } }");
    assertFalse(answer.containsKey("errors"), answer.encode());
    assertEquals(number, answer.getJsonObject("data").getJsonObject("application").getString("number"));
    noPersonalData("GraphQL", answer.encode());
  }

  @Test
  void theOwnerStillSeesEverything() throws Exception {
    String base = "/api/v1/applications/" + number;
    String materials = body("citizen", base + "/materials");
    assertTrue(materials.contains(ID) && materials.contains("1949-12-31") && materials.contains("西大街1号"),
        "the holder sees their licences in full: " + materials);
    assertTrue(materials.contains("张三照片原件.pdf"));
    assertTrue(body("citizen", base + "/correction-notice").contains("张三"));
    assertTrue(body("citizen", base).contains(ID));
    assertEquals(200, gateway.getBytes("/api/v1/materials/" + photoId + "/content",
        "Authorization", "Bearer " + gateway.token("citizen")).statusCode());
    // The department handling the case reads it in full too (masking is for the hotline, not for staff at work).
    assertTrue(body("clerk", base + "/materials").contains(ID));
    JsonObject answer = graphql("citizen", "query($n: String!) { application(number: $n) { applicant { idNumber } }"
        + " }");
    assertTrue(answer.encode().contains(ID), answer.encode());
  }
}
