package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the form builder needs from the API: the field-type catalogue, the working draft with its optimistic
 * revision check, and a form assembled from the catalogue's fragments — conditional requirement included —
 * that publishes and is enforced by the server at submission.
 */
class FormBuilderApiTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static JsonObject matterDoc(String code) throws Exception {
    try (InputStream in = FormBuilderApiTest.class.getClassLoader()
        .getResourceAsStream("catalogue/mzj-elderly-preferential-card/matter.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).put("code", code)
          .put("name", "表单设计器测试事项");
    }
  }

  private static HttpResponse<String> put(String user, String path, JsonObject body) throws Exception {
    return gateway.send("PUT", path, body.encode(), "Authorization", "Bearer " + gateway.token(user),
        "Content-Type", "application/json");
  }

  private static JsonObject graphql(String user, String query, JsonObject variables) throws Exception {
    return new JsonObject(gateway.send("POST", "/graphql", new JsonObject().put("query", query)
        .put("variables", variables).encode(), "Content-Type", "application/json", "Authorization",
        "Bearer " + gateway.token(user)).body());
  }

  private static JsonObject fieldType(JsonArray types, String type) {
    return types.stream().map(JsonObject.class::cast).filter(t -> type.equals(t.getString("type"))).findFirst()
        .orElseThrow().copy();
  }

  @Test
  void fieldTypesCarryStandardSchemaAndWidgetForAuthorsOnly() throws Exception {
    JsonArray types = new JsonArray(gateway.get("author", "/api/v1/form-field-types").body());
    List<String> names = types.stream().map(t -> ((JsonObject) t).getString("type")).toList();
    assertEquals(List.of("text", "longText", "number", "money", "date", "dateRange", "singleChoice", "multipleChoice",
        "idNumber", "creditCode", "mobile", "address", "material", "group", "section", "step"), names);
    for (Object o : types) {
      JsonObject t = (JsonObject) o;
      assertFalse(t.getString("label").isBlank(), t.encode());
      assertFalse(t.getString("labelEn").isBlank(), t.encode());
      if (!"step".equals(t.getString("type"))) {
        assertTrue(t.getJsonObject("schema").containsKey("type"), t.encode());
        assertTrue(t.getJsonObject("schema").getString("title").matches(".*\\p{IsHan}.*"), t.encode());
      }
    }
    JsonArray regions = fieldType(types, "address").getJsonObject("schema").getJsonObject("properties")
        .getJsonObject("region").getJsonArray("oneOf");
    assertEquals("河南省郑州市新密市青屏街街道", regions.getJsonObject(0).getString("title"));
    assertEquals(403, gateway.get("clerk", "/api/v1/form-field-types").statusCode());
    assertEquals(401, gateway.send("GET", "/api/v1/form-field-types", null).statusCode());
    JsonObject gql = graphql("admin", "{ formFieldTypes }", new JsonObject());
    assertEquals(types.size(), gql.getJsonObject("data").getJsonArray("formFieldTypes").size(), gql.encode());
  }

