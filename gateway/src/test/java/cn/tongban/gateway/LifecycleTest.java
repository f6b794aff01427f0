package cn.tongban.gateway;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole cases driven through REST and GraphQL by the real roles, on a clock the test moves: intake,
 * one-time correction, resubmission, acceptance, review, decision, delivery, and what goes wrong.
 */
class LifecycleTest {
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final MutableClock CLOCK = MutableClock.at("2026-09-14T09:00:00");
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of(), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static String submit(String time) throws Exception {
    CLOCK.set(time);
    return gateway.submitSample(ELDERLY);
  }

  private static HttpResponse<String> act(String user, String number, JsonObject body) throws Exception {
    return gateway.act(user, number, body);
  }

  private static JsonObject ok(HttpResponse<String> r) {
    return TestGateway.ok(r);
  }

  private static JsonObject action(String name) {
    return new JsonObject().put("action", name);
  }

  private static JsonObject read(String user, String number) throws Exception {
    return gateway.read(user, number);
  }

  @Test
  void intakeCorrectionResubmitAcceptReviewApproveDeliver() throws Exception {
    String number = submit("2026-09-14T09:00:00");
    JsonObject submitted = read("citizen", number);
    assertEquals("xm-city", submitted.getString("hallCode"), "online cases reach the city centre's window");
    assertEquals("2026-09-20", submitted.getString("noticeDueDate"),
        "5 working days after Monday 14 Sep: 15–18, then Sunday 20 Sep, a make-up working day");

    CLOCK.set("2026-09-15T10:00:00");
    JsonArray items = new JsonArray()
        .add(new JsonObject().put("material", "household-register").put("message", "户口簿复印件不清晰，请重新提供"))
        .add(new JsonObject().put("pointer", "/data/address").put("message", "居住地址须写到门牌号"));
    JsonObject corrected = ok(act("clerk", number, action("request-correction").put("items", items)
        .put("comment", "请一次性补正以下材料")));
    assertEquals("CORRECTION_REQUESTED", corrected.getString("status"));
    JsonObject notice = read("citizen", number).getJsonObject("correction");
    assertEquals(2, notice.getJsonArray("items").size(), "every item in one notice");
    assertFalse(notice.getBoolean("late"));

    assertEquals(409, act("clerk", number, action("accept")).statusCode(), "nothing to accept while awaiting correction");
    JsonObject fixed = gateway.sample(ELDERLY).put("address", "新密市青屏街街道示例社区5号楼1单元302室");
    JsonObject badData = gateway.sample(ELDERLY);
    badData.remove("name");
    HttpResponse<String> invalid = act("citizen", number, action("resubmit").put("data", badData));
    assertEquals(422, invalid.statusCode(), "resubmitted data is checked against the case's form version");
    assertEquals("2026-09-21", ok(act("citizen", number, action("resubmit").put("data", fixed)))
        .getString("noticeDueDate"), "a fresh 5-working-day window from the resubmission");

    CLOCK.set("2026-09-16T11:00:00");
    assertEquals(403, act("citizen", number, action("accept")).statusCode(), "applicants do not accept");
    assertEquals(403, act("reviewer.mzj", number, action("accept")).statusCode(), "受审分离: the window accepts");
    JsonObject accepted = ok(act("clerk", number, action("accept")));
    assertEquals("ACCEPTED", accepted.getString("status"));
    assertEquals("2026-09-16", accepted.getString("clockStart"));
    assertEquals("2026-09-22", accepted.getString("dueDate"),
        "5 promised working days from Wed 16 Sep: 17, 18, Sun 20 (调休), 21, 22");

    assertEquals(409, act("approver.mzj", number, action("approve")).statusCode(), "decided only after review");
    assertEquals(404, act("reviewer.rsj", number, action("review-pass")).statusCode(),
        "another department cannot even see the case");
    ok(act("reviewer.mzj", number, action("review-pass").put("comment", "材料齐全，符合条件")));
    assertEquals(422, act("approver.mzj", number, action("deny")).statusCode(), "a refusal states its reasons");
    JsonObject approved = ok(act("approver.mzj", number, action("approve").put("comment", "准予办理")));
    assertEquals("APPROVED", approved.getString("status"));
    assertEquals(422, act("clerk", number, action("deliver")).statusCode(), "delivery needs a method");
    assertEquals("DELIVERED", ok(act("clerk", number, action("deliver").put("deliveryMethod", "WINDOW")))
        .getString("status"));

    JsonArray steps = new JsonArray(gateway.send("GET", "/api/v1/applications/" + number + "/steps", null,
        "Authorization", "Bearer " + gateway.token("citizen")).body());
    List<String> names = steps.stream().map(s -> ((JsonObject) s).getString("stepName")).toList();
    assertEquals(List.of("收件", "补正告知", "补正提交", "受理", "审核通过", "审批准予", "送达"), names);
    assertEquals("准予办理", steps.getJsonObject(5).getString("opinion"));
    assertEquals(7, gateway.count("select count(*) from outbox_event where aggregate_id = '" + number + "'"));
  }

