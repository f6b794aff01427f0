package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 免提交、复用 before submitting: a clerk sees what the library holds for a walk-in applicant (the licences
 * 公安 shares, files handed in before), and a submission made then attaches exactly that; a citizen sees
 * their own only; other staff may not look; the read is audited; GraphQL answers the same.
 */
class ReusableMaterialsTest {
  private static final String MATTER = "cjl-disability-certificate";
  private static final String ZHANG = "11010519491231002X";
  private static final String SOMEONE_ELSE = "110101199003070011";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpResponse<String> reusable(String user, String query) throws Exception {
    return gateway.get(user, "/api/v1/matters/" + MATTER + "/reusable-materials" + query);
  }

  private static JsonArray ok(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return new JsonArray(r.body());
  }

  private static JsonObject material(JsonArray materials, String code) {
    return materials.stream().map(o -> (JsonObject) o).filter(m -> code.equals(m.getString("code"))).findFirst()
        .orElseThrow(() -> new AssertionError("no material " + code + " in " + materials.encodePrettily()));
  }

  private static byte[] pdf(String text) {
    return ("%PDF-1.4\n% " + text + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aClerkSeesTheLibrarysLicencesAndEarlierUploadsAndTheSubmissionAttachesThem() throws Exception {
    // The applicant handed in a photo online before (their own upload: the library reuses it).
    HttpResponse<String> up = gateway.upload("citizen", Map.of("kind", "photo"), "照片.pdf",
        pdf("photo " + System.nanoTime()));
    assertEquals(201, up.statusCode(), up.body());
    JsonObject photo = new JsonObject(up.body());
    long audited = gateway.count("select count(*) from audit_event where action = 'material.reusable.read'"
        + " and actor like 'account:%'");

    JsonArray seen = ok(reusable("clerk", "?idNumber=" + ZHANG));
    assertEquals(7, seen.size(), "every material of the matter, in its order");
    assertEquals("id-card", seen.getJsonObject(0).getString("code"));
    JsonObject idCard = material(seen, "id-card").getJsonObject("satisfiedBy");
    assertEquals("LICENCE", idCard.getString("kind"));
    JsonObject licence = idCard.getJsonObject("licence");
    assertEquals("居民身份证", licence.getString("typeName"));
    assertFalse(licence.getString("number").isBlank());
    assertFalse(licence.getString("holderCode").contains("19491231"), "the holder's number is masked");
    assertEquals("LICENCE", material(seen, "household-register").getJsonObject("satisfiedBy").getString("kind"));
    JsonObject reused = material(seen, "photo").getJsonObject("satisfiedBy");
    assertEquals("REUSED", reused.getString("kind"));
    assertEquals(photo.getString("id"), reused.getJsonObject("material").getString("id"));
    assertEquals("照片.pdf", reused.getJsonObject("material").getString("fileName"));
    assertTrue(reused.getJsonObject("material").containsKey("uploadedAt"));
    assertNull(material(seen, "application-form").getValue("satisfiedBy"), "nothing handed in yet");
    assertEquals(audited + 1, gateway.count("select count(*) from audit_event where action = 'material.reusable.read'"
        + " and actor like 'account:%'"), "staff reading a person's library is audited");

    // Submitted now, the case is given exactly what the preview showed (one rule for both).
    JsonObject body = new JsonObject().put("matterCode", MATTER).put("channel", "WINDOW")
        .put("data", gateway.sample(MATTER)).put("applicant", new JsonObject().put("name", "张三").put("idNumber", ZHANG));
    HttpResponse<String> submitted = gateway.post("clerk", "/api/v1/applications", body);
    assertEquals(201, submitted.statusCode(), submitted.body());
    String number = new JsonObject(submitted.body()).getString("number");
    JsonArray attached = ok(gateway.get("clerk", "/api/v1/applications/" + number + "/materials"));
    assertEquals(licence.getString("identifier"),
        material(attached, "id-card").getJsonObject("satisfiedBy").getString("licenceIdentifier"));
    assertEquals(photo.getString("id"),
        material(attached, "photo").getJsonObject("satisfiedBy").getJsonObject("material").getString("id"));
    assertNull(material(attached, "application-form").getValue("satisfiedBy"));
  }

  @Test
  void aCitizenSeesTheirOwnOnly() throws Exception {
    JsonArray own = ok(reusable("citizen", ""));
    assertEquals("LICENCE", material(own, "id-card").getJsonObject("satisfiedBy").getString("kind"));
    assertEquals(own.size(), ok(reusable("citizen", "?idNumber=" + ZHANG)).size());
    HttpResponse<String> other = reusable("citizen", "?idNumber=" + SOMEONE_ELSE);
    assertEquals(403, other.statusCode(), other.body());
    assertEquals("forbidden", new JsonObject(other.body()).getString("code"));
  }

  @Test
  void otherStaffMayNotLookAndBadRequestsAreTold() throws Exception {
    for (String user : new String[] {"reviewer.cjl", "hotline", "supervisor"}) {
      HttpResponse<String> r = reusable(user, "?idNumber=" + ZHANG);
      assertEquals(403, r.statusCode(), user + ": " + r.body());
      assertEquals("只有窗口人员、代办员和申请人本人可以查看申请人可复用的材料。", new JsonObject(r.body()).getString("detail"));
    }
    assertEquals(401, gateway.send("GET", "/api/v1/matters/" + MATTER + "/reusable-materials?idNumber=" + ZHANG,
        null).statusCode());
    HttpResponse<String> none = reusable("clerk", "");
    assertEquals(422, none.statusCode(), none.body());
    assertEquals("/idNumber", new JsonObject(none.body()).getJsonArray("violations").getJsonObject(0)
        .getString("pointer"));
    HttpResponse<String> badCheck = reusable("clerk", "?idNumber=110101199003070012");
    assertEquals(422, badCheck.statusCode(), badCheck.body());
    HttpResponse<String> unknown = gateway.get("clerk", "/api/v1/matters/no-such-matter/reusable-materials?idNumber="
        + ZHANG);
    assertEquals(404, unknown.statusCode(), unknown.body());
    // Someone the library knows nothing of: every material is to be handed in.
    ok(reusable("clerk", "?idNumber=" + SOMEONE_ELSE)).forEach(m -> assertNull(((JsonObject) m).getValue("satisfiedBy")));
  }

  @Test
  void graphQlAnswersTheSame() throws Exception {
    String query = "query($m: String!, $id: String) { reusableMaterials(matterCode: $m, idNumber: $id) }";
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", query)
            .put("variables", new JsonObject().put("m", MATTER).put("id", ZHANG)).encode(),
        "Content-Type", "application/json", "Authorization", "Bearer " + gateway.token("clerk"));
    assertEquals(200, r.statusCode(), r.body());
    JsonArray viaGraphQl = new JsonObject(r.body()).getJsonObject("data").getJsonArray("reusableMaterials");
    assertEquals(ok(reusable("clerk", "?idNumber=" + ZHANG)), viaGraphQl);

    HttpResponse<String> refused = gateway.send("POST", "/graphql", new JsonObject().put("query", query)
            .put("variables", new JsonObject().put("m", MATTER).put("id", ZHANG)).encode(),
        "Content-Type", "application/json", "Authorization", "Bearer " + gateway.token("hotline"));
    JsonObject error = new JsonObject(refused.body()).getJsonArray("errors").getJsonObject(0);
    assertEquals(403, error.getJsonObject("extensions").getInteger("status"), refused.body());
  }
}