  @Test
  void theLaterOfTwoConcurrentSavesIsRefusedNotSilentlyApplied() throws Exception {
    String code = "t-builder-draft";
    assertEquals(201, gateway.post("author", "/api/v1/matters", matterDoc(code)).statusCode());
    String path = "/api/v1/matters/" + code + "/draft";
    JsonObject none = TestGateway.ok(gateway.get("author", path));
    assertEquals(0, none.getInteger("revision"));
    assertFalse(none.containsKey("definition"));

    JsonObject first = form("第一稿");
    JsonObject saved = TestGateway.ok(put("author", path, new JsonObject().put("definition", first).put("revision", 0)));
    assertEquals(1, saved.getInteger("revision"));
    assertEquals("author", saved.getString("updatedBy"));
    // Two authors both opened revision 1; the admin saves first, the author's save comes later.
    assertEquals(2, TestGateway.ok(put("admin", path, new JsonObject().put("definition", form("管理员的修改"))
        .put("revision", 1))).getInteger("revision"));
    HttpResponse<String> late = put("author", path, new JsonObject().put("definition", form("作者的修改"))
        .put("revision", 1));
    assertEquals(409, late.statusCode(), late.body());
    JsonObject problem = new JsonObject(late.body());
    assertEquals("stale-version", problem.getString("code"));
    assertTrue(problem.getString("detail").contains("admin") && problem.getString("detail").contains("第 2 稿")
        && problem.getString("detail").contains("第 1 稿"), problem.getString("detail"));
    // Nothing was overwritten.
    JsonObject now = TestGateway.ok(gateway.get("author", path));
    assertEquals(2, now.getInteger("revision"));
    assertEquals("管理员的修改", now.getJsonObject("definition").getJsonObject("schema").getString("title"));
    // A second "first save" is also a conflict, not an overwrite.
    assertEquals(409, put("author", path, new JsonObject().put("definition", first).put("revision", 0)).statusCode());

    // GraphQL: the same service, the same rule.
    JsonObject ok = graphql("author", "mutation($c: String!, $d: JSON!) { saveWorkingDraft(matterCode: $c,"
        + " definition: $d, revision: 2) }", new JsonObject().put("c", code).put("d", form("GraphQL 稿")));
    assertEquals(3, ok.getJsonObject("data").getJsonObject("saveWorkingDraft").getInteger("revision"), ok.encode());
    JsonObject stale = graphql("author", "mutation($c: String!, $d: JSON!) { saveWorkingDraft(matterCode: $c,"
        + " definition: $d, revision: 2) }", new JsonObject().put("c", code).put("d", form("晚到的")));
    assertEquals("stale-version", stale.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getString("code"), stale.encode());
    JsonObject read = graphql("author", "query($c: String!) { workingDraft(matterCode: $c) }",
        new JsonObject().put("c", code));
    assertEquals(3, read.getJsonObject("data").getJsonObject("workingDraft").getInteger("revision"));

    // Bad input: problem+json, never a 500; unknown matter 404; other roles 403.
    assertEquals(400, put("author", path, new JsonObject().put("definition", first).put("revision", -1)).statusCode());
    assertEquals(400, put("author", path, new JsonObject().put("revision", 3)).statusCode());
    assertEquals(404, put("author", "/api/v1/matters/no-such-matter/draft", new JsonObject().put("definition", first)
        .put("revision", 0)).statusCode());
    assertEquals(403, put("clerk", path, new JsonObject().put("definition", first).put("revision", 3)).statusCode());
  }

  private static JsonObject form(String title) {
    return new JsonObject().put("schema", new JsonObject().put("type", "object").put("title", title)
        .put("properties", new JsonObject().put("name", new JsonObject().put("type", "string").put("title", "姓名"))));
  }

