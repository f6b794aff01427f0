package cn.tongban.plugins.rules;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.Decision;
import cn.tongban.plugin.FormHandler;
import cn.tongban.plugin.FormHandlerFactory;
import cn.tongban.plugin.HandlerContext;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code rules} (即办件): declarative conditions on the submitted form data, in CEL (the Common Expression
 * Language: no hand-written parsing, no side effects, always terminates), decide a case on its own. The
 * first rule whose condition holds decides: {@code ACCEPT} (straight into the department's queue) or
 * {@code APPROVE} (受理 and 准予 at once; the platform allows it only for 即办件). The variables are
 * {@code data} (the form data) and {@code applicant} ({@code kind}, {@code name}, …). A condition that
 * cannot be evaluated on a case (a missing field, a wrong type) does not hold: people decide.
 */
public final class RulesFactory implements FormHandlerFactory {
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .addVar("data", MapType.create(SimpleType.STRING, SimpleType.DYN))
      .addVar("applicant", MapType.create(SimpleType.STRING, SimpleType.DYN))
      .setResultType(SimpleType.BOOL)
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  @Override
  public String id() {
    return "rules";
  }

  @Override
  public JsonObject configSchema() {
    JsonObject rule = new JsonObject().put("type", "object").put("additionalProperties", false)
        .put("required", new JsonArray().add("name").add("when").add("decision"))
        .put("properties", new JsonObject()
            .put("name", new JsonObject().put("type", "string").put("minLength", 1).put("maxLength", 100))
            .put("when", new JsonObject().put("type", "string").put("minLength", 1).put("maxLength", 2000))
            .put("decision", new JsonObject().put("enum", new JsonArray().add("ACCEPT").add("APPROVE"))));
    return new JsonObject().put("$schema", "https://json-schema.org/draft/2020-12/schema").put("type", "object")
        .put("additionalProperties", false).put("required", new JsonArray().add("rules"))
        .put("properties", new JsonObject().put("rules",
            new JsonObject().put("type", "array").put("minItems", 1).put("maxItems", 50).put("items", rule)));
  }

  @Override
  public Map<String, String> configProblems(JsonObject config) {
    Map<String, String> problems = new LinkedHashMap<>();
    JsonArray rules = config.getJsonArray("rules", new JsonArray());
    for (int i = 0; i < rules.size(); i++) {
      try {
        COMPILER.compile(rules.getJsonObject(i).getString("when")).getAst();
      } catch (CelValidationException e) {
        problems.put("/rules/" + i + "/when", "条件表达式无法编译（须为返回布尔值的 CEL 表达式）：" + e.getMessage());
      }
    }
    return problems;
  }

  private record Rule(String name, CelRuntime.Program program, Decision.Outcome outcome) {
  }

  @Override
  public FormHandler create(JsonObject config) {
    List<Rule> rules = new ArrayList<>();
    for (Object o : config.getJsonArray("rules")) {
      JsonObject r = (JsonObject) o;
      try {
        CelAbstractSyntaxTree ast = COMPILER.compile(r.getString("when")).getAst();
        rules.add(new Rule(r.getString("name"), RUNTIME.createProgram(ast),
            Decision.Outcome.valueOf(r.getString("decision"))));
      } catch (CelValidationException | CelEvaluationException e) {
        throw new IllegalArgumentException("rule " + r.getString("name") + ": " + e.getMessage(), e);
      }
    }
    return new FormHandler() {
      @Override
      public Future<Optional<Decision>> decide(HandlerContext context, CaseView submitted) {
        Map<String, Object> vars = Map.of("data", celValue(submitted.data()), "applicant",
            celValue(submitted.applicant()));
        for (Rule rule : rules) {
          if (holds(rule, vars)) {
            return Future.succeededFuture(Optional.of(new Decision(rule.outcome(), rule.name())));
          }
        }
        return Future.succeededFuture(Optional.empty());
      }
    };
  }

  /** JSON as CEL sees it: integers are CEL ints (long), other numbers doubles, objects maps, arrays lists. */
  static Object celValue(Object v) {
    if (v instanceof JsonObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      o.forEach(e -> m.put(e.getKey(), celValue(e.getValue())));
      return m;
    }
    if (v instanceof JsonArray a) {
      List<Object> l = new ArrayList<>();
      a.forEach(x -> l.add(celValue(x)));
      return l;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    return v;
  }

  private static boolean holds(Rule rule, Map<String, Object> vars) {
    try {
      return Boolean.TRUE.equals(rule.program().eval(vars));
    } catch (CelEvaluationException | RuntimeException e) {
      return false;
    }
  }
}
