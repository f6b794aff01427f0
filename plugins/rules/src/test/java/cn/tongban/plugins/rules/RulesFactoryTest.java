package cn.tongban.plugins.rules;

import cn.tongban.plugin.Decision;
import cn.tongban.plugin.FormHandlerContract;
import cn.tongban.plugin.FormHandlerFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RulesFactoryTest extends FormHandlerContract {

  @Override
  protected FormHandlerFactory factory() {
    return new RulesFactory();
  }

  @Override
  protected JsonObject sampleConfig() {
    return new JsonObject().put("rules", new JsonArray()
        .add(new JsonObject().put("name", "一孩至三孩即时办结")
            .put("when", "data.childOrder <= 3 && data.declaration == true").put("decision", "APPROVE"))
        .add(new JsonObject().put("name", "本市户籍直接受理")
            .put("when", "has(data.township) && data.township.endsWith('镇')").put("decision", "ACCEPT")));
  }

  private Optional<Decision> decide(JsonObject data) throws Exception {
    return factory().create(sampleConfig()).decide(context(), view(data, new JsonObject().put("kind", "PERSON")))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void theFirstRuleThatHoldsDecides() throws Exception {
    assertEquals(Optional.of(new Decision(Decision.Outcome.APPROVE, "一孩至三孩即时办结")),
        decide(new JsonObject().put("childOrder", 2).put("declaration", true).put("township", "超化镇")));
    assertEquals(Optional.of(new Decision(Decision.Outcome.ACCEPT, "本市户籍直接受理")),
        decide(new JsonObject().put("childOrder", 4).put("declaration", true).put("township", "超化镇")));
  }

  @Test
  void noRuleHoldingLeavesTheCaseToPeople() throws Exception {
    assertEquals(Optional.empty(), decide(new JsonObject().put("childOrder", 4).put("declaration", true)
        .put("township", "青屏街街道")));
    // A field the condition needs is missing or of another type: the condition does not hold.
    assertEquals(Optional.empty(), decide(new JsonObject().put("childOrder", "two")));
    assertEquals(Optional.empty(), decide(new JsonObject()));
  }

  @Test
  void anExpressionThatDoesNotCompileIsReportedAtItsPointer() {
    JsonObject bad = new JsonObject().put("rules", new JsonArray()
        .add(new JsonObject().put("name", "ok").put("when", "data.a == 1").put("decision", "ACCEPT"))
        .add(new JsonObject().put("name", "syntax").put("when", "data.a ==").put("decision", "ACCEPT"))
        .add(new JsonObject().put("name", "not boolean").put("when", "data.a + 1").put("decision", "ACCEPT")));
    var problems = factory().configProblems(bad);
    assertEquals(java.util.Set.of("/rules/1/when", "/rules/2/when"), problems.keySet(), problems.toString());
    assertTrue(problems.get("/rules/1/when").startsWith("条件表达式无法编译"));
    assertTrue(factory().configProblems(sampleConfig()).isEmpty());
  }
}