  /**
   * A form assembled from the catalogue's fragments as the builder assembles it: every type, a choice whose
   * answer makes another field required (if/then, shown by visibleWhen), a repeating group and a material.
   */
  @Test
  void aFormBuiltFromTheCataloguePublishesAndTheServerEnforcesItsConditionalRequirement() throws Exception {
    String code = "t-builder-form";
    JsonObject matter = matterDoc(code);
    assertEquals(201, gateway.post("author", "/api/v1/matters", matter).statusCode());
    String material = matter.getJsonArray("materials").getJsonObject(0).getString("code");
    JsonArray types = new JsonArray(gateway.get("author", "/api/v1/form-field-types").body());

    JsonObject props = new JsonObject();
    JsonObject widgets = new JsonObject();
    for (String t : List.of("text", "longText", "number", "money", "date", "dateRange", "multipleChoice", "idNumber",
        "creditCode", "mobile", "address", "material")) {
      JsonObject type = fieldType(types, t);
      props.put(type.getString("key"), type.getJsonObject("schema"));
      if (type.getJsonObject("uiSchema").containsKey("widget")) {
        widgets.put("/" + type.getString("key"), type.getJsonObject("uiSchema").getString("widget"));
      }
    }
    JsonObject choice = fieldType(types, "singleChoice").getJsonObject("schema").put("title", "是否有代理人")
        .put("oneOf", new JsonArray().add(new JsonObject().put("const", "YES").put("title", "有"))
            .add(new JsonObject().put("const", "NO").put("title", "没有")));
    props.put("hasAgent", choice).put("agentName", fieldType(types, "text").getJsonObject("schema").put("title", "代理人姓名"));
    JsonObject group = fieldType(types, "group").getJsonObject("schema").put("title", "家庭成员");
    group.getJsonObject("items").put("title", "家庭成员").put("required", new JsonArray().add("name"))
        .getJsonObject("properties").put("name", new JsonObject().put("type", "string").put("title", "姓名"))
        .put("idNumber", fieldType(types, "idNumber").getJsonObject("schema"));
    props.put("familyMembers", group);
    JsonObject when = new JsonObject().put("properties", new JsonObject().put("hasAgent", new JsonObject()
        .put("const", "YES"))).put("required", new JsonArray().add("hasAgent"));
    JsonObject example = new JsonObject().put("text", "张三").put("number", 3).put("amount", 1234.56)
        .put("date", "2026-12-06").put("period", new JsonObject().put("start", "2026-01-01").put("end", "2026-12-31"))
        .put("choices", new JsonArray().add("A")).put("idNumber", "410183198001010016")
        .put("creditCode", "91410183MA9ABCDE1T").put("mobile", "13800138000")
        .put("address", new JsonObject().put("region", "410183001").put("detail", "青屏大街 1 号"))
        .put("material", true).put("hasAgent", "NO")
        .put("familyMembers", new JsonArray().add(new JsonObject().put("name", "李四").put("idNumber", "410183201005050028")));
    JsonObject schema = new JsonObject().put("$schema", "https://json-schema.org/draft/2020-12/schema")
        .put("type", "object").put("title", "表单设计器测试表").put("additionalProperties", false).put("properties", props)
        .put("required", new JsonArray().add("text").add("idNumber").add("hasAgent").add("familyMembers"))
        .put("allOf", new JsonArray().add(new JsonObject().put("if", when)
            .put("then", new JsonObject().put("required", new JsonArray().add("agentName")))))
        .put("examples", new JsonArray().add(example));
    JsonArray fields = new JsonArray();
    props.fieldNames().forEach(n -> fields.add("/" + n));
    JsonObject definition = new JsonObject().put("schema", schema)
        .put("uiSchema", new JsonObject().put("steps", new JsonArray().add(new JsonObject().put("title", "申请信息")
            .put("fields", fields))).put("widgets", widgets.put("/hasAgent", "radio"))
            .put("visibleWhen", new JsonObject().put("/agentName", when)))
        .put("handlers", new JsonArray().add(new JsonObject().put("id", "identity-check").put("config", new JsonObject()
            .put("idNumbers", new JsonArray().add("/idNumber")).put("creditCodes", new JsonArray().add("/creditCode"))
            .put("phones", new JsonArray().add("/mobile")))))
        .put("materialBindings", new JsonArray().add(new JsonObject().put("material", material).put("field", "/material")));

    // Saved as a working draft, frozen as a version, published: the server accepts what the builder makes.
    TestGateway.ok(put("author", "/api/v1/matters/" + code + "/draft", new JsonObject().put("definition", definition)
        .put("revision", 0)));
    HttpResponse<String> created = gateway.post("author", "/api/v1/matters/" + code + "/forms", definition);
    assertEquals(201, created.statusCode(), created.body());
    int version = new JsonObject(created.body()).getInteger("version");
    HttpResponse<String> published = gateway.post("author", "/api/v1/matters/" + code + "/forms/" + version
        + "/publish", new JsonObject());
    assertEquals(200, published.statusCode(), published.body());

    // The choice that reveals the agent's name makes it required: the API refuses the submission without it.
    JsonObject data = example.copy().put("hasAgent", "YES");
    HttpResponse<String> refused = gateway.post("citizen", "/api/v1/applications", new JsonObject()
        .put("matterCode", code).put("channel", "WEB").put("data", data));
    assertEquals(422, refused.statusCode(), refused.body());
    JsonArray violations = new JsonObject(refused.body()).getJsonArray("violations");
    assertTrue(violations.stream().map(JsonObject.class::cast).anyMatch(v -> "/data/agentName".equals(v.getString("pointer"))
        && v.getString("message").contains("代理人姓名")), violations.encode());
    // Money has two decimals at most; the GB 11643 check digit is checked by the server too.
    HttpResponse<String> cents = gateway.post("citizen", "/api/v1/applications", new JsonObject()
        .put("matterCode", code).put("channel", "WEB").put("data", example.copy().put("amount", 12.345)
            .put("idNumber", "410183198001010017")));
    assertEquals(422, cents.statusCode(), cents.body());
    String pointers = new JsonObject(cents.body()).getJsonArray("violations").encode();
    assertTrue(pointers.contains("/data/amount") && pointers.contains("/data/idNumber"), pointers);
    // A family member's number in the repeating group is held to its check digit as well (format gb11643).
    HttpResponse<String> member = gateway.post("citizen", "/api/v1/applications", new JsonObject()
        .put("matterCode", code).put("channel", "WEB").put("data", example.copy().put("familyMembers",
            new JsonArray().add(new JsonObject().put("name", "李四").put("idNumber", "410183201005050029")))));
    assertEquals(422, member.statusCode(), member.body());
    String memberPointers = new JsonObject(member.body()).getJsonArray("violations").encode();
    assertTrue(memberPointers.contains("/data/familyMembers/0/idNumber"), memberPointers);
    HttpResponse<String> accepted = gateway.post("citizen", "/api/v1/applications", new JsonObject()
        .put("matterCode", code).put("channel", "WEB").put("data", data.put("agentName", "王五")));
    assertEquals(201, accepted.statusCode(), accepted.body());
  }

