package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /api/v1/applications/{number}/receipt: the printable 受理回执 of an accepted case. */
class ReceiptTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void anAcceptedCaseHasAPrintableReceiptForWhoeverMaySeeIt() throws Exception {
    String number = gateway.submitSample("mzj-elderly-preferential-card");
    String path = "/api/v1/applications/" + number + "/receipt";

    HttpResponse<String> early = gateway.get("clerk", path);
    assertEquals(409, early.statusCode(), early.body());
    assertEquals("illegal-transition", new JsonObject(early.body()).getString("code"));

    JsonObject accepted = TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    HttpResponse<String> r = gateway.get("clerk", path);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    String html = r.body();
    assertTrue(html.contains("受理回执") && html.contains(number) && html.contains("老年人优待证办理"), html);
    assertTrue(html.contains("新密市政务服务中心"), "the hall: " + html);
    assertTrue(html.contains("市政务服务中心综合窗口"), "the accepting clerk, by name: " + html);
    assertTrue(html.contains(accepted.getString("dueDate").substring(0, 4) + "年"), "the promised due date: " + html);
    assertTrue(html.contains("居民身份证") && html.contains("电子证照库调取"), "materials received: " + html);
    assertTrue(html.contains("张三"), html);
    assertFalse(html.contains("11010519491231002X"), "the identity number is masked on paper: " + html);
    assertFalse(html.contains(accepted.getString("queryCode", "none")), "the clerk did not submit: no query code");

    String citizens = gateway.get("citizen", path).body();
    String code = gateway.read("citizen", number).getString("queryCode");
    assertTrue(citizens.contains(code) && citizens.contains("/public/progress.html?number=" + number + "&amp;code=" + code),
        "the applicant's copy says where to follow progress: " + citizens);

    assertEquals(404, gateway.get("reviewer.rsj", path).statusCode(), "a department that cannot see the case");
    assertEquals(401, gateway.send("GET", path, null).statusCode());
  }
}
