package cn.tongban.core.application;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
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
    Clock clock,
    Supervision supervision) {

  /**
   * What runs alongside the decision: departments' opinions in parallel approval (并联审批), warnings
   * raised (电子监察), materials accepted as missing (容缺) and commitments replacing certificates (告知承诺).
   */
  public record Supervision(
      List<String> parallelDepartments,
      JsonArray opinions,
      JsonArray warnings,
      Optional<JsonObject> deficiency,
      Optional<JsonObject> commitments) {
  }

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