  @Test
  void theCorrectionNoticeIsAPrintablePageListingEveryItem() throws Exception {
    String number = submit("2026-10-19T09:00:00");
    CLOCK.set("2026-10-20T09:00:00");
    assertEquals(409, gateway.send("GET", "/api/v1/applications/" + number + "/correction-notice", null,
        "Authorization", "Bearer " + gateway.token("clerk")).statusCode(), "no notice yet");
    ok(act("clerk", number, action("request-correction").put("items", new JsonArray()
        .add(new JsonObject().put("material", "photo").put("message", "须为近期一寸免冠彩色照片"))
        .add(new JsonObject().put("pointer", "/data/address").put("message", "写到门牌号<b>")))));
    HttpResponse<String> page = gateway.send("GET", "/api/v1/applications/" + number + "/correction-notice", null,
        "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    String html = page.body();
    assertTrue(html.contains("补正材料通知书") && html.contains(number) && html.contains("老年人优待证办理"));
    String photo = new JsonObject(gateway.send("GET", "/api/v1/matters/" + ELDERLY, null).body())
        .getJsonArray("materials").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("code").equals("photo")).findFirst().orElseThrow().getString("name");
    assertTrue(html.contains(photo), "the material by its name");
    assertTrue(html.contains("须为近期一寸免冠彩色照片"));
    assertTrue(html.contains("写到门牌号&lt;b&gt;"), "what people typed is escaped");
    assertTrue(html.contains("2026年10月20日"), "dated");
    assertEquals(404, gateway.send("GET", "/api/v1/applications/" + number + "/correction-notice", null,
        "Authorization", "Bearer " + gateway.token("clerk.town")).statusCode());
    HttpResponse<String> pdf = gateway.send("GET", "/api/v1/applications/" + number
        + "/correction-notice?format=pdf", null, "Authorization", "Bearer " + gateway.token("clerk"));
    assertEquals(200, pdf.statusCode());
    assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(pdf.body().startsWith("%PDF-"));
    StringBuilder numberHex = new StringBuilder();
    number.chars().forEach(ch -> numberHex.append(String.format("%04X", ch)));
    assertTrue(pdf.body().contains(numberHex), "the case number is printed on it");
  }

  @Test
  void theStatutoryLimitIsExtendedOnceWithReasons() throws Exception {
    String number = submit("2026-10-26T09:00:00");
    JsonObject accepted = ok(act("clerk", number, action("accept")));
    assertEquals("2026-11-09", accepted.getString("legalDueDate"), "10 statutory working days from Mon 26 Oct");
    assertEquals(403, act("reviewer.mzj", number, action("extend").put("workingDays", 10)
        .put("comment", "x")).statusCode(), "the approver extends");
    assertEquals(422, act("approver.mzj", number, action("extend").put("workingDays", 15)
        .put("comment", "情况复杂")).statusCode(), "15 only for joint handling");
    JsonObject extended = ok(act("approver.mzj", number, action("extend").put("workingDays", 10)
        .put("comment", "需调查核实居住情况")));
    assertEquals("2026-11-23", extended.getString("legalDueDate"), "10 more: 10–13, 16–20 and 23 Nov");
    assertEquals(409, act("approver.mzj", number, action("extend").put("workingDays", 10)
        .put("comment", "再次延长")).statusCode(), "once only");
  }

