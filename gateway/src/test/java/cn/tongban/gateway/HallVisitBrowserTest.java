package cn.tongban.gateway;

import cn.tongban.core.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Door-to-door and holiday service in the browser: a citizen aged over 70 asks on their phone for a visit and
 * for a time on a National Day holiday; the city hall's clerk confirms the holiday time, sets today's roster,
 * assigns themselves to the visit and takes the case in at the door from the visit's page; the public guide
 * shows who is on duty.
 */
class HallVisitBrowserTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  /** Tuesday 29 September 2026, the city hall open. */
  private static final MutableClock CLOCK = MutableClock.at("2026-09-29T09:00:00");
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0", "TONGBAN_HALL_JOB_INTERVAL_SECONDS", "0"),
        CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static void see(Browser browser, String css) {
    browser.script("arguments[0].scrollIntoView({block: 'center'})", browser.find(css));
  }

  private static String first(String pattern, String text) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    assertTrue(m.find(), pattern + " in: " + text);
    return m.group(1);
  }

  @Test
  void aCitizenAsksForAVisitAndAHolidayTimeAndTheClerkTakesTheCaseInAtTheDoor() throws Exception {
    String visit;
    String holiday;
    try (Browser phone = Browser.phone(gateway.port(), "hall-visit-citizen")) {
      phone.go("/public/booking.html?matter=" + MATTER);
      phone.type("#login", "citizen");
      phone.type("#password", "tongban-demo");
      phone.find("#password").sendKeys(Keys.ENTER);
      phone.find("#visit-form");
      see(phone, "#visit-form");
      phone.shot("visit-form");
      phone.type("#visit-address", "思明区中华街道公园南路 1 号 3 楼");
      phone.type("#visit-phone", "13800138000");
      phone.shot("visit-filled");
      phone.clickButton("申请上门服务");
      visit = first("上门服务申请 (SM\\d+)", phone.waitForText("#visit-result", "已提交上门服务申请"));
      phone.waitForText("#my-visits", "待安排");
      see(phone, "#visit-result");
      phone.shot("visit-requested");

      // A National Day holiday: no slots, but a time can be asked for.
      phone.script("const d = document.getElementById('date'); d.value = '2026-10-02';"
          + " d.dispatchEvent(new Event('change'));");
      phone.waitForText("#slots", "申请节假日订制服务");
      phone.find("#holiday-form");
      see(phone, "#holiday-form");
      phone.shot("holiday-form");
      phone.type("#holiday-note", "国庆回乡，只有假期能来");
      phone.clickButton("申请节假日办理");
      holiday = first("节假日预约申请 (JR\\d+)", phone.waitForText("#holiday-result", "已提交节假日预约申请"));
      phone.waitForText("#my-holiday-requests", "待大厅答复");
      see(phone, "#holiday-result");
      phone.shot("holiday-requested");
      assertEquals(List.of(), phone.pageErrors());
      assertEquals(List.of(), phone.consoleErrors());
    }

    String caseNumber;
    try (Browser clerk = Browser.staff(gateway.port(), "hall-visit-clerk")) {
      clerk.signIn("clerk");
      clerk.go("/console/#/hall/visits");
      clerk.waitForText("#home-visits", visit);
      clerk.shot("visits");

      // The holiday time: confirmed.
      clerk.waitForText("#holiday-requests", holiday);
      clerk.click("#holiday-requests li[data-number='" + holiday + "'] button[type='submit']");
      clerk.waitForText("#holiday-requests li[data-number='" + holiday + "']", "已确认");
      see(clerk, "#holiday-requests");
      clerk.shot("holiday-confirmed");

      // Today's roster: the clerk at window w01.
      clerk.type("#duty-w01", "clerk");
      clerk.clickButton("保存值班表");
      clerk.waitForText("#duty-result", "已保存今日值班");
      see(clerk, "#duty-result");
      clerk.shot("roster-saved");

      // The visit: the clerk assigns themselves for tomorrow morning, then takes the case in at the door.
      String item = "#home-visits li[data-number='" + visit + "']";
      clerk.script("const w = document.getElementById('when-" + visit + "'); w.value = '2026-09-30T10:00';");
      clerk.click(item + " .schedule-form button[type='submit']");
      clerk.waitForText(item, "已安排");
      see(clerk, item);
      clerk.shot("visit-scheduled");
      CLOCK.set("2026-09-30T10:10:00");
      clerk.click(item + " button.take-in");
      clerk.find(item + " .take-in-form");
      assertEquals("11010519491231002X", clerk.find("#v-idNumber").getAttribute("value"), "known from the visit");
      assertEquals("思明区中华街道公园南路 1 号 3 楼", clerk.find("#v-address").getAttribute("value"));
      new Select(clerk.find("#v-householdTownship")).selectByVisibleText("青屏街街道");
      see(clerk, item + " .take-in-form");
      clerk.shot("take-in-form");
      clerk.clickButton("下一步");
      clerk.clickButton("下一步");
      clerk.click("label[for='v-collectionMethod-0']");
      clerk.click("label[for='v-pickupPoint-0']");
      clerk.shot("take-in-last-step");
      clerk.clickButton("提交受理");
      caseNumber = first("打开办件 (\\d+)", clerk.waitForText(item, "打开办件"));
      assertTrue(clerk.find(item).getText().contains("已上门受理"));
      assertTrue(clerk.all(item + " .schedule-form").isEmpty(), "nothing left to schedule");
      see(clerk, item);
      clerk.shot("taken-in");
      assertEquals(List.of(), clerk.pageErrors());
      assertEquals(List.of(), clerk.consoleErrors());
    }
    assertEquals("HOME_VISIT", gateway.text("select channel from application where number = '" + caseNumber + "'"));
    assertEquals("TAKEN_IN", gateway.text("select status from home_visit where number = '" + visit + "'"));

    try (Browser anyone = Browser.phone(gateway.port(), "hall-guide")) {
      CLOCK.set("2026-09-29T09:00:00");
      anyone.go("/public/hall.html?code=xm-city");
      String w01 = anyone.waitForText("#guide li[data-window='w01']", "今日值班");
      assertTrue(w01.contains("全部事项") || w01.contains("受理事项"), w01);
      anyone.shot("guide");
      see(anyone, "#guide li[data-window='w01']");
      anyone.shot("guide-windows");
      assertTrue(anyone.find("#guide").getText().contains("服务时间"));
      assertEquals(List.of(), anyone.consoleErrors());
    }
  }
}
