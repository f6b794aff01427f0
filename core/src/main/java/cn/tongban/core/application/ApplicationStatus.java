package cn.tongban.core.application;

/** The statuses of a case (办件), as in the public contract. */
public enum ApplicationStatus {
  SUBMITTED, CORRECTION_REQUESTED, ACCEPTED, NOT_ACCEPTED, IN_REVIEW, SUSPENDED, APPROVED, DENIED, DELIVERED,
  WITHDRAWN, TERMINATED
}
