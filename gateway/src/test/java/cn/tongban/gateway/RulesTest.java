package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 即办件 rules: the bundled 生育登记 form binds a CEL rule; a registration that meets it is accepted and
 * approved by the platform moments after submission, each step on record with the rule's name; one that
 * does not stays with the window.
 */
class RulesTest {
  private static final String MATTER = "wjw-childbirth-registration";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_RELAY_INTERVAL_MS", "100"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private String submit(JsonObject data) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject().put("matterCode", MATTER)
            .put("channel", "WEB").put("data", data).encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    assertEquals("SUBMITTED", new JsonObject(r.body()).getString("status"));
    return new JsonObject(r.body()).getString("number");
  }

  private JsonArray steps(String number) throws Exception {
    return new JsonArray(gateway.send("GET", "/api/v1/applications/" + number + "/steps", null,
        "Authorization", "Bearer " + gateway.token("citizen")).body());
  }

  @Test
  void aRegistrationMeetingTheRuleIsApprovedByThePlatform() throws Exception {
    String number = submit(gateway.sample(MATTER).put("childOrder", 2));
    TestGateway.awaitUntil(Duration.ofSeconds(20), () -> {
      try {
        return "APPROVED".equals(gateway.read("citizen", number).getString("status"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    JsonArray steps = steps(number);
    List<String> actions = steps.stream().map(o -> ((JsonObject) o).getString("action")).toList();
    assertEquals(List.of("submit", "accept", "review-pass", "approve"), actions, steps.encode());
    for (int i = 1; i < steps.size(); i++) {
      JsonObject step = steps.getJsonObject(i);
      assertEquals("即办件规则“一孩至三孩生育登记即时办结”：符合条件，系统自动受理并准予。", step.getString("opinion"),
          step.encode());
    }
    assertEquals(3, gateway.count("select count(*) from audit_event where entity_id = '" + number
        + "' and actor = 'account:system:rules'"));
  }

  @Test
  void aRegistrationOutsideTheRuleStaysWithTheWindow() throws Exception {
    String number = submit(gateway.sample(MATTER).put("childOrder", 4));
    // Once its submission event has been delivered, the case is still waiting for a clerk.
    TestGateway.awaitUntil(Duration.ofSeconds(20), () -> {
      try {
        return gateway.count("select count(*) from outbox_event where aggregate_id = '" + number
            + "' and status = 'DELIVERED'") == 1;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals("SUBMITTED", gateway.read("citizen", number).getString("status"));
    assertEquals(1, steps(number).size());
  }
}
