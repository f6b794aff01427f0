package cn.tongban.core.application;

import cn.tongban.core.access.Role;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import static cn.tongban.core.application.ApplicationStatus.ACCEPTED;
import static cn.tongban.core.application.ApplicationStatus.APPROVED;
import static cn.tongban.core.application.ApplicationStatus.CORRECTION_REQUESTED;
import static cn.tongban.core.application.ApplicationStatus.DELIVERED;
import static cn.tongban.core.application.ApplicationStatus.DENIED;
import static cn.tongban.core.application.ApplicationStatus.IN_REVIEW;
import static cn.tongban.core.application.ApplicationStatus.NOT_ACCEPTED;
import static cn.tongban.core.application.ApplicationStatus.SUBMITTED;
import static cn.tongban.core.application.ApplicationStatus.SUSPENDED;
import static cn.tongban.core.application.ApplicationStatus.TERMINATED;
import static cn.tongban.core.application.ApplicationStatus.WITHDRAWN;

/**
 * What may be done to a case: from which statuses, to which, by whom (受审分离: the window accepts, the
 * department's reviewer reviews, its approver decides; the applicant resubmits or withdraws), and the name
 * of the step it records. {@code APPLICANT} here means the applicant or whoever submitted for them.
 */
public enum CaseAction {
  // A case forwarded from another hall (同城通办) is accepted, refused or returned by the accepting
  // department's reviewer (归属地受理), not by the intake window.
  ACCEPT("accept", "受理", EnumSet.of(SUBMITTED), ACCEPTED, EnumSet.of(Role.CLERK, Role.REVIEWER)),
  NOT_ACCEPT("not-accept", "不予受理", EnumSet.of(SUBMITTED), NOT_ACCEPTED, EnumSet.of(Role.CLERK, Role.REVIEWER)),
  REQUEST_CORRECTION("request-correction", "补正告知", EnumSet.of(SUBMITTED), CORRECTION_REQUESTED,
      EnumSet.of(Role.CLERK, Role.REVIEWER)),
  RESUBMIT("resubmit", "补正提交", EnumSet.of(CORRECTION_REQUESTED), SUBMITTED, EnumSet.of(Role.APPLICANT)),
  REVIEW_PASS("review-pass", "审核通过", EnumSet.of(ACCEPTED), IN_REVIEW, EnumSet.of(Role.REVIEWER)),
  REVIEW_RETURN("review-return", "审核退回", EnumSet.of(ACCEPTED), CORRECTION_REQUESTED, EnumSet.of(Role.REVIEWER)),
  APPROVE("approve", "审批准予", EnumSet.of(IN_REVIEW), APPROVED, EnumSet.of(Role.APPROVER)),
  DENY("deny", "审批不予", EnumSet.of(IN_REVIEW, ACCEPTED), DENIED, EnumSet.of(Role.APPROVER)),
  SUSPEND("suspend", "特别程序", EnumSet.of(ACCEPTED, IN_REVIEW), SUSPENDED,
      EnumSet.of(Role.REVIEWER, Role.APPROVER)),
  /** Back to the status the case had when it was suspended. */
  RESUME("resume", "恢复办理", EnumSet.of(SUSPENDED), null, EnumSet.of(Role.REVIEWER, Role.APPROVER)),
  WITHDRAW("withdraw", "撤回申请", EnumSet.of(SUBMITTED, CORRECTION_REQUESTED, ACCEPTED, IN_REVIEW, SUSPENDED),
      WITHDRAWN, EnumSet.of(Role.APPLICANT)),
  DELIVER("deliver", "送达", EnumSet.of(APPROVED, DENIED), DELIVERED, EnumSet.of(Role.CLERK, Role.APPROVER)),
  /** A department's opinion in parallel approval; the case moves on when every department agreed. */
  OPINION("opinion", "部门意见", EnumSet.of(ACCEPTED), null, EnumSet.of(Role.REVIEWER)),
  /** Materials accepted as missing (容缺) are handed in. */
  SUPPLY("supply", "容缺补齐", EnumSet.of(ACCEPTED, IN_REVIEW, SUSPENDED), null,
      EnumSet.of(Role.APPLICANT, Role.CLERK)),
  /** A commitment (告知承诺) is checked; a false one terminates the case. */
  VERIFY_COMMITMENT("verify-commitment", "承诺核查", EnumSet.of(ACCEPTED, IN_REVIEW, SUSPENDED, APPROVED, DELIVERED),
      null, EnumSet.of(Role.REVIEWER)),
  /** 延期: the statutory limit extended once, with approval and reasons (+10, or +15 for joint handling). */
  EXTEND("extend", "延长期限", EnumSet.of(ACCEPTED, IN_REVIEW, SUSPENDED), null, EnumSet.of(Role.APPROVER)),
  /**
   * The applicant changes where they collect the result (at the intake hall, the home department, or by
   * post), until it is delivered; the window clerk may record it for them.
   */
  CHANGE_COLLECTION("change-collection", "变更领取方式", EnumSet.of(SUBMITTED, CORRECTION_REQUESTED, ACCEPTED,
      IN_REVIEW, SUSPENDED, APPROVED, DENIED), null, EnumSet.of(Role.APPLICANT, Role.CLERK)),
  /** Ends a case that cannot go on: a missed 容缺 deadline, a false commitment. */
  TERMINATE("terminate", "终止办理", EnumSet.of(ACCEPTED, IN_REVIEW, SUSPENDED), TERMINATED,
      EnumSet.of(Role.CLERK, Role.REVIEWER));

  private final String wire;
  private final String stepName;
  private final Set<ApplicationStatus> from;
  private final ApplicationStatus to;
  private final Set<Role> roles;

  CaseAction(String wire, String stepName, Set<ApplicationStatus> from, ApplicationStatus to, Set<Role> roles) {
    this.wire = wire;
    this.stepName = stepName;
    this.from = from;
    this.to = to;
    this.roles = roles;
  }

  /** The action's name in the API, e.g. {@code request-correction}. */
  public String wire() {
    return wire;
  }

  public String stepName() {
    return stepName;
  }

  public boolean allowedFrom(ApplicationStatus status) {
    return from.contains(status);
  }

  /**
   * The status after the action; for {@code resume}, the status before the suspension; actions that
   * decide their outcome from the case (opinion, supply, verify-commitment) keep it unless the service says.
   */
  public ApplicationStatus to(Application a) {
    if (to != null) {
      return to;
    }
    return this == RESUME ? a.suspendedFromStatus().orElse(ACCEPTED) : a.status();
  }

  public Set<Role> roles() {
    return roles;
  }

  /** Whether this is the acceptance decision (accept, refuse, or return for correction) on a case taken in. */
  public boolean decidesIntake() {
    return this == ACCEPT || this == NOT_ACCEPT || this == REQUEST_CORRECTION;
  }

  /** The outbox event type, e.g. {@code ApplicationRequestCorrection}. */
  public String eventType() {
    StringBuilder b = new StringBuilder("Application");
    for (String part : name().split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return b.toString();
  }

  public static Optional<CaseAction> fromWire(String wire) {
    for (CaseAction a : values()) {
      if (a.wire.equals(wire)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
