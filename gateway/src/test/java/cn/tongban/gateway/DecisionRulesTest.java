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
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parallel approval with deemed consent, 容缺 acceptance, 告知承诺, and the deadline warnings of 电子监察,
 * on a clock the test moves and a deadline scan it runs (the periodic one is off here).
 */
class DecisionRulesTest {
  private static final String PLANNING = "zrghj-construction-planning-permit";
  private static final String TALENT = "rsj-talent-housing-subsidy";
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final MutableClock CLOCK = MutableClock.at("2026-11-02T09:00:00");
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0"), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static String submit(String matter, String time) throws Exception {
    CLOCK.set(time);
    return gateway.submitSample(matter);
  }

  private static HttpResponse<String> act(String user, String number, JsonObject body) throws Exception {
    return gateway.act(user, number, body);
  }

  private static JsonObject ok(HttpResponse<String> r) {
    return TestGateway.ok(r);
  }

  private static JsonObject read(String user, String number) throws Exception {
    return gateway.read(user, number);
  }

  private static JsonObject scan(String time) throws Exception {
    CLOCK.set(time);
    return ok(gateway.send("POST", "/api/v1/supervision/scan", null, "Authorization",
        "Bearer " + gateway.token("supervisor")));
  }

  private static Map<String, String> opinions(JsonObject app) {
    return app.getJsonArray("opinions").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(o -> o.getString("department"), o -> String.valueOf(o.getValue("opinion"))));
  }

  @Test
  void threeDepartmentsInParallelAndTheSilentOneIsDeemedToConsent() throws Exception {
    String number = submit(PLANNING, "2026-11-02T09:00:00");
    JsonObject accepted = ok(act("clerk", number, new JsonObject().put("action", "accept")));
    assertEquals(List.of("fgw", "zjj", "zrghj"), accepted.getJsonArray("parallelDepartments").stream()
        .map(String::valueOf).sorted().toList());
    Map<String, String> due = accepted.getJsonArray("opinions").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(o -> o.getString("department"), o -> o.getString("dueDate")));
    assertEquals(Map.of("zrghj", "2026-11-16", "zjj", "2026-11-11", "fgw", "2026-11-05"), due,
        "each department's own limit in working days from acceptance");

    assertEquals(409, act("reviewer.zrghj", number, new JsonObject().put("action", "review-pass")).statusCode(),
        "departments give opinions instead of one review");
    assertEquals(200, read("reviewer.zjj", number).getString("number") != null ? 200 : 0,
        "every department in the parallel approval sees the case");
    CLOCK.set("2026-11-04T10:00:00");
    ok(act("reviewer.fgw", number, new JsonObject().put("action", "opinion").put("opinion", "AGREE")));
    assertEquals(422, act("reviewer.zrghj", number, new JsonObject().put("action", "opinion")
        .put("opinion", "DISAGREE")).statusCode(), "disagreeing needs reasons");
    JsonObject afterTwo = ok(act("reviewer.zrghj", number, new JsonObject().put("action", "opinion")
        .put("opinion", "AGREE").put("comment", "符合规划条件")));
    assertEquals("ACCEPTED", afterTwo.getString("status"), "zjj has not answered yet");
    assertEquals(409, act("reviewer.fgw", number, new JsonObject().put("action", "opinion")
        .put("opinion", "AGREE")).statusCode(), "one opinion per department");
    assertEquals(409, act("approver.zrghj", number, new JsonObject().put("action", "approve")).statusCode());

    JsonObject before = scan("2026-11-11T09:00:00");
    assertEquals(0, before.getInteger("deemedConsents"), "on its last day zjj is not late yet");
    assertTrue(read("supervisor", number).getJsonArray("warnings").stream().map(JsonObject.class::cast)
        .anyMatch(w -> w.getString("kind").equals("OPINION_DUE") && w.getString("subject").equals("zjj")
            && w.getString("level").equals("YELLOW")), "a yellow card on the day of zjj's limit");

    JsonObject result = scan("2026-11-12T09:00:00");
    assertEquals(1, result.getInteger("deemedConsents"));
    JsonObject decided = read("approver.zrghj", number);
    assertEquals("IN_REVIEW", decided.getString("status"), "all agreed, zjj by deemed consent");
    assertEquals(Map.of("zrghj", "AGREE", "fgw", "AGREE", "zjj", "DEEMED_CONSENT"), opinions(decided));
    assertEquals(0, scan("2026-11-12T10:00:00").getInteger("deemedConsents"), "applied once, whoever scans again");
    assertEquals(409, act("reviewer.zjj", number, new JsonObject().put("action", "opinion").put("opinion", "AGREE"))
        .statusCode(), "too late: consent was deemed");
    JsonArray steps = new JsonArray(gateway.send("GET", "/api/v1/applications/" + number + "/steps", null,
        "Authorization", "Bearer " + gateway.token("approver.zrghj")).body());
    JsonObject deemedStep = steps.stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("stepName").equals("超时默认")).findFirst().orElseThrow();
    assertEquals("zjj", deemedStep.getJsonObject("detail").getJsonArray("departments").getJsonObject(0)
        .getString("department"), "the record names the silent department");
    assertEquals("APPROVED", ok(act("approver.zrghj", number, new JsonObject().put("action", "approve")
        .put("comment", "准予核发建设工程规划许可证"))).getString("status"));
  }

  @Test
  void aDisagreeingDepartmentKeepsTheCaseFromApproval() throws Exception {
    String number = submit(PLANNING, "2026-11-02T09:00:00");
    ok(act("clerk", number, new JsonObject().put("action", "accept")));
    ok(act("reviewer.fgw", number, new JsonObject().put("action", "opinion").put("opinion", "DISAGREE")
        .put("comment", "未完成节能审查")));
    ok(act("reviewer.zjj", number, new JsonObject().put("action", "opinion").put("opinion", "AGREE")));
    JsonObject last = ok(act("reviewer.zrghj", number, new JsonObject().put("action", "opinion")
        .put("opinion", "AGREE")));
    assertEquals("ACCEPTED", last.getString("status"), "approved only when every department agrees");
    assertEquals(409, act("approver.zrghj", number, new JsonObject().put("action", "approve")).statusCode());
    assertEquals("DENIED", ok(act("approver.zrghj", number, new JsonObject().put("action", "deny")
        .put("comment", "发改委不同意：未完成节能审查"))).getString("status"), "a disagreement can be refused at once");
  }

  @Test
  void remindersYellowAndRedCardsAreRaisedOnceEach() throws Exception {
    String number = submit(ELDERLY, "2026-11-16T09:00:00");
    JsonObject accepted = ok(act("clerk", number, new JsonObject().put("action", "accept")));
    assertEquals("2026-11-23", accepted.getString("dueDate"));
    scan("2026-11-20T09:00:00");
    scan("2026-11-23T09:00:00");
    scan("2026-11-24T09:00:00");
    JsonObject again = scan("2026-11-24T11:00:00");
    List<String> levels = read("supervisor", number).getJsonArray("warnings").stream().map(JsonObject.class::cast)
        .filter(w -> w.getString("kind").equals("DECISION_DUE")).map(w -> w.getString("level")).toList();
    assertEquals(List.of("REMINDER", "YELLOW", "RED"), levels);
    assertEquals(3, gateway.count("select count(*) from outbox_event where event_type = 'DeadlineWarning'"
        + " and aggregate_id = '" + number + "' and payload->>'kind' = 'DECISION_DUE'"));
    assertTrue(again.getInteger("warningsRaised") >= 0);
  }

  @Test
  void acceptingWithMissingSecondaryMaterialsThenTerminatingWhenTheDeadlinePasses() throws Exception {
    String number = submit(TALENT, "2026-11-02T09:00:00");
    JsonObject notTolerable = new JsonObject().put("action", "accept").put("commitment", "本人承诺按期补齐")
        .put("missingMaterials", new JsonArray().add(new JsonObject().put("material", "id-card")
            .put("deadline", "2026-11-06")).add(new JsonObject().put("material", "bank-card")
            .put("deadline", "2026-12-31")));
    HttpResponse<String> refused = act("clerk", number, notTolerable);
    assertEquals(422, refused.statusCode(), refused.body());
    Set<String> pointers = new JsonObject(refused.body()).getJsonArray("violations").stream()
        .map(v -> ((JsonObject) v).getString("pointer")).collect(Collectors.toSet());
    assertEquals(Set.of("/missingMaterials/0/material", "/missingMaterials/1/deadline"), pointers,
        "the main material may not be missing, and no deadline past the promised limit");

    JsonObject accepted = ok(act("clerk", number, new JsonObject().put("action", "accept")
        .put("commitment", "本人承诺于11月6日前补交银行卡复印件")
        .put("missingMaterials", new JsonArray().add(new JsonObject().put("material", "bank-card")
            .put("deadline", "2026-11-06")))));
    assertEquals("bank-card", accepted.getJsonObject("deficiency").getJsonArray("items").getJsonObject(0)
        .getString("material"));
    assertEquals(409, act("clerk", number, new JsonObject().put("action", "terminate").put("comment", "逾期"))
        .statusCode(), "not before the deadline has passed");
    scan("2026-11-09T09:00:00");
    assertTrue(read("clerk", number).getJsonArray("warnings").stream().map(JsonObject.class::cast)
        .anyMatch(w -> w.getString("kind").equals("DEFICIENCY_DUE") && w.getString("level").equals("RED")));
    JsonObject terminated = ok(act("clerk", number, new JsonObject().put("action", "terminate")
        .put("comment", "容缺材料逾期未补齐")));
    assertEquals("TERMINATED", terminated.getString("status"));
  }

  @Test
  void missingMaterialsHandedInInTime() throws Exception {
    String number = submit(TALENT, "2026-11-02T09:00:00");
    ok(act("clerk", number, new JsonObject().put("action", "accept").put("commitment", "按期补齐")
        .put("missingMaterials", new JsonArray().add(new JsonObject().put("material", "bank-card")
            .put("deadline", "2026-11-06")))));
    assertEquals(422, act("citizen", number, new JsonObject().put("action", "supply")
        .put("materials", new JsonArray().add("id-card"))).statusCode());
    JsonObject supplied = ok(act("citizen", number, new JsonObject().put("action", "supply")
        .put("materials", new JsonArray().add("bank-card"))));
    assertTrue(supplied.getJsonObject("deficiency").getBoolean("fulfilled"));
    scan("2026-11-09T09:00:00");
    assertTrue(read("clerk", number).getJsonArray("warnings", new JsonArray()).stream().map(JsonObject.class::cast)
        .noneMatch(w -> w.getString("kind").equals("DEFICIENCY_DUE")), "nothing overdue once handed in");
  }

  @Test
  void applicantsWithBadCreditCannotUseToleranceOrCommitments() throws Exception {
    // As a credit-sharing import would record it: by the blind index of the identity number.
    gateway.execute("insert into applicant_credit (subject_index, subject_sealed, status, reason, source) values ('"
        + gateway.idIndex("11010519491231002X") + "', '" + gateway.personal().seal("applicant_credit.subject",
        gateway.idIndex("11010519491231002X"), "11010519491231002X") + "', 'BAD', '失信被执行人', 'test') on conflict (subject_index) do update set status = 'BAD'");
    try {
      String number = submit(TALENT, "2026-11-03T09:00:00");
      HttpResponse<String> r = act("clerk", number, new JsonObject().put("action", "accept").put("commitment", "承诺")
          .put("missingMaterials", new JsonArray().add(new JsonObject().put("material", "bank-card")
              .put("deadline", "2026-11-06"))));
      assertEquals(422, r.statusCode());
      assertEquals("badCredit", new JsonObject(r.body()).getJsonArray("violations").getJsonObject(0)
          .getString("code"));
    } finally {
      gateway.execute("delete from applicant_credit where subject_index = '" + gateway.idIndex("11010519491231002X") + "'");
    }
  }

  @Test
  void aCommitmentFoundFalseOnVerificationTerminatesTheCase() throws Exception {
    String number = submit(TALENT, "2026-11-02T09:00:00");
    assertEquals(422, act("clerk", number, new JsonObject().put("action", "accept").put("commitments",
        new JsonArray().add(new JsonObject().put("material", "id-card").put("statement", "承诺")))).statusCode(),
        "an identity card cannot be replaced by a commitment");
    JsonObject accepted = ok(act("clerk", number, new JsonObject().put("action", "accept").put("commitments",
        new JsonArray().add(new JsonObject().put("material", "social-insurance-record")
            .put("statement", "本人承诺在新密市连续缴纳社会保险满12个月")))));
    assertEquals("2026-11-30", accepted.getJsonObject("commitments").getString("verificationDueDate"),
        "a verification task within the statutory limit");
    assertEquals(422, act("reviewer.rsj", number, new JsonObject().put("action", "verify-commitment")
        .put("result", "FALSE")).statusCode(), "a false finding states what was found");
    JsonObject terminated;
    try {
      terminated = ok(act("reviewer.rsj", number, new JsonObject().put("action", "verify-commitment")
          .put("result", "FALSE").put("comment", "社保记录显示仅缴纳5个月，承诺不实")));
      assertEquals(1, gateway.count("select count(*) from applicant_credit where subject_index = '"
          + gateway.idIndex("11010519491231002X") + "'"
          + " and status = 'BAD' and source = 'commitment'"), "a false commitment goes on the credit record");
    } finally {
      gateway.execute("delete from applicant_credit where subject_index = '" + gateway.idIndex("11010519491231002X") + "'");
    }
    assertEquals("TERMINATED", terminated.getString("status"));
    assertEquals("FALSE", terminated.getJsonObject("commitments").getString("result"));
    JsonArray steps = new JsonArray(gateway.send("GET", "/api/v1/applications/" + number + "/steps", null,
        "Authorization", "Bearer " + gateway.token("citizen")).body());
    JsonObject last = steps.getJsonObject(steps.size() - 1);
    assertEquals("承诺核查", last.getString("stepName"));
    assertEquals("false-commitment", last.getJsonObject("detail").getString("terminated"), "the record says why");
  }
}
