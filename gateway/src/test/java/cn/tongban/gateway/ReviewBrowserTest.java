package cn.tongban.gateway;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 审批 page in a real browser: a reviewer works the department queue and passes a case with a comment,
 * the approver is told plainly that a refusal needs reasons and grants the case; in a parallel approval the
 * lead department sees every department's opinion, including a silent one deemed to consent.
 */
class ReviewBrowserTest {
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final String PLANNING = "zrghj-construction-planning-permit";
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

  private static String accepted(String matter) throws Exception {
    CLOCK.set("2026-11-02T09:00:00");
    String number = gateway.submitSample(matter);
    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    return number;
  }

  @Test
  void aReviewerPassesTheCaseAndTheApproverGrantsItAfterBeingToldRefusalNeedsReasons() throws Exception {
    String number = accepted(ELDERLY);
    CLOCK.set("2026-11-09T09:00:00");
    TestGateway.ok(gateway.post("supervisor", "/api/v1/supervision/scan", new JsonObject()));
    try (Browser browser = Browser.staff(gateway.port(), "review")) {
      browser.signIn("reviewer.mzj").go("/console/#/review");
      String queue = browser.waitForText("#queue", number);
      assertTrue(queue.contains("老年人优待证") && queue.contains("已受理") && queue.contains("黄牌"), queue);
      assertTrue(browser.find("#queue tr.near-due").getText().contains(number), "the due-today case is marked");
      browser.shot("reviewer-queue");

      browser.click("a[href='#/review/" + number + "']");
      String form = browser.waitForText("#form-data", "公民身份号码");
      assertTrue(form.contains("现居住地址") && form.contains("领取方式") && form.contains("邮寄"),
          "the form's Chinese titles and choice names: " + form);
      assertFalse(form.contains("householdTownship"), "no field codes where the form has titles: " + form);
      assertTrue(browser.find("#steps").getText().contains("受理"), browser.find("#steps").getText());
      assertFalse(browser.find("#actions").getText().contains("准予许可"), "a reviewer does not decide");
      browser.shot("reviewer-case");

      browser.clickButton("审核通过");
      browser.type("#action-comment", "材料齐全，符合办理条件");
      browser.shot("reviewer-passing");
      browser.clickButton("确认审核通过");
      browser.waitForText("#case-title", "审查中");
      assertTrue(browser.waitForText("#steps", "材料齐全，符合办理条件").contains("审核通过"));
      browser.shot("reviewer-passed");
      browser.click("a[href='#/review']");
      new org.openqa.selenium.support.ui.Select(browser.find("#queue-status")).selectByVisibleText("审查中");
      browser.waitForText("#queue", number);
      assertTrue(browser.all("#queue tbody tr").stream().allMatch(r -> r.getText().contains("审查中")),
          "only cases in review once filtered");
      browser.shot("reviewer-queue-in-review");
      browser.click("#sign-out").find("#sign-in");

      browser.signIn("approver.mzj").go("/console/#/review/" + number);
      browser.waitForText("#case-title", "审查中");
      browser.clickButton("不予许可");
      browser.clickButton("确认不予许可");
      String error = browser.waitForText("#action-message", "请填写意见或理由");
      assertTrue(error.contains("/comment"), "the API's violation, with where: " + error);
      assertEquals("IN_REVIEW", gateway.read("approver.mzj", number).getString("status"), "nothing was decided");
      browser.shot("approver-deny-without-reasons");

      browser.clickButton("准予许可");
      browser.type("#action-comment", "准予核发老年人优待证");
      browser.clickButton("确认准予许可");
      browser.waitForText("#case-title", "准予许可");
      String steps = browser.waitForText("#steps", "审批准予");
      assertTrue(steps.contains("审核通过") && steps.contains("准予核发老年人优待证"), steps);
      assertTrue(steps.contains("mzj 审核人") && steps.contains("mzj 审批人"), "staff named in the steps: " + steps);
      assertTrue(steps.contains("申请人"), "the applicant's own step, without their name: " + steps);
      assertTrue(browser.find("#actions").getText().contains("已准予许可"), browser.find("#actions").getText());
      io.vertx.core.json.JsonArray rest = new io.vertx.core.json.JsonArray(
          gateway.get("citizen", "/api/v1/applications/" + number + "/steps").body());
      assertEquals(java.util.Arrays.asList(null, "市政务服务中心综合窗口", "mzj 审核人", "mzj 审批人"), rest.stream()
          .map(o -> ((JsonObject) o).getString("handlerName")).toList(), "REST names staff, never the applicant");
      browser.shot("approver-approved");
      browser.script("document.getElementById('steps').scrollIntoView()");
      browser.shot("approver-approved-steps");
      assertEquals(java.util.List.of(), browser.pageErrors());
    }
  }

  @Test
  void theLeadDepartmentSeesEveryOpinionIncludingADeemedConsent() throws Exception {
    String number = accepted(PLANNING);
    try (Browser browser = Browser.staff(gateway.port(), "review-parallel")) {
      browser.signIn("reviewer.zrghj").go("/console/#/review/" + number);
      assertTrue(browser.waitForText("#opinions", "待提出意见").contains("待提出意见"));
      browser.shot("parallel-pending");
      browser.clickButton("提出部门意见");
      browser.type("#action-comment", "符合规划条件");
      browser.clickButton("确认提出部门意见");
      String opinions = browser.waitForText("#opinions", "符合规划条件");
      assertTrue(opinions.contains("同意"), opinions);
      browser.shot("parallel-own-opinion");
      browser.click("#sign-out").find("#sign-in");

      CLOCK.set("2026-11-04T10:00:00");
      TestGateway.ok(gateway.act("reviewer.fgw", number, new JsonObject().put("action", "opinion").put("opinion", "AGREE")));
      CLOCK.set("2026-11-12T09:00:00");
      TestGateway.ok(gateway.post("supervisor", "/api/v1/supervision/scan", new JsonObject()));

      browser.signIn("approver.zrghj").go("/console/#/review/" + number);
      opinions = browser.waitForText("#opinions", "超时默认同意");
      assertTrue(opinions.contains("住房") || opinions.contains("zjj"), "the silent department is named: " + opinions);
      browser.waitForText("#case-title", "审查中");
      assertTrue(browser.waitForText("#steps", "超时默认").contains("系统"), "the platform's own step");
      assertTrue(browser.find("#actions").getText().contains("准予许可"));
      browser.script("document.getElementById('opinions').scrollIntoView()");
      browser.shot("parallel-deemed-consent");
      browser.script("document.getElementById('steps').scrollIntoView()");
      browser.shot("parallel-steps");
      assertEquals(java.util.List.of(), browser.pageErrors());
    }
  }
}
