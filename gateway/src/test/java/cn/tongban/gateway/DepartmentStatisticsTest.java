package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 按部门统计: a supervisor watches each department's cases by status as citizens apply and windows accept. */
class DepartmentStatisticsTest {
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    // Nothing moves a case but the people in these tests: no relay decisions, no deadline scans.
    gateway = TestGateway.start(Map.of("TONGBAN_RELAY_INTERVAL_MS", "0", "TONGBAN_SCAN_INTERVAL_SECONDS", "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static JsonObject statistics() throws Exception {
    HttpResponse<String> r = gateway.get("supervisor", "/api/v1/supervision/departments");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject department(JsonObject statistics, String code) {
    return statistics.getJsonArray("departments").stream().map(JsonObject.class::cast)
        .filter(d -> code.equals(d.getString("code"))).findFirst()
        .orElse(new JsonObject().put("code", code).put("total", 0L).put("open", 0L).put("byStatus", new JsonObject()));
  }

  private static long count(JsonObject department, String status) {
    return department.getJsonObject("byStatus").getLong(status, 0L);
  }

  @Test
  void aSupervisorSeesEachDepartmentsCasesByStatusAsTheyMove() throws Exception {
    JsonObject before = department(statistics(), "mzj");

    HttpResponse<String> submitted = gateway.post("citizen", "/api/v1/applications", new JsonObject()
        .put("matterCode", ELDERLY).put("channel", "WEB").put("data", gateway.sample(ELDERLY)));
    assertEquals(201, submitted.statusCode(), submitted.body());
    String number = new JsonObject(submitted.body()).getString("number");
    JsonObject afterSubmit = statistics();
    JsonObject mzj = department(afterSubmit, "mzj");
    assertEquals("新密市民政局", mzj.getString("name"));
    assertEquals(before.getLong("total") + 1, mzj.getLong("total"));
    assertEquals(before.getLong("open") + 1, mzj.getLong("open"));
    assertEquals(count(before, "SUBMITTED") + 1, count(mzj, "SUBMITTED"));

    HttpResponse<String> accepted = gateway.act("clerk", number, new JsonObject().put("action", "accept"));
    assertEquals(200, accepted.statusCode(), accepted.body());
    JsonObject afterAccept = department(statistics(), "mzj");
    assertEquals(mzj.getLong("total"), afterAccept.getLong("total"), "accepting moves a case, it adds none");
    assertEquals(count(mzj, "SUBMITTED") - 1, count(afterAccept, "SUBMITTED"));
    assertEquals(count(mzj, "ACCEPTED") + 1, count(afterAccept, "ACCEPTED"));

    // What the supervisor reads is what the cases say, department by department.
    JsonObject all = statistics();
    assertEquals(gateway.count("select count(*) from application"), all.getLong("total"));
    for (Object o : all.getJsonArray("departments")) {
      JsonObject d = (JsonObject) o;
      assertEquals(gateway.count("select count(*) from application where department_code = '" + d.getString("code")
          + "'"), d.getLong("total"), d.encode());
      for (String status : d.getJsonObject("byStatus").fieldNames()) {
        assertEquals(gateway.count("select count(*) from application where department_code = '" + d.getString("code")
            + "' and status = '" + status + "'"), count(d, status), d.getString("code") + " " + status);
      }
    }
  }

  @Test
  void onlySupervisorsAndAdministratorsMayReadThem() throws Exception {
    assertEquals(200, gateway.get("admin", "/api/v1/supervision/departments").statusCode());
    for (String who : new String[] {"citizen", "clerk", "reviewer.mzj"}) {
      HttpResponse<String> r = gateway.get(who, "/api/v1/supervision/departments");
      assertEquals(403, r.statusCode(), who);
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
      assertEquals("只有电子监察人员和系统管理员可以查看按部门统计。", new JsonObject(r.body()).getString("detail"));
    }
    HttpResponse<String> anonymous = gateway.send("GET", "/api/v1/supervision/departments", null);
    assertEquals(401, anonymous.statusCode());
    assertTrue(anonymous.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
  }
}
