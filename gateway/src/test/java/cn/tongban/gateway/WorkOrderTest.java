package cn.tongban.gateway;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 12345 work orders through the started gateway, as the hotline, departments and supervisors use them:
 * 首问负责, dispatch on the working-day clock, sign-for, reply, return, call-back, close, urge, reopen and
 * extension; bad input and actions out of turn change nothing; department staff see only their orders, and
 * the caller's identity is masked for them; cases looked up by number and query code.
 */
class WorkOrderTest {
  /** Monday 7 December 2026, 09:00 Beijing time. */
  private static final MutableClock CLOCK = MutableClock.at("2026-12-07T09:00:00");
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0"), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static JsonObject complaint(String phone) {
    return new JsonObject().put("type", "COMPLAINT").put("subject", "低保审批拖延")
        .put("content", "十月申请的低保至今没有结果").put("placeHallCode", "xm-city")
        .put("caller", new JsonObject().put("name", "赵六").put("phone", phone).put("idNumber", "11010519491231002X"));
  }

  private static HttpResponse<String> create(JsonObject body) throws Exception {
    return gateway.post("hotline", "/api/v1/work-orders", body);
  }

  private static HttpResponse<String> act(String user, String number, JsonObject body) throws Exception {
    return gateway.post(user, "/api/v1/work-orders/" + number + "/actions", body);
  }

  private static JsonObject ok(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject order(String user, String number) throws Exception {
    return ok(gateway.get(user, "/api/v1/work-orders/" + number));
  }

  private static String pointer(HttpResponse<String> r) {
    assertEquals(422, r.statusCode(), r.body());
    JsonObject problem = new JsonObject(r.body());
    return problem.getJsonArray("violations").getJsonObject(0).getString("pointer");
  }

  private static String taken(JsonObject body) throws Exception {
    HttpResponse<String> r = create(body);
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("number");
  }

  @Test
  void aComplaintGoesFromTakingToCallBackAndClose() throws Exception {
    HttpResponse<String> r = create(complaint("13800001111"));
    assertEquals(201, r.statusCode(), r.body());
    JsonObject created = new JsonObject(r.body());
    String number = created.getString("number");
    assertTrue(number.matches("GD20261207\\d{6}"), number);
    assertEquals("ACCEPTED", created.getString("status"));
    assertEquals("12345 热线坐席", created.getJsonObject("owner").getString("name"));
    assertEquals("13800001111", created.getJsonObject("caller").getString("phone"));

    JsonObject dispatched = ok(act("hotline", number, new JsonObject().put("action", "dispatch")
        .put("departmentCode", "mzj")));
    assertEquals("DISPATCHED", dispatched.getString("status"));
    assertEquals("新密市民政局", dispatched.getString("departmentName"));
    assertEquals("2026-12-08", dispatched.getString("signDueDate"));
    assertEquals("2026-12-24", dispatched.getString("dueDate"), "13 working days for a complaint");

    // The department sees it with the caller masked; another department does not see it at all.
    JsonObject seen = order("reviewer.mzj", number);
    assertEquals("138****1111", seen.getJsonObject("caller").getString("phone"));
    assertEquals("赵*", seen.getJsonObject("caller").getString("name"));
    assertFalse(seen.getJsonObject("caller").getString("idNumber").contains("19491231"));
    assertEquals(404, gateway.get("reviewer.rsj", "/api/v1/work-orders/" + number).statusCode());

    // Out of turn and the wrong role: nothing changes.
    assertEquals(409, act("reviewer.mzj", number, new JsonObject().put("action", "reply").put("text", "已办")).statusCode());
    assertEquals(403, act("hotline", number, new JsonObject().put("action", "sign-for")).statusCode());
    assertEquals(403, act("citizen", number, new JsonObject().put("action", "sign-for")).statusCode());
    assertEquals("DISPATCHED", order("hotline", number).getString("status"));

    assertEquals("SIGNED", ok(act("approver.mzj", number, new JsonObject().put("action", "sign-for"))).getString("status"));
    assertEquals("/text", pointer(act("reviewer.mzj", number, new JsonObject().put("action", "reply"))));
    JsonObject replied = ok(act("reviewer.mzj", number, new JsonObject().put("action", "reply")
        .put("text", "已核实，低保已于12月7日审批通过。")));
    assertEquals("REPLIED", replied.getString("status"));

    assertEquals("/satisfaction", pointer(act("hotline", number, new JsonObject().put("action", "call-back")
        .put("satisfaction", 6))));
    assertEquals(5, ok(act("hotline", number, new JsonObject().put("action", "call-back").put("satisfaction", 5)))
        .getInteger("satisfaction"));
    assertEquals(409, act("hotline", number, new JsonObject().put("action", "call-back").put("satisfaction", 4))
        .statusCode());
    JsonObject closed = ok(act("hotline", number, new JsonObject().put("action", "close")));
    assertEquals("CLOSED", closed.getString("status"));
    assertEquals(List.of("accept", "dispatch", "sign-for", "reply", "call-back", "close"),
        closed.getJsonArray("history").stream().map(s -> ((JsonObject) s).getString("action")).toList());
    assertEquals(6, gateway.count("select count(*) from audit_event where entity_type = 'work-order' and entity_id = '"
        + number + "'"));
    assertEquals(6, gateway.count("select count(*) from outbox_event where aggregate_type = 'work-order'"
        + " and aggregate_id = '" + number + "' and event_type like 'WorkOrder%'"));
    assertEquals(0, gateway.count("select count(*) from outbox_event where aggregate_id = '" + number
        + "' and payload::text like '%13800001111%'"), "no personal data in events");
  }

  @Test
  void badInputIsReportedAtItsPointerAndChangesNothing() throws Exception {
    String number = taken(complaint("13800002222"));
    assertEquals("/departmentCode", pointer(act("hotline", number, new JsonObject().put("action", "dispatch")
        .put("departmentCode", "nosuch"))));
    assertEquals("/deadline", pointer(act("hotline", number, new JsonObject().put("action", "dispatch")
        .put("departmentCode", "mzj").put("deadline", "2026-12-01"))));
    assertEquals("/departmentCode", pointer(act("hotline", number, new JsonObject().put("action", "dispatch"))));
    JsonObject unchanged = order("hotline", number);
    assertEquals("ACCEPTED", unchanged.getString("status"));
    assertEquals(1, unchanged.getJsonArray("history").size());
    assertEquals(409, act("hotline", number, new JsonObject().put("action", "close")).statusCode());
    assertEquals(400, act("hotline", number, new JsonObject().put("action", "teleport")).statusCode());

    assertEquals("/placeHallCode", pointer(create(complaint("13800002222").put("placeHallCode", "nowhere"))));
    assertEquals("/caseNumber", pointer(create(complaint("13800002222").put("caseNumber", "NO-SUCH-CASE"))));
    assertEquals(400, create(complaint("13800002222").put("type", "GOSSIP")).statusCode());
    assertEquals(403, gateway.post("reviewer.mzj", "/api/v1/work-orders", complaint("13800002222")).statusCode());

    // A deadline the dispatcher sets replaces the type's limit.
    JsonObject set = ok(act("hotline", number, new JsonObject().put("action", "dispatch").put("departmentCode", "mzj")
        .put("deadline", "2026-12-11")));
    assertEquals("2026-12-11", set.getString("dueDate"));
  }

  @Test
  void aMisroutedOrderIsReturnedToItsOwnerAndRedispatched() throws Exception {
    String number = taken(complaint("13800003333"));
    ok(act("hotline", number, new JsonObject().put("action", "dispatch").put("departmentCode", "rsj")));
    assertEquals("/reason", pointer(act("reviewer.rsj", number, new JsonObject().put("action", "return"))));
    JsonObject returned = ok(gateway.post("reviewer.rsj", "/api/v1/work-orders/" + number + "/actions",
        new JsonObject().put("action", "return").put("reason", "低保属民政局职责")));
    // The department no longer holds it, so its answer is the order as far as it may see: re-read as the hotline.
    assertEquals("RETURNED", returned.getString("status"));
    JsonObject back = order("hotline", number);
    assertEquals("RETURNED", back.getString("status"));
    assertNull(back.getString("departmentCode"));
    assertEquals("低保属民政局职责", back.getString("returnReason"));
    assertEquals("12345 热线坐席", back.getJsonObject("owner").getString("name"), "the owner keeps it");
    assertEquals(404, gateway.get("reviewer.rsj", "/api/v1/work-orders/" + number).statusCode());

    JsonObject again = ok(act("hotline", number, new JsonObject().put("action", "dispatch").put("departmentCode", "mzj")));
    assertEquals("DISPATCHED", again.getString("status"));
    assertEquals(1, again.getInteger("returns"));
    assertEquals("mzj", again.getString("departmentCode"));
  }

  @Test
  void theOwnerHandsAnOrderOnWithARecordAndOnlyTheOwnerMay() throws Exception {
    // 首问负责: a second operator on duty to take the order on.
    HttpResponse<String> account = gateway.post("admin", "/api/v1/accounts", new JsonObject()
        .put("username", "hotline.night").put("displayName", "12345 夜班坐席").put("password", "Night-Shift-2026")
        .put("roles", new io.vertx.core.json.JsonArray().add("HOTLINE")));
    assertEquals(201, account.statusCode(), account.body());
    String number = taken(complaint("13800008888"));
    assertEquals("/toUsername", pointer(act("hotline", number, new JsonObject().put("action", "hand-over")
        .put("reason", "交班"))));
    assertEquals("/toUsername", pointer(act("hotline", number, new JsonObject().put("action", "hand-over")
        .put("reason", "交班").put("toUsername", "reviewer.mzj"))), "only to a hotline operator");
    assertEquals("/reason", pointer(act("hotline", number, new JsonObject().put("action", "hand-over")
        .put("toUsername", "hotline.night"))));
    assertEquals("12345 热线坐席", order("hotline", number).getJsonObject("owner").getString("name"),
        "refused hand-overs change nothing");

    JsonObject handed = ok(act("hotline", number, new JsonObject().put("action", "hand-over")
        .put("toUsername", "hotline.night").put("reason", "交班，夜班继续跟进")));
    assertEquals("12345 夜班坐席", handed.getJsonObject("owner").getString("name"));
    // The former owner no longer owns it: handing it on again is the new owner's to do.
    assertEquals(403, act("hotline", number, new JsonObject().put("action", "hand-over")
        .put("toUsername", "hotline").put("reason", "再交回")).statusCode());
    HttpResponse<String> signedIn = gateway.send("POST", "/api/v1/auth/token", new JsonObject()
        .put("grant_type", "password").put("username", "hotline.night").put("password", "Night-Shift-2026").encode(),
        "Content-Type", "application/json");
    assertEquals(200, signedIn.statusCode(), signedIn.body());
    JsonObject back = ok(gateway.send("POST", "/api/v1/work-orders/" + number + "/actions", new JsonObject()
        .put("action", "hand-over").put("toUsername", "hotline").put("reason", "白班接回").encode(),
        "Authorization", "Bearer " + new JsonObject(signedIn.body()).getString("access_token"),
        "Content-Type", "application/json"));
    assertEquals("12345 热线坐席", back.getJsonObject("owner").getString("name"));
    assertTrue(order("hotline", number).encode().contains("移交给 12345 夜班坐席：交班，夜班继续跟进"),
        "the hand-over is on the order's record");
  }

  @Test
  void aConsultationAnsweredAtOnceIsClosed() throws Exception {
    HttpResponse<String> r = create(new JsonObject().put("type", "CONSULTATION").put("subject", "老年优待证怎么办")
        .put("content", "问需要带什么材料").put("matterCode", "mzj-elderly-preferential-card")
        .put("answer", "带身份证和一寸照片到任一便民服务中心办理。")
        .put("caller", new JsonObject().put("name", "钱七").put("phone", "13800004444")));
    assertEquals(201, r.statusCode(), r.body());
    JsonObject closed = new JsonObject(r.body());
    assertEquals("CLOSED", closed.getString("status"));
    assertEquals(2, closed.getJsonArray("history").size());
  }

  @Test
  void listsFilterAndDepartmentsSeeOnlyTheirOwn() throws Exception {
    String first = taken(complaint("13900005555"));
    String second = taken(new JsonObject().put("type", "HELP").put("subject", "路灯不亮").put("content", "小区门口路灯坏了")
        .put("caller", new JsonObject().put("name", "孙八").put("phone", "13900005555")));
    ok(act("hotline", second, new JsonObject().put("action", "dispatch").put("departmentCode", "zjj")));

    JsonArray earlier = new JsonArray(gateway.get("hotline", "/api/v1/work-orders?callerPhone=13900005555").body());
    assertEquals(List.of(second, first), earlier.stream().map(o -> ((JsonObject) o).getString("number")).toList());
    JsonArray help = new JsonArray(gateway.get("hotline", "/api/v1/work-orders?type=HELP&status=DISPATCHED").body());
    assertTrue(help.stream().anyMatch(o -> ((JsonObject) o).getString("number").equals(second)));
    assertTrue(help.stream().allMatch(o -> ((JsonObject) o).getString("type").equals("HELP")));

    JsonArray mine = new JsonArray(gateway.get("reviewer.zjj", "/api/v1/work-orders").body());
    assertFalse(mine.isEmpty());
    assertTrue(mine.stream().allMatch(o -> "zjj".equals(((JsonObject) o).getString("departmentCode"))));
    assertTrue(mine.stream().allMatch(o -> ((JsonObject) o).getJsonObject("caller").getString("phone").contains("****")));
    assertEquals(403, gateway.get("clerk", "/api/v1/work-orders").statusCode());
    assertEquals(403, gateway.get("citizen", "/api/v1/work-orders").statusCode());
  }

  @Test
  void deadlinesRaiseRemindersAndCardsAndSupervisorsUrge() throws Exception {
    CLOCK.set("2026-12-07T09:00:00");
    try {
      String number = taken(complaint("13700006666"));
      ok(act("hotline", number, new JsonObject().put("action", "dispatch").put("departmentCode", "ybj")
          .put("deadline", "2026-12-09")));
      scan();
      // Sign-for due tomorrow (1 working day): a reminder.
      assertTrue(hasWarning(number, "SIGN_DUE", "REMINDER"));
      CLOCK.set("2026-12-10T09:00:00");
      scan();
      JsonObject late = order("supervisor", number);
      assertTrue(late.getBoolean("overdue"));
      assertTrue(hasWarning(number, "REPLY_DUE", "RED"));
      assertTrue(hasWarning(number, "SIGN_DUE", "RED"));
      assertEquals(1, gateway.count("select count(*) from outbox_event where event_type = 'WorkOrderDeadlineWarning'"
          + " and aggregate_id = '" + number + "' and payload->>'level' = 'RED' and payload->>'kind' = 'REPLY_DUE'"));
      scan();
      assertEquals(1, gateway.count("select count(*) from work_order_warning w join work_order o on o.id ="
          + " w.work_order_id where o.number = '" + number + "' and w.kind = 'REPLY_DUE' and w.level = 'RED'"),
          "raised once");
      JsonArray overdue = new JsonArray(gateway.get("supervisor", "/api/v1/work-orders?overdue=true").body());
      assertTrue(overdue.stream().anyMatch(o -> ((JsonObject) o).getString("number").equals(number)));

      assertEquals(403, act("hotline", number, new JsonObject().put("action", "urge")).statusCode());
      assertEquals(1, ok(act("supervisor", number, new JsonObject().put("action", "urge").put("comment", "请今日答复")))
          .getInteger("urges"));

      // The department asks for more time; only the dispatcher decides.
      ok(act("reviewer.ybj", number, new JsonObject().put("action", "sign-for")));
      assertEquals("/deadline", pointer(act("reviewer.ybj", number, new JsonObject().put("action", "extend")
          .put("reason", "需现场核查").put("deadline", "2026-12-08"))));
      JsonObject asked = ok(act("reviewer.ybj", number, new JsonObject().put("action", "extend")
          .put("reason", "需现场核查").put("deadline", "2026-12-18")));
      assertEquals("PENDING", asked.getJsonObject("extension").getString("status"));
      assertEquals(409, act("reviewer.ybj", number, new JsonObject().put("action", "extend")
          .put("reason", "再延").put("deadline", "2026-12-25")).statusCode());
      assertEquals(403, act("reviewer.ybj", number, new JsonObject().put("action", "approve-extension")
          .put("approved", true)).statusCode());
      JsonObject extended = ok(act("hotline", number, new JsonObject().put("action", "approve-extension")
          .put("approved", true)));
      assertEquals("2026-12-18", extended.getString("dueDate"));
      assertFalse(extended.getBoolean("overdue"));

      // Not satisfied: reopened to the same department with fresh limits.
      ok(act("reviewer.ybj", number, new JsonObject().put("action", "reply").put("text", "已处理")));
      ok(act("hotline", number, new JsonObject().put("action", "call-back").put("satisfaction", 1)));
      JsonObject reopened = ok(act("hotline", number, new JsonObject().put("action", "reopen")
          .put("reason", "来电人表示问题未解决")));
      assertEquals("DISPATCHED", reopened.getString("status"));
      assertEquals("ybj", reopened.getString("departmentCode"));
      assertNull(reopened.getValue("satisfaction"));
      assertEquals(1, reopened.getInteger("reopens"));
    } finally {
      CLOCK.set("2026-12-07T09:00:00");
    }
  }

  private static void scan() throws Exception {
    gateway.platform().workOrderDeadlines().scan().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static boolean hasWarning(String number, String kind, String level) throws Exception {
    return order("hotline", number).getJsonArray("warnings").stream()
        .anyMatch(w -> kind.equals(((JsonObject) w).getString("kind")) && level.equals(((JsonObject) w).getString("level")));
  }

  @Test
  void statisticsCountByTypeAndDepartmentWithOnTimeRateAndSatisfaction() throws Exception {
    String number = taken(complaint("13600007777"));
    ok(act("hotline", number, new JsonObject().put("action", "dispatch").put("departmentCode", "wjw")));
    ok(act("reviewer.wjw", number, new JsonObject().put("action", "sign-for")));
    ok(act("reviewer.wjw", number, new JsonObject().put("action", "reply").put("text", "已答复")));
    ok(act("hotline", number, new JsonObject().put("action", "call-back").put("satisfaction", 4)));
    JsonObject stats = ok(gateway.get("supervisor", "/api/v1/work-orders/statistics"));
    assertTrue(stats.getLong("total") >= 1);
    JsonObject wjw = stats.getJsonArray("byDepartment").stream().map(o -> (JsonObject) o)
        .filter(o -> "wjw".equals(o.getString("departmentCode"))).findFirst().orElseThrow();
    assertEquals(1, wjw.getLong("count"));
    assertEquals(1.0, wjw.getDouble("onTimeRate"));
    assertTrue(stats.getJsonArray("byType").stream().anyMatch(o -> "投诉".equals(((JsonObject) o).getString("typeName"))));
    assertTrue(stats.getJsonObject("satisfaction").getLong("rated") >= 1);
    assertEquals(403, gateway.get("reviewer.wjw", "/api/v1/work-orders/statistics").statusCode());
    assertEquals("/to", pointer(gateway.get("hotline", "/api/v1/work-orders/statistics?from=2026-12-07&to=2026-12-01")));
  }

  @Test
  void theHotlineLooksUpACaseAndTheDepartmentSeesOrdersAboutIt() throws Exception {
    HttpResponse<String> submission = gateway.post("citizen", "/api/v1/applications", new JsonObject()
        .put("matterCode", "mzj-elderly-preferential-card").put("channel", "WEB")
        .put("data", gateway.sample("mzj-elderly-preferential-card")));
    assertEquals(201, submission.statusCode(), submission.body());
    JsonObject submitted = new JsonObject(submission.body());
    String kase = submitted.getString("number");
    String code = submitted.getString("queryCode");
    String number = taken(complaint("13500008888").put("caseNumber", kase));
    ok(act("hotline", number, new JsonObject().put("action", "dispatch").put("departmentCode", "mzj")));

    JsonObject found = ok(gateway.get("hotline", "/api/v1/hotline/cases/" + kase + "?queryCode=" + code));
    assertEquals("SUBMITTED", found.getString("status"));
    assertTrue(found.getString("applicantName").contains("*"), "masked");
    assertEquals(number, found.getJsonArray("workOrders").getJsonObject(0).getString("number"));
    assertEquals(404, gateway.get("hotline", "/api/v1/hotline/cases/" + kase + "?queryCode=000000").statusCode());
    assertEquals(403, gateway.get("reviewer.mzj", "/api/v1/hotline/cases/" + kase + "?queryCode=" + code).statusCode());

    JsonArray beside = new JsonArray(gateway.get("reviewer.mzj", "/api/v1/work-orders?caseNumber=" + kase).body());
    assertEquals(number, beside.getJsonObject(0).getString("number"));
  }

  @Test
  void aCallerIsRecognisedByPhoneWithEarlierOrdersAndCases() throws Exception {
    // The demo citizen's account is registered with 13800138000: their online case is found by the phone.
    String own = gateway.submitSample("mzj-elderly-preferential-card");
    // A walk-in case (no account) is found through an earlier order from the phone that named it.
    HttpResponse<String> walkIn = gateway.post("clerk", "/api/v1/applications", new JsonObject()
        .put("matterCode", "mzj-elderly-preferential-card").put("channel", "WINDOW")
        .put("applicant", new JsonObject().put("name", "李四").put("idNumber", "410183198001010032")
            .put("phone", "13500007777"))
        .put("data", gateway.sample("mzj-elderly-preferential-card")));
    assertEquals(201, walkIn.statusCode(), walkIn.body());
    String walked = new JsonObject(walkIn.body()).getString("number");
    String order = taken(complaint("13500007777").put("caseNumber", walked));

    JsonObject citizen = ok(gateway.get("hotline", "/api/v1/hotline/callers/13800138000"));
    JsonObject mine = citizen.getJsonArray("cases").stream().map(JsonObject.class::cast)
        .filter(c -> own.equals(c.getString("number"))).findFirst().orElseThrow(() -> new AssertionError(citizen));
    assertEquals("张*", mine.getString("applicantName"), "masked");
    assertEquals("SUBMITTED", mine.getString("status"));
    assertEquals("收件", mine.getJsonArray("steps").getJsonObject(0).getString("stepName"));
    assertTrue(citizen.getJsonArray("cases").stream().map(JsonObject.class::cast)
        .noneMatch(c -> walked.equals(c.getString("number"))), "not someone else's case");
    assertTrue(!citizen.encode().contains("11010519491231002X"), "no identity number");

    JsonObject caller = ok(gateway.get("hotline", "/api/v1/hotline/callers/13500007777"));
    assertEquals(order, caller.getJsonArray("workOrders").getJsonObject(0).getString("number"));
    assertEquals(List.of(walked), caller.getJsonArray("cases").stream()
        .map(c -> ((JsonObject) c).getString("number")).toList());
    assertEquals("李*", caller.getJsonArray("cases").getJsonObject(0).getString("applicantName"));

    JsonObject stranger = ok(gateway.get("supervisor", "/api/v1/hotline/callers/13900000001"));
    assertEquals(0, stranger.getJsonArray("workOrders").size());
    assertEquals(0, stranger.getJsonArray("cases").size());
    assertEquals(403, gateway.get("reviewer.mzj", "/api/v1/hotline/callers/13800138000").statusCode());
    HttpResponse<String> bad = gateway.get("hotline", "/api/v1/hotline/callers/abc");
    assertTrue(bad.statusCode() == 400 || bad.statusCode() == 422, bad.body());
    assertTrue(bad.body().contains("phone"), bad.body());
  }

  @Test
  void graphqlGivesTheSameOrdersAndProblems() throws Exception {
    String token = gateway.token("hotline");
    JsonObject made = graphql(token, "mutation($i: JSON!) { createWorkOrder(input: $i) }",
        new JsonObject().put("i", complaint("13400009999")));
    String number = made.getJsonObject("data").getJsonObject("createWorkOrder").getString("number");
    JsonObject bad = graphql(token, "mutation($n: String!) { actOnWorkOrder(number: $n, input: {action: \"dispatch\","
        + " departmentCode: \"nosuch\"}) }", new JsonObject().put("n", number));
    JsonObject extensions = bad.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions");
    assertEquals(422, extensions.getInteger("status"));
    assertEquals("/departmentCode", extensions.getJsonArray("violations").getJsonObject(0).getString("pointer"));
    JsonObject noCaller = graphql(token, "mutation { createWorkOrder(input: {type: \"HELP\", subject: \"x\","
        + " content: \"y\"}) }", new JsonObject());
    assertEquals("/caller/phone", noCaller.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getJsonArray("violations").getJsonObject(0).getString("pointer"));
    graphql(token, "mutation($n: String!) { actOnWorkOrder(number: $n, input: {action: \"dispatch\","
        + " departmentCode: \"mzj\"}) }", new JsonObject().put("n", number));
    JsonObject seen = graphql(gateway.token("reviewer.mzj"), "query($n: String!) { workOrder(number: $n) }",
        new JsonObject().put("n", number)).getJsonObject("data").getJsonObject("workOrder");
    assertEquals("DISPATCHED", seen.getString("status"));
    assertEquals("134****9999", seen.getJsonObject("caller").getString("phone"));
    JsonArray list = graphql(token, "{ workOrders(status: \"DISPATCHED\", callerPhone: \"13400009999\") }",
        new JsonObject()).getJsonObject("data").getJsonArray("workOrders");
    assertEquals(1, list.size());
  }

  private static JsonObject graphql(String token, String query, JsonObject variables) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", query)
        .put("variables", variables).encode(), "Content-Type", "application/json", "Authorization", "Bearer " + token);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }
}
