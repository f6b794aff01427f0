package cn.tongban.plugins.identity;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.CreditCode;
import cn.tongban.plugin.FormHandler;
import cn.tongban.plugin.FormHandlerFactory;
import cn.tongban.plugin.HandlerContext;
import cn.tongban.plugin.IdNumber;
import cn.tongban.plugin.JsonPointer;
import cn.tongban.plugin.Violations;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * {@code identity-check}: the checks JSON Schema cannot express — the check character of identity numbers
 * (GB 11643, with a real birth date) and of unified social credit codes (GB 32100), and mobile numbers —
 * on the form fields the configuration names by JSON pointer.
 */
public final class IdentityCheckFactory implements FormHandlerFactory {
  /** A mainland mobile number (compiled once: checked on every submission of a form that names phones). */
  private static final java.util.regex.Pattern MOBILE = java.util.regex.Pattern.compile("1[3-9]\\d{9}");

  @Override
  public String id() {
    return "identity-check";
  }

  @Override
  public JsonObject configSchema() {
    JsonObject pointers = new JsonObject().put("type", "array").put("items", new JsonObject()
        .put("type", "string").put("pattern", "^/"));
    return new JsonObject()
        .put("$schema", "https://json-schema.org/draft/2020-12/schema")
        .put("type", "object")
        .put("additionalProperties", false)
        .put("minProperties", 1)
        .put("properties", new JsonObject()
            .put("idNumbers", pointers.copy().put("title", "公民身份号码字段"))
            .put("creditCodes", pointers.copy().put("title", "统一社会信用代码字段"))
            .put("phones", pointers.copy().put("title", "手机号码字段")));
  }

  @Override
  public FormHandler create(JsonObject config) {
    List<Check> checks = List.of(
        new Check(config.getJsonArray("idNumbers", new JsonArray()), IdNumber::isValid, "idNumber",
            "公民身份号码的校验码或出生日期不正确。", "The identity number's check character or birth date is wrong."),
        new Check(config.getJsonArray("creditCodes", new JsonArray()), CreditCode::isValid, "creditCode",
            "统一社会信用代码的校验码不正确。", "The unified social credit code's check character is wrong."),
        new Check(config.getJsonArray("phones", new JsonArray()), p -> MOBILE.matcher(p).matches(), "phone",
            "请填写 11 位手机号码。", "Give an 11-digit mobile number."));
    return new FormHandler() {
      @Override
      public Future<Void> validate(HandlerContext context, CaseView view, Violations violations) {
        JsonObject data = view.data();
        for (Check c : checks) {
          for (Object pointer : c.pointers()) {
            // Missing or mistyped values are the schema's to report; only present strings are checked here.
            JsonPointer.read(data, (String) pointer).filter(String.class::isInstance).map(String.class::cast)
                .filter(c.valid().negate())
                .ifPresent(v -> violations.add((String) pointer, c.code(),
                    violations.locale().getLanguage().equals(Locale.ENGLISH.getLanguage()) ? c.en() : c.zh()));
          }
        }
        return Future.succeededFuture();
      }
    };
  }

  private record Check(JsonArray pointers, Predicate<String> valid, String code, String zh, String en) {
  }
}
