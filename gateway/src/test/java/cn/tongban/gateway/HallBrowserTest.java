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
 * The hall day of a citizen, in the browser: they book a slot on their phone and pre-register the matter's
 * form, take a number with the booking at the hall, are called to a window, and the clerk takes their
 * pre-registration in as a case in one step; the hall's queue screen shows the visit done.
 */
class HallBrowserTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static final String CITIZEN_ID = "11010519491231002X";
  /** Monday 28 September 2026, before the city hall opens. */
  private static final MutableClock CLOCK = MutableClock.at("2026-09-28T08:00:00");
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

  /** Scrolls the element to the middle of the screen, so the screenshot shows it. */
  private static void see(Browser browser, String css) {
    browser.script("arguments[0].scrollIntoView({block: 'center'})", browser.find(css));
  }

  private static String first(String pattern, String text) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    assertTrue(m.find(), pattern + " in: " + text);
    return m.group(1);
  }

  @Test
  void aCitizenBooksTakesANumberIsCalledAndLeavesWithACaseFromTheirPreRegistration() throws Exception {
    String preRegistration;
    String ticket;
    try (Browser phone = Browser.phone(gateway.port(), "hall-citizen")) {
      phone.go("/public/matter.html?code=" + MATTER);
      phone.click("#book-link");
      phone.type("#login", "citizen");
      phone.type("#password", "tongban-demo");
      phone.find("#password").sendKeys(Keys.ENTER);
      phone.find("#slot-form");
      phone.shot("signed-in");
      // The day is chosen on the page's form; the phone's own date is not the test clock's.
      phone.script("const d = document.getElementById('date'); d.value = '2026-09-28';"
          + " d.dispatchEvent(new Event('change'));");
      phone.waitForText("#slots", "10:00–10:30");
      // Each window of the city hall offers its own slots, under its sign.
      assertTrue(phone.find("#slots").getText().contains("w02 综合受理窗口2"), phone.find("#slots").getText());
      phone.shot("slots-of-the-day");
      see(phone, "section.slot-window[data-window='w02'] h4");
      phone.shot("slots-of-window-2");
      phone.click("button.slot[data-start='2026-09-28T10:00:00+08:00'][data-window='w02']");
      String booked = phone.waitForText("#booking-result", "预约成功");
      assertTrue(booked.contains("10:00–10:30") && booked.contains("w02 综合受理窗口2"), booked);
      assertTrue(phone.waitForText("#my-appointments", "已预约").contains("w02 综合受理窗口2"),
          "the booking shows its window");
      see(phone, "#booking-result");
      phone.shot("booked");

      phone.click("#open-pre-registration");
      new Select(phone.find("#p-householdTownship")).selectByVisibleText("青屏街街道");
      phone.type("#p-address", "新密市青屏街街道示例社区5号楼1单元302室");
      assertEquals(CITIZEN_ID, phone.find("#p-idNumber").getAttribute("value"), "filled in from the account");
      if (phone.find("#p-mobile").getAttribute("value").isEmpty()) {
        phone.type("#p-mobile", "13800138000");
      }
      phone.shot("pre-registration-form");
      phone.clickButton("下一步");
      phone.clickButton("下一步");
      phone.click("label[for='p-collectionMethod-0']");
      phone.click("label[for='p-pickupPoint-0']");
      phone.clickButton("提交预登记");
      preRegistration = first("预登记号 (YD\\d+)", phone.waitForText("#pre-registration-result", "预登记成功"));
      see(phone, "#pre-registration-result");
      phone.shot("pre-registered");

      // At the hall, before the slot: the citizen takes a number with the booking.
      CLOCK.set("2026-09-28T09:55:00");
      phone.click("#my-appointments button.take-number");
      ticket = phone.waitForText("#ticket-number", "Y");
      phone.waitForText("#my-appointments", "已取号");
      see(phone, "#my-ticket");
      phone.shot("number-taken");
      assertEquals(List.of(), phone.pageErrors());
    }

    try (Browser clerk = Browser.staff(gateway.port(), "hall-window")) {
      CLOCK.set("2026-09-28T10:02:00");
      clerk.signIn("clerk");
      clerk.click("a[href='#/hall']");
      clerk.find("#call-next");
      clerk.shot("desk");
      clerk.click("#call-next");
      clerk.waitForText("#called-number", ticket);
      assertTrue(clerk.find("#current-ticket").getText().contains("预约号（10:00 时段），预约窗口 w02"),
          clerk.find("#current-ticket").getText());
      clerk.shot("called");

      clerk.type("#pre-search", CITIZEN_ID);
      clerk.find("#pre-search").sendKeys(Keys.ENTER);
      clerk.waitForText("#pre-found", preRegistration);
      clerk.click("#pre-found li[data-number='" + preRegistration + "'] summary");
      assertTrue(clerk.waitForText("#pre-found", "现居住地址").contains("新密市青屏街街道示例社区5号楼1单元302室"),
          "the clerk checks the form by its own field titles");
      String checked = clerk.find("#pre-found li[data-number='" + preRegistration + "'] details").getText();
      assertTrue(checked.contains("窗口领取") && !checked.contains("WINDOW"),
          "a choice reads as the applicant chose it, not as its code: " + checked);
      clerk.shot("pre-registration-found");
      clerk.click("#pre-found li[data-number='" + preRegistration + "'] button.convert");
      String caseNumber = first("办件编号 (\\d+)", clerk.waitForText("#pre-found", "已受理"));
      clerk.shot("taken-in");
      clerk.click("#served");
      clerk.waitForText("#current-ticket", "已办结");
      assertTrue(clerk.find("#current-ticket").getText().contains(caseNumber));
      clerk.shot("served");

      assertTrue(clerk.all("#pre-found button.convert").isEmpty(), "taken in once: the button is gone");

      // A walk-in without a phone: the clerk takes a number for them.
      clerk.clickButton("取号");
      String walkIn = first("已取号 (A\\d+)", clerk.waitForText("#walk-in-result", "已取号"));
      clerk.shot("walk-in-number");

      clerk.go("/console/#/hall/display");
      clerk.waitForText("#queue-board", "今日已办 1 人");
      clerk.waitForText("#queue-board", walkIn);
      clerk.waitForText("#display-state", "实时更新中");
      // The screen follows the queue live: a number taken elsewhere appears without a reload.
      String next = new io.vertx.core.json.JsonObject(gateway.post("clerk", "/api/v1/halls/xm-city/tickets",
          new io.vertx.core.json.JsonObject()).body()).getString("number");
      clerk.waitForText("#queue-board", next);
      clerk.shot("queue-screen");
      assertEquals(List.of(), clerk.pageErrors());

      assertEquals(caseNumber, gateway.text("select application_number from hall_ticket where number = '" + ticket
          + "'"), "the visit links to the case");
      assertEquals("WINDOW", gateway.text("select channel from application where number = '" + caseNumber + "'"));
      assertEquals("CONVERTED", gateway.text("select status from pre_registration where number = '"
          + preRegistration + "'"));
    }
    CLOCK.set("2026-09-28T08:00:00");
  }
}
