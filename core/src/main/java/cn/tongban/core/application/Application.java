package cn.tongban.core.application;

import cn.tongban.core.access.Channel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * 办件: one case, pinned to the form version it was submitted against, with its clock. {@code provisionalYears}:
 * while the clock runs, the years its due dates reach whose holiday calendar is not loaded — those dates are
 * provisional and are recomputed when the year is loaded ({@link ProvisionalDueDates}).
 */
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
    Supervision supervision,
    SameCity sameCity,
    List<Integer> provisionalYears) {

  /** The case as a list shows it. */
  public ApplicationSummary summary() {
    return new ApplicationSummary(id, number, matterCode, matterName, formVersion, status, channel, hallCode,
        departmentCode, applicant, queryCode, submittedBy, version, submittedAt, updatedAt, clock.noticeDueDate(),
        clock.acceptedAt(), clock.clockStart(), clock.dueDate(), clock.legalDueDate(), clock.suspendedAt(),
        supervision.warnings());
  }

  /**
   * 通办地收件、归属地受理、归属地审批: the intake hall is {@link #hallCode()}, the approving department
   * {@link #departmentCode()}; here the accepting department, the home hall and the forwarding clock of a
   * case taken in away from home, where the result is collected, and the 代办 record.
   */
  public record SameCity(
      String acceptingDepartment,
      Optional<String> homeHall,
      Optional<OffsetDateTime> forwardedAt,
      Optional<LocalDate> forwardDueDate,
      Optional<OffsetDateTime> forwardAnsweredAt,
      Optional<JsonObject> collection,
      Optional<JsonObject> agency) {

    /** Whether the case was forwarded from its intake hall to its home department. */
    public boolean forwarded() {
      return forwardedAt.isPresent();
    }
  }

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
