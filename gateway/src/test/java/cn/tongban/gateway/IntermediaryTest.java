package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.intermediary.IntermediaryRules;
import cn.tongban.plugin.CreditCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 中介超市 through REST and GraphQL: registration (credit code, qualifications, services checked at their
 * pointers), selection by direct choice, a seeded draw and competitive quotes among eligible organisations only,
 * contract and result, both sides' evaluations, the credit score, the automatic and the supervisor's blacklist
 * and its lifting — and a blacklisted or expired organisation is never drawn.
 */
class IntermediaryTest {
  private static final String SERVICE = "建筑日照分析";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final Map<String, String> TOKENS = new HashMap<>();
  private static TestGateway gateway;
  private static String owner;
  private static LocalDate today;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0"));
    today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
    // The demo citizen acts for a construction enterprise of its own: the project owner.
    owner = CreditCode.withCheck("91410183MA4T00001");
    claimed(call("citizen", "POST", "/api/v1/enterprises", new JsonObject().put("creditCode", owner)
        .put("name", "测试建设有限公司")));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  // ------------------------------------------------------------------------------------------- the story

  @Test
  void selectedEvaluatedBlacklistedAfterBadEvaluationsAndNoLongerDrawnUntilLifted() throws Exception {
    String a = register("supervisor", "测试日照甲公司", today.plusYears(1)).getString("id");
    String b = register("admin", "测试日照乙公司", today.plusYears(1)).getString("id");
    String expired = register("admin", "测试日照过期公司", today.minusDays(1)).getString("id");

    // A seeded draw: the candidates on record are the eligible ones, the pick is redone from the seed.
    JsonObject drawn = created(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DRAW")
        .put("seed", 42)));
    assertEquals("42", drawn.getString("seed"));
    List<Long> candidates = drawn.getJsonArray("candidates").stream().map(c -> Long.parseLong((String) c)).toList();
    assertTrue(candidates.contains(Long.parseLong(a)) && candidates.contains(Long.parseLong(b)), drawn.encode());
    assertFalse(candidates.contains(Long.parseLong(expired)), "an expired qualification is not a candidate");
    assertEquals(String.valueOf(IntermediaryRules.draw(42, candidates)),
        drawn.getJsonObject("intermediary").getString("id"));
    JsonObject again = created(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DRAW")
        .put("seed", "42")));
    assertEquals(drawn.getJsonObject("intermediary").getString("id"), again.getJsonObject("intermediary").getString("id"));
    problem(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DIRECT")
        .put("intermediaryId", expired)), 422, "validation-failed", "/intermediaryId");

    // The organisation's own people (a citizen acting for its credit code) take part as its side.
    String orgPerson = newCitizen();
    String aCode = get(null, "/api/v1/intermediaries/" + a).getString("creditCode");
    claimed(call(orgPerson, "POST", "/api/v1/enterprises", new JsonObject().put("creditCode", aCode)
        .put("name", "测试日照甲公司")));

    // Three bad pieces of work: 100 → 80 → 60 → 40, below the threshold of 60 → blacklisted automatically.
    int[] expected = {80, 60, 40};
    for (int i = 0; i < 3; i++) {
      String s = finished(a, today.plusDays(5));
      if (i == 0) {
        // Who may do what on a selection.
        problem(call("clerk", "GET", "/api/v1/intermediaries/selections/" + s, null), 404, "not-found", null);
        assertEquals(s, get(orgPerson, "/api/v1/intermediaries/selections/" + s).getString("id"));
        problem(call(orgPerson, "POST", "/api/v1/intermediaries/selections/" + s + "/actions",
            new JsonObject().put("action", "COMPLETE").put("result", "x")), 403, "forbidden", null);
        problem(call("supervisor", "POST", "/api/v1/intermediaries/" + a + "/evaluations",
            new JsonObject().put("selectionId", s).put("grade", 5)), 403, "forbidden", null);
        problem(call("citizen", "POST", "/api/v1/intermediaries/" + b + "/evaluations",
            new JsonObject().put("selectionId", s).put("grade", 5)), 404, "not-found", null);
        problem(call("citizen", "POST", "/api/v1/intermediaries/" + a + "/evaluations",
            new JsonObject().put("selectionId", s).put("grade", 9)), 422, "validation-failed", "/grade");
        // The organisation grades the owner: on record with the selection, not in its own score.
        JsonObject byOrg = created(call(orgPerson, "POST", "/api/v1/intermediaries/" + a + "/evaluations",
            new JsonObject().put("selectionId", s).put("grade", 4).put("comment", "业主配合良好")));
        assertEquals("INTERMEDIARY", byOrg.getJsonArray("evaluations").getJsonObject(0).getString("side"));
      }
      JsonObject evaluated = created(call("citizen", "POST", "/api/v1/intermediaries/" + a + "/evaluations",
          new JsonObject().put("selectionId", s).put("grade", 1).put("comment", "成果错误，多次返工")));
      assertTrue(evaluated.getJsonArray("evaluations").stream()
          .anyMatch(e -> "OWNER".equals(((JsonObject) e).getString("side"))));
      problem(call("citizen", "POST", "/api/v1/intermediaries/" + a + "/evaluations",
          new JsonObject().put("selectionId", s).put("grade", 5)), 409, "illegal-transition", null);
      JsonObject org = get(null, "/api/v1/intermediaries/" + a);
      assertEquals(expected[i], org.getInteger("creditScore"), org.encode());
      assertEquals(i == 2, org.getBoolean("blacklisted"), org.encode());
    }

    // The public listing: score, status and reason; no personal data, no comments.
    JsonObject listed = find(get(null, "/api/v1/intermediaries?service=" + enc(SERVICE)), a);
    assertTrue(listed.getBoolean("blacklisted"));
    assertTrue(listed.getString("blacklistReason").contains("低于黑名单阈值 60"), listed.encode());
    assertEquals(3, listed.getLong("evaluations"));
    assertFalse(listed.encode().contains("account:") || listed.encode().contains("多次返工"), listed.encode());
    assertTrue(get(null, "/api/v1/intermediaries?blacklisted=true").getJsonArray("items").stream()
        .anyMatch(o -> a.equals(((JsonObject) o).getString("id"))));

    // No longer drawn, whatever the seed; not selectable directly nor by quotes.
    for (long seed = 1; seed <= 25; seed++) {
      JsonObject d = created(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DRAW")
          .put("seed", seed)));
      assertNotEquals(a, d.getJsonObject("intermediary").getString("id"), "seed " + seed);
      assertFalse(d.getJsonArray("candidates").contains(a), "seed " + seed);
    }
    problem(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DIRECT").put("intermediaryId", a)),
        422, "validation-failed", "/intermediaryId");
    problem(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("QUOTES").put("quotes",
        new JsonArray().add(quote(a, "1000")).add(quote(b, "2000")))), 422, "validation-failed",
        "/quotes/0/intermediaryId");

    // A supervisor lifts it (reason on record); selectable again. Lifting twice → 409; others may not.
    problem(call("citizen", "POST", "/api/v1/intermediaries/" + a + "/blacklist", new JsonObject()
        .put("action", "LIFT").put("reason", "x")), 403, "forbidden", null);
    problem(call("supervisor", "POST", "/api/v1/intermediaries/" + a + "/blacklist", new JsonObject()
        .put("action", "LIFT")), 422, "validation-failed", "/reason");
    JsonObject lifted = ok(call("supervisor", "POST", "/api/v1/intermediaries/" + a + "/blacklist", new JsonObject()
        .put("action", "LIFT").put("reason", "已整改并通过复核")));
    assertFalse(lifted.getBoolean("blacklisted"));
    problem(call("supervisor", "POST", "/api/v1/intermediaries/" + a + "/blacklist", new JsonObject()
        .put("action", "LIFT").put("reason", "再次")), 409, "illegal-transition", null);
    JsonObject quoted = created(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("QUOTES")
        .put("quotes", new JsonArray().add(quote(b, "2000.50")).add(quote(a, "1800")))));
    assertEquals(a, quoted.getJsonObject("intermediary").getString("id"), "the lowest quote wins");

    // A supervisor's own decision, over GraphQL; the history keeps every decision with its reason.
    JsonObject viaGraphql = graphql("supervisor", "mutation($id: String!, $i: JSON!) { setIntermediaryBlacklist(id: $id,"
        + " input: $i) }", new JsonObject().put("id", a).put("i", new JsonObject().put("action", "BLACKLIST")
        .put("reason", "监督检查发现超资质承揽")));
    assertTrue(viaGraphql.getJsonObject("data").getJsonObject("setIntermediaryBlacklist").getBoolean("blacklisted"));
    JsonArray history = get(null, "/api/v1/intermediaries/" + a).getJsonArray("blacklistHistory");
    assertEquals(List.of("BLACKLIST", "LIFT", "BLACKLIST"), history.stream()
        .map(h -> ((JsonObject) h).getString("action")).toList());
    assertTrue(history.getJsonObject(0).getBoolean("automatic"));
    assertEquals("监督检查发现超资质承揽", history.getJsonObject(2).getString("reason"));
    JsonObject listedByGraphql = graphql(null, "query($s: String) { intermediaries(service: $s) }",
        new JsonObject().put("s", SERVICE)).getJsonObject("data").getJsonObject("intermediaries");
    assertTrue(find(listedByGraphql, a).getBoolean("blacklisted"));

    // The audit trail and the outbox have every step.
    assertEquals(3, gateway.count("select count(*) from audit_event where entity_type = 'intermediary' and entity_id = '"
        + a + "' and action in ('intermediary.blacklisted', 'intermediary.lifted')"));
    assertTrue(gateway.count("select count(*) from outbox_event where aggregate_type = 'intermediary' and aggregate_id = '"
        + a + "' and event_type = 'IntermediaryBlacklisted'") == 2);
  }

  @Test
  void workFinishedLateOrStillOpenPastItsDayCountsAsOverdue() throws Exception {
    String c = register("admin", "测试日照逾期公司", today.plusYears(1)).getString("id");
    // Finished after the promised day.
    String s = created(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DIRECT")
        .put("intermediaryId", c))).getString("id");
    ok(call("citizen", "POST", "/api/v1/intermediaries/selections/" + s + "/actions", new JsonObject()
        .put("action", "CONTRACT").put("contractNo", "HT-1").put("amount", 1000).put("promisedOn",
            today.minusDays(3).toString())));
    problem(call("citizen", "POST", "/api/v1/intermediaries/selections/" + s + "/actions", new JsonObject()
        .put("action", "CONTRACT").put("contractNo", "HT-1").put("amount", 1000).put("promisedOn",
            today.toString())), 409, "illegal-transition", null);
    JsonObject done = ok(call("citizen", "POST", "/api/v1/intermediaries/selections/" + s + "/actions",
        new JsonObject().put("action", "COMPLETE").put("result", "报告已交付")));
    assertTrue(done.getBoolean("overdue"));
    assertEquals(90, get(null, "/api/v1/intermediaries/" + c).getInteger("creditScore"));
    // Still open past its day: the periodic pass counts it once.
    String open = created(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DIRECT")
        .put("intermediaryId", c))).getString("id");
    ok(call("citizen", "POST", "/api/v1/intermediaries/selections/" + open + "/actions", new JsonObject()
        .put("action", "CONTRACT").put("contractNo", "HT-2").put("amount", "500.5").put("promisedOn",
            today.minusDays(1).toString())));
    gateway.platform().intermediaries().scan().toCompletionStage().toCompletableFuture().get();
    gateway.platform().intermediaries().scan().toCompletionStage().toCompletableFuture().get();
    JsonObject org = get(null, "/api/v1/intermediaries/" + c);
    assertEquals(80, org.getInteger("creditScore"), org.encode());
    assertEquals(2, org.getLong("overdue"));
  }

  @Test
  void badInputIsAnsweredAtItsPointersAndNothingIsStored() throws Exception {
    long before = gateway.count("select count(*) from intermediary");
    JsonObject p = problem(call("admin", "POST", "/api/v1/intermediaries", new JsonObject()
        .put("creditCode", "91410100MA40000XX1").put("qualifications", new JsonArray().add(new JsonObject()
            .put("name", "资质").put("certificateNo", "1").put("validUntil", "2026-13-01")
            .put("services", new JsonArray().add("环境影响评价"))))), 422, "validation-failed", null);
    assertEquals(List.of("/creditCode", "/name", "/qualifications/0/validUntil", "/qualifications/0/services/0"),
        pointers(p));
    assertEquals(before, gateway.count("select count(*) from intermediary"));
    JsonObject first = register("admin", "测试重复公司", today.plusYears(1));
    problem(call("supervisor", "POST", "/api/v1/intermediaries", registration(first.getString("creditCode"), "又一家",
        today.plusYears(1))), 409, "intermediary-exists", null);
    problem(call("citizen", "POST", "/api/v1/intermediaries", registration(nextCode(), "x", today)), 403, "forbidden",
        null);
    problem(call("reviewer.zjj", "POST", "/api/v1/intermediaries", registration(nextCode(), "x", today)), 403,
        "forbidden", null);
    // A selection: every field at its pointer; a staff member or someone not acting for the owner is refused.
    JsonObject bad = problem(call("citizen", "POST", "/api/v1/intermediaries/selections", new JsonObject()
        .put("service", "不存在的服务").put("ownerCreditCode", "123").put("method", "LOTTERY")), 422,
        "validation-failed", null);
    assertEquals(List.of("/service", "/projectCode", "/ownerCreditCode", "/method"), pointers(bad));
    problem(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DRAW")
        .put("matterCode", "zjj-construction-permit")), 422, "validation-failed", "/matterCode");
    problem(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("QUOTES")
        .put("quotes", new JsonArray().add(quote(first.getString("id"), "-1")))), 422, "validation-failed", "/quotes");
    problem(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DRAW")
        .put("ownerCreditCode", nextCode())), 403, "forbidden", null);
    problem(call("clerk", "POST", "/api/v1/intermediaries/selections", selection("DRAW")), 403, "forbidden", null);
    problem(call(null, "GET", "/api/v1/intermediaries/999999", null), 404, "not-found", null);
  }

  @Test
  void anOrganisationIsEditedItsExpiredQualificationRenewedAndTheOwnerListsItsSelections() throws Exception {
    JsonObject org = register("admin", "测试日照续期公司", today.minusDays(1));
    String id = org.getString("id");
    String qualification = org.getJsonArray("qualifications").getJsonObject(0).getString("id");
    problem(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DIRECT")
        .put("intermediaryId", id)), 422, "validation-failed", "/intermediaryId");

    // Editing: oversight only, at least one field, problems at their pointers; audited with before and after.
    String path = "/api/v1/intermediaries/" + id;
    problem(call("citizen", "PUT", path, new JsonObject().put("name", "改名")), 403, "forbidden", null);
    problem(call("admin", "PUT", path, new JsonObject()), 422, "validation-failed", "");
    problem(call("admin", "PUT", path, new JsonObject().put("name", " ")), 422, "validation-failed", "/name");
    problem(call("admin", "PUT", "/api/v1/intermediaries/999999999", new JsonObject().put("name", "无此机构")), 404,
        "not-found", null);
    JsonObject edited = ok(call("supervisor", "PUT", path, new JsonObject().put("name", "测试日照续期有限公司")
        .put("address", "河南省新密市青屏大街1号")));
    assertEquals("测试日照续期有限公司", edited.getString("name"));
    assertEquals("河南省新密市青屏大街1号", edited.getString("address"));
    assertTrue(edited.containsKey("updatedAt"));
    assertEquals(org.getString("creditCode"), edited.getString("creditCode"), "the credit code stays");
    assertEquals(1, gateway.count("select count(*) from audit_event where action = 'intermediary.updated'"
        + " and entity_id = '" + id + "' and detail->'before'->>'name' = '测试日照续期公司'"));
    JsonObject viaGraphql = graphql("admin", "mutation($id: String!, $i: JSON!) { updateIntermediary(id: $id,"
        + " input: $i) }", new JsonObject().put("id", id).put("i", new JsonObject().put("introduction", "专业日照分析")));
    assertEquals("专业日照分析", viaGraphql.getJsonObject("data").getJsonObject("updateIntermediary")
        .getString("introduction"));

    // Renewal: a later expiry, not in the past; the organisation is eligible again.
    String renew = path + "/qualifications/" + qualification + "/renewals";
    problem(call("clerk", "POST", renew, new JsonObject().put("validUntil", today.plusYears(2).toString())), 403,
        "forbidden", null);
    problem(call("admin", "POST", renew, new JsonObject().put("validUntil", today.minusDays(2).toString())), 422,
        "validation-failed", "/validUntil");
    problem(call("admin", "POST", renew, new JsonObject().put("validUntil", "2027-02-30")), 422, "validation-failed",
        "/validUntil");
    problem(call("admin", "POST", path + "/qualifications/999999999/renewals", new JsonObject()
        .put("validUntil", today.plusYears(2).toString())), 404, "not-found", null);
    JsonObject renewed = ok(call("admin", "POST", renew, new JsonObject().put("validUntil", today.plusYears(2).toString())
        .put("certificateNo", "T-renewed-" + id)));
    JsonObject q = renewed.getJsonArray("qualifications").getJsonObject(0);
    assertEquals(today.plusYears(2).toString(), q.getString("validUntil"));
    assertEquals("T-renewed-" + id, q.getString("certificateNo"));
    assertFalse(q.getBoolean("expired"));
    assertTrue(q.containsKey("renewedAt"));
    assertEquals(1, gateway.count("select count(*) from audit_event where action = 'intermediary.qualificationRenewed'"
        + " and entity_id = '" + id + "' and detail->>'validUntilBefore' = '" + today.minusDays(1) + "'"));
    problem(call("admin", "POST", renew, new JsonObject().put("validUntil", today.plusYears(1).toString())), 422,
        "validation-failed", "/validUntil");
    String s = created(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DIRECT")
        .put("intermediaryId", id).put("projectCode", "2026-410183-47-01-R00001"))).getString("id");

    // The owner's selections: the citizen's enterprises' (one project, or one owner of theirs); oversight all.
    JsonArray mine = get("citizen", "/api/v1/intermediary-selections?projectCode=2026-410183-47-01-R00001")
        .getJsonArray("items");
    assertEquals(List.of(s), mine.stream().map(o -> ((JsonObject) o).getString("id")).toList());
    assertTrue(get("citizen", "/api/v1/intermediary-selections?ownerCreditCode=" + owner).getJsonArray("items")
        .stream().anyMatch(o -> s.equals(((JsonObject) o).getString("id"))));
    problem(call("citizen", "GET", "/api/v1/intermediary-selections?ownerCreditCode=91440300708461136T", null), 403,
        "forbidden", null);
    problem(call("clerk", "GET", "/api/v1/intermediary-selections", null), 403, "forbidden", null);
    assertTrue(get("supervisor", "/api/v1/intermediary-selections?projectCode=2026-410183-47-01-R00001")
        .getJsonArray("items").stream().anyMatch(o -> s.equals(((JsonObject) o).getString("id"))));
    JsonObject listed = graphql("citizen", "query($p: String) { intermediarySelections(projectCode: $p) }",
        new JsonObject().put("p", "2026-410183-47-01-R00001"));
    assertEquals(s, listed.getJsonObject("data").getJsonObject("intermediarySelections").getJsonArray("items")
        .getJsonObject(0).getString("id"));
  }

  @Test
  void theServicesListLinksEachServiceToTheMattersThatNeedIt() throws Exception {
    HttpResponse<String> r = gateway.send("GET", "/api/v1/intermediary-services", null);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject review = new JsonArray(r.body()).stream().map(o -> (JsonObject) o)
        .filter(o -> "施工图设计文件审查".equals(o.getString("service"))).findFirst().orElseThrow();
    assertEquals("zjj-construction-permit", review.getJsonArray("matters").getJsonObject(0).getString("code"));
    // The listing by matter: the demo's organisations for that matter's services, the blacklisted one marked.
    JsonArray forPermit = get(null, "/api/v1/intermediaries?matterCode=zjj-construction-permit").getJsonArray("items");
    assertTrue(forPermit.stream().anyMatch(o -> ((JsonObject) o).getBoolean("blacklisted")), forPermit.encode());
    assertTrue(forPermit.stream().allMatch(o -> ((JsonObject) o).getJsonArray("services").stream()
        .anyMatch(s -> List.of("施工图设计文件审查", "建设工程监理").contains(((JsonObject) s).getString("service")))));
    assertEquals(0, get(null, "/api/v1/intermediaries?matterCode=mzj-elderly-preferential-card")
        .getJsonArray("items").size());
  }

  // ------------------------------------------------------------------------------------------- helpers

  /** A selection of {@code org} (directly) contracted and completed on time, ready to evaluate: its id. */
  private static String finished(String org, LocalDate promised) throws Exception {
    String s = created(call("citizen", "POST", "/api/v1/intermediaries/selections", selection("DIRECT")
        .put("intermediaryId", org))).getString("id");
    JsonObject c = ok(call("citizen", "POST", "/api/v1/intermediaries/selections/" + s + "/actions", new JsonObject()
        .put("action", "CONTRACT").put("contractNo", "HT-" + s).put("amount", "12000").put("promisedOn",
            promised.toString())));
    assertEquals("CONTRACTED", c.getString("status"));
    problem(call("citizen", "POST", "/api/v1/intermediaries/" + org + "/evaluations", new JsonObject()
        .put("selectionId", s).put("grade", 3)), 409, "illegal-transition", null);
    JsonObject done = ok(call("citizen", "POST", "/api/v1/intermediaries/selections/" + s + "/actions",
        new JsonObject().put("action", "COMPLETE").put("result", "日照分析报告已交付")));
    assertEquals("COMPLETED", done.getString("status"));
    assertFalse(done.getBoolean("overdue"));
    return s;
  }

  private static JsonObject register(String user, String name, LocalDate validUntil) throws Exception {
    return created(call(user, "POST", "/api/v1/intermediaries", registration(nextCode(), name, validUntil)));
  }

  private static JsonObject registration(String code, String name, LocalDate validUntil) {
    return new JsonObject().put("creditCode", code).put("name", name).put("qualifications", new JsonArray()
        .add(new JsonObject().put("name", "测绘资质证书").put("certificateNo", "T-" + code).put("level", "乙级")
            .put("validUntil", validUntil.toString()).put("services", new JsonArray().add(SERVICE))));
  }

  private static String nextCode() {
    return CreditCode.withCheck(String.format("91410100MA4T%05d", SEQ.incrementAndGet()));
  }

  private static JsonObject selection(String method) {
    return new JsonObject().put("service", SERVICE).put("projectCode", "2026-410183-47-01-T00001")
        .put("ownerCreditCode", owner).put("method", method);
  }

  private static JsonObject quote(String id, String amount) {
    return new JsonObject().put("intermediaryId", id).put("amount", amount).put("days", 10);
  }

  private static JsonObject find(JsonObject listing, String id) {
    return listing.getJsonArray("items").stream().map(o -> (JsonObject) o).filter(o -> id.equals(o.getString("id")))
        .findFirst().orElseThrow(() -> new AssertionError(id + " not in " + listing.encode()));
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A user's call (null: anonymous; a token as it is; else a demo account's name). */
  private static HttpResponse<String> call(String user, String method, String path, JsonObject body) throws Exception {
    List<String> headers = new java.util.ArrayList<>(List.of("Content-Type", "application/json"));
    if (user != null) {
      headers.addAll(List.of("Authorization", "Bearer " + token(user)));
    }
    return gateway.send(method, path, body == null ? null : body.encode(), headers.toArray(String[]::new));
  }

  private static String token(String user) throws Exception {
    if (user.startsWith("ey")) {
      return user;
    }
    String t = TOKENS.get(user);
    if (t == null) {
      t = gateway.token(user);
      TOKENS.put(user, t);
    }
    return t;
  }

  private static JsonObject get(String user, String path) throws Exception {
    return ok(call(user, "GET", path, null));
  }

  private static JsonObject graphql(String user, String query, JsonObject variables) throws Exception {
    HttpResponse<String> r = call(user, "POST", "/graphql", new JsonObject().put("query", query)
        .put("variables", variables));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject g = new JsonObject(r.body());
    assertFalse(g.containsKey("errors"), r.body());
    return g;
  }

  /** A newly registered citizen, signed in: their token. */
  private static String newCitizen() throws Exception {
    int n = SEQ.incrementAndGet();
    String id = TestGateway.idNumber(String.format("41018319860101%03d", n));
    HttpResponse<String> r = gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber", id)
        .put("name", "中介经办人" + n).put("phone", String.format("136%08d", n)).put("password", "Agency-Org-2026")
        .encode(), "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    HttpResponse<String> t = gateway.send("POST", "/api/v1/auth/token", new JsonObject()
        .put("grant_type", "password").put("username", id).put("password", "Agency-Org-2026").encode(),
        "Content-Type", "application/json");
    assertEquals(200, t.statusCode(), t.body());
    return new JsonObject(t.body()).getString("access_token");
  }

  private static JsonObject ok(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  /** A claim to an enterprise the registration data does not know: held, then verified by a window clerk. */
  private static void claimed(HttpResponse<String> r) throws Exception {
    assertEquals(202, r.statusCode(), r.body());
    HttpResponse<String> verified = gateway.post("clerk", "/api/v1/enterprise-claims/"
        + new JsonObject(r.body()).getString("claimId") + "/decision", new JsonObject().put("decision", "VERIFY"));
    assertEquals(200, verified.statusCode(), verified.body());
  }

  private static JsonObject created(HttpResponse<String> r) {
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  /** A problem with {@code status} and {@code code}, and (when given) a violation at {@code pointer}. */
  private static JsonObject problem(HttpResponse<String> r, int status, String code, String pointer) {
    assertEquals(status, r.statusCode(), r.body());
    JsonObject p = new JsonObject(r.body());
    assertEquals(code, p.getString("code"), r.body());
    if (pointer != null) {
      assertTrue(pointers(p).contains(pointer), r.body());
    }
    return p;
  }

  private static List<String> pointers(JsonObject problem) {
    return problem.getJsonArray("violations", new JsonArray()).stream()
        .map(v -> ((JsonObject) v).getString("pointer")).toList();
  }
}
