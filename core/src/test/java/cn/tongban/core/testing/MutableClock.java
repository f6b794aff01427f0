package cn.tongban.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/** A clock tests set and move, so rules about working days are tested without waiting a single second. */
public final class MutableClock extends Clock {
  private volatile Instant now;
  private final ZoneId zone;

  public MutableClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  /** A clock at {@code time} in Beijing. */
  public static MutableClock at(String time) {
    ZoneId beijing = ZoneId.of("Asia/Shanghai");
    return new MutableClock(LocalDateTime.parse(time).atZone(beijing).toInstant(), beijing);
  }

  public void set(String time) {
    now = LocalDateTime.parse(time).atZone(zone).toInstant();
  }

  public void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId z) {
    MutableClock source = this;
    // A view in another zone that still follows this clock when it moves.
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return z;
      }

      @Override
      public Clock withZone(ZoneId other) {
        return source.withZone(other);
      }

      @Override
      public Instant instant() {
        return source.instant();
      }
    };
  }

  @Override
  public Instant instant() {
    return now;
  }
}
