package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Form authors defining matters and publishing form versions, as the authoring console would. */
class AuthoringTest {
  private static final String BASE = "mzj-elderly-preferential-card";
  private static TestGateway gateway;
  private static String author;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start();
    author = gateway.token("author");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  /** A bundled matter's document and form, under a new code: realistic content for a new matter. */
  private static JsonObject matterDoc(String code) {
    return bundled(BASE + "/matter.json").put("code", code).put("name", "测试事项" + code);
  }

  private static JsonObject formDef() {
    return bundled(BASE + "/form.json");
  }

  /** The elderly card's form with one more required field, {@code /hukouBookNumber}: a stricter next version. */
  static JsonObject withRequiredHukouBookNumber(JsonObject form) {
    JsonObject schema = form.getJsonObject("schema");
    schema.getJsonObject("properties").put("hukouBookNumber", new JsonObject().put("title", "户口簿编号")
        .put("type", "string").put("minLength", 6));
    schema.getJsonArray("required").add("hukouBookNumber");
    schema.getJsonArray("examples").forEach(e -> ((JsonObject) e).put("hukouBookNumber", "HK410183001"));
    form.getJsonObject("uiSchema").getJsonArray("steps").getJsonObject(0).getJsonArray("fields").add("/hukouBookNumber");
    return form;
  }