  private static HttpResponse<String> post(String user, String path, JsonObject body, String language) throws Exception {
    return gateway.send("POST", path, body.encode(), "Authorization", "Bearer " + gateway.token(user),
        "Content-Type", "application/json", "Accept-Language", language);
  }

  private static String messageAt(HttpResponse<String> response, String pointer) {
    JsonObject body = new JsonObject(response.body());
    JsonArray violations = body.containsKey("violations") ? body.getJsonArray("violations") : new JsonArray();
    return violations.stream().map(JsonObject.class::cast).filter(v -> pointer.equals(v.getString("pointer")))
        .map(v -> v.getString("message")).findFirst().orElse("(none at " + pointer + " in " + response.body() + ")");
  }

  /**
   * The builder's 试填 and 查看变更 work on the working draft itself (no version is made), and the server's
   * messages are the form's own: its plain-language messages, and English titles and messages for an English
   * reader — in a dry run and at a real submission alike. The condition sits inside a section (if/then there).
   */
  @Test
  void theWorkingDraftIsTriedAndComparedWithoutVersionsAndViolationsSpeakTheFormsOwnWords() throws Exception {
    String code = "t-builder-texts";
    assertEquals(201, gateway.post("author", "/api/v1/matters", matterDoc(code)).statusCode());
    JsonObject when = new JsonObject().put("properties", new JsonObject().put("married", new JsonObject()
        .put("const", "YES"))).put("required", new JsonArray().add("married"));
    JsonObject household = new JsonObject().put("type", "object").put("title", "家庭情况")
        .put("properties", new JsonObject()
            .put("married", new JsonObject().put("type", "string").put("title", "是否已婚").put("oneOf", new JsonArray()
                .add(new JsonObject().put("const", "YES").put("title", "已婚"))
                .add(new JsonObject().put("const", "NO").put("title", "未婚"))))
            .put("spouseName", new JsonObject().put("type", "string").put("title", "配偶姓名")))
        .put("required", new JsonArray().add("married"))
        .put("allOf", new JsonArray().add(new JsonObject().put("if", when)
            .put("then", new JsonObject().put("required", new JsonArray().add("spouseName")))));
    JsonObject example = new JsonObject().put("phone", "13800138000")
        .put("household", new JsonObject().put("married", "NO"));
    JsonObject schema = new JsonObject().put("type", "object").put("title", "文字测试表").put("additionalProperties", false)
        .put("properties", new JsonObject().put("phone", new JsonObject().put("type", "string").put("title", "联系电话")
            .put("pattern", "^1[0-9]{10}$")).put("household", household))
        .put("required", new JsonArray().add("phone").add("household")).put("examples", new JsonArray().add(example));
    JsonObject definition = new JsonObject().put("schema", schema).put("uiSchema", new JsonObject()
        .put("steps", new JsonArray().add(new JsonObject().put("title", "申请信息")
            .put("fields", new JsonArray().add("/phone").add("/household"))))
        .put("visibleWhen", new JsonObject().put("/household/spouseName", new JsonObject()
            .put("properties", new JsonObject().put("household", when)).put("required", new JsonArray().add("household"))))
        .put("messages", new JsonObject().put("/phone", new JsonObject().put("pattern", "请填写 11 位手机号，以 1 开头。")))
        .put("i18n", new JsonObject().put("en", new JsonObject()
            .put("/phone", new JsonObject().put("title", "Phone").put("messages", new JsonObject()
                .put("pattern", "Enter an 11-digit mobile number starting with 1.")))
            .put("/household/spouseName", new JsonObject().put("title", "Spouse's name")))));
    String base = "/api/v1/matters/" + code;
    TestGateway.ok(put("author", base + "/draft", new JsonObject().put("definition", definition).put("revision", 0)));

    JsonObject bad = new JsonObject().put("data", new JsonObject().put("phone", "23800")
        .put("household", new JsonObject().put("married", "YES")));
    HttpResponse<String> zh = post("author", base + "/draft/dry-run", bad, "zh-CN");
    assertEquals(200, zh.statusCode(), zh.body());
    assertFalse(new JsonObject(zh.body()).getBoolean("valid"));
    assertEquals("请填写 11 位手机号，以 1 开头。", messageAt(zh, "/data/phone"));
    assertTrue(messageAt(zh, "/data/household/spouseName").contains("配偶姓名"), zh.body());
    HttpResponse<String> en = post("author", base + "/draft/dry-run", bad, "en-GB,en;q=0.9");
    assertEquals("Enter an 11-digit mobile number starting with 1.", messageAt(en, "/data/phone"));
    assertTrue(messageAt(en, "/data/household/spouseName").contains("Spouse's name"), en.body());
    assertTrue(new JsonObject(post("author", base + "/draft/dry-run", new JsonObject().put("data", example), "zh-CN")
        .body()).getBoolean("valid"));

    JsonObject first = TestGateway.ok(gateway.get("author", base + "/draft/changes"));
    assertFalse(first.containsKey("from"), first.encode());
    assertEquals(1, first.getInteger("draftRevision"));
    assertTrue(first.getJsonArray("added").encode().contains("/household/spouseName"), first.encode());
    // Neither the tries nor the comparison made a version.
    assertEquals(0, new JsonArray(gateway.get("author", base + "/forms").body()).size());

    HttpResponse<String> created = gateway.post("author", base + "/forms", definition);
    int version = new JsonObject(created.body()).getInteger("version");
    assertEquals(1, version, created.body());
    assertEquals(200, gateway.post("author", base + "/forms/1/publish", new JsonObject()).statusCode());
    // A real submission speaks the same words, in the reader's language.
    HttpResponse<String> refused = post("citizen", "/api/v1/applications", new JsonObject().put("matterCode", code)
        .put("channel", "WEB").put("data", bad.getJsonObject("data")), "en");
    assertEquals(422, refused.statusCode(), refused.body());
    assertEquals("Enter an 11-digit mobile number starting with 1.", messageAt(refused, "/data/phone"));
    assertTrue(messageAt(refused, "/data/household/spouseName").contains("Spouse's name"), refused.body());

    definition.getJsonObject("schema").getJsonObject("properties").put("email", new JsonObject().put("type", "string")
        .put("title", "电子邮箱"));
    TestGateway.ok(put("author", base + "/draft", new JsonObject().put("definition", definition).put("revision", 1)));
    JsonObject second = TestGateway.ok(gateway.get("author", base + "/draft/changes"));
    assertEquals(1, second.getInteger("from"));
    assertEquals("[{\"field\":\"/email\",\"title\":\"电子邮箱\"}]", second.getJsonArray("added").encode());
    JsonObject gql = graphql("author", "query($c: String!) { workingDraftChanges(matterCode: $c, since: 1) }",
        new JsonObject().put("c", code));
    assertEquals(second.getJsonArray("added"), gql.getJsonObject("data").getJsonObject("workingDraftChanges")
        .getJsonArray("added"), gql.encode());
    JsonObject tried = graphql("author", "mutation($c: String!, $d: JSON!) { dryRunWorkingDraft(matterCode: $c,"
        + " data: $d) { valid violations { pointer message } } }", new JsonObject().put("c", code)
        .put("d", bad.getJsonObject("data")));
    assertEquals("请填写 11 位手机号，以 1 开头。", tried.getJsonObject("data").getJsonObject("dryRunWorkingDraft")
        .getJsonArray("violations").stream().map(JsonObject.class::cast)
        .filter(v -> "/data/phone".equals(v.getString("pointer"))).findFirst().orElseThrow().getString("message"));
    assertEquals(1, new JsonArray(gateway.get("author", base + "/forms").body()).size());

    // No draft saved: 404; other roles 403.
    assertEquals(201, gateway.post("author", "/api/v1/matters", matterDoc("t-builder-no-draft")).statusCode());
    HttpResponse<String> none = gateway.post("author", "/api/v1/matters/t-builder-no-draft/draft/dry-run",
        new JsonObject().put("data", new JsonObject()));
    assertEquals(404, none.statusCode(), none.body());
    assertEquals("not-found", new JsonObject(none.body()).getString("code"));
    assertEquals(403, gateway.post("clerk", base + "/draft/dry-run", bad).statusCode());
  }
}
