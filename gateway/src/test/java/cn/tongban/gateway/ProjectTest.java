package cn.tongban.gateway;

import static cn.tongban.gateway.TestGateway.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 工程建设项目 through REST and GraphQL, the scenario: the demo enterprise registers a project, its
 * tracking officer is named; 立项用地规划许可 is applied for from one combined form (two cases, two
 * departments in parallel on the land-use permit, the silent one deemed to consent); 工程建设许可 follows
 * (three departments' opinions, a 容缺 material supplied later); the officer records contacts and
 * coordination and sees the delays; nobody but the enterprise, the officer and supervisors sees the project.
 * Bad input: problems at pointers, nothing stored. The clock is the test's; the periodic scan is off.
 */
class ProjectTest {
  private static final MutableClock CLOCK = MutableClock.at("2026-11-02T09:00:00");
  private static final String ENTERPRISE = "91410183MA9JXM1K20";
  private static final String CODE = "2026-410183-70-01-000777";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0"), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpResponse<String> send(String user, String method, String path, JsonObject body, String key)
      throws Exception {
    return key == null
        ? gateway.send(method, path, body == null ? null : body.encode(), "Content-Type", "application/json",
            "Authorization", "Bearer " + gateway.token(user))
        : gateway.send(method, path, body.encode(), "Content-Type", "application/json", "Idempotency-Key", key,
            "Authorization", "Bearer " + gateway.token(user));
  }

  private static JsonObject created(HttpResponse<String> r) {
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static Set<String> pointers(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonArray("violations").stream()
        .map(v -> ((JsonObject) v).getString("pointer")).collect(Collectors.toSet());
  }

  private static JsonObject project(String user) throws Exception {
    return ok(gateway.get(user, "/api/v1/projects/" + CODE));
  }

  private static JsonObject stage(JsonObject project, String code) {
    return project.getJsonArray("stages").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("code").equals(code)).findFirst().orElseThrow();
  }

  private static JsonObject example(String stage) throws Exception {
    return ok(gateway.send("GET", "/api/v1/project-stages", null)).getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(s -> s.getString("code").equals(stage)).findFirst().orElseThrow()
        .getJsonObject("form").getJsonObject("schema").getJsonArray("examples").getJsonObject(0);
  }

  private static JsonObject scan(String time) throws Exception {
    CLOCK.set(time);
    return ok(gateway.send("POST", "/api/v1/supervision/scan", null, "Authorization",
        "Bearer " + gateway.token("supervisor")));
  }

  private static JsonObject act(String user, String number, JsonObject body) throws Exception {
    return ok(gateway.act(user, number, body));
  }

  private static Map<String, String> opinions(JsonObject c) {
    return c.getJsonArray("opinions").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(o -> o.getString("department"), o -> String.valueOf(o.getValue("opinion"))));
  }

  private static JsonObject byMatter(JsonObject stage, String matter) {
    return stage.getJsonArray("cases").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("matterCode").equals(matter)).findFirst().orElseThrow();
  }

  @Test
  void theStagesAreListedWithTheirMattersAndCombinedForms() throws Exception {
    JsonArray items = ok(gateway.send("GET", "/api/v1/project-stages", null)).getJsonArray("items");
    assertEquals(List.of("land-planning", "engineering", "construction", "completion"),
        items.stream().map(o -> ((JsonObject) o).getString("code")).toList());
    JsonObject first = items.getJsonObject(0);
    assertEquals(List.of("fgw-enterprise-investment-project-filing", "zrghj-land-use-planning-permit"),
        first.getJsonArray("matters").stream().map(o -> ((JsonObject) o).getString("code")).toList());
    List<String> materials = first.getJsonArray("materials").stream().map(o -> ((JsonObject) o).getString("code"))
        .toList();
    assertEquals(materials.size(), materials.stream().distinct().count(), "each material handed in once");
    assertTrue(first.getJsonArray("materials").stream().map(JsonObject.class::cast)
        .anyMatch(m -> m.getString("code").equals("survey-map") && m.getBoolean("tolerable", false)),
        "the survey map may follow (容缺)");
    JsonObject construction = items.getJsonObject(2);
    assertTrue(construction.getJsonArray("materials").stream().map(JsonObject.class::cast)
        .anyMatch(m -> m.getString("code").equals("drawing-review-certificate") && m.getBoolean("commitment", false)),
        "the drawing review may be replaced by a commitment (告知承诺)");
    JsonObject completion = items.getJsonObject(3);
    assertEquals(List.of("zjj-completion-acceptance"), completion.getJsonArray("matters").stream()
        .map(o -> ((JsonObject) o).getString("code")).toList(), "竣工验收: the joint completion acceptance");
    assertTrue(completion.containsKey("form"));
    assertEquals(2, completion.getJsonArray("matters").getJsonObject(0).getJsonObject("parallelApproval")
        .getJsonArray("departments").size(), "住建 and 自然资源规划 in parallel");
    assertTrue(completion.getJsonArray("materials").stream().map(JsonObject.class::cast)
        .anyMatch(m -> m.getString("code").equals("planning-survey-report") && m.getBoolean("tolerable", false)));
    assertTrue(completion.getJsonArray("materials").stream().map(JsonObject.class::cast)
        .anyMatch(m -> m.getString("code").equals("archives-acceptance") && m.getBoolean("commitment", false)));
  }

  @Test
  void aDemoEnterpriseTakesAProjectThroughTwoStagesWatchedByItsTrackingOfficer() throws Exception {
    CLOCK.set("2026-11-02T09:00:00");
    JsonObject body = new JsonObject().put("code", CODE).put("name", "示例耐材二期厂房建设项目").put("type", "INDUSTRIAL")
        .put("investment", 12000).put("township", "曲梁镇").put("site", "新密市曲梁镇示例产业园区示例路6号")
        .put("creditCode", ENTERPRISE).put("keyProject", true);

    // Bad input: every problem at its pointer, nothing stored.
    long before = gateway.count("select count(*) from project");
    HttpResponse<String> bad = send("citizen", "POST", "/api/v1/projects", body.copy().put("code", "2026-1")
        .put("type", "CASTLE").put("investment", -5).put("creditCode", "91440300708461136T"), "p-bad");
    assertEquals(422, bad.statusCode(), bad.body());
    assertEquals(Set.of("/code", "/type", "/investment", "/creditCode"), pointers(bad));
    assertEquals(before, gateway.count("select count(*) from project"));
    assertEquals(403, send("clerk", "POST", "/api/v1/projects", body, null).statusCode(), "staff do not register");

    HttpResponse<String> created = send("citizen", "POST", "/api/v1/projects", body, "p-777");
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("/api/v1/projects/" + CODE, created.headers().firstValue("Location").orElseThrow());
    String stored = gateway.text("select request_hash from project where code = '" + CODE + "'");
    assertTrue(stored.startsWith("m1:"), "a keyed hash, not a plain SHA-256 over the request: " + stored);
    HttpResponse<String> again = send("citizen", "POST", "/api/v1/projects", body, "p-777");
    assertEquals(201, again.statusCode());
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
    assertEquals(409, send("citizen", "POST", "/api/v1/projects", body.copy().put("name", "另一个名称的项目"), "p-777")
        .statusCode(), "the same key with another body");
    HttpResponse<String> duplicate = send("citizen", "POST", "/api/v1/projects", body, "p-778");
    assertEquals(409, duplicate.statusCode());
    assertEquals("project-exists", new JsonObject(duplicate.body()).getString("code"));

    // Nobody else sees it; supervisors name its tracking officer.
    for (String outsider : List.of("clerk", "reviewer.mzj", "hotline", "tracker")) {
      assertEquals(404, gateway.get(outsider, "/api/v1/projects/" + CODE).statusCode(), outsider);
    }
    assertEquals(403, send("admin", "POST", "/api/v1/projects/" + CODE + "/officer",
        new JsonObject().put("username", "tracker"), null).statusCode());
    HttpResponse<String> nobody = send("supervisor", "POST", "/api/v1/projects/" + CODE + "/officer",
        new JsonObject().put("username", "nobody"), null);
    assertEquals(Set.of("/username"), pointers(nobody));
    // Only a staff account holding the PROJECT_OFFICER role may be named (reviewer.fgw does not hold it).
    HttpResponse<String> noRole = send("supervisor", "POST", "/api/v1/projects/" + CODE + "/officer",
        new JsonObject().put("username", "reviewer.fgw"), null);
    assertEquals(422, noRole.statusCode(), noRole.body());
    assertEquals("notProjectOfficer", new JsonObject(noRole.body()).getJsonArray("violations").getJsonObject(0)
        .getString("code"));
    assertEquals(Set.of("/username"), pointers(noRole));
    JsonObject assigned = ok(send("supervisor", "POST", "/api/v1/projects/" + CODE + "/officer",
        new JsonObject().put("username", "tracker"), null));
    assertEquals("重点项目跟踪跟办专员", assigned.getJsonObject("officer").getString("name"));
    assertEquals("OFFICER", project("tracker").getString("viewerRole"));
    assertTrue(ok(gateway.get("tracker", "/api/v1/projects")).getJsonArray("items").stream()
        .anyMatch(o -> ((JsonObject) o).getString("code").equals(CODE)), "the officer's list");

    // Stages in order; 竣工验收 is not configured.
    String stages = "/api/v1/projects/" + CODE + "/stages/";
    JsonObject landData = example("land-planning");
    assertEquals(409, send("citizen", "POST", stages + "engineering/applications",
        new JsonObject().put("data", example("engineering")), "s-early").statusCode(), "立项用地 first");
    assertEquals(409, send("citizen", "POST", stages + "completion/applications",
        new JsonObject().put("data", new JsonObject()), "s-done").statusCode());
    assertEquals(403, send("tracker", "POST", stages + "land-planning/applications",
        new JsonObject().put("data", landData), "s-officer").statusCode(), "the officer does not apply");

    // 一张表单: bad data → problems at the combined form's pointers and no case.
    long cases = gateway.count("select count(*) from application");
    HttpResponse<String> badStage = send("citizen", "POST", stages + "land-planning/applications",
        new JsonObject().put("data", landData.copy().put("contactMobile", "12345")), "s-bad");
    assertEquals(422, badStage.statusCode(), badStage.body());
    assertEquals(Set.of("/data/contactMobile"), pointers(badStage), "the combined form's own check");
    HttpResponse<String> badMatter = send("citizen", "POST", stages + "land-planning/applications",
        new JsonObject().put("data", landData.copy().put("landSupplyMethod", "ALLOCATION")), "s-bad-2");
    assertEquals(Set.of("/data/allocationDecisionNumber"), pointers(badMatter),
        "the land-use permit's own rule, mapped back to the combined form's field");
    assertEquals(cases, gateway.count("select count(*) from application"), "no case made");

    JsonObject land = created(send("citizen", "POST", stages + "land-planning/applications",
        new JsonObject().put("data", landData), "s-land"));
    assertEquals("IN_PROGRESS", land.getString("status"));
    assertEquals("2026-11-23", land.getString("dueDate"), "15 working days from 2 November");
    assertEquals(2, land.getJsonArray("cases").size());
    HttpResponse<String> replay = send("citizen", "POST", stages + "land-planning/applications",
        new JsonObject().put("data", landData), "s-land");
    assertEquals("true", replay.headers().firstValue("Idempotent-Replayed").orElse(""));
    assertEquals(land.getJsonArray("cases"), new JsonObject(replay.body()).getJsonArray("cases"));
    String filing = byMatter(land, "fgw-enterprise-investment-project-filing").getString("number");
    String landUse = byMatter(land, "zrghj-land-use-planning-permit").getString("number");
    JsonObject landCase = gateway.read("citizen", landUse);
    assertEquals("ENTERPRISE", landCase.getJsonObject("applicant").getString("kind"));
    assertEquals(CODE, landCase.getJsonObject("data").getString("projectCode"), "the project's facts filled in");

    // The officer records a contact and a coordination; only the officer may.
    HttpResponse<String> noDept = send("tracker", "POST", "/api/v1/projects/" + CODE + "/records",
        new JsonObject().put("kind", "COORDINATION").put("note", "协调发改委尽快出具意见"), null);
    assertEquals(Set.of("/departmentCode"), pointers(noDept));
    assertEquals(201, send("tracker", "POST", "/api/v1/projects/" + CODE + "/records", new JsonObject()
        .put("kind", "CONTACT").put("note", "电话联系企业吴敏，告知勘测定界图可容缺后补"), null).statusCode());
    assertEquals(201, send("tracker", "POST", "/api/v1/projects/" + CODE + "/records", new JsonObject()
        .put("kind", "COORDINATION").put("departmentCode", "zrghj").put("stage", "land-planning")
        .put("note", "协调自然资源规划局优先审查用地范围"), null).statusCode());
    assertEquals(403, send("citizen", "POST", "/api/v1/projects/" + CODE + "/records", new JsonObject()
        .put("kind", "CONTACT").put("note", "企业自己记一笔"), null).statusCode());
    assertEquals(403, send("supervisor", "POST", "/api/v1/projects/" + CODE + "/records", new JsonObject()
        .put("kind", "CONTACT").put("note", "监察记一笔"), null).statusCode());

    // Stage 1: the filing is decided by 发改委; the land-use permit in parallel, 发改委 silent → deemed consent.
    act("clerk", filing, new JsonObject().put("action", "accept"));
    act("reviewer.fgw", filing, new JsonObject().put("action", "review-pass"));
    act("approver.fgw", filing, new JsonObject().put("action", "approve").put("comment", "予以备案"));
    act("clerk", landUse, new JsonObject().put("action", "accept"));
    act("reviewer.zrghj", landUse, new JsonObject().put("action", "opinion").put("opinion", "AGREE")
        .put("comment", "用地范围和性质符合规划条件"));
    scan("2026-11-05T09:00:00");
    JsonObject watched = project("tracker");
    assertTrue(watched.getJsonArray("warnings").stream().map(JsonObject.class::cast).anyMatch(w ->
        w.getString("kind").equals("OPINION_DUE") && w.getString("subject").equals("fgw")
            && w.getString("level").equals("YELLOW") && landUse.equals(w.getString("caseNumber"))),
        "the officer is warned of the silent department on its last day: " + watched.getJsonArray("warnings"));
    scan("2026-11-06T09:00:00");
    JsonObject deemed = byMatter(stage(project("citizen"), "land-planning"), "zrghj-land-use-planning-permit");
    assertEquals(Map.of("zrghj", "AGREE", "fgw", "DEEMED_CONSENT"), opinions(deemed));
    assertEquals("IN_REVIEW", deemed.getString("status"));
    act("approver.zrghj", landUse, new JsonObject().put("action", "approve").put("comment", "准予核发建设用地规划许可证"));

    JsonObject afterOne = project("citizen");
    JsonObject one = stage(afterOne, "land-planning");
    assertEquals("COMPLETED", one.getString("status"));
    assertEquals("PASSED", one.getString("result"));
    assertEquals(5, one.getInteger("workingDays"), "2 to 6 November");
    assertEquals(Set.of("APPROVED"), one.getJsonArray("cases").stream()
        .map(c -> ((JsonObject) c).getString("decision")).collect(Collectors.toSet()));

    // Stage 2: three departments in parallel; the design institute's qualification follows (容缺).
    CLOCK.set("2026-11-09T09:00:00");
    JsonObject engineering = created(send("citizen", "POST", stages + "engineering/applications",
        new JsonObject().put("data", example("engineering")), "s-eng"));
    assertEquals(1, engineering.getJsonArray("cases").size());
    String planning = engineering.getJsonArray("cases").getJsonObject(0).getString("number");
    act("clerk", planning, new JsonObject().put("action", "accept")
        .put("commitment", "本单位承诺于11月13日前补交设计单位资质信息")
        .put("missingMaterials", new JsonArray().add(new JsonObject().put("material", "design-qualification")
            .put("deadline", "2026-11-13"))));
    CLOCK.set("2026-11-10T10:00:00");
    for (String dept : List.of("zrghj", "zjj", "fgw")) {
      act("reviewer." + dept, planning, new JsonObject().put("action", "opinion").put("opinion", "AGREE"));
    }
    act("citizen", planning, new JsonObject().put("action", "supply")
        .put("materials", new JsonArray().add("design-qualification")));
    act("approver.zrghj", planning, new JsonObject().put("action", "approve").put("comment", "准予核发建设工程规划许可证"));

    JsonObject seen = project("supervisor");
    assertEquals("SUPERVISOR", seen.getString("viewerRole"));
    JsonObject two = stage(seen, "engineering");
    assertEquals("COMPLETED", two.getString("status"));
    assertEquals("PASSED", two.getString("result"));
    JsonObject decided = two.getJsonArray("cases").getJsonObject(0);
    assertEquals(Map.of("zrghj", "AGREE", "zjj", "AGREE", "fgw", "AGREE"), opinions(decided));
    assertTrue(decided.getJsonObject("deficiency").getBoolean("fulfilled"), decided.encode());
    assertEquals(2, two.getInteger("workingDays"), "9 and 10 November");
    assertEquals(7, seen.getInteger("totalWorkingDays"));
    assertEquals("engineering", seen.getString("currentStage"));
    assertEquals("NOT_STARTED", stage(seen, "construction").getString("status"));

    // One timeline: the project's own entries and the cases' steps, deemed consent on record.
    List<JsonObject> timeline = seen.getJsonArray("timeline").stream().map(JsonObject.class::cast).toList();
    Set<String> kinds = timeline.stream().map(t -> t.getString("kind")).collect(Collectors.toSet());
    assertTrue(kinds.containsAll(Set.of("REGISTERED", "OFFICER_ASSIGNED", "STAGE_APPLIED", "CONTACT", "COORDINATION",
        "CASE_STEP")), kinds.toString());
    assertTrue(timeline.stream().anyMatch(t -> "deemed-consent".equals(t.getString("action"))
        && landUse.equals(t.getString("caseNumber"))), "超时默认 on the timeline");
    assertTrue(timeline.stream().anyMatch(t -> "COORDINATION".equals(t.getString("kind"))
        && "zrghj".equals(t.getString("departmentCode"))));

    // The licences, once the relay has issued them.
    TestGateway.awaitUntil(java.time.Duration.ofSeconds(20), () -> {
      try {
        return stage(project("citizen"), "engineering").getJsonArray("cases").getJsonObject(0).containsKey("licence");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    // GraphQL: the same project and the same visibility.
    JsonObject gql = graphql("tracker", "query($c: String!) { project(code: $c) }", new JsonObject().put("c", CODE));
    assertEquals(CODE, gql.getJsonObject("data").getJsonObject("project").getString("code"));
    JsonObject hidden = graphql("clerk", "query($c: String!) { project(code: $c) }", new JsonObject().put("c", CODE));
    assertEquals(404, hidden.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getInteger("status"), hidden.encode());

    // 施工许可 left open: on the day of its stage limit the officer sees the stage clock's yellow card.
    CLOCK.set("2026-11-10T11:00:00");
    JsonObject construction = created(send("citizen", "POST", stages + "construction/applications",
        new JsonObject().put("data", example("construction")), "s-con"));
    assertEquals("2026-11-17", construction.getString("dueDate"), "5 working days");
    assertTrue(scan("2026-11-17T09:00:00").getInteger("stageWarningsRaised") >= 1);
    JsonObject late = project("tracker");
    assertEquals("YELLOW", stage(late, "construction").getString("warningLevel"));
    assertTrue(late.getJsonArray("warnings").stream().map(JsonObject.class::cast).anyMatch(w ->
        "construction".equals(w.getString("stage")) && "STAGE_DUE".equals(w.getString("kind"))
            && "YELLOW".equals(w.getString("level"))), late.getJsonArray("warnings").encode());

    // 施工许可 refused; while it is open it cannot be applied for again, then its refused matter is re-applied for.
    JsonObject conData = new JsonObject().put("data", example("construction"));
    String permit = construction.getJsonArray("cases").getJsonObject(0).getString("number");
    HttpResponse<String> open = send("citizen", "POST", stages + "construction/applications", conData, "s-con-2");
    assertEquals(409, open.statusCode(), open.body());
    act("clerk", permit, new JsonObject().put("action", "accept"));
    act("reviewer.zrghj", permit, new JsonObject().put("action", "opinion").put("opinion", "AGREE"));
    act("reviewer.zjj", permit, new JsonObject().put("action", "opinion").put("opinion", "DISAGREE")
        .put("comment", "施工图审查合格书与报审施工图不一致"));
    act("approver.zjj", permit, new JsonObject().put("action", "deny")
        .put("comment", "施工图设计文件审查合格书与施工图不一致，不予许可"));
    JsonObject refused = stage(project("citizen"), "construction");
    assertEquals("NOT_PASSED", refused.getString("result"));
    assertTrue(refused.getBoolean("reapplicable"));
    assertEquals(409, send("citizen", "POST", stages + "completion/applications", new JsonObject()
        .put("data", example("completion")), "s-done-early").statusCode(), "竣工验收 waits for 施工许可");

    CLOCK.set("2026-11-18T09:00:00");
    JsonObject reapplied = created(send("citizen", "POST", stages + "construction/applications", conData, "s-con-2"));
    assertEquals("IN_PROGRESS", reapplied.getString("status"));
    assertEquals("2026-11-25", reapplied.getString("dueDate"), "the re-application's limit: 5 working days");
    assertEquals(2, reapplied.getJsonArray("attempts").size());
    List<JsonObject> both = reapplied.getJsonArray("cases").stream().map(JsonObject.class::cast).toList();
    assertEquals(2, both.size(), "both attempts' cases are shown");
    assertEquals(List.of(1, 2), both.stream().map(c -> c.getInteger("attempt")).toList());
    assertEquals("DENIED", both.get(0).getString("decision"));
    assertFalse(both.get(0).getBoolean("current"));
    String permit2 = both.get(1).getString("number");
    assertTrue(both.get(1).getBoolean("current"));
    HttpResponse<String> replayed = send("citizen", "POST", stages + "construction/applications", conData, "s-con-2");
    assertEquals("true", replayed.headers().firstValue("Idempotent-Replayed").orElse(""), replayed.body());
    assertEquals(permit2, new JsonObject(replayed.body()).getJsonArray("cases").getJsonObject(1).getString("number"));
    act("clerk", permit2, new JsonObject().put("action", "accept"));
    for (String dept : List.of("zjj", "zrghj")) {
      act("reviewer." + dept, permit2, new JsonObject().put("action", "opinion").put("opinion", "AGREE"));
    }
    act("approver.zjj", permit2, new JsonObject().put("action", "approve").put("comment", "准予核发建筑工程施工许可证"));
    JsonObject passed = project("tracker");
    assertEquals("PASSED", stage(passed, "construction").getString("result"));
    List<JsonObject> steps = passed.getJsonArray("timeline").stream().map(JsonObject.class::cast).toList();
    assertTrue(steps.stream().anyMatch(t -> "STAGE_REAPPLIED".equals(t.getString("kind"))
        && "construction".equals(t.getString("stage"))), "the re-application on the timeline");
    assertTrue(steps.stream().anyMatch(t -> permit.equals(t.getString("caseNumber")) && "deny".equals(t.getString("action"))),
        "the first attempt's refusal stays on the timeline");
    assertTrue(steps.stream().anyMatch(t -> permit2.equals(t.getString("caseNumber"))
        && "approve".equals(t.getString("action"))));
    assertEquals(409, send("citizen", "POST", stages + "construction/applications", conData, "s-con-3").statusCode(),
        "nothing refused any more");

    // 竣工验收: the joint completion acceptance, 住建 and 自然资源规划 in parallel, the survey report to follow (容缺).
    CLOCK.set("2026-11-19T09:00:00");
    JsonObject done = created(send("citizen", "POST", stages + "completion/applications", new JsonObject()
        .put("data", example("completion")), "s-done"));
    assertEquals(1, done.getJsonArray("cases").size());
    String acceptance = done.getJsonArray("cases").getJsonObject(0).getString("number");
    assertEquals("zjj-completion-acceptance", done.getJsonArray("cases").getJsonObject(0).getString("matterCode"));
    act("clerk", acceptance, new JsonObject().put("action", "accept")
        .put("commitment", "本单位承诺于11月25日前补交竣工规划核实测量成果报告")
        .put("missingMaterials", new JsonArray().add(new JsonObject().put("material", "planning-survey-report")
            .put("deadline", "2026-11-25"))));
    for (String dept : List.of("zjj", "zrghj")) {
      act("reviewer." + dept, acceptance, new JsonObject().put("action", "opinion").put("opinion", "AGREE"));
    }
    act("citizen", acceptance, new JsonObject().put("action", "supply")
        .put("materials", new JsonArray().add("planning-survey-report")));
    act("approver.zjj", acceptance, new JsonObject().put("action", "approve").put("comment", "竣工联合验收合格"));
    JsonObject finished = project("citizen");
    JsonObject four = stage(finished, "completion");
    assertEquals("COMPLETED", four.getString("status"));
    assertEquals("PASSED", four.getString("result"));
    assertEquals("completion", finished.getString("currentStage"));
    assertEquals(Map.of("zjj", "AGREE", "zrghj", "AGREE"), opinions(four.getJsonArray("cases").getJsonObject(0)));
  }

  private static JsonObject graphql(String user, String query, JsonObject variables) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", query)
        .put("variables", variables).encode(), "Authorization", "Bearer " + gateway.token(user),
        "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }
}
