package cn.tongban.gateway;

import static cn.tongban.gateway.TestGateway.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * 一件事一次办 on a 375 px phone: the citizen finds 退休一件事, reads which departments take part and which
 * materials are handed in once, signs in, fills the one combined form (a wrong field is shown at the field
 * and nothing is submitted), submits once, and follows both cases; after 人社 decides and 民政 refuses,
 * the page shows each department's outcome.
 */
class LifeEventBrowserTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void aCitizenAppliesForALifeEventOnceAndFollowsEachDepartment() throws Exception {
    try (Browser phone = Browser.phone(gateway.port(), "life-event")) {
      phone.go("/public/life-events.html");
      String listed = phone.waitForText("#life-events", "退休一件事");
      assertTrue(listed.contains("新生儿出生一件事") && listed.contains("3 个事项"), listed);
      assertTrue(listed.contains("新密市人力资源和社会保障局") || listed.contains("人力资源"), listed);
      fitsThePhone(phone);
      phone.shot("list");

      phone.find("#life-events").findElement(org.openqa.selenium.By.linkText("退休一件事")).click();
      String guide = phone.waitForText("#bundle-guide", "城乡居民基本养老保险待遇");
      assertTrue(guide.contains("材料（只需提交一次）"), guide);
      phone.shot("guide-sign-in");
      phone.type("#username", "citizen").type("#password", "tongban-demo");
      phone.click("#bundle-sign-in button[type=submit]");
      phone.waitForText("#bundle-form", "联办申请表");
      phone.shot("form");

      phone.clickButton("显示全部");
      phone.type("#le-name", "张三").type("#le-idNumber", "11010519491231002X").type("#le-mobile", "1380013800");
      new Select(phone.find("#le-township")).selectByVisibleText("米村镇");
      phone.type("#le-village", "示例村").type("#le-address", "新密市米村镇示例村三组12号");
      phone.click("#le-pickupPoint-1").click("#le-declaration");
      phone.click("#bundle-form button[type=submit]");
      String error = phone.waitForText("#bundle-form", "格式不正确");
      assertTrue(error.contains("联系电话"), error);
      long cases = gateway.count("select count(*) from application");
      fitsThePhone(phone);
      phone.shot("wrong-mobile");

      phone.type("#le-mobile", "13800138000");
      phone.click("#bundle-form button[type=submit]");
      String progress = phone.waitForText("#bundle-progress", "办理中");
      assertTrue(progress.contains("待受理"), progress);
      assertEquals(cases + 2, gateway.count("select count(*) from application"), "one case per matter");
      fitsThePhone(phone);
      phone.shot("submitted");

      // Each department decides its own case: 人社 approves the pension claim, 民政 refuses the card.
      String id = phone.driver().getCurrentUrl().replaceAll(".*application=", "");
      JsonObject view = ok(gateway.get("citizen", "/api/v1/bundle-applications/" + id));
      for (Object o : view.getJsonArray("cases")) {
        JsonObject c = (JsonObject) o;
        String number = c.getString("number");
        if ("rsj".equals(c.getString("departmentCode"))) {
          ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
          ok(gateway.act("reviewer.rsj", number, new JsonObject().put("action", "review-pass")));
          ok(gateway.act("approver.rsj", number, new JsonObject().put("action", "approve")));
        } else {
          ok(gateway.act("clerk", number, new JsonObject().put("action", "not-accept")
              .put("comment", "申请人已持有老年人优待证，无需重复办理。")));
        }
      }
      phone.click("#bundle-refresh");
      progress = phone.waitForText("#bundle-status", "已全部办结");
      progress = phone.find("#bundle-progress").getText();
      assertTrue(progress.contains("准予许可") && progress.contains("不予受理"), progress);
      fitsThePhone(phone);
      phone.shot("decided");

      // The list now shows the applicant's own life event.
      phone.go("/public/life-events.html");
      phone.waitForText("#my-bundles", "我的一件事");
      phone.shot("mine");
      assertEquals(List.of(), phone.consoleErrors());
    }
  }

  private static void fitsThePhone(Browser phone) {
    int width = ((Number) phone.script("return document.documentElement.scrollWidth")).intValue();
    assertTrue(width <= 375, "the page is " + width + " px wide");
  }
}
