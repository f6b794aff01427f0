package cn.tongban.core.lifeevent;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Channel;
import cn.tongban.core.application.ApplicationService;
import cn.tongban.core.application.SubmitCommand;
import cn.tongban.core.json.CanonicalJson;
import cn.tongban.core.form.FormValidator;
import cn.tongban.core.matter.MatterService;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * 一张表单: several matters behind one combined form ({@code {matters: [{matter, fields, constants}], form:
 * {schema, uiSchema}}}), as life events and construction-project stages define them. Plans one case per matter
 * (its data mapped from the combined form, its share of the materials handed in once), checks them all before
 * any is made (problems point into the combined request), and makes the missing ones with idempotency keys
 * derived from the caller's record, so a cut-off application completes on retry.
 */
public final class CombinedApplication {
  private final MatterService matters;
  private final ApplicationService applications;
  private final FormValidator validator;

  public CombinedApplication(MatterService matters, ApplicationService applications, FormValidator validator) {
    this.matters = matters;
    this.applications = applications;
    this.validator = validator;
  }

  /** One command per matter, its data mapped from the combined form and its share of the materials. */
  public record Planned(SubmitCommand command, JsonObject entry, String matterName, List<Integer> materialIndex) {
  }

  /** A case made for one of the definition's matters. */
  public record Made(int position, String matterCode, String caseNumber) {
  }

  public Future<List<Planned>> plan(JsonObject doc, JsonObject body) {
    JsonObject data = data(body);
    Channel channel = Channel.valueOf(body.getString("channel", "WEB"));
    JsonArray given = body.getValue("materials") instanceof JsonArray a ? a : new JsonArray();
    List<Future<Planned>> each = new ArrayList<>();
    for (Object o : doc.getJsonArray("matters")) {
      JsonObject entry = (JsonObject) o;
      each.add(matters.get(entry.getString("matter")).map(detail -> {
        LifeEventMapping.Materials mine = LifeEventMapping.materialsFor(detail.matter().document(), given);
        SubmitCommand cmd = new SubmitCommand(entry.getString("matter"), LifeEventMapping.dataFor(entry, data),
            channel, Optional.ofNullable(body.getString("hallCode")),
            Optional.ofNullable(body.getJsonObject("applicant")), Optional.empty(), mine.given());
        return new Planned(cmd, entry, detail.matter().name(), mine.index());
      }));
    }
    return Future.all(each).map(done -> each.stream().map(Future::result).toList());
  }

  static JsonObject data(JsonObject body) {
    return body.getValue("data") instanceof JsonObject d ? d : new JsonObject();
  }

  /**
   * The combined form first ({@code formKey} names it in the validator's cache), then every matter's case
   * exactly as its submission would check it; every problem at once, pointing into the combined request
   * (422 with {@code invalidKey}). Refusals that are not about the input (403, 404, 409) fail at once.
   */
  public Future<List<Planned>> check(Caller caller, String formKey, JsonObject doc, JsonObject body,
      String invalidKey, Locale locale) {
    JsonObject data = data(body);
    List<Violation> violations = new ArrayList<>(validator.validate(formKey + "@"
        + CanonicalJson.sha256(doc.getJsonObject("form")), doc.getJsonObject("form").getJsonObject("schema"), data,
        "/data", locale));
    JsonArray given = body.getValue("materials") instanceof JsonArray a ? a : new JsonArray();
    return plan(doc, body).compose(planned -> {
      Set<Integer> used = new HashSet<>();
      planned.forEach(p -> used.addAll(p.materialIndex()));
      for (int i = 0; i < given.size(); i++) {
        if (!used.contains(i)) {
          Object c = given.getValue(i) instanceof JsonObject ref ? ref.getValue("code") : null;
          violations.add(new Violation("/materials/" + i + "/code", "unknownMaterial",
              Messages.get(locale, "material.unknown", String.valueOf(c))));
        }
      }
      if (!violations.isEmpty()) {
        // The combined form is wrong: the matters' checks would only repeat it under other names.
        return invalid(violations, invalidKey);
      }
      List<Future<Void>> each = new ArrayList<>();
      for (Planned p : planned) {
        each.add(applications.check(caller, p.command(), locale).recover(e -> {
          if (e instanceof DomainException d && d.code() == ProblemCode.VALIDATION_FAILED && !d.violations().isEmpty()) {
            synchronized (violations) {
              d.violations().forEach(v -> violations.add(LifeEventMapping.back(p.entry(), p.matterName(), v,
                  p.materialIndex(), (name, message) -> Messages.get(locale, "lifeEvent.caseProblem", name, message))));
            }
            return Future.succeededFuture();
          }
          return Future.failedFuture(e);
        }));
      }
      return Future.all(each).compose(done -> violations.isEmpty() ? Future.succeededFuture(planned)
          : invalid(dedupe(violations), invalidKey));
    });
  }

  /**
   * Makes the cases not made yet ({@code made} by position), one after another, each keyed
   * {@code keyPrefix + position}; answers every case by position.
   */
  public Future<List<Made>> submit(Caller caller, List<Planned> planned, String keyPrefix, List<Made> made,
      Locale locale) {
    Map<Integer, Made> linked = new LinkedHashMap<>();
    made.forEach(m -> linked.put(m.position(), m));
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < planned.size(); i++) {
      int position = i;
      SubmitCommand c = planned.get(i).command();
      if (linked.containsKey(position)) {
        continue;
      }
      SubmitCommand keyed = new SubmitCommand(c.matterCode(), c.data(), c.channel(), c.hallCode(), c.applicant(),
          Optional.of(keyPrefix + position), c.materials());
      chain = chain.compose(x -> applications.submit(caller, keyed, locale).map(s -> {
        linked.put(position, new Made(position, c.matterCode(), s.application().number()));
        return null;
      }));
    }
    return chain.map(x -> linked.values().stream().sorted(java.util.Comparator.comparingInt(Made::position)).toList());
  }

  /** The matters' materials, each once (by code), with the matters that need it. */
  public Future<JsonArray> materials(JsonObject doc) {
    List<Future<MatterService.MatterDetail>> each = doc.getJsonArray("matters", new JsonArray()).stream()
        .map(o -> matters.get(((JsonObject) o).getString("matter"))).toList();
    return Future.all(each).map(done -> {
      Map<String, JsonObject> byCode = new LinkedHashMap<>();
      for (Future<MatterService.MatterDetail> f : each) {
        JsonObject m = f.result().matter().document();
        for (Object o : m.getJsonArray("materials", new JsonArray())) {
          JsonObject need = (JsonObject) o;
          JsonObject once = byCode.computeIfAbsent(need.getString("code"), c -> need.copy()
              .put("required", false).put("matters", new JsonArray()));
          once.put("required", once.getBoolean("required") || need.getBoolean("required", false));
          once.getJsonArray("matters").add(m.getString("code"));
        }
      }
      return new JsonArray(new ArrayList<>(byCode.values()));
    });
  }

  private static List<Violation> dedupe(List<Violation> all) {
    Map<String, Violation> out = new LinkedHashMap<>();
    all.forEach(v -> out.putIfAbsent(v.pointer() + '\u0000' + v.code(), v));
    return new ArrayList<>(out.values());
  }

  private static <T> Future<T> invalid(List<Violation> violations, String key) {
    return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, key,
        violations, violations.size()));
  }
}