  private static JsonObject bundled(String path) {
    try (InputStream in = AuthoringTest.class.getClassLoader().getResourceAsStream("catalogue/" + path)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> call(String token, String method, String path, Object body) throws Exception {
    return gateway.send(method, path, body == null ? null : body.toString(), "Authorization", "Bearer " + token,
        "Content-Type", "application/json");
  }

  private static int draft(String code, JsonObject definition) throws Exception {
    HttpResponse<String> r = call(author, "POST", "/api/v1/matters/" + code + "/forms", definition.encode());
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getInteger("version");
  }

  private static void create(String code) throws Exception {
    HttpResponse<String> r = call(author, "POST", "/api/v1/matters", matterDoc(code).encode());
    assertEquals(201, r.statusCode(), r.body());
  }

  private static Set<String> pointers(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonArray("violations", new JsonArray()).stream()
        .map(v -> ((JsonObject) v).getString("pointer")).collect(Collectors.toSet());
  }

  @Test
  void onlyFormAuthorsMayAuthor() throws Exception {
    String citizen = gateway.token("citizen");
    String clerk = gateway.token("clerk");
    assertEquals(403, call(citizen, "POST", "/api/v1/matters", matterDoc("t-forbidden").encode()).statusCode());
    assertEquals(403, call(clerk, "POST", "/api/v1/matters/" + BASE + "/forms", formDef().encode()).statusCode());
    assertEquals(403, call(clerk, "POST", "/api/v1/matters/" + BASE + "/forms/1/publish", null).statusCode());
    assertEquals(403, call(citizen, "GET", "/api/v1/matters/" + BASE + "/export", null).statusCode());
    assertEquals(401, gateway.send("POST", "/api/v1/matters", matterDoc("t-anon").encode(),
        "Content-Type", "application/json").statusCode());
    assertEquals(0, gateway.count("select count(*) from matter where code in ('t-forbidden', 't-anon')"));
  }

  @Test
  void authorCreatesAMatterDraftsItsFormAndPublishesItForApplicants() throws Exception {
    create("t-new-matter");
    assertNull(new JsonObject(gateway.send("GET", "/api/v1/matters/t-new-matter", null).body()).getValue("form"),
        "no form until one is published");
    int v = draft("t-new-matter", formDef());
    assertEquals(1, v);
    JsonArray versions = new JsonArray(call(author, "GET", "/api/v1/matters/t-new-matter/forms", null).body());
    assertEquals("DRAFT", versions.getJsonObject(0).getString("status"));

    HttpResponse<String> published = call(author, "POST", "/api/v1/matters/t-new-matter/forms/1/publish", null);
    assertEquals(200, published.statusCode(), published.body());
    assertEquals("PUBLISHED", new JsonObject(published.body()).getString("status"));
    assertEquals(1, new JsonObject(gateway.send("GET", "/api/v1/matters/t-new-matter", null).body())
        .getJsonObject("form").getInteger("version"));
    HttpResponse<String> again = call(author, "POST", "/api/v1/matters/t-new-matter/forms/1/publish", null);
    assertEquals(409, again.statusCode(), "a published version is not a draft any more");

    HttpResponse<String> submitted = call(gateway.token("citizen"), "POST", "/api/v1/applications", new JsonObject()
        .put("matterCode", "t-new-matter").put("channel", "WEB").put("data", gateway.sample(BASE)));
    assertEquals(201, submitted.statusCode(), submitted.body());
  }

  @Test
  void updatingAMatterChangesWhatTheCatalogueShowsAndFinds() throws Exception {
    create("t-update");
    JsonObject doc = matterDoc("t-update").put("name", "独生子女父母奖励金申领");
    HttpResponse<String> r = call(author, "PUT", "/api/v1/matters/t-update", doc.encode());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("独生子女父母奖励金申领", new JsonObject(gateway.send("GET", "/api/v1/matters/t-update", null).body())
        .getString("name"));
    JsonObject found = new JsonObject(gateway.send("GET", "/api/v1/matters?q=" + java.net.URLEncoder.encode("奖励金",
        StandardCharsets.UTF_8), null).body());
    assertEquals("t-update", found.getJsonArray("items").getJsonObject(0).getString("code"));
    HttpResponse<String> otherCode = call(author, "PUT", "/api/v1/matters/t-update", doc.copy().put("code", "t-x")
        .encode());
    assertEquals(422, otherCode.statusCode(), "the code of a matter never changes");
    assertEquals(404, call(author, "PUT", "/api/v1/matters/t-missing", matterDoc("t-missing").encode()).statusCode());
  }

  @Test
  void invalidMatterIsRefusedWithEveryProblemPointedAt() throws Exception {
    JsonObject doc = matterDoc("t-bad-matter").put("promisedDays", 30).put("legalDays", 20).put("type", "99");
    doc.remove("name");
    HttpResponse<String> r = call(author, "POST", "/api/v1/matters", doc.encode());
    assertEquals(422, r.statusCode(), r.body());
    assertTrue(pointers(r).containsAll(Set.of("/name", "/type", "/promisedDays")), r.body());
    assertEquals(0, gateway.count("select count(*) from matter where code = 't-bad-matter'"));
  }

  @Test
  void badDefinitionIsRefusedWithEveryProblemAndNothingIsPublished() throws Exception {
    create("t-bad-form");
    JsonObject def = formDef();
    def.getJsonObject("schema").getJsonArray("examples").getJsonObject(0).remove("name");
    def.put("handlers", new JsonArray().add(new JsonObject().put("id", "no-such-plugin").put("config",
        new JsonObject())).add(new JsonObject().put("id", "rules").put("config", new JsonObject().put("rules",
        new JsonArray().add(new JsonObject().put("name", "半截表达式").put("when", "data.age >=")
            .put("decision", "APPROVE"))))));
    def.put("materialBindings", new JsonArray().add(new JsonObject().put("material", "no-such-material")
        .put("field", "/noSuchField")));
    def.getJsonObject("uiSchema").getJsonArray("steps").getJsonObject(0).getJsonArray("fields").add("/ghost");
    int v = draft("t-bad-form", def);
    HttpResponse<String> r = call(author, "POST", "/api/v1/matters/t-bad-form/forms/" + v + "/publish", null);
    assertEquals(422, r.statusCode(), r.body());
    Set<String> p = pointers(r);
    assertTrue(p.contains("/schema/examples/0/name"), r.body());
    assertTrue(p.contains("/handlers/0/id"), r.body());
    assertTrue(p.contains("/handlers/1/config/rules/0/when"), "a rule that does not compile: " + r.body());
    assertTrue(p.contains("/materialBindings/0/material"), r.body());
    assertTrue(p.contains("/materialBindings/0/field"), r.body());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("/uiSchema/steps/0/fields/")), r.body());
    assertEquals("DRAFT", new JsonArray(call(author, "GET", "/api/v1/matters/t-bad-form/forms", null).body())
        .getJsonObject(0).getString("status"));
    assertNull(new JsonObject(gateway.send("GET", "/api/v1/matters/t-bad-form", null).body()).getValue("form"));

    JsonObject notAForm = new JsonObject().put("schema", new JsonObject().put("type", "object"));
    int v2 = draft("t-bad-form", notAForm);
    HttpResponse<String> meta = call(author, "POST", "/api/v1/matters/t-bad-form/forms/" + v2 + "/publish", null);
    assertEquals(422, meta.statusCode(), "the meta-schema wants a title, properties and examples: " + meta.body());
  }