  @Test
  void aLateCorrectionNoticeMeansTheClockRunsFromIntake() throws Exception {
    String number = submit("2026-11-02T09:00:00");
    CLOCK.set("2026-11-12T09:00:00");
    ok(act("clerk", number, action("request-correction").put("items", new JsonArray()
        .add(new JsonObject().put("message", "缺少户口簿")))));
    assertTrue(read("citizen", number).getJsonObject("correction").getBoolean("late"), "8 working days: too late");
    ok(act("citizen", number, action("resubmit").put("data", gateway.sample(ELDERLY))));
    CLOCK.set("2026-11-16T09:00:00");
    JsonObject accepted = ok(act("clerk", number, action("accept")));
    assertEquals("2026-11-02", accepted.getString("clockStart"), "counted as accepted on the intake day");
    assertEquals("2026-11-09", accepted.getString("dueDate"));
  }

  @Test
  void aReturnInReviewDoesNotRestartTheStatutoryClock() throws Exception {
    String number = submit("2026-11-23T09:00:00");
    JsonObject first = ok(act("clerk", number, action("accept")));
    assertEquals("2026-11-23", first.getString("clockStart"));
    CLOCK.set("2026-11-25T09:00:00");
    ok(act("reviewer.mzj", number, action("review-return").put("items", new JsonArray()
        .add(new JsonObject().put("pointer", "/data/address").put("message", "居住地址须写到门牌号")))));
    CLOCK.set("2026-11-26T09:00:00");
    ok(act("citizen", number, action("resubmit").put("data", gateway.sample(ELDERLY)
        .put("address", "新密市青屏街街道示例社区5号楼1单元302室"))));
    CLOCK.set("2026-11-27T09:00:00");
    JsonObject again = ok(act("clerk", number, action("accept")));
    assertEquals("ACCEPTED", again.getString("status"));
    for (String field : List.of("clockStart", "dueDate", "legalDueDate", "acceptedAt")) {
      assertEquals(first.getString(field), again.getString(field), field + " is kept: a return restarts nothing");
    }
    JsonArray steps = new JsonArray(gateway.send("GET", "/api/v1/applications/" + number + "/steps", null,
        "Authorization", "Bearer " + gateway.token("clerk")).body());
    JsonObject last = steps.getJsonObject(steps.size() - 1);
    assertEquals("受理", last.getString("stepName"));
    assertEquals("2026-11-23", last.getJsonObject("detail").getString("clockStart"), last.encode());
  }

  @Test
  void aSecondNoticeMayOnlyNameWhatTheResubmissionHandedIn() throws Exception {
    String number = submit("2026-11-30T09:00:00");
    ok(act("clerk", number, action("request-correction").put("items", new JsonArray()
        .add(new JsonObject().put("pointer", "/data/address").put("message", "居住地址须写到门牌号"))
        .add(new JsonObject().put("material", "photo").put("message", "须为近期一寸免冠彩色照片")))));
    CLOCK.set("2026-12-01T09:00:00");
    ok(act("citizen", number, action("resubmit").put("data", gateway.sample(ELDERLY)
        .put("address", "新密市青屏街街道示例社区5号楼1单元402室"))));
    ok(act("clerk", number, action("accept")));

    CLOCK.set("2026-12-02T09:00:00");
    HttpResponse<String> unchanged = act("reviewer.mzj", number, action("review-return").put("items", new JsonArray()
        .add(new JsonObject().put("pointer", "/data/address").put("message", "门牌号与户口簿不一致"))
        .add(new JsonObject().put("pointer", "/data/name").put("message", "姓名有误"))
        .add(new JsonObject().put("material", "household-register").put("message", "缺少户口簿"))
        .add(new JsonObject().put("message", "其他问题"))));
    assertEquals(422, unchanged.statusCode(), "一次性告知: what the first notice could have named is refused");
    JsonArray violations = new JsonObject(unchanged.body()).getJsonArray("violations");
    assertEquals(List.of("/items/1/pointer", "/items/2/material", "/items/3"), violations.stream()
        .map(o -> ((JsonObject) o).getString("pointer")).toList(), violations.encode());
    assertTrue(violations.stream().allMatch(o -> "oneTimeNotice".equals(((JsonObject) o).getString("code"))));

    ok(act("reviewer.mzj", number, action("review-return").put("items", new JsonArray()
        .add(new JsonObject().put("pointer", "/data/address").put("message", "门牌号与户口簿不一致"))
        .add(new JsonObject().put("material", "photo").put("message", "新交的照片不是免冠照片")))));
    JsonArray steps = new JsonArray(gateway.send("GET", "/api/v1/applications/" + number + "/steps", null,
        "Authorization", "Bearer " + gateway.token("clerk")).body());
    JsonObject resubmitted = steps.getJsonObject(2);
    assertEquals("补正提交", resubmitted.getString("stepName"));
    assertEquals(new JsonArray().add("/data/address"), resubmitted.getJsonObject("detail").getJsonArray("changed"));
    JsonObject returned = steps.getJsonObject(steps.size() - 1);
    assertEquals("审核退回", returned.getString("stepName"));
    assertTrue(returned.getJsonObject("detail").getBoolean("aboutResubmission"), returned.encode());
  }

