package cn.tongban.core.application;

import cn.tongban.core.access.Caller;
import cn.tongban.core.identity.Masking;
import cn.tongban.core.access.Role;
import io.vertx.core.json.JsonObject;

/**
 * A case as one caller may see it: hotline staff get personal data masked and no form data; only the
 * applicant and whoever submitted see the query code.
 *
 * <p>The view shares the case's JSON values instead of copying them (copying the form data of each case was
 * most of the time a page of 50 cases took); every caller encodes the view or hands it to GraphQL, and
 * neither changes it.
 */
public final class ApplicationView {
  private ApplicationView() {
  }

  public static JsonObject of(Application a, Caller caller) {
    boolean masked = Masking.masks(caller, a.submittedBy());
    boolean ownOrSubmitter = caller.kind() == Caller.Kind.CITIZEN || a.submittedBy().equals(caller.scopeKey());
    // What a list shows, then the whole applicant and the detail only the case's own page shows.
    JsonObject json = summary(a.summary(), caller)
        .put("applicant", Masking.applicant(caller, a.submittedBy(), a.applicant()));
    Application.Clock c = a.clock();
    if (!a.provisionalYears().isEmpty()) {
      // Counted by the Monday–Friday rule through a year whose holidays are not loaded: recomputed on loading.
      json.put("dueDateProvisional", true).put("provisionalYears", new io.vertx.core.json.JsonArray(a.provisionalYears()));
    }
    // The officer is kept as an internal account id: staff read it, applicants read the notice, which names them.
    c.correction().ifPresent(x -> json.put("correction", caller.kind() == Caller.Kind.STAFF ? x
        : without(x, "officer")));
    Application.Supervision sv = a.supervision();
    if (!sv.parallelDepartments().isEmpty()) {
      json.put("parallelDepartments", new io.vertx.core.json.JsonArray(sv.parallelDepartments()));
      json.put("opinions", sv.opinions());
    }
    sv.deficiency().ifPresent(x -> json.put("deficiency", x));
    sv.commitments().ifPresent(x -> json.put("commitments", x));
    if (!masked) {
      json.put("data", a.data());
    }
    Application.SameCity sc = a.sameCity();
    JsonObject places = new JsonObject().put("intakeHall", a.hallCode().orElse(null))
        .put("acceptingDepartment", sc.acceptingDepartment()).put("approvingDepartment", a.departmentCode())
        .put("forwarded", sc.forwarded());
    sc.homeHall().ifPresent(h -> places.put("homeHall", h));
    sc.forwardedAt().ifPresent(t -> places.put("forwardedAt", t.toString()));
    sc.forwardDueDate().ifPresent(d -> places.put("forwardDueDate", d.toString()));
    sc.forwardAnsweredAt().ifPresent(t -> places.put("forwardAnsweredAt", t.toString()));
    json.put("sameCity", places);
    sc.collection().ifPresent(x -> json.put("collection", collection(x, a, caller, ownOrSubmitter && !masked)));
    sc.agency().ifPresent(x -> json.put("agency", x));
    return json;
  }

  /**
   * A case as a list shows it ({@link ApplicationSummary}): the applicant by kind and name only (masked by the
   * same rule as {@link #of}), the query code under the same rule; no form data.
   */
  public static JsonObject summary(ApplicationSummary a, Caller caller) {
    JsonObject applicant = Masking.applicant(caller, a.submittedBy(), a.applicant());
    JsonObject named = new JsonObject();
    for (String key : new String[] {"kind", "name"}) {
      if (applicant.getString(key) != null) {
        named.put(key, applicant.getString(key));
      }
    }
    JsonObject json = new JsonObject()
        .put("number", a.number())
        .put("status", a.status().name())
        .put("matterCode", a.matterCode())
        .put("matterName", a.matterName())
        .put("formVersion", a.formVersion())
        .put("channel", a.channel().name())
        .put("departmentCode", a.departmentCode())
        .put("applicant", named)
        .put("version", a.version())
        .put("submittedAt", a.submittedAt().toString())
        .put("updatedAt", a.updatedAt().toString());
    a.hallCode().ifPresent(h -> json.put("hallCode", h));
    a.noticeDueDate().ifPresent(d -> json.put("noticeDueDate", d.toString()));
    a.acceptedAt().ifPresent(d -> json.put("acceptedAt", d.toString()));
    a.clockStart().ifPresent(d -> json.put("clockStart", d.toString()));
    a.dueDate().ifPresent(d -> json.put("dueDate", d.toString()));
    a.legalDueDate().ifPresent(d -> json.put("legalDueDate", d.toString()));
    a.suspendedAt().ifPresent(d -> json.put("suspendedAt", d.toString()));
    if (!a.warnings().isEmpty()) {
      json.put("warnings", a.warnings());
    }
    if (caller.kind() == Caller.Kind.CITIZEN || a.submittedBy().equals(caller.scopeKey())) {
      json.put("queryCode", a.queryCode());
    }
    return json;
  }

  /**
   * Where the result is collected. An express address is shown in full to the applicant, whoever submitted,
   * and the approving department's approvers who send the result; masked to township level for the rest.
   */
  /** A copy of {@code json} without {@code key}. */
  static JsonObject without(JsonObject json, String key) {
    JsonObject copy = json.copy();
    copy.remove(key);
    return copy;
  }

  private static JsonObject collection(JsonObject c, Application a, Caller caller, boolean own) {
    JsonObject out = c.copy();
    boolean sender = caller.kind() == Caller.Kind.STAFF && caller.has(Role.APPROVER)
        && caller.departmentCode().filter(a.departmentCode()::equals).isPresent();
    if (out.getValue("express") instanceof JsonObject express && !own && !sender) {
      out.put("express", new JsonObject().put("recipient", Masking.name(express.getString("recipient")))
          .put("phone", Masking.phone(express.getString("phone")))
          .put("address", Masking.address(express.getString("address"))));
    }
    return out;
  }

  /** The applicant as someone sees them who does not need their personal data (one rule set: {@link Masking}). */
  public static JsonObject mask(JsonObject applicant) {
    return Masking.person(applicant);
  }
}