  @Test
  void casesStayOnTheirVersionWhileNewCasesFollowTheNewOne() throws Exception {
    create("t-versions");
    draft("t-versions", formDef());
    assertEquals(200, call(author, "POST", "/api/v1/matters/t-versions/forms/1/publish", null).statusCode());
    String citizen = gateway.token("citizen");
    JsonObject oldSample = gateway.sample(BASE);
    String onV1 = new JsonObject(call(citizen, "POST", "/api/v1/applications", new JsonObject()
        .put("matterCode", "t-versions").put("channel", "WEB").put("data", oldSample)).body()).getString("number");

    JsonObject v2 = withRequiredHukouBookNumber(formDef());
    assertEquals(2, draft("t-versions", v2));
    HttpResponse<String> published = call(author, "POST", "/api/v1/matters/t-versions/forms/2/publish", null);
    assertEquals(200, published.statusCode(), published.body());

    JsonArray versions = new JsonArray(call(author, "GET", "/api/v1/matters/t-versions/forms", null).body());
    assertEquals(List.of("RETIRED", "PUBLISHED"), versions.stream()
        .map(o -> ((JsonObject) o).getString("status")).toList());
    JsonObject changes = new JsonObject(call(author, "GET", "/api/v1/matters/t-versions/forms/2/changes?since=1",
        null).body());
    assertEquals("/hukouBookNumber", changes.getJsonArray("added").getJsonObject(0).getString("field"));
    assertTrue(changes.getJsonArray("nowRequired").contains("/hukouBookNumber"));
    assertTrue(changes.getJsonArray("removed").isEmpty());

    assertEquals(1, new JsonObject(call(citizen, "GET", "/api/v1/applications/" + onV1, null).body())
        .getInteger("formVersion"), "the earlier case stays pinned to version 1");
    HttpResponse<String> oldShape = call(citizen, "POST", "/api/v1/applications", new JsonObject()
        .put("matterCode", "t-versions").put("channel", "WEB").put("data", oldSample));
    assertEquals(422, oldShape.statusCode(), "new cases follow version 2");
    assertEquals(Set.of("/data/hukouBookNumber"), pointers(oldShape));
    HttpResponse<String> newShape = call(citizen, "POST", "/api/v1/applications", new JsonObject()
        .put("matterCode", "t-versions").put("channel", "WEB").put("data", oldSample.copy()
            .put("hukouBookNumber", "HK410183001")));
    assertEquals(2, new JsonObject(newShape.body()).getInteger("formVersion"));
  }

