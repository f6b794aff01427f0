package cn.tongban.gateway;

import cn.tongban.gateway.testplugins.RecordingSinkFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugins' lifecycle with the real platform: started before it serves, stopped in reverse order when it
 * closes, and a plugin that does not start stops the platform start (the test plugins: the form handler
 * {@code test-recorder}, then the event sink {@code test-sink}, in the gateway's test service file).
 */
class PluginLifecycleTest {

  @Test
  void pluginsStartWithThePlatformAndStopInReverseOrderWhenItCloses() throws Exception {
    RecordingSinkFactory.LIFECYCLE.clear();
    TestGateway gateway = TestGateway.start();
    try {
      assertEquals(List.of("start:test-recorder", "start:test-sink"), RecordingSinkFactory.LIFECYCLE);
      assertEquals(200, gateway.get("clerk", "/api/v1/me").statusCode(), "serving once they started");
    } finally {
      gateway.close();
    }
    assertEquals(List.of("start:test-recorder", "start:test-sink", "stop:test-sink", "stop:test-recorder"),
        RecordingSinkFactory.LIFECYCLE);
  }

  @Test
  void aPluginThatDoesNotStartStopsThePlatformStartNamingIt() {
    RecordingSinkFactory.LIFECYCLE.clear();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TestGateway.start(Map.of("TONGBAN_TEST_SINK_FAIL_START", "true")));
    StringBuilder messages = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append('\n');
    }
    assertTrue(messages.toString().contains("the plugin test-sink (cn.tongban.gateway.testplugins.RecordingSinkFactory,"
        + " EVENT_SINK) did not start: the test sink's endpoint refused its key"), messages.toString());
    assertEquals(List.of("start:test-recorder", "start:test-sink", "stop:test-recorder"),
        RecordingSinkFactory.LIFECYCLE, "what had started is stopped again");
  }
}
