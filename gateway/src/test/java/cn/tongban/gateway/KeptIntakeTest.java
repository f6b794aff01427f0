package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node keeps the intake (hall, city hall, the stamp of the matter's published form) it last read instead
 * of reading it for every submission. What another node changes meanwhile still counts at once: a form
 * published on A judges the next submission on B, whether it now refuses what B's kept form accepted, or
 * accepts what B's kept form refused.
 */
class KeptIntakeTest {
  private static final String BASE = "mzj-elderly-preferential-card";
  private static TestGateway a;
  private static TestGateway b;

  @BeforeAll
  static void start() throws Exception {
    a = TestGateway.start(Map.of());
    b = a.secondNode(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    b.close();
    a.close();
  }

  private static JsonObject bundled(String file) throws Exception {
    try (InputStream in = KeptIntakeTest.class.getClassLoader().getResourceAsStream("catalogue/" + BASE + "/" + file)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static void publish(String code, JsonObject form, int version) throws Exception {
    String author = "Bearer " + a.token("author");
    assertEquals(201, a.send("POST", "/api/v1/matters/" + code + "/forms", form.encode(), "Authorization", author,
        "Content-Type", "application/json").statusCode());
    HttpResponse<String> published = a.send("POST", "/api/v1/matters/" + code + "/forms/" + version + "/publish",
        null, "Authorization", author);
    assertEquals(200, published.statusCode(), published.body());
  }

  private static void matter(String code) throws Exception {
    JsonObject doc = bundled("matter.json").put("code", code).put("name", "测试事项" + code);
    assertEquals(201, a.send("POST", "/api/v1/matters", doc.encode(), "Authorization", "Bearer " + a.token("author"),
        "Content-Type", "application/json").statusCode());
  }

  private static HttpResponse<String> submitOnB(String code, JsonObject data) throws Exception {
    return b.send("POST", "/api/v1/applications", new JsonObject().put("matterCode", code).put("channel", "WEB")
        .put("data", data).encode(), "Authorization", "Bearer " + b.token("citizen"), "Content-Type",
        "application/json");
  }

  @Test
  void aFormPublishedOnAnotherNodeRefusesWhatTheKeptFormAccepted() throws Exception {
    matter("t-kept-stricter");
    publish("t-kept-stricter", bundled("form.json"), 1);
    JsonObject sample = b.sample(BASE);
    assertEquals(201, submitOnB("t-kept-stricter", sample).statusCode(), "B keeps version 1 and its intake");

    publish("t-kept-stricter", AuthoringTest.withRequiredHukouBookNumber(bundled("form.json")), 2);
    HttpResponse<String> refused = submitOnB("t-kept-stricter", sample);
    assertEquals(422, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("/data/hukouBookNumber"), refused.body());
    assertEquals(1, a.count("select count(*) from application where matter_code = 't-kept-stricter'"),
        "nothing stored under the old form");
  }

  @Test
  void aFormPublishedOnAnotherNodeAcceptsWhatTheKeptFormRefused() throws Exception {
    matter("t-kept-looser");
    publish("t-kept-looser", AuthoringTest.withRequiredHukouBookNumber(bundled("form.json")), 1);
    JsonObject sample = b.sample(BASE);
    HttpResponse<String> refused = submitOnB("t-kept-looser", sample);
    assertEquals(422, refused.statusCode(), "B keeps version 1, which needs the hukou book number");

    publish("t-kept-looser", bundled("form.json"), 2);
    HttpResponse<String> accepted = submitOnB("t-kept-looser", sample);
    assertEquals(201, accepted.statusCode(), accepted.body());
    assertEquals(2, new JsonObject(accepted.body()).getInteger("formVersion"), accepted.body());
  }
}
