package cn.tongban.core.hotline;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One 12345 work order as stored, with the names its codes stand for. Mutable on purpose: an action changes a
 * locked copy in its transaction and {@link WorkOrderStore#update} writes it back.
 */
public final class WorkOrder {
  long id;
  String number;
  String type;
  String status;
  /** {name, phone, idNumber}, opened. */
  JsonObject caller;
  String subject;
  String content;
  String placeHallCode;
  String placeHallName;
  String matterCode;
  String caseNumber;
  UUID ownerId;
  String ownerName;
  UUID dispatcherId;
  String departmentCode;
  String departmentName;
  OffsetDateTime dispatchedAt;
  LocalDate signDueDate;
  LocalDate dueDate;
  OffsetDateTime signedAt;
  String reply;
  OffsetDateTime repliedAt;
  String returnReason;
  int returns;
  int urges;
  int reopens;
  JsonObject extension;
  Integer satisfaction;
  OffsetDateTime calledBackAt;
  OffsetDateTime closedAt;
  OffsetDateTime createdAt;
  OffsetDateTime updatedAt;

  public String number() {
    return number;
  }

  public String status() {
    return status;
  }

  public String departmentCode() {
    return departmentCode;
  }

  /** Still with a department and past its reply limit. */
  boolean overdue(LocalDate today) {
    return ("DISPATCHED".equals(status) || "SIGNED".equals(status)) && dueDate != null && dueDate.isBefore(today);
  }
}
