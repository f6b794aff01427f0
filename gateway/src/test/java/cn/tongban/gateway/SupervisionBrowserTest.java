package cn.tongban.gateway;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 监察 dashboard in a real browser: charts of the cases, a case whose due dates are provisional (2027's
 * holidays not loaded), and a yellow then a red card showing in the live feed within seconds of the deadline
 * scan raising them (scan → outbox → relay → GraphQL subscription).
 */
class SupervisionBrowserTest {
  private static final MutableClock CLOCK = MutableClock.at("2026-11-16T09:00:00");
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0", "TONGBAN_RELAY_INTERVAL_MS", "100"), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static void within10s(Browser browser, String css, String text) {
    browser.waiting(Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  @Test
  void aYellowCardShowsWithinSecondsOfTheScanRaisingIt() throws Exception {
    // A case accepted on 21 Dec 2026 whose statutory limit runs into 2027, a year without its holiday notice.
    CLOCK.set("2026-12-21T09:00:00");
    String provisional = gateway.submitSample("mzj-elderly-preferential-card");
    TestGateway.ok(gateway.act("clerk", provisional, new JsonObject().put("action", "accept")));
    CLOCK.set("2026-11-16T09:00:00");
    String number = gateway.submitSample("mzj-elderly-preferential-card");
    assertEquals("2026-11-23", TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")))
        .getString("dueDate"));
    try (Browser browser = Browser.staff(gateway.port(), "supervision")) {
      browser.signIn("supervisor").go("/console/#/supervision");
      browser.waitForText("#live-status", "已连接");
      browser.find("#chart-status canvas");
      browser.find("#chart-department canvas");
      assertTrue(browser.waitForText("#figures", "办件总数").contains("在办"));
      assertTrue(browser.waitForText("#same-city", "同城通办占比").contains("收件总数"));
      browser.waitForText("#red-cards", "没有未办结的红牌办件");
      String note = browser.waitForText("#provisional", provisional);
      assertTrue(note.contains("2027 年的节假日安排尚未录入") && note.contains("2027-01-04（暂定）"), note);
      browser.shot("dashboard");

      CLOCK.set("2026-11-23T09:00:00");
      TestGateway.ok(gateway.post("supervisor", "/api/v1/supervision/scan", new JsonObject()));
      within10s(browser, "#feed", number);
      String feed = browser.find("#feed").getText();
      assertTrue(feed.contains("黄牌") && feed.contains("承诺办结时限") && feed.contains("民政局"), feed);
      within10s(browser, "#feed", "老年人优待证");
      assertEquals("1", browser.find("#count-YELLOW").getText());
      browser.shot("yellow-card");

      CLOCK.set("2026-11-24T09:00:00");
      TestGateway.ok(gateway.post("supervisor", "/api/v1/supervision/scan", new JsonObject()));
      within10s(browser, "#feed li:first-child", "红牌");
      within10s(browser, "#red-cards", number);
      assertEquals("1", browser.find("#count-RED").getText());
      browser.shot("red-card");
      assertEquals(java.util.List.of(), browser.pageErrors());
    }
  }
}