  @Test
  void aRetryIsAnsweredWithTheCaseItCreatedEvenAfterAStricterVersionIsPublished() throws Exception {
    create("t-retry");
    draft("t-retry", formDef());
    assertEquals(200, call(author, "POST", "/api/v1/matters/t-retry/forms/1/publish", null).statusCode());
    String citizen = gateway.token("citizen");
    String body = new JsonObject().put("matterCode", "t-retry").put("channel", "WEB")
        .put("data", gateway.sample(BASE)).encode();
    HttpResponse<String> first = gateway.send("POST", "/api/v1/applications", body, "Authorization",
        "Bearer " + citizen, "Content-Type", "application/json", "Idempotency-Key", "t-retry-1");
    assertEquals(201, first.statusCode(), first.body());
    assertEquals(2, draft("t-retry", withRequiredHukouBookNumber(formDef())));
    assertEquals(200, call(author, "POST", "/api/v1/matters/t-retry/forms/2/publish", null).statusCode());

    // The same request again (the network dropped the first answer): the case it created, not the new rules.
    HttpResponse<String> retry = gateway.send("POST", "/api/v1/applications", body, "Authorization",
        "Bearer " + citizen, "Content-Type", "application/json", "Idempotency-Key", "t-retry-1");
    assertEquals(201, retry.statusCode(), retry.body());
    assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(null));
    assertEquals(new JsonObject(first.body()).getString("number"), new JsonObject(retry.body()).getString("number"));
    assertEquals(1, new JsonObject(retry.body()).getInteger("formVersion"));

