package cn.tongban.core.application;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Optional;

/** 办件: one case, pinned to the form version it was submitted against, with its clock. */
public record Application(
    long id,
    String number,
    String matterCode,
    String matterName,
    int formVersion,
    ApplicationStatus status,
    Channel channel,
    Optional<String> hallCode,
    String departmentCode,
    JsonObject applicant,
    JsonObject data,
    String queryCode,
    String submittedBy,
    int version,
    OffsetDateTime submittedAt,
    OffsetDateTime updatedAt,
    Clock clock) {

  /** The case clock: notice deadline, acceptance, due dates, suspension and the open correction notice. */
  public record Clock(
      Optional<LocalDate> noticeDueDate,
      Optional<OffsetDateTime> acceptedAt,
      Optional<LocalDate> clockStart,
      Optional<LocalDate> dueDate,
      Optional<LocalDate> legalDueDate,
      Optional<OffsetDateTime> suspendedAt,
      Optional<ApplicationStatus> suspendedFromStatus,
      Optional<JsonObject> correction) {
  }

  public Optional<ApplicationStatus> suspendedFromStatus() {
    return clock.suspendedFromStatus();
  }

  /** The date the case was taken in, in Beijing time. */
  public LocalDate intakeDate() {
    return submittedAt.atZoneSameInstant(cn.tongban.core.clock.CalendarService.ZONE).toLocalDate();
  }
}
