package cn.tongban.plugins.datasharing.exchange;

import java.time.Clock;

/**
 * A small circuit breaker (Vert.x's is not on the class path): {@code failures} failed lookups in a row open
 * it, so lookups fail at once instead of each waiting for a department that is down; after {@code resetMillis}
 * one trial lookup goes through (half open) and its outcome closes or re-opens it.
 */
public final class CircuitBreaker {
  /** The breaker's states. */
  public enum State { CLOSED, OPEN, HALF_OPEN }

  private final int failures;
  private final long resetMillis;
  private final Clock clock;
  private int failed;
  private long openedAt;
  private State state = State.CLOSED;
  private boolean trialOut;

  CircuitBreaker(int failures, long resetMillis, Clock clock) {
    this.failures = failures;
    this.resetMillis = resetMillis;
    this.clock = clock;
  }

  /** Whether a lookup may go out now. */
  synchronized boolean allow() {
    if (state == State.OPEN && clock.millis() - openedAt >= resetMillis) {
      state = State.HALF_OPEN;
      trialOut = false;
    }
    if (state == State.HALF_OPEN) {
      if (trialOut) {
        return false;
      }
      trialOut = true;
      return true;
    }
    return state == State.CLOSED;
  }

  synchronized void success() {
    failed = 0;
    state = State.CLOSED;
  }

  synchronized void failure() {
    failed++;
    if (state == State.HALF_OPEN || failed >= failures) {
      state = State.OPEN;
      openedAt = clock.millis();
    }
  }

  synchronized State state() {
    return state;
  }
}
