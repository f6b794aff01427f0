package cn.tongban.plugins.notification;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotificationFactoryTest {

  @Test
  void isConfiguredOnlyWithAGateway() {
    assertTrue(new NotificationFactory().create(Map.of()).isEmpty());
    assertTrue(new NotificationFactory().create(Map.of("TONGBAN_NOTIFY_URL", "http://sms.example/send")).isPresent());
  }

  @Test
  void tellsTheApplicantInChineseAndSkipsWhatDoesNotConcernThem() {
    assertEquals(Optional.of("您的办件 4101832026112800000001 已受理，将在承诺时限内办结。"),
        NotificationFactory.text("ApplicationAccept", "4101832026112800000001", "老年人优待证办理"));
    assertTrue(NotificationFactory.text("ApplicationSubmitted", "1", "老年人优待证办理").get().contains("老年人优待证办理"));
    assertTrue(NotificationFactory.text("DeadlineWarning", "1", "x").isEmpty());
  }

  @Test
  void tellsAPersonOfTheirBookingVisitOrHolidayRequest() {
    assertEquals(Optional.of("您的上门服务申请 SM2026092900001 未能安排，理由：不在服务范围。"),
        NotificationFactory.personText("HomeVisitDeclined", new io.vertx.core.json.JsonObject()
            .put("number", "SM2026092900001").put("reason", "不在服务范围")));
    assertTrue(NotificationFactory.personText("AppointmentReminder", new io.vertx.core.json.JsonObject()
        .put("number", "YY1")).get().contains("YY1"));
    assertTrue(NotificationFactory.personText("TicketCalled", new io.vertx.core.json.JsonObject()).isEmpty());
    assertTrue(NotificationFactory.personText("HolidayRequestConfirmed", new io.vertx.core.json.JsonObject()
        .put("number", "JR1").putNull("reason")).get().contains("JR1"), "a null reason reads as empty");
  }
}
