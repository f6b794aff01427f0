package cn.tongban.core.hotline;

import cn.tongban.core.config.TongbanConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TONGBAN_HOTLINE_DEADLINES: the issue's defaults, an override, and every malformed value refused at boot. */
class HotlineDeadlinesTest {
  @Test
  void theDefaultsAreTheIssues() {
    TongbanConfig.HotlineDeadlines d = TongbanConfig.from(Map.of()).hotlineDeadlines();
    assertEquals(Map.of("CONSULTATION", 3, "HELP", 5, "COMPLAINT", 13, "REPORT", 13, "SUGGESTION", 15, "PRAISE", 15),
        d.replyDays());
    assertEquals(1, d.signForDays());
  }

  @Test
  void anOverrideIsRead() {
    TongbanConfig.HotlineDeadlines d = TongbanConfig.from(Map.of("TONGBAN_HOTLINE_DEADLINES",
        "CONSULTATION=2,HELP=4,COMPLAINT=10,REPORT=10,SUGGESTION=20,PRAISE=20,SIGN_FOR=2")).hotlineDeadlines();
    assertEquals(10, d.replyDays().get("COMPLAINT"));
    assertEquals(2, d.signForDays());
  }

  @Test
  void malformedValuesStopTheStart() {
    for (String bad : new String[] {"CONSULTATION=3", "CONSULTATION=0,HELP=5,COMPLAINT=13,REPORT=13,SUGGESTION=15,"
        + "PRAISE=15,SIGN_FOR=1", "GOSSIP=3", "CONSULTATION=x"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TongbanConfig.from(Map.of("TONGBAN_HOTLINE_DEADLINES", bad)), bad);
      assertTrue(e.getMessage().contains("TONGBAN_HOTLINE_DEADLINES"), e.getMessage());
    }
  }
}
