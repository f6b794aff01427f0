package cn.tongban.plugin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** W3C trace context: what is continued, what starts anew, and the header sent on. */
class TraceTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String FORM = "[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-01";

  @Test
  void aValidTraceparentIsContinuedWithASpanOfOurOwn() {
    Trace t = Trace.continuing("00-" + TRACE + "-00f067aa0ba902b7-01");
    assertEquals(TRACE, t.traceId());
    assertNotEquals("00f067aa0ba902b7", t.spanId());
    assertTrue(t.traceparent().matches(FORM), t.traceparent());
    assertEquals(TRACE, Trace.traceIdOf(t.traceparent()));
    Trace child = t.child();
    assertEquals(TRACE, child.traceId());
    assertNotEquals(t.spanId(), child.spanId());
  }

  @Test
  void anythingElseStartsANewTrace() {
    for (String bad : new String[] {null, "", "garbage", "00-" + TRACE.toUpperCase() + "-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-" + TRACE + "-0000000000000000-01",
        "ff-" + TRACE + "-00f067aa0ba902b7-01", "00_" + TRACE + "_00f067aa0ba902b7_01"}) {
      Trace t = Trace.continuing(bad);
      assertNotEquals(TRACE, t.traceId(), String.valueOf(bad));
      assertTrue(t.traceparent().matches(FORM), t.traceparent());
    }
    assertNotEquals(Trace.start().traceId(), Trace.start().traceId());
  }

  @Test
  void outsideVertxThereIsNoCurrentTrace() {
    assertNull(Trace.current());
    assertNull(Trace.currentTraceparent());
  }
}
