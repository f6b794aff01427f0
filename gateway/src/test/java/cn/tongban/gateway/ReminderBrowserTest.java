package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 我的提醒 on a phone: a citizen about to turn 80 signs in, reads the reminder the scan sent, opts out of a
 * topic, and follows the reminder's link to the 高龄津贴 form, which opens filled in with what the platform
 * knows of them.
 */
class ReminderBrowserTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_REMINDER_INTERVAL_SECONDS", "0", "TONGBAN_SCAN_INTERVAL_SECONDS", "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void theDemoCitizenIsRemindedOfAnExpiringLicenceAndAppliesPrefilled() throws Exception {
    // The demo citizen's 残疾人证, running out in 40 days: the bundled rule's 60-day reminder, once.
    JsonObject licence = gateway.approvedDisabilityCertificate();
    gateway.execute("update licence set valid_until = current_date + 40 where identifier = '"
        + licence.getString("identifier") + "'");
    gateway.platform().reminders().scan().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(0, gateway.platform().reminders().scan().toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS), "sent once: a second pass sends nothing");
    try (Browser phone = Browser.phone(gateway.port(), "public-reminders-expiry")) {
      phone.go("/public/reminders.html");
      phone.type("#login", "citizen").type("#password", "tongban-demo");
      phone.click("#sign-in button[type=submit]");
      String list = phone.waitForText("#reminder-list", "残疾人证");
      phone.shot("expiry-reminder");
      assertEquals(1, phone.all("#reminder-list a.button").size(), list);
      phone.click("#reminder-list a.button");
      phone.waitForText("h1", "在线申请");
      // Filled from the profile and from 公安's population data (数据共享): nothing typed again.
      assertEquals("张三", phone.find("#ap-name").getAttribute("value"));
      assertEquals("11010519491231002X", phone.find("#ap-idNumber").getAttribute("value"));
      assertEquals("13800138000", phone.find("#ap-mobile").getAttribute("value"));
      phone.shot("disability-certificate-prefilled");
      assertEquals(List.of(), phone.pageErrors());
    }
  }

  @Test
  void aCitizenReadsTheReminderOptsOutOfATopicAndAppliesPrefilled() throws Exception {
    // Turns 80 in ten days: the bundled rule advanced-age-80 reminds them.
    LocalDate birth = LocalDate.now(ZoneId.of("Asia/Shanghai")).minusYears(80).plusDays(10);
    String body = "410183" + birth.format(DateTimeFormatter.BASIC_ISO_DATE) + "321";
    String id = TestGateway.idNumber(body);
    HttpResponse<String> r = gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber", id)
        .put("name", "王秀兰").put("phone", "13700001234").put("password", "Reminder-Elder-26").encode(),
        "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    assertTrue(gateway.platform().reminders().scan().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS) >= 1);

    try (Browser phone = Browser.phone(gateway.port(), "public-reminders")) {
      phone.go("/public/reminders.html");
      phone.find("#login");
      phone.shot("sign-in");
      phone.type("#login", id).type("#password", "Reminder-Elder-26");
      phone.click("#sign-in button[type=submit]");
      String list = phone.waitForText("#reminder-list", "您可申请高龄津贴");
      assertTrue(list.contains("年满80周岁"), list);
      assertTrue(list.contains("高龄津贴"), list);
      phone.shot("reminders");

      // Opting out of 年审 reminders: the box unticked, the platform confirms.
      assertTrue(phone.find("#topic-annual-review").isSelected());
      phone.click("#topic-annual-review");
      phone.waitForText("#topics-message", "已退订“年审（资格认证）提醒”");
      assertFalse(phone.find("#topic-annual-review").isSelected());
      phone.shot("opted-out");

      phone.click("#reminder-list a.button");
      phone.waitForText("h1", "在线申请");
      assertEquals("王秀兰", phone.find("#ap-name").getAttribute("value"), "filled from the profile");
      assertEquals(id, phone.find("#ap-idNumber").getAttribute("value"));
      phone.shot("apply-prefilled");
      assertEquals(List.of(), phone.pageErrors());
    }
    JsonObject topics = new JsonObject(gateway.send("POST", "/api/v1/auth/token", new JsonObject()
        .put("grant_type", "password").put("username", id).put("password", "Reminder-Elder-26").encode(),
        "Content-Type", "application/json").body());
    JsonObject mine = TestGateway.ok(gateway.send("GET", "/api/v1/me/reminder-topics", null,
        "Authorization", "Bearer " + topics.getString("access_token")));
    assertTrue(mine.encode().contains("\"topic\":\"annual-review\",\"name\":\"年审（资格认证）提醒\",\"optedOut\":true"),
        mine.encode());
  }
}
