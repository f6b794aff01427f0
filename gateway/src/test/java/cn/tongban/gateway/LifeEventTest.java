package cn.tongban.gateway;

import static cn.tongban.gateway.TestGateway.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 一件事一次办 through REST and GraphQL: the bundled life events are listed and shown like matters; one
 * combined application makes one case per matter in its own department (bad input: every problem at a
 * pointer of the combined form and no case at all); a retry with the key answers the same; each case is
 * decided by its own department, and a refusal in one leaves the others decided; definitions are exported
 * and imported as new versions.
 */
class LifeEventTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpResponse<String> apply(String user, String code, JsonObject body, String key) throws Exception {
    return gateway.send("POST", "/api/v1/bundles/" + code + "/applications", body.encode(), "Content-Type",
        "application/json", "Idempotency-Key", key, "Authorization", "Bearer " + gateway.token(user));
  }

  private static JsonObject example(String code) throws Exception {
    return ok(gateway.send("GET", "/api/v1/bundles/" + code, null)).getJsonObject("form").getJsonObject("schema")
        .getJsonArray("examples").getJsonObject(0);
  }

  private static List<String> pointers(JsonObject problem) {
    return problem.getJsonArray("violations").stream().map(v -> ((JsonObject) v).getString("pointer")).toList();
  }

  private static JsonObject graphql(String user, String query, JsonObject variables) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", query)
        .put("variables", variables).encode(), "Authorization", "Bearer " + gateway.token(user),
        "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  @Test
  void lifeEventsAreListedAndShownLikeMatters() throws Exception {
    JsonArray items = ok(gateway.send("GET", "/api/v1/bundles", null)).getJsonArray("items");
    assertEquals(List.of("life-newborn", "life-retirement"),
        items.stream().map(o -> ((JsonObject) o).getString("code")).toList());
    JsonObject newborn = ok(gateway.send("GET", "/api/v1/bundles/life-newborn", null));
    assertEquals("新生儿出生一件事", newborn.getString("name"));
    assertEquals(List.of("gaj", "wjw", "ybj"), newborn.getJsonArray("matters").stream()
        .map(o -> ((JsonObject) o).getJsonObject("department").getString("code")).toList());
    // Each material once, with every matter that needs it.
    List<String> codes = newborn.getJsonArray("materials").stream().map(o -> ((JsonObject) o).getString("code")).toList();
    assertEquals(codes.size(), codes.stream().distinct().count(), codes.toString());
    assertTrue(newborn.getJsonObject("form").getJsonObject("schema").getJsonObject("properties").containsKey("childName"));
    assertEquals(404, gateway.send("GET", "/api/v1/bundles/no-such-event", null).statusCode());
    JsonObject gql = graphql("citizen", "{ bundles { code name matters { code department } } }", new JsonObject());
    assertEquals(2, gql.getJsonObject("data").getJsonArray("bundles").size(), gql.encode());
  }

  @Test
  void badInputPointsIntoTheCombinedFormAndMakesNoCase() throws Exception {
    long cases = gateway.count("select count(*) from application");
    JsonObject data = example("life-newborn").put("mobile", "12345").copy();
    data.remove("childName");
    HttpResponse<String> r = apply("citizen", "life-newborn", new JsonObject().put("data", data).put("channel", "WEB")
        .put("materials", new JsonArray().add(new JsonObject().put("code", "no-such-material")
            .put("materialId", "00000000-0000-0000-0000-000000000000"))), "bad-1");
    assertEquals(422, r.statusCode(), r.body());
    JsonObject problem = new JsonObject(r.body());
    assertTrue(pointers(problem).containsAll(List.of("/data/mobile", "/data/childName", "/materials/0/code")),
        r.body());
    assertEquals(cases, gateway.count("select count(*) from application"), "no case made");
    assertEquals(0, gateway.count("select count(*) from life_event_application where idempotency_key = 'bad-1'"));
    // No key: refused before anything.
    HttpResponse<String> noKey = gateway.send("POST", "/api/v1/bundles/life-newborn/applications",
        new JsonObject().put("data", example("life-newborn")).put("channel", "WEB").encode(), "Content-Type",
        "application/json", "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(400, noKey.statusCode(), noKey.body());
    // GraphQL: the same problems as violations, nothing made.
    JsonObject gql = graphql("citizen", "mutation($i: BundleApplicationInput!) { applyForBundle(code: \"life-newborn\","
        + " input: $i) { application { id } violations { pointer } replayed } }", new JsonObject().put("i",
        new JsonObject().put("data", data).put("channel", "WEB").put("idempotencyKey", "bad-2")));
    JsonObject payload = gql.getJsonObject("data").getJsonObject("applyForBundle");
    assertTrue(payload.getJsonArray("violations").encode().contains("/data/mobile"), gql.encode());
    assertEquals(cases, gateway.count("select count(*) from application"));
  }

  @Test
  void oneApplicationMakesOneCasePerDepartmentEachDecidedOnItsOwn() throws Exception {
    JsonObject body = new JsonObject().put("data", example("life-newborn")).put("channel", "WEB");
    HttpResponse<String> r = apply("citizen", "life-newborn", body, "newborn-1");
    assertEquals(201, r.statusCode(), r.body());
    JsonObject applied = new JsonObject(r.body());
    assertEquals(3, applied.getJsonArray("caseNumbers").size(), r.body());
    assertEquals("IN_PROGRESS", applied.getString("status"));
    Map<String, String> byDepartment = new java.util.HashMap<>();
    for (Object o : applied.getJsonArray("cases")) {
      JsonObject c = (JsonObject) o;
      byDepartment.put(c.getString("departmentCode"), c.getString("number"));
      // Each case is a real case of its matter, in its department, with the data mapped from the one form.
      JsonObject full = ok(gateway.get("citizen", "/api/v1/applications/" + c.getString("number")));
      assertEquals(c.getString("matterCode"), full.getString("matterCode"));
    }
    assertEquals(java.util.Set.of("gaj", "wjw", "ybj"), byDepartment.keySet());
    JsonObject medical = ok(gateway.get("citizen", "/api/v1/applications/" + byDepartment.get("ybj")));
    assertEquals("NEWBORN", medical.getJsonObject("data").getString("insuredCategory"));
    assertEquals("张小满", medical.getJsonObject("data").getString("name"));

    String stored = gateway.text("select request_hash from life_event_application where idempotency_key = 'newborn-1'");
    assertTrue(stored.startsWith("m1:"), "a keyed hash, not a plain SHA-256 over the family's data: " + stored);
    // The same request again: the same application, nothing new; another body with the key: 409.
    long cases = gateway.count("select count(*) from application");
    HttpResponse<String> again = apply("citizen", "life-newborn", body, "newborn-1");
    assertEquals(201, again.statusCode(), again.body());
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
    assertEquals(applied.getString("id"), new JsonObject(again.body()).getString("id"));
    assertEquals(cases, gateway.count("select count(*) from application"));
    HttpResponse<String> other = apply("citizen", "life-newborn",
        body.copy().put("data", example("life-newborn").put("childOrder", 2)), "newborn-1");
    assertEquals(409, other.statusCode(), other.body());

    // 公安 approves the registration; 医保 refuses its enrolment; 卫健's own rule decides the birth registration.
    String police = byDepartment.get("gaj");
    ok(gateway.act("clerk", police, new JsonObject().put("action", "accept")));
    ok(gateway.act("reviewer.gaj", police, new JsonObject().put("action", "review-pass")));
    ok(gateway.act("approver.gaj", police, new JsonObject().put("action", "approve")));
    String medicalCase = byDepartment.get("ybj");
    ok(gateway.act("clerk", medicalCase, new JsonObject().put("action", "accept")));
    ok(gateway.act("reviewer.ybj", medicalCase, new JsonObject().put("action", "review-pass")));
    ok(gateway.act("approver.ybj", medicalCase, new JsonObject().put("action", "deny")
        .put("comment", "新生儿已在外地参加城乡居民医保。")));
    // Another department may not decide a case that is not its own.
    assertNotEquals(200, gateway.act("approver.gaj", byDepartment.get("wjw"),
        new JsonObject().put("action", "approve")).statusCode());

    JsonObject view = ok(gateway.get("citizen", "/api/v1/bundle-applications/" + applied.getString("id")));
    Map<String, String> statuses = new java.util.HashMap<>();
    view.getJsonArray("cases").forEach(o -> statuses.put(((JsonObject) o).getString("departmentCode"),
        ((JsonObject) o).getString("status")));
    assertEquals("APPROVED", statuses.get("gaj"), view.encode());
    assertEquals("DENIED", statuses.get("ybj"), view.encode());
    assertFalse(statuses.get("wjw") == null, view.encode());
    assertEquals(3, view.getJsonArray("caseNumbers").size());
    // Only its maker sees the application.
    assertEquals(404, gateway.get("clerk", "/api/v1/bundle-applications/" + applied.getString("id")).statusCode());
    JsonObject mine = ok(gateway.get("citizen", "/api/v1/bundle-applications"));
    assertTrue(mine.getJsonArray("items").stream().anyMatch(o -> ((JsonObject) o).getString("id")
        .equals(applied.getString("id"))));
    JsonObject gql = graphql("citizen", "query($id: String!) { bundleApplication(id: $id) { status cases"
        + " { departmentCode status } } }", new JsonObject().put("id", applied.getString("id")));
    assertTrue(gql.encode().contains("DENIED"), gql.encode());
    // The outbox and the audit trail record the application once.
    assertEquals(1, gateway.count("select count(*) from outbox_event where event_type = 'LifeEventApplied'"
        + " and aggregate_id = '" + applied.getString("id") + "'"));
  }

  @Test
  void retirementOverGraphQL() throws Exception {
    JsonObject gql = graphql("citizen", "mutation($i: BundleApplicationInput!) { applyForBundle(code:"
        + " \"life-retirement\", input: $i) { application { id status caseNumbers cases { departmentCode } }"
        + " violations { pointer message } replayed } }", new JsonObject().put("i", new JsonObject()
        .put("data", example("life-retirement")).put("channel", "WEB").put("idempotencyKey", "retire-1")));
    JsonObject payload = gql.getJsonObject("data").getJsonObject("applyForBundle");
    assertEquals(0, payload.getJsonArray("violations").size(), gql.encode());
    assertEquals(2, payload.getJsonObject("application").getJsonArray("caseNumbers").size(), gql.encode());
  }

  @Test
  void anApplicationCutOffBetweenTwoCasesIsCompletedByItsRetry() throws Exception {
    JsonObject body = new JsonObject().put("data", example("life-retirement").put("mobile", "13800138002"))
        .put("channel", "WEB");
    HttpResponse<String> r = apply("citizen", "life-retirement", body, "cut-1");
    assertEquals(201, r.statusCode(), r.body());
    JsonObject applied = new JsonObject(r.body());
    String id = applied.getString("id");
    String first = applied.getJsonArray("caseNumbers").getString(0);
    // As the database would be had the node stopped after the first case: no second case, no links yet.
    gateway.execute("delete from life_event_case where application_id = '" + id + "'");
    gateway.execute("update life_event_application set completed_at = null where id = '" + id + "'");
    gateway.execute("update application set idempotency_key = null where number = '"
        + applied.getJsonArray("caseNumbers").getString(1) + "'");
    gateway.execute("insert into life_event_case values ('" + id + "', 0, 'rsj-pension-benefit-claim', '" + first + "')");
    assertEquals("INCOMPLETE", ok(gateway.get("citizen", "/api/v1/bundle-applications/" + id)).getString("status"));

    long cases = gateway.count("select count(*) from application");
    HttpResponse<String> retry = apply("citizen", "life-retirement", body, "cut-1");
    assertEquals(201, retry.statusCode(), retry.body());
    JsonObject completed = new JsonObject(retry.body());
    assertEquals(id, completed.getString("id"));
    assertEquals("IN_PROGRESS", completed.getString("status"));
    assertEquals(first, completed.getJsonArray("caseNumbers").getString(0), "the case made before is kept");
    assertEquals(2, completed.getJsonArray("caseNumbers").size());
    assertEquals(cases + 1, gateway.count("select count(*) from application"), "only the missing case is made");
  }

  @Test
  void definitionsAreExportedAndImportedAsNewVersions() throws Exception {
    JsonObject export = ok(gateway.get("author", "/api/v1/bundles/life-retirement/export"));
    assertEquals("tongban.lifeevent/1", export.getString("format"));
    int before = export.getJsonObject("lifeEvent") != null ? ok(gateway.send("GET", "/api/v1/bundles/life-retirement",
        null)).getInteger("version") : -1;
    JsonObject changed = export.getJsonObject("lifeEvent").copy().put("description", "到龄退休，一次办好。");
    HttpResponse<String> imported = gateway.post("author", "/api/v1/bundles/import",
        new JsonObject().put("format", "tongban.lifeevent/1").put("lifeEvent", changed));
    assertEquals(201, imported.statusCode(), imported.body());
    assertEquals(before + 1, new JsonObject(imported.body()).getInteger("version"));
    assertEquals(403, gateway.get("citizen", "/api/v1/bundles/life-retirement/export").statusCode());
    // A definition naming a matter that does not exist, or a field a form lacks: every problem, nothing stored.
    JsonObject bad = changed.copy();
    bad.getJsonArray("matters").getJsonObject(0).put("matter", "no-such-matter");
    bad.getJsonArray("matters").getJsonObject(1).getJsonObject("fields").put("/noSuchField", "/name");
    HttpResponse<String> refused = gateway.post("author", "/api/v1/bundles/import",
        new JsonObject().put("format", "tongban.lifeevent/1").put("lifeEvent", bad));
    assertEquals(422, refused.statusCode(), refused.body());
    assertTrue(pointers(new JsonObject(refused.body())).containsAll(List.of("/lifeEvent/matters/0/matter",
        "/lifeEvent/matters/1/fields")), refused.body());
    assertEquals(before + 1, ok(gateway.send("GET", "/api/v1/bundles/life-retirement", null)).getInteger("version"));
  }
}
