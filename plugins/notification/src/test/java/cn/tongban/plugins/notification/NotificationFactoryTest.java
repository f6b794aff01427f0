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
}