    // Another body under the same key is a conflict, even though version 2 would refuse it as well.
    String other = new JsonObject().put("matterCode", "t-retry").put("channel", "WEB")
        .put("data", gateway.sample(BASE).put("address", "新密市另一个地址1号")).encode();
    HttpResponse<String> conflict = gateway.send("POST", "/api/v1/applications", other, "Authorization",
        "Bearer " + citizen, "Content-Type", "application/json", "Idempotency-Key", "t-retry-1");
    assertEquals(409, conflict.statusCode(), conflict.body());
    assertEquals("idempotency-key-reused", new JsonObject(conflict.body()).getString("code"));
    assertEquals(1, gateway.count("select count(*) from application where idempotency_key = 't-retry-1'"));
  }

  @Test
  void dryRunValidatesSampleDataAgainstADraftAndStoresNothing() throws Exception {
    create("t-dry-run");
    int v = draft("t-dry-run", formDef());
    long cases = gateway.count("select count(*) from application");
    JsonObject bad = gateway.sample(BASE);
    bad.remove("address");
    JsonObject result = new JsonObject(call(author, "POST", "/api/v1/matters/t-dry-run/forms/" + v + "/dry-run",
        new JsonObject().put("data", bad)).body());
    assertFalse(result.getBoolean("valid"));
    assertEquals("/data/address", result.getJsonArray("violations").getJsonObject(0).getString("pointer"));
    JsonObject good = new JsonObject(call(author, "POST", "/api/v1/matters/t-dry-run/forms/" + v + "/dry-run",
        new JsonObject().put("data", gateway.sample(BASE))).body());
    assertTrue(good.getBoolean("valid"));
    assertEquals(cases, gateway.count("select count(*) from application"));
  }

  @Test
  void exportThenImportIntoAnEmptyDatabaseReproducesTheMatterAndItsVersions() throws Exception {
    create("t-export");
    draft("t-export", formDef());
    call(author, "POST", "/api/v1/matters/t-export/forms/1/publish", null);
    draft("t-export", formDef().put("uiSchema", formDef().getJsonObject("uiSchema").put("note", "v2")));
    HttpResponse<String> exported = call(author, "GET", "/api/v1/matters/t-export/export", null);
    assertEquals(200, exported.statusCode(), exported.body());
    JsonObject file = new JsonObject(exported.body());
    assertEquals("tongban.matter/1", file.getString("format"));

    try (TestGateway other = TestGateway.start()) {
      String otherAuthor = other.token("author");
      HttpResponse<String> imported = other.send("POST", "/api/v1/matters/import", file.encode(),
          "Authorization", "Bearer " + otherAuthor, "Content-Type", "application/json");
      assertEquals(201, imported.statusCode(), imported.body());
      JsonObject reExported = new JsonObject(other.send("GET", "/api/v1/matters/t-export/export", null,
          "Authorization", "Bearer " + otherAuthor).body());
      assertEquals(file.getJsonObject("matter"), reExported.getJsonObject("matter"));
      assertEquals(strip(file.getJsonArray("forms")), strip(reExported.getJsonArray("forms")));
      HttpResponse<String> twice = other.send("POST", "/api/v1/matters/import", file.encode(),
          "Authorization", "Bearer " + otherAuthor, "Content-Type", "application/json");
      assertEquals(409, twice.statusCode());
      JsonObject tampered = file.copy();
      tampered.getJsonObject("matter").put("code", "t-export-tampered");
      tampered.getJsonArray("forms").getJsonObject(0).getJsonObject("schema").getJsonArray("examples")
          .getJsonObject(0).remove("name");
      HttpResponse<String> badVersion = other.send("POST", "/api/v1/matters/import", tampered.encode(),
          "Authorization", "Bearer " + otherAuthor, "Content-Type", "application/json");
      assertEquals(422, badVersion.statusCode(), "a published version is checked as publishing would");
      assertTrue(pointers(badVersion).contains("/forms/0/schema/examples/0/name"), badVersion.body());
      assertEquals(0, other.count("select count(*) from matter where code = 't-export-tampered'"));
      JsonObject twoPublished = file.copy();
      twoPublished.getJsonObject("matter").put("code", "t-export-two");
      twoPublished.getJsonArray("forms").getJsonObject(1).put("status", "PUBLISHED");
      HttpResponse<String> two = other.send("POST", "/api/v1/matters/import", twoPublished.encode(),
          "Authorization", "Bearer " + otherAuthor, "Content-Type", "application/json");
      assertEquals(422, two.statusCode(), "one published version at a time: " + two.body());
      HttpResponse<String> wrongFormat = other.send("POST", "/api/v1/matters/import",
          file.copy().put("format", "other/9").encode(), "Authorization", "Bearer " + otherAuthor,
          "Content-Type", "application/json");
      assertEquals(422, wrongFormat.statusCode());
    }
  }

  @Test
  void graphqlMutationsAuthorThroughTheSameService() throws Exception {
    String mutations = """
        mutation($doc: JSON!, $def: JSON!, $data: JSON!) {
          createMatter(document: $doc) { code name form { version } }
          createFormDraft(matterCode: "t-graphql", definition: $def) { version status }
          dryRunForm(matterCode: "t-graphql", version: 1, data: $data) { valid violations { pointer } }
          publishForm(matterCode: "t-graphql", version: 1) { version status }
        }""";
    JsonObject vars = new JsonObject().put("doc", matterDoc("t-graphql")).put("def", formDef())
        .put("data", new JsonObject());
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", mutations)
        .put("variables", vars).encode(), "Authorization", "Bearer " + author, "Content-Type", "application/json");
    JsonObject data = new JsonObject(r.body()).getJsonObject("data");
    assertNull(new JsonObject(r.body()).getValue("errors"), r.body());
    assertEquals("t-graphql", data.getJsonObject("createMatter").getString("code"));
    assertEquals("DRAFT", data.getJsonObject("createFormDraft").getString("status"));
    assertFalse(data.getJsonObject("dryRunForm").getBoolean("valid"));
    assertEquals("PUBLISHED", data.getJsonObject("publishForm").getString("status"));
    JsonObject versions = new JsonObject(gateway.send("POST", "/graphql", new JsonObject()
        .put("query", "{ formVersions(matterCode: \"t-graphql\") { version status } }").encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json").body());
    assertEquals("forbidden", versions.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getString("code"), "only form authors see drafts");
  }

  /** Versions without their timestamps, which an import sets anew. */
  private static JsonArray strip(JsonArray forms) {
    JsonArray out = new JsonArray();
    forms.forEach(f -> {
      JsonObject c = ((JsonObject) f).copy();
      c.remove("createdAt");
      c.remove("publishedAt");
      out.add(c);
    });
    return out;
  }
}
