package cn.tongban.core.application;

import cn.tongban.core.matter.IntakeScope;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.Violation;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the applicant collects the result (同城通办): at the hall that took the case in, at the home
 * department, or by post to an address — the same rules when submitting and when changing the choice later.
 */
final class CollectionChoice {
  private CollectionChoice() {
  }

  /**
   * The choice as recorded ({@code given} null: at the intake hall), with the hall or department filled in;
   * problems go into {@code v}, each at its pointer under {@code /collection}.
   */
  static JsonObject check(JsonObject matter, String matterName, IntakeScope scope, Optional<String> intakeHall,
      Optional<String> homeHall, JsonObject given, List<Violation> v, Locale locale) {
    JsonObject choice = given == null ? new JsonObject().put("method", "INTAKE_HALL") : given;
    String method = text(choice, "method");
    JsonObject collection = new JsonObject().put("method", method);
    switch (method) {
      case "INTAKE_HALL" -> collection.put("hallCode", intakeHall.orElse(null));
      case "HOME_DEPARTMENT" -> collection.put("hallCode", homeHall.orElse(null))
          .put("departmentCode", scope.approvingDepartment());
      case "EXPRESS" -> {
        if (!matter.getJsonObject("channels", new JsonObject()).getBoolean("express", false)) {
          v.add(new Violation("/collection/method", "expressNotOffered",
              Messages.get(locale, "collection.noExpress", matterName)));
        }
        JsonObject express = choice.getValue("express") instanceof JsonObject e ? e : new JsonObject();
        if (text(express, "recipient").isBlank()) {
          v.add(new Violation("/collection/express/recipient", "required",
              Messages.get(locale, "violation.required", Messages.isEnglish(locale) ? "recipient" : "收件人")));
        }
        if (!text(express, "phone").matches("1[3-9]\\d{9}")) {
          v.add(new Violation("/collection/express/phone", "pattern", Messages.get(locale, "collection.phone")));
        }
        String address = text(express, "address").strip();
        if (address.length() < 6 || address.length() > 200) {
          v.add(new Violation("/collection/express/address", "length", Messages.get(locale, "collection.address")));
        }
        collection.put("express", new JsonObject().put("recipient", text(express, "recipient"))
            .put("phone", text(express, "phone")).put("address", address));
      }
      default -> v.add(new Violation("/collection/method", "enum", Messages.get(locale, "collection.method")));
    }
    return collection;
  }

  /** A text field of a JSON object, or "" when it is missing, null or not text. */
  static String text(JsonObject o, String key) {
    return o.getValue(key) instanceof String s ? s : "";
  }
}
