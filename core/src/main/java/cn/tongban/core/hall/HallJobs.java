package cn.tongban.core.hall;

import io.vertx.core.Future;

/**
 * The hall's periodic pass (run by {@code ScheduledJobs} on every node): reminders before slots, no-shows of
 * slots long over, the expiry of unused pre-registrations, and the deadline warnings of door-to-door visits. Each statement claims its rows with
 * {@code FOR UPDATE SKIP LOCKED}, so two nodes never do one row twice.
 */
public final class HallJobs {
  private final AppointmentService appointments;
  private final PreRegistrationService preRegistrations;
  private final HomeVisitService homeVisits;

  public HallJobs(AppointmentService appointments, PreRegistrationService preRegistrations,
      HomeVisitService homeVisits) {
    this.appointments = appointments;
    this.preRegistrations = preRegistrations;
    this.homeVisits = homeVisits;
  }

  /** One pass; completes with how many rows it changed. */
  public Future<Integer> pass() {
    return appointments.remindAndClose().compose(n -> preRegistrations.expire().map(m -> n + m))
        .compose(n -> homeVisits.scan().map(m -> n + m));
  }
}