  private static HttpResponse<String> notice(String user, String number, String path) throws Exception {
    return gateway.send("GET", "/api/v1/applications/" + number + "/" + path, null,
        "Authorization", "Bearer " + gateway.token(user));
  }

  @Test
  void acceptanceAndRefusalAreGivenInDatedWrittenNotices() throws Exception {
    String accepted = submit("2026-12-07T09:00:00");
    HttpResponse<String> none = gateway.send("GET", "/api/v1/applications/" + accepted + "/intake-notice", null,
        "Authorization", "Bearer " + gateway.token("clerk"));
    assertEquals(409, none.statusCode(), "nothing decided yet: " + none.body());
    CLOCK.set("2026-12-08T10:00:00");
    JsonObject acceptance = ok(act("clerk", accepted, action("accept")));
    HttpResponse<String> page = gateway.send("GET", "/api/v1/applications/" + accepted + "/intake-notice", null,
        "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    String html = page.body();
    assertTrue(html.contains("<h1>受理通知书</h1>") && html.contains(accepted) && html.contains("老年人优待证办理"), html);
    assertTrue(html.contains("决定予以受理") && html.contains("第三十二条"), html);
    assertTrue(html.contains("受理日期：2026年12月8日"), "the acceptance day: " + html);
    assertTrue(html.contains("法定办结期限：" + java.time.LocalDate.parse(acceptance.getString("legalDueDate"))
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy年M月d日"))), html);
    assertTrue(html.contains("民政局"), "the deciding department: " + html);
    assertEquals(404, gateway.send("GET", "/api/v1/applications/" + accepted + "/intake-notice", null,
        "Authorization", "Bearer " + gateway.token("clerk.town")).statusCode());
    HttpResponse<String> pdf = gateway.send("GET", "/api/v1/applications/" + accepted + "/intake-notice?format=pdf",
        null, "Authorization", "Bearer " + gateway.token("clerk"));
    assertEquals(200, pdf.statusCode());
    assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(pdf.body().startsWith("%PDF-"));

    String refused = submit("2026-12-07T11:00:00");
    CLOCK.set("2026-12-09T09:00:00");
    ok(act("clerk", refused, action("not-accept").put("comment", "该事项不属于本部门职责范围<b>")));
    String decision = gateway.send("GET", "/api/v1/applications/" + refused + "/intake-notice", null,
        "Authorization", "Bearer " + gateway.token("citizen")).body();
    assertTrue(decision.contains("<h1>不予受理决定书</h1>") && decision.contains("决定不予受理"), decision);
    assertTrue(decision.contains("理由：该事项不属于本部门职责范围&lt;b&gt;"), "its reasons, escaped: " + decision);
    assertTrue(decision.contains("行政复议") && decision.contains("行政诉讼"), "the applicant's remedies");
    assertTrue(decision.contains("2026年12月9日"), "dated the day of the decision");
  }

  @Test
  void refusalNeedsReasonsAndEndsTheCase() throws Exception {
    String number = submit("2026-10-12T09:00:00");
    HttpResponse<String> noReason = act("clerk", number, action("not-accept"));
    assertEquals(422, noReason.statusCode());
    assertEquals("/comment", new JsonObject(noReason.body()).getJsonArray("violations").getJsonObject(0)
        .getString("pointer"));
    assertEquals("NOT_ACCEPTED", ok(act("clerk", number, action("not-accept")
        .put("comment", "该事项不属于本部门职责范围"))).getString("status"));
    HttpResponse<String> after = act("clerk", number, action("accept"));
    assertEquals(409, after.statusCode());
    assertEquals("illegal-transition", new JsonObject(after.body()).getString("code"));
  }

  @Test
  void ofTwoConcurrentAcceptsExactlyOneWins() throws Exception {
    String number = submit("2026-10-13T09:00:00");
    String token = gateway.token("clerk");
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(CompletableFuture.supplyAsync(() -> {
        try {
          return gateway.send("POST", "/api/v1/applications/" + number + "/actions",
              action("accept").put("version", 0).encode(), "Authorization", "Bearer " + token,
              "Content-Type", "application/json").statusCode();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    List<Integer> codes = calls.stream().map(CompletableFuture::join).sorted().toList();
    assertEquals(List.of(200, 409, 409, 409), codes);
    assertEquals(1, gateway.count("select count(*) from case_step s join application a on a.id = s.application_id"
        + " where a.number = '" + number + "' and s.action = 'accept'"));
    HttpResponse<String> stale = gateway.send("POST", "/api/v1/applications/" + number + "/actions",
        action("review-pass").encode(), "Authorization", "Bearer " + gateway.token("reviewer.mzj"),
        "Content-Type", "application/json", "If-Match", "\"0\"");
    assertEquals(409, stale.statusCode());
    assertEquals("stale-version", new JsonObject(stale.body()).getString("code"));
  }

  @Test
  void aSuspensionMovesTheDueDateAcrossTheHolidaysAndAMakeUpSaturday() throws Exception {
    String number = submit("2026-09-16T09:00:00");
    CLOCK.set("2026-09-17T09:00:00");
    JsonObject accepted = ok(act("clerk", number, action("accept")));
    assertEquals("2026-09-23", accepted.getString("dueDate"), "Fri 18, Sun 20 (调休), 21, 22, 23");
    CLOCK.set("2026-09-18T15:00:00");
    assertEquals(422, act("reviewer.mzj", number, action("suspend").put("comment", "需现场核查")).statusCode(),
        "the kind of special procedure is named");
    assertEquals(409, notice("citizen", number, "special-procedure-notice").statusCode(), "never suspended yet");
    assertEquals("SUSPENDED", ok(act("reviewer.mzj", number, action("suspend").put("procedure", "ON_SITE_CHECK")
        .put("comment", "需现场核查居住情况，约需5个工作日"))).getString("status"));
    // Art. 45: the applicant is told in writing what stops the clock, why and for how long.
    String written = notice("citizen", number, "special-procedure-notice").body();
    assertTrue(written.contains("<h1>特别程序告知书</h1>") && written.contains("第四十五条"), written);
    assertTrue(written.contains("特别程序：现场核查。事由及所需时间：需现场核查居住情况，约需5个工作日。"), written);
    assertTrue(written.contains("自 2026年9月18日 起暂停计算办理期限"), written);
    assertTrue(written.contains("本机关将恢复计算办理期限"), "not resumed yet: " + written);
    assertEquals(404, notice("clerk.town", number, "special-procedure-notice").statusCode(), "not the township's");
    CLOCK.set("2026-09-30T10:00:00");
    JsonObject resumed = ok(act("reviewer.mzj", number, action("resume")));
    String after = notice("citizen", number, "special-procedure-notice").body();
    assertTrue(after.contains("现场核查已于 2026年9月30日 结束") && after.contains("暂停 8 个工作日")
        && after.contains("顺延至 2026年10月12日"), after);
    HttpResponse<String> pdf = notice("clerk", number, "special-procedure-notice?format=pdf");
    assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("ACCEPTED", resumed.getString("status"), "back where it was");
    // Stopped from Fri 18 Sep to Wed 30 Sep: Sun 20 (调休), 21–24, 28–30 = 8 working days. From 23 Sep
    // they run over 中秋 (25–27 Sep), 国庆 (1–7 Oct) and the make-up Saturday 10 Oct: 24, 28, 29, 30,
    // 8, 9, 10, 12 Oct.
    assertEquals("2026-10-12", resumed.getString("dueDate"));
  }

  @Test
  void applicantWithdrawsAndPublicProgressShowsNoPersonalData() throws Exception {
    String number = submit("2026-10-14T09:00:00");
    String queryCode = read("citizen", number).getString("queryCode");
    assertEquals(404, act("clerk.town", number, action("withdraw")).statusCode(), "not the township's case");
    assertEquals(403, act("clerk", number, action("withdraw")).statusCode(), "only the applicant withdraws");
    ok(act("citizen", number, action("withdraw").put("comment", "不再需要")));
    HttpResponse<String> progress = gateway.send("GET", "/api/v1/applications/" + number + "/progress?queryCode="
        + queryCode, null);
    assertEquals(200, progress.statusCode(), progress.body());
    JsonObject p = new JsonObject(progress.body());
    assertEquals("WITHDRAWN", p.getString("status"));
    assertEquals("已撤回", p.getString("statusName"));
    assertEquals("张*", p.getString("applicantName"));
    assertFalse(progress.body().contains("11010519491231002X"), "no identity number");
    assertFalse(progress.body().contains("13800138000"), "no phone");
    assertEquals(List.of("收件", "撤回申请"), p.getJsonArray("steps").stream()
        .map(s -> ((JsonObject) s).getString("stepName")).toList());
    assertEquals(404, gateway.send("GET", "/api/v1/applications/" + number + "/progress?queryCode=WRONG0000",
        null).statusCode(), "a wrong query code looks like an unknown number");
  }

  @Test
  void graphqlDrivesTheSameLifecycle() throws Exception {
    String number = submit("2026-10-15T09:00:00");
    String mutation = """
        mutation($n: String!, $in: ActionInput!) {
          actOnApplication(number: $n, input: $in) { status version dueDate steps { stepName } }
        }""";
    JsonObject r = graphql("clerk", mutation, new JsonObject().put("n", number)
        .put("in", new JsonObject().put("action", "accept")));
    JsonObject accepted = r.getJsonObject("data").getJsonObject("actOnApplication");
    assertEquals("ACCEPTED", accepted.getString("status"));
    assertEquals("2026-10-22", accepted.getString("dueDate"));
    JsonObject refused = graphql("approver.mzj", mutation, new JsonObject().put("n", number)
        .put("in", new JsonObject().put("action", "approve")));
    assertEquals("illegal-transition", refused.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getString("code"));
    JsonObject query = graphql(null, "query($n: String!, $q: String!) { progress(number: $n, queryCode: $q) }",
        new JsonObject().put("n", number).put("q", read("citizen", number).getString("queryCode")));
    assertEquals("ACCEPTED", query.getJsonObject("data").getJsonObject("progress").getString("status"));
    assertNull(graphql(null, "{ progress(number: \"" + number + "\", queryCode: \"nope\") }", new JsonObject())
        .getJsonObject("data").getValue("progress"));
  }

  @Test
  void dueDatesRespectHolidaysMakeUpDaysAndSayWhenAYearIsUnknown() throws Exception {
    JsonObject overNationalDay = new JsonObject(gateway.send("GET",
        "/api/v1/calendar/due-date?from=2026-09-30&workingDays=1", null).body());
    assertEquals("2026-10-08", overNationalDay.getString("dueDate"));
    assertEquals("2026-02-14", new JsonObject(gateway.send("GET",
        "/api/v1/calendar/due-date?from=2026-02-13&workingDays=1", null).body()).getString("dueDate"),
        "Saturday 14 Feb is a make-up working day");
    assertEquals("2026-02-25", new JsonObject(gateway.send("GET",
        "/api/v1/calendar/due-date?from=2026-02-14&workingDays=1.5", null).body()).getString("dueDate"),
        "half days round up to the day the limit ends in (Spring Festival 15–23 Feb)");
    assertEquals("2027-01-01", new JsonObject(gateway.send("GET",
        "/api/v1/calendar/due-date?from=2026-12-31&workingDays=1", null).body()).getString("dueDate"),
        "2027 not entered yet: an ordinary Friday");
    JsonObject intoUnknownYear = new JsonObject(gateway.send("GET",
        "/api/v1/calendar/due-date?from=2026-12-30&workingDays=3", null).body());
    assertEquals("calendar-year-missing", intoUnknownYear.getJsonArray("warnings").getJsonObject(0)
        .getString("code"));
    assertEquals(400, gateway.send("GET", "/api/v1/calendar/due-date?from=2026-12-30&workingDays=0.3", null)
        .statusCode());

    String day = "/api/v1/calendar/days/2027-01-01";
    String body = new JsonObject().put("kind", "HOLIDAY").put("name", "元旦").encode();
    assertEquals(403, gateway.send("PUT", day, body, "Authorization", "Bearer " + gateway.token("clerk"),
        "Content-Type", "application/json").statusCode());
    HttpResponse<String> set = gateway.send("PUT", day, body, "Authorization", "Bearer " + gateway.token("admin"),
        "Content-Type", "application/json");
    assertEquals(200, set.statusCode(), set.body());
    assertEquals("2027-01-04", new JsonObject(gateway.send("GET",
        "/api/v1/calendar/due-date?from=2026-12-31&workingDays=1", null).body()).getString("dueDate"),
        "Fri 1 Jan 2027 is now a holiday, then a weekend");
  }

  @Test
  void administratorsEnterAWholeYearFromTheNoticeInOneGo() throws Exception {
    // Sample data for a year no test touches, not an official notice.
    String path = "/api/v1/calendar/years/2028";
    String due = "/api/v1/calendar/due-date?from=2028-01-07&workingDays=1";
    JsonObject before = new JsonObject(gateway.send("GET", due, null).body());
    assertEquals("2028-01-10", before.getString("dueDate"), "an ordinary Friday, then a weekend");
    assertEquals("calendar-year-missing", before.getJsonArray("warnings").getJsonObject(0).getString("code"));

    JsonObject bad = new JsonObject().put("source", "示例通知")
        .put("holidays", new JsonArray()
            .add(new JsonObject().put("from", "2027-12-31").put("to", "2028-01-01").put("name", "元旦"))
            .add(new JsonObject().put("from", "2028-02-10").put("to", "2028-02-01").put("name", "春节")))
        .put("workdays", new JsonArray().add(new JsonObject().put("date", "2028-01-01").put("name", "调休")));
    String admin = "Bearer " + gateway.token("admin");
    assertEquals(403, gateway.send("PUT", path, bad.encode(), "Authorization", "Bearer " + gateway.token("clerk"),
        "Content-Type", "application/json").statusCode());
    HttpResponse<String> refused = gateway.send("PUT", path, new JsonObject().put("source", "示例通知")
        .put("holidays", new JsonArray()
            .add(new JsonObject().put("from", "2027-12-31").put("to", "2028-01-01").put("name", "元旦"))
            .add(new JsonObject().put("from", "2028-02-10").put("to", "2028-02-01").put("name", "春节"))
            .add(new JsonObject().put("from", "2028-01-01").put("to", "2028-01-03").put("name", "元旦")))
        .put("workdays", new JsonArray().add(new JsonObject().put("date", "2028-01-02").put("name", "调休")))
        .encode(), "Authorization", admin, "Content-Type", "application/json");
    assertEquals(422, refused.statusCode(), refused.body());
    Set<String> pointers = new java.util.HashSet<>();
    new JsonObject(refused.body()).getJsonArray("violations")
        .forEach(o -> pointers.add(((JsonObject) o).getString("pointer")));
    assertEquals(Set.of("/holidays/0/from", "/holidays/1/to", "/workdays/0/date"), pointers, refused.body());
    assertTrue(new JsonObject(gateway.send("GET", due, null).body()).containsKey("warnings"), "nothing entered");

    HttpResponse<String> entered = gateway.send("PUT", path, new JsonObject().put("source", "示例：2028年节假日安排")
        .put("holidays", new JsonArray()
            .add(new JsonObject().put("from", "2028-01-01").put("to", "2028-01-03").put("name", "元旦")))
        .put("workdays", new JsonArray().add(new JsonObject().put("date", "2028-01-08").put("name", "元旦调休")))
        .encode(), "Authorization", admin, "Content-Type", "application/json");
    assertEquals(200, entered.statusCode(), entered.body());
    assertEquals(new JsonObject().put("year", 2028).put("source", "示例：2028年节假日安排").put("holidays", 3)
        .put("workdays", 1).put("recomputedCases", 0), new JsonObject(entered.body()),
        "no running case reaches 2028, so none is counted again");
    JsonObject after = new JsonObject(gateway.send("GET", due, null).body());
    assertEquals("2028-01-08", after.getString("dueDate"), "Saturday 8 January is a make-up working day");
    assertFalse(after.containsKey("warnings"), after.encode());
    assertEquals("2028-01-04", new JsonObject(gateway.send("GET",
        "/api/v1/calendar/due-date?from=2028-01-01&workingDays=1", null).body()).getString("dueDate"),
        "1–3 January are holidays");
  }

  private static JsonObject graphql(String user, String query, JsonObject variables) throws Exception {
    List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json"));
    if (user != null) {
      headers.addAll(List.of("Authorization", "Bearer " + gateway.token(user)));
    }
    return new JsonObject(gateway.send("POST", "/graphql", new JsonObject().put("query", query)
        .put("variables", variables).encode(), headers.toArray(String[]::new)).body());
  }
}
