package cn.tongban.plugin;

import io.vertx.core.json.JsonObject;

import java.util.Optional;

/** An immutable view of a case (or of an application not yet stored) for form handlers. */
public interface CaseView {

  /** The case number; empty before the case is stored. */
  Optional<String> number();

  String matterCode();

  int formVersion();

  /** The form data (a copy: changing it changes nothing). */
  JsonObject data();

  /** Who the case is for (a copy). */
  JsonObject applicant();

  /** The case's status name, e.g. SUBMITTED. */
  String status();

  /**
   * The case's query code (查询码), for a sink that tells the applicant how to open their progress; empty
   * before the case is stored or where it is not handed over.
   */
  default Optional<String> queryCode() {
    return Optional.empty();
  }
}
