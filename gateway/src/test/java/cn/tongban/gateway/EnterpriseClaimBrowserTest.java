package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.plugin.CreditCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 企业认领核验 in a real browser: two enterprise claims the registration data could not confirm wait at the
 * window; the clerk refuses one (a reason is asked for first) and verifies the other, after which the
 * verified claimant's enterprise acts and the list is empty.
 */
class EnterpriseClaimBrowserTest {
  private static final String LI_CODE = CreditCode.withCheck("91410183MA47BRW01");
  private static final String ZHANG_CODE = CreditCode.withCheck("91410183MA47BRW02");
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of());
    assertEquals(201, gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber", "440524188001010014")
        .put("name", "李四").put("phone", "13911110000").put("password", "Mima-2026-xm").encode(),
        "Content-Type", "application/json").statusCode());
    String li = new JsonObject(gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type",
        "password").put("username", "440524188001010014").put("password", "Mima-2026-xm").encode(),
        "Content-Type", "application/json").body()).getString("access_token");
    assertEquals(202, gateway.send("POST", "/api/v1/enterprises", new JsonObject().put("creditCode", LI_CODE)
        .put("name", "新密市某某商贸有限公司").encode(), "Authorization", "Bearer " + li,
        "Content-Type", "application/json").statusCode());
    assertEquals(202, gateway.post("citizen", "/api/v1/enterprises", new JsonObject().put("creditCode", ZHANG_CODE)
        .put("name", "新密市张记农产品有限公司")).statusCode());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void aWindowClerkRefusesOneClaimAndVerifiesAnother() throws Exception {
    try (Browser browser = Browser.staff(gateway.port(), "enterprise-claims")) {
      browser.signIn("clerk").go("/console/#/window/claims");
      browser.waitForText("#claim-list", "新密市某某商贸有限公司");
      String list = browser.waitForText("#claim-list", "新密市张记农产品有限公司");
      assertTrue(list.contains("李四") && list.contains("440524188001010014"), list);
      browser.shot("pending");

      String li = "li[data-claim] ";
      var liClaim = browser.all("li[data-claim]").stream()
          .filter(e -> e.getText().contains(LI_CODE)).findFirst().orElseThrow();
      liClaim.findElement(org.openqa.selenium.By.cssSelector("button[data-action=refuse]")).click();
      browser.waitForText("#claim-list", "不予核验时须填写理由");
      browser.shot("reason-asked");
      var reason = liClaim.findElement(org.openqa.selenium.By.cssSelector("input[name=reason]"));
      reason.sendKeys("营业执照所载法定代表人非认领人");
      reason.sendKeys(org.openqa.selenium.Keys.ENTER);
      browser.waitForText("#claims-status", "已不予核验：新密市某某商贸有限公司");
      browser.shot("refused");

      browser.all("li[data-claim]").stream().filter(e -> e.getText().contains(ZHANG_CODE)).findFirst().orElseThrow()
          .findElement(org.openqa.selenium.By.cssSelector("button[data-action=verify]")).click();
      browser.waitForText("#claims-status", "已核验：新密市张记农产品有限公司");
      browser.waitForText("#claim-list", "没有待核验的企业认领");
      browser.shot("verified");
      assertEquals(List.of(), browser.pageErrors(), "no script errors or CSP refusals");
      assertEquals(0, browser.all(li).size());
    }
    // What the claimants now hold: 张三's enterprise acts, 李四's claim was refused with the clerk's reason.
    JsonObject zhang = new JsonArray(gateway.get("citizen", "/api/v1/enterprises").body()).stream()
        .map(JsonObject.class::cast).filter(e -> e.getString("creditCode").equals(ZHANG_CODE)).findFirst().orElseThrow();
    assertEquals("VERIFIED", zhang.getString("status"));
    HttpResponse<String> agent = gateway.post("citizen", "/api/v1/enterprises/" + ZHANG_CODE + "/agents",
        new JsonObject().put("idNumber", "440524188001010014"));
    assertEquals(204, agent.statusCode(), agent.body());
  }
}
