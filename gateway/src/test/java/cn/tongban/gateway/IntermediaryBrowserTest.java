package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.demo.IntermediaryDemo;
import cn.tongban.plugin.CreditCode;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * 中介超市 in a real browser: a supervisor registers an organisation on the console (a wrong credit code shown at
 * its field first); the demo enterprise selects it and grades its work badly three times (through the API, as the
 * enterprise's own system would); the console and the public listing — reached from a matter's guide on a phone —
 * show it blacklisted with the reason; it is no longer drawn; the supervisor lifts and blacklists it again.
 */
class IntermediaryBrowserTest {
  private static final String SERVICE = "建筑日照分析";
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
  void registeredSelectedBadlyEvaluatedBlacklistedAndShownSo() throws Exception {
    String code = CreditCode.withCheck("91410183MA4B00001");
    String name = "新密市光影日照分析有限公司";
    String id;
    try (Browser browser = Browser.staff(gateway.port(), "intermediaries")) {
      browser.signIn("supervisor").go("/console/#/intermediaries");
      browser.waitForText("#im-table", "河南宏图规划设计有限公司");
      assertTrue(browser.find("#im-table").getText().contains("黑名单"), "the demo's blacklisted organisation");
      browser.shot("console-list");
      showing(browser, "#im-form");

      browser.type("#im-name", name).type("#im-creditCode", "91410183MA4B000010")
          .type("#im-q-name", "测绘资质证书").type("#im-q-number", "豫测乙-2026-0099").type("#im-q-level", "乙级");
      // The date picker's typing order depends on the locale; set it as the picker would.
      browser.script("document.getElementById('im-q-validUntil').value = arguments[0];",
          LocalDate.now(ZoneId.of("Asia/Shanghai")).plusYears(2).toString());
      WebElement sunlight = browser.driver().findElement(By.xpath(
          "//fieldset[@id='im-services']//label[contains(., '" + SERVICE + "')]/input"));
      sunlight.click();
      browser.clickButton("登记入驻");
      browser.waitForText("#im-form-result", "统一社会信用代码");
      assertTrue(browser.find("#im-creditCode").findElement(By.xpath("..")).getAttribute("class").contains("invalid"));
      showing(browser, "#im-form");
      browser.shot("wrong-credit-code");

      browser.type("#im-creditCode", code);
      browser.find("#im-creditCode").sendKeys(Keys.ENTER);
      browser.waitForText("#im-form-result", "已登记 " + name);
      String row = browser.waitForText("#im-table", name);
      assertTrue(row.contains(code), row);
      showing(browser, "#im-table");
      browser.shot("registered");
      id = (String) browser.script("return [...document.querySelectorAll('#im-table tr[data-id]')]"
              + ".find(r => r.textContent.includes(arguments[0])).dataset.id", name);

      // The demo enterprise picks it for three projects and is unhappy each time: 100 → 80 → 60 → 40 < 60.
      for (int i = 1; i <= 3; i++) {
        JsonObject s = created(gateway.post("citizen", "/api/v1/intermediaries/selections", new JsonObject()
            .put("service", SERVICE).put("projectCode", "2026-410183-47-01-00010" + i)
            .put("ownerCreditCode", IntermediaryDemo.OWNER).put("method", "DIRECT").put("intermediaryId", id)));
        String sel = s.getString("id");
        TestGateway.ok(gateway.post("citizen", "/api/v1/intermediaries/selections/" + sel + "/actions", new JsonObject()
            .put("action", "CONTRACT").put("contractNo", "HT-" + sel).put("amount", "8000")
            .put("promisedOn", LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(10).toString())));
        TestGateway.ok(gateway.post("citizen", "/api/v1/intermediaries/selections/" + sel + "/actions", new JsonObject()
            .put("action", "COMPLETE").put("result", "日照分析报告")));
        created(gateway.post("citizen", "/api/v1/intermediaries/" + id + "/evaluations", new JsonObject()
            .put("selectionId", sel).put("grade", 1).put("comment", "计算有误")));
      }
      // No longer drawn.
      for (int seed = 1; seed <= 10; seed++) {
        JsonObject d = created(gateway.post("citizen", "/api/v1/intermediaries/selections", new JsonObject()
            .put("service", SERVICE).put("projectCode", "2026-410183-47-01-000200").put("method", "DRAW")
            .put("seed", seed).put("ownerCreditCode", IntermediaryDemo.OWNER)));
        assertNotEquals(id, d.getJsonObject("intermediary").getString("id"));
      }

      browser.go("/console/#/penalties").go("/console/#/intermediaries");
      String listed = browser.waitForText("#im-table tr[data-id='" + id + "']", "黑名单");
      assertTrue(listed.contains("40") && listed.contains("低于黑名单阈值 60"), listed);
      showing(browser, "#im-table tr[data-id='" + id + "']");
      browser.shot("blacklisted-automatically");

      // Lifted after a review, then blacklisted again by the supervisor's own decision.
      browser.click("#im-table tr[data-id='" + id + "'] button");
      browser.type("#im-reason", "已整改并通过复核");
      browser.shot("lift-reason");
      browser.clickButton("确认移出黑名单");
      browser.waitForText("#im-result", "已移出黑名单");
      browser.waitForText("#im-table tr[data-id='" + id + "']", "正常");
      browser.click("#im-table tr[data-id='" + id + "'] button");
      browser.type("#im-reason", "监督检查发现超资质承揽");
      browser.find("#im-reason").sendKeys(Keys.ENTER);
      browser.waitForText("#im-result", "已列入黑名单");
      assertTrue(browser.waitForText("#im-table tr[data-id='" + id + "']", "超资质承揽").contains("黑名单"));
      showing(browser, "#im-table tr[data-id='" + id + "']");
      browser.shot("blacklisted-by-supervisor");

      // Edited after registration, and its qualification renewed (the credit code stays).
      browser.driver().findElement(By.xpath("//tr[@data-id='" + id + "']//button[.='修改信息']")).click();
      browser.waitForText("#im-edit-form", "修改 " + name);
      browser.type("#im-edit-address", "河南省新密市青屏大街88号");
      browser.shot("edit-form");
      browser.find("#im-edit-address").sendKeys(Keys.ENTER);
      browser.waitForText("#im-result", name + " 的信息已修改");
      browser.driver().findElement(By.xpath("//tr[@data-id='" + id + "']//button[.='资质续期']")).click();
      String renewing = browser.waitForText("#im-renew-form", "豫测乙-2026-0099");
      assertTrue(renewing.contains("资质续期"), renewing);
      String until = LocalDate.now(ZoneId.of("Asia/Shanghai")).plusYears(5).toString();
      browser.script("document.getElementById('im-renew-validUntil').value = arguments[0];", until);
      browser.type("#im-renew-number", "豫测乙-2031-0099");
      browser.shot("renew-form");
      browser.find("#im-renew-number").sendKeys(Keys.ENTER);
      browser.waitForText("#im-result", "资质已续期至 " + until);
      JsonObject renewed = TestGateway.ok(gateway.send("GET", "/api/v1/intermediaries/" + id, null));
      assertEquals("河南省新密市青屏大街88号", renewed.getString("address"));
      assertEquals(until, renewed.getJsonArray("qualifications").getJsonObject(0).getString("validUntil"));
      assertEquals("豫测乙-2031-0099", renewed.getJsonArray("qualifications").getJsonObject(0).getString("certificateNo"));
      showing(browser, "#im-result");
      browser.shot("renewed");
      assertEquals(List.of(), browser.pageErrors());
    }

    try (Browser phone = Browser.phone(gateway.port(), "intermediaries-public")) {
      phone.go("/public/matter.html?code=zrghj-construction-planning-permit");
      phone.waitForText("main", "建筑日照分析");
      showing(phone, "#intermediaries-link");
      phone.shot("matter-guide");
      phone.click("#intermediaries-link");
      phone.waitForText("#for-matter", "建筑日照分析");
      String card = phone.waitForText(".intermediary[data-id='" + id + "']", name);
      assertTrue(card.contains("黑名单") && card.contains("信用分 40") && card.contains("超资质承揽"), card);
      assertFalse(card.contains("计算有误"), "evaluation comments are not public");
      showing(phone, ".intermediary[data-id='" + id + "']");
      phone.shot("listing-for-matter");
      phone.driver().findElement(By.cssSelector("#status option[value='true']")).click();
      phone.clickButton("查询");
      phone.waitForText("#summary", "在黑名单中");
      List<WebElement> cards = phone.all(".intermediary");
      assertTrue(cards.stream().allMatch(c -> c.getText().contains("黑名单")));
      phone.shot("blacklisted-only");
      assertEquals(List.of(), phone.pageErrors());
    }
  }

  /** Scrolls the element to the middle of the window, so the screenshot shows what the step is about. */
  private static void showing(Browser browser, String css) {
    browser.script("arguments[0].scrollIntoView({block: 'center'})", browser.find(css));
  }

  private static JsonObject created(java.net.http.HttpResponse<String> r) {
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }
}
