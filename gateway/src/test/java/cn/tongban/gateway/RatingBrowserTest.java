package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * 好差评 in a real browser: the applicant rates a delivered case on the public progress page (a bad grade
 * asks for its reasons first); the clerk's pad takes a rating at the window; a department verifies,
 * rectifies and calls back a bad review; a department appeals and a supervisor upholds the appeal; the
 * public figures page shows the department.
 */
class RatingBrowserTest {
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

  /** Setup through the API: the applicant's bad review of a delivered case; its case number. */
  private static String badReview(String reason) throws Exception {
    String number = RatingTest.decidedCase(gateway, true);
    HttpResponse<String> r = gateway.post("citizen", "/api/v1/applications/" + number + "/rating", new JsonObject()
        .put("grade", 1).put("reasons", new JsonArray().add(reason)).put("comment", "窗口说材料不全，让我跑了三趟"));
    assertEquals(201, r.statusCode(), r.body());
    return number;
  }

  @Test
  void theApplicantRatesADeliveredCaseOnTheProgressPage() throws Exception {
    String number = RatingTest.decidedCase(gateway, true);
    String code = gateway.read("citizen", number).getString("queryCode");
    try (Browser browser = Browser.phone(gateway.port(), "rating-progress")) {
      // The link the delivery SMS carries: number and query code in the fragment.
      browser.go("/public/progress.html#number=" + number + "&code=" + code + "&via=sms");
      browser.waitForText("#rating", "请申请人本人登录后评价");
      browser.shot("progress-delivered");
      browser.type("#rating-user", "citizen").type("#rating-password", "tongban-demo");
      browser.clickButton("登录并评价");
      browser.find("#rating-form");
      assertFalse(browser.all("#rating-reasons").get(0).isDisplayed(), "no reasons before a bad grade");
      browser.shot("rating-form");
      browser.click("label[for=grade-2]");
      browser.find("#rating-reasons");
      browser.click("#rating-submit");
      String error = browser.waitForText("#rating-reasons", "请至少选择一项原因");
      assertTrue(error.contains("多次跑动"), error);
      browser.shot("reasons-needed");
      browser.click("label[for=reason-1]");
      browser.type("#rating-comment", "超过承诺时限两天");
      browser.click("#rating-submit");
      String done = browser.waitForText("#rating", "感谢您的评价");
      assertTrue(done.contains("您的评价：不满意") && done.contains("超时办理"), done);
      browser.shot("rated");
      assertEquals("SMS", gateway.read("citizen", number).getJsonObject("rating").getString("source"),
          "rated from the delivery message's link");
      // Back later: the rating is shown, not the form again.
      browser.go("/public/progress.html?number=" + number + "&code=" + code);
      browser.waitForText("#rating", "您的评价：不满意");
      assertTrue(browser.all("#rating-form").isEmpty());
      browser.shot("rated-again");
      assertEquals(List.of(), browser.pageErrors());

      browser.go("/public/");
      browser.click("#ratings-link");
      String figures = browser.waitForText("#figures-table", "合计");
      assertFalse(browser.all("#figures-table tr[data-code=cjl]").isEmpty(), figures);
      assertTrue(browser.find("#figures-table tr[data-code=cjl]").getText().contains("%"), figures);
      browser.shot("public-figures");
      assertTrue(((Number) browser.script("return document.documentElement.scrollWidth")).intValue() <= 375,
          "nothing wider than the phone");
      assertEquals(List.of(), browser.pageErrors());
    }
  }

  @Test
  void theClerkHandsThePadToTheApplicant() throws Exception {
    String number = RatingTest.decidedCase(gateway, true);
    try (Browser browser = Browser.staff(gateway.port(), "rating-pad")) {
      browser.signIn("clerk").go("/console/#/ratings");
      browser.type("#pad-number", number);
      browser.clickButton("打开评价器");
      browser.waitForText("#pad", "请您为本次服务评价");
      assertTrue(browser.find("#pad").getText().contains(number));
      browser.shot("pad");
      browser.click("label[for=grade-5]");
      browser.shot("pad-chosen");
      browser.click("#rating-submit");
      browser.waitForText("#pad", "感谢您的评价");
      assertTrue(browser.find("#pad").getText().contains("非常满意"));
      browser.shot("pad-thanks");
      browser.click("#pad-close");
      browser.find("#pad-number");
      assertEquals(List.of(), browser.pageErrors());
    }
    assertEquals("PAD", gateway.read("citizen", number).getJsonObject("rating").getString("source"));
  }

