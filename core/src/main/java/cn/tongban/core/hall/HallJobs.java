package cn.tongban.core.hall;

import io.vertx.core.Future;

/**
 * The hall's periodic pass (run by {@code ScheduledJobs} on every node): reminders before slots, no-shows of
 * slots long over, and the expiry of unused pre-registrations. Each statement claims its rows with
 * {@code FOR UPDATE SKIP LOCKED}, so two nodes never do one row twice.
 */
public final class HallJobs {
  private final AppointmentService appointments;
  private final PreRegistrationService preRegistrations;

  public HallJobs(AppointmentService appointments, PreRegistrationService preRegistrations) {
    this.appointments = appointments;
    this.preRegistrations = preRegistrations;
  }

  /** One pass; completes with how many rows it changed. */
  public Future<Integer> pass() {
    return appointments.remindAndClose().compose(n -> preRegistrations.expire().map(m -> n + m));
  }
}
