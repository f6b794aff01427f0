package cn.tongban.gateway;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 12345 热线 and 工单 pages in a real browser: the hotline takes a complaint and dispatches it, the
 * department signs for and replies, the hotline calls back and closes with the caller's satisfaction; a
 * misrouted order is returned with a reason and dispatched again; a consultation is answered from the matter
 * guide and closed at once, with the caller's earlier orders shown by phone.
 */
class WorkOrderBrowserTest {
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

  private static JsonObject created(java.net.http.HttpResponse<String> r) {
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static void select(Browser browser, String css, String text) {
    new Select(browser.find(css)).selectByVisibleText(text);
  }

  @Test
  void aComplaintIsTakenDispatchedSignedForRepliedCalledBackAndClosed() throws Exception {
    try (Browser browser = Browser.staff(gateway.port(), "hotline-complaint")) {
      browser.signIn("hotline").go("/console/#/hotline");
      browser.type("#wo-phone", "13800001234");
      browser.type("#wo-name", "赵六");
      browser.waitForText("#wo-earlier", "该号码没有来电记录");
      select(browser, "#wo-type", "投诉");
      browser.type("#wo-subject", "低保审批拖延");
      browser.type("#wo-content", "十月申请的低保至今没有结果，希望尽快答复。");
      browser.shot("taking-the-call");
      browser.clickButton("受理");
      String taken = browser.waitForText("#wo-take-message", "已受理");
      String number = browser.find("#wo-created").getText();
      assertTrue(taken.contains(number) && taken.contains("已受理"), taken);
      assertTrue(browser.waitForText("#wo-queue", number).contains("低保审批拖延"));
      browser.shot("taken-and-queued");

      browser.click("#wo-queue a[href='#/hotline/" + number + "']");
      browser.waitForText("#order-title", "已受理");
      assertTrue(browser.find("#order-facts").getText().contains("13800001234"), "the hotline sees the caller in full");
      assertTrue(browser.find("#order-facts").getText().contains("12345 热线坐席"), "首问负责人 shown");
      select(browser, "#wo-dispatch-departmentCode", "新密市民政局");
      browser.shot("dispatching");
      browser.clickButton("确认派单");
      browser.waitForText("#order-title", "已派单");
      String facts = browser.find("#order-facts").getText();
      assertTrue(facts.contains("新密市民政局") && facts.contains("2026-12-24") && facts.contains("2026-12-08"), facts);
      browser.shot("dispatched");
      browser.click("#sign-out").find("#sign-in");

      browser.signIn("reviewer.mzj").go("/console/#/workorders");
      String queue = browser.waitForText("#wo-queue", number);
      assertTrue(queue.contains("138****1234") && !queue.contains("13800001234"), "masked for the department: " + queue);
      browser.shot("department-queue");
      browser.click("#wo-queue a[href='#/workorders/" + number + "']");
      browser.waitForText("#order-title", "已派单");
      browser.clickButton("确认签收");
      browser.waitForText("#order-title", "办理中");
      browser.shot("signed-for");
      browser.type("#wo-reply-text", "经核实，您的低保申请已于12月7日审批通过，本月起发放。");
      browser.clickButton("确认答复");
      browser.waitForText("#order-title", "已答复");
      browser.shot("replied");
      browser.click("#sign-out").find("#sign-in");

      browser.signIn("hotline").go("/console/#/hotline/" + number);
      browser.waitForText("#order-title", "已答复");
      assertTrue(browser.find("#order-facts").getText().contains("本月起发放"));
      select(browser, "#wo-call-back-satisfaction", "非常满意");
      browser.type("#wo-call-back-comment", "来电人表示问题已解决");
      browser.clickButton("确认回访");
      browser.waitForText("#order-facts", "非常满意");
      browser.shot("called-back");
      browser.clickButton("确认办结");
      browser.waitForText("#order-title", "已办结");
      String history = browser.find("#order-history").getText();
      for (String step : List.of("受理", "派单", "签收", "答复", "回访", "办结")) {
        assertTrue(history.contains(step), step + " in " + history);
      }
      assertTrue(browser.find("#order-facts").getText().contains("非常满意"));
      browser.shot("closed");
      assertEquals(List.of(), browser.pageErrors());
    }
  }

  @Test
  void aCallerFromTheirRegisteredPhoneIsShownTheirCasesMasked() throws Exception {
    String caseNumber = gateway.submitSample("mzj-elderly-preferential-card");
    try (Browser browser = Browser.staff(gateway.port(), "hotline-caller-cases")) {
      browser.signIn("hotline").go("/console/#/hotline");
      browser.type("#wo-phone", "13800138000");
      browser.find("#wo-name").click();
      String cases = browser.waitForText("#wo-earlier-cases", caseNumber);
      assertTrue(cases.contains("申请人 张*") && cases.contains("已收件"), cases);
      assertTrue(!cases.contains("11010519491231002X"), "no identity number shown");
      browser.shot("caller-cases");
      browser.find("#wo-earlier-cases button").click();
      assertEquals(caseNumber, browser.find("#wo-case").getAttribute("value"));
      browser.shot("case-linked-to-the-new-order");
      assertEquals(List.of(), browser.pageErrors());
    }
  }

  @Test
  void theDepartmentSeesTheOrdersAboutACaseBesideTheCase() throws Exception {
    String caseNumber = gateway.submitSample("mzj-elderly-preferential-card");
    String number = created(gateway.post("hotline", "/api/v1/work-orders", new JsonObject().put("type", "CONSULTATION")
        .put("subject", "老年人优待证办到哪一步了").put("content", "来电询问办理进度").put("caseNumber", caseNumber)
        .put("caller", new JsonObject().put("name", "钱九").put("phone", "13900006666")))).getString("number");
    assertEquals(200, gateway.post("hotline", "/api/v1/work-orders/" + number + "/actions", new JsonObject()
        .put("action", "dispatch").put("departmentCode", "mzj")).statusCode());
    try (Browser browser = Browser.staff(gateway.port(), "hotline-beside-case")) {
      browser.signIn("reviewer.mzj").go("/console/#/review/" + caseNumber);
      String panel = browser.waitForText("#case-orders", number);
      assertTrue(panel.contains("老年人优待证办到哪一步了"), panel);
      browser.shot("order-beside-the-case");
      browser.click("#case-orders a");
      browser.waitForText("#order-title", number);
      browser.shot("order-opened");
      assertEquals(List.of(), browser.pageErrors());
    }
  }

  @Test
  void aSupervisorUrgesADispatchedOrderFromTheOrdersPage() throws Exception {
    String number = created(gateway.post("hotline", "/api/v1/work-orders", new JsonObject().put("type", "COMPLAINT")
        .put("subject", "窗口推诿").put("content", "多次跑动未办成")
        .put("caller", new JsonObject().put("name", "周十").put("phone", "13900007777")))).getString("number");
    assertEquals(200, gateway.post("hotline", "/api/v1/work-orders/" + number + "/actions", new JsonObject()
        .put("action", "dispatch").put("departmentCode", "mzj")).statusCode());
    try (Browser browser = Browser.staff(gateway.port(), "hotline-urged")) {
      browser.signIn("supervisor").go("/console/#/workorders");
      browser.waitForText("h1", "监察督办");
      browser.waitForText("#wo-queue-holder", number);
      // The month's figures beside the orders, as the statistics API gives them.
      JsonObject stats = new JsonObject(gateway.get("supervisor", "/api/v1/work-orders/statistics").body());
      String figures = browser.waitForText("#wo-stats-result", "工单总量");
      assertTrue(figures.contains(stats.getLong("total") + " 件"), figures);
      JsonObject mzj = stats.getJsonArray("byDepartment").stream().map(JsonObject.class::cast)
          .filter(d -> "mzj".equals(d.getString("departmentCode"))).findFirst().orElseThrow();
      assertTrue(browser.find("#wo-stats-departments").getText()
          .contains(mzj.getString("departmentName") + " " + mzj.getLong("count")), figures);
      browser.shot("all-orders");
      browser.go("/console/#/workorders/" + number);
      browser.waitForText("#order-title", "已派单");
      browser.type("#wo-urge-comment", "请于今日内签收并联系来电人");
      browser.clickButton("确认督办");
      String after = browser.waitForText("main", "督办次数");
      assertTrue(after.contains("已督办"), after);
      browser.shot("urged");
      assertEquals(List.of(), browser.pageErrors());
    }
    JsonObject order = new JsonObject(gateway.get("supervisor", "/api/v1/work-orders/" + number).body());
    assertEquals(1, order.getInteger("urges"), order.encode());
  }

  @Test
  void aMisroutedOrderIsReturnedAndDispatchedAgain() throws Exception {
    String number = created(gateway.post("hotline", "/api/v1/work-orders", new JsonObject().put("type", "HELP")
        .put("subject", "老人走失求助").put("content", "父亲早上出门未归")
        .put("caller", new JsonObject().put("name", "孙八").put("phone", "13900005555")))).getString("number");
    try (Browser browser = Browser.staff(gateway.port(), "hotline-returned")) {
      browser.signIn("hotline").go("/console/#/hotline/" + number);
      browser.waitForText("#order-title", "已受理");
      select(browser, "#wo-dispatch-departmentCode", "新密市人力资源和社会保障局");
      browser.clickButton("确认派单");
      browser.waitForText("#order-title", "已派单");
      browser.click("#sign-out").find("#sign-in");

      browser.signIn("reviewer.rsj").go("/console/#/workorders/" + number);
      browser.waitForText("#order-title", "已派单");
      browser.clickButton("确认退单");
      // The reason is required: the browser stops the form and says so at the field; nothing is sent.
      assertFalse(browser.find("#wo-return-reason").getAttribute("validationMessage").isEmpty());
      assertTrue(browser.find("#order-title").getText().contains("已派单"));
      browser.shot("return-needs-a-reason");
      browser.type("#wo-return-reason", "走失老人求助属公安机关职责，非本局职能");
      browser.clickButton("确认退单");
      browser.waitForText("#order-title", "已退单");
      browser.shot("returned");
      browser.click("#sign-out").find("#sign-in");

      browser.signIn("hotline").go("/console/#/hotline");
      select(browser, "#wo-status", "已退单");
      browser.waitForText("#wo-queue", number);
      browser.shot("returned-in-the-owners-queue");
      browser.click("#wo-queue a[href='#/hotline/" + number + "']");
      assertTrue(browser.waitForText("#order-facts", "退单理由").contains("非本局职能"));
      select(browser, "#wo-dispatch-departmentCode", "新密市公安局");
      browser.clickButton("确认派单");
      browser.waitForText("#order-title", "已派单");
      assertTrue(browser.find("#order-facts").getText().contains("新密市公安局"));
      assertTrue(browser.find("#order-history").getText().contains("退单"));
      browser.shot("redispatched");
      assertEquals(List.of(), browser.pageErrors());
    }
  }

  @Test
  void aConsultationIsAnsweredFromTheGuideAndClosedAtOnce() throws Exception {
    created(gateway.post("hotline", "/api/v1/work-orders", new JsonObject().put("type", "SUGGESTION")
        .put("subject", "建议延长午间办事时间").put("content", "中午也能办事就好了")
        .put("caller", new JsonObject().put("name", "钱七").put("phone", "13700007777"))));
    try (Browser browser = Browser.staff(gateway.port(), "hotline-consultation")) {
      browser.signIn("hotline").go("/console/#/hotline");
      browser.type("#wo-phone", "13700007777");
      browser.type("#wo-name", "钱七");
      assertTrue(browser.waitForText("#wo-earlier", "来电记录（1）").contains("建议延长午间办事时间"));
      select(browser, "#wo-type", "咨询");
      browser.type("#wo-subject", "老年人优待证怎么办");
      browser.type("#wo-content", "想给父亲办老年人优待证，问要带什么材料。");
      browser.type("#wo-guide-q", "老年人优待证");
      browser.clickButton("搜索");
      browser.click("#wo-guide button.link");
      browser.clickButton("引用为答复");
      String answer = browser.find("#wo-answer").getAttribute("value");
      assertTrue(answer.contains("老年人优待证") && answer.contains("所需材料"), answer);
      assertFalse(browser.find("#wo-matter").getAttribute("value").isEmpty());
      browser.shot("answered-from-the-guide");
      browser.clickButton("受理");
      assertTrue(browser.waitForText("#wo-take-message", "已受理").contains("已办结"));
      browser.shot("closed-at-once");
      assertEquals(List.of(), browser.pageErrors());
    }
  }
}