  @Test
  void theApplicantRatesAWindowVisitOnThePadAndTheHallHandlesTheBadReview() throws Exception {
    JsonObject visit = RatingTest.visit(gateway, "cjl-disability-certificate", true);
    String ticket = visit.getString("number");
    try (Browser browser = Browser.staff(gateway.port(), "rating-visit-pad")) {
      browser.signIn("clerk").go("/console/#/ratings");
      browser.type("#pad-ticket", ticket.toLowerCase());
      browser.shot("visit-pad-open");
      browser.clickButton("窗口服务评价");
      browser.waitForText("#pad", "请您为本次窗口服务评价");
      assertTrue(browser.find("#pad").getText().contains(ticket), browser.find("#pad").getText());
      browser.shot("visit-pad");
      browser.click("label[for=grade-2]");
      browser.click("#rating-submit");
      browser.waitForText("#rating-reasons", "请至少选择一项原因");
      browser.shot("visit-pad-reasons-needed");
      browser.click("label[for=reason-2]");
      browser.type("#rating-comment", "等了很久，窗口人员态度冷淡");
      browser.click("#rating-submit");
      String thanks = browser.waitForText("#pad", "感谢您的评价");
      assertTrue(thanks.contains("不满意") && thanks.contains("态度不好"), thanks);
      browser.shot("visit-pad-thanks");
      browser.click("#pad-close");

      // The hall's clerk finds the bad review of the visit in the worklist and verifies it.
      String list = browser.waitForText("#ratings", "窗口服务 " + ticket);
      assertTrue(list.contains("待核实"), list);
      browser.clickButton("窗口服务 " + ticket + "（" + visit.getString("day") + "）");
      String panel = browser.waitForText("#rating-panel", "态度冷淡");
      assertTrue(panel.contains("责任大厅") && panel.contains("窗口评价器"), panel);
      browser.shot("visit-bad-review");
      browser.type("#finding-input", "情况属实：高峰时段窗口不足");
      browser.clickButton("提交核实");
      panel = browser.waitForText("#rating-panel", "已核实");
      assertTrue(panel.contains("整改中"), panel);
      // The figures of this month per window.
      String figures = browser.waitForText("#rating-figures-table", "合计");
      assertFalse(browser.all("#rating-figures-table tr[data-code='xm-city/w01']").isEmpty(), figures);
      browser.script("document.getElementById('figures-panel').scrollIntoView()");
      browser.shot("visit-figures-per-window");
      assertEquals(List.of(), browser.pageErrors());
      assertEquals(List.of(), browser.consoleErrors());
    }
    assertEquals(1, gateway.count("select count(*) from rating where visit_number = '" + ticket
        + "' and source = 'PAD' and grade = 2"));
  }

  @Test
  void aBadReviewIsVerifiedRectifiedAndCalledBackInTheConsole() throws Exception {
    String number = badReview("多次跑动");
    try (Browser browser = Browser.staff(gateway.port(), "rating-bad-review")) {
      browser.signIn("reviewer.cjl").go("/console/#/ratings");
      String list = browser.waitForText("#ratings", number);
      assertTrue(list.contains("非常不满意") && list.contains("待核实") && list.contains("2026-11-05"), list);
      browser.shot("worklist");
      browser.clickButton(number);
      browser.waitForText("#rating-panel", "跑了三趟");
      browser.shot("bad-review");
      browser.type("#finding-input", "情况属实：窗口一次性告知不到位");
      browser.type("#rectifyDays-input", "10");
      browser.clickButton("提交核实");
      String panel = browser.waitForText("#rating-panel", "已核实");
      assertTrue(panel.contains("整改中") && panel.contains("2026-11-16"), panel);
      browser.shot("verified");
      browser.type("#measures-input", "制作材料清单一次性告知单，窗口人员培训");
      browser.clickButton("提交整改");
      panel = browser.waitForText("#rating-panel", "已整改");
      assertTrue(panel.contains("待回访") && panel.contains("按期整改"), panel);
      browser.shot("rectified");
      browser.clickButton("提交回访");
      browser.waitForText("#form-call-back", "回访结果");
      browser.waitForText("#rating-panel", "回访结果须为");
      browser.shot("call-back-needs-outcome");
      new Select(browser.find("#outcome-input")).selectByValue("SATISFIED");
      browser.type("#note-input", "电话回访，申请人对整改表示满意");
      browser.clickButton("提交回访");
      panel = browser.waitForText("#rating-panel", "已回访");
      assertTrue(panel.contains("已办结") && panel.contains("满意"), panel);
      browser.shot("closed");
      assertEquals(List.of(), browser.pageErrors());
    }
  }

  @Test
  void aDepartmentAppealsAndASupervisorUpholdsTheAppeal() throws Exception {
    String number = badReview("其他");
    try (Browser browser = Browser.staff(gateway.port(), "rating-appeal")) {
      browser.signIn("approver.cjl").go("/console/#/ratings");
      browser.waitForText("#ratings", number);
      browser.clickButton(number);
      browser.type("#reason-input", "评价内容为对其他部门的投诉，与本办件无关");
      browser.type("#evidence-input", "办件记录：一次办结\n窗口录像 2026-11-02");
      browser.clickButton("提交申诉");
      String panel = browser.waitForText("#rating-panel", "已申诉");
      assertTrue(panel.contains("申诉中") && panel.contains("窗口录像"), panel);
      browser.shot("appealed");
      assertTrue(browser.all("#form-decide-appeal").isEmpty(), "a department does not decide its own appeal");
    }
    try (Browser browser = Browser.staff(gateway.port(), "rating-appeal-decision")) {
      browser.signIn("supervisor").go("/console/#/ratings");
      String list = browser.waitForText("#ratings", number);
      assertTrue(list.contains("申诉中"), list);
      browser.clickButton(number);
      new Select(browser.find("#decision-input")).selectByValue("UPHOLD");
      browser.type("#comment-input", "经核查，评价与本办件无关，申诉成立");
      browser.shot("deciding");
      browser.clickButton("提交裁定申诉");
      String panel = browser.waitForText("#rating-panel", "已裁定申诉");
      assertTrue(panel.contains("申诉成立"), panel);
      browser.shot("upheld");
      // The dashboard shows this month's figures.
      browser.go("/console/#/supervision");
      String figures = browser.waitForText("#ratings-figures", "满意率");
      assertTrue(figures.contains("按期整改率"), figures);
      browser.script("document.getElementById('ratings-figures').scrollIntoView()");
      browser.shot("dashboard-figures");
      new Select(browser.find("#ratings-group")).selectByValue("staff");
      browser.waitForText("#ratings-figures-table", "工作人员");
      browser.script("document.getElementById('ratings-figures').scrollIntoView()");
      browser.shot("dashboard-figures-per-staff");
      assertEquals(List.of(), browser.pageErrors());
      assertEquals(List.of(), browser.consoleErrors());
    }
  }
}
