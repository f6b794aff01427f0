package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Administrators keep the organisation as data: the tree of halls, departments and staff accounts. */
class OrganisationTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpResponse<String> put(String user, String path, JsonObject body) throws Exception {
    return gateway.send("PUT", path, body.encode(), "Authorization", "Bearer " + gateway.token(user),
        "Content-Type", "application/json");
  }

  private static HttpResponse<String> createStaff(String user, JsonObject body) throws Exception {
    return gateway.send("POST", "/api/v1/accounts", body.encode(), "Authorization", "Bearer " + gateway.token(user),
        "Content-Type", "application/json");
  }

  @Test
  void theHallTreeRunsFromCityToTownshipToVillage() throws Exception {
    assertEquals(200, put("admin", "/api/v1/halls/xm-niudian", new JsonObject().put("name", "牛店镇便民服务中心")
        .put("level", "TOWNSHIP").put("parentCode", "xm-city")).statusCode());
    assertEquals(200, put("admin", "/api/v1/halls/xm-niudian-v01", new JsonObject().put("name", "牛店镇牛店村便民服务站")
        .put("level", "VILLAGE").put("parentCode", "xm-niudian")).statusCode());
    assertEquals(422, put("admin", "/api/v1/halls/xm-bad", new JsonObject().put("name", "错误的站点")
        .put("level", "VILLAGE").put("parentCode", "xm-city")).statusCode(), "a village station sits under a township");
    assertEquals(403, put("clerk", "/api/v1/halls/xm-x", new JsonObject().put("name", "x").put("level", "CITY"))
        .statusCode());
    assertEquals(200, put("admin", "/api/v1/halls/xm-niudian/windows/w01", new JsonObject().put("name", "综合窗口")
        .put("kind", "COMPREHENSIVE")).statusCode());
    assertEquals(200, put("admin", "/api/v1/halls/xm-niudian/windows/w02", new JsonObject().put("name", "民政窗口")
        .put("kind", "DEPARTMENT").put("departmentCode", "mzj")).statusCode());
    assertEquals(422, put("admin", "/api/v1/halls/xm-niudian/windows/w03", new JsonObject().put("name", "x")
        .put("kind", "DEPARTMENT")).statusCode(), "a department's window names the department");
    JsonArray halls = new JsonArray(gateway.send("GET", "/api/v1/halls", null).body());
    JsonObject niudian = halls.stream().map(JsonObject.class::cast).filter(h -> h.getString("code")
        .equals("xm-niudian")).findFirst().orElseThrow();
    assertEquals(2, niudian.getJsonArray("windows").size());
    assertEquals("mzj", niudian.getJsonArray("windows").getJsonObject(1).getString("departmentCode"));
    assertTrue(halls.stream().map(JsonObject.class::cast).anyMatch(h -> h.getString("code").equals("xm-niudian-v01")
        && h.getString("parentCode").equals("xm-niudian")), "public, for citizens choosing where to go");
  }

  @Test
  void administratorsAndDepartmentAdministratorsCreateStaffWithinTheirScope() throws Exception {
    assertEquals(200, put("admin", "/api/v1/departments/scjgj", new JsonObject().put("name", "新密市市场监督管理局"))
        .statusCode());
    JsonObject deptAdmin = new JsonObject().put("username", "admin.scjgj").put("displayName", "市场监管局管理员")
        .put("password", "Scjgj-Admin-2026").put("roles", new JsonArray().add("DEPARTMENT_ADMIN"))
        .put("departmentCode", "scjgj");
    assertEquals(201, createStaff("admin", deptAdmin).statusCode());
    assertEquals(409, createStaff("admin", deptAdmin).statusCode(), "usernames are unique");
    HttpResponse<String> noDept = createStaff("admin", new JsonObject().put("username", "reviewer.x")
        .put("displayName", "x").put("password", "Reviewer-X-2026").put("roles", new JsonArray().add("REVIEWER")));
    assertEquals(422, noDept.statusCode());
    assertEquals("/departmentCode", new JsonObject(noDept.body()).getJsonArray("violations").getJsonObject(0)
        .getString("pointer"));

    JsonObject reviewer = new JsonObject().put("username", "reviewer.scjgj").put("displayName", "市场监管局审核人")
        .put("password", "Review-Scjgj-26").put("roles", new JsonArray().add("REVIEWER")).put("departmentCode", "scjgj");
    assertEquals(201, gateway.send("POST", "/api/v1/accounts", reviewer.encode(), "Authorization", "Bearer "
        + login("admin.scjgj", "Scjgj-Admin-2026"), "Content-Type", "application/json").statusCode());
    assertEquals(403, gateway.send("POST", "/api/v1/accounts", reviewer.copy().put("username", "reviewer.mzj2")
        .put("departmentCode", "mzj").encode(), "Authorization", "Bearer " + login("admin.scjgj", "Scjgj-Admin-2026"),
        "Content-Type", "application/json").statusCode(), "not another department's accounts");
    assertEquals(403, createStaff("clerk", reviewer.copy().put("username", "reviewer.y")).statusCode());
    assertTrue(login("reviewer.scjgj", "Review-Scjgj-26").length() > 20);
  }

  @Test
  void aDisabledAccountCannotSignInAndItsTokensStop() throws Exception {
    JsonObject clerk = new JsonObject().put("username", "clerk.temp").put("displayName", "临时窗口")
        .put("password", "Clerk-Temp-2026").put("roles", new JsonArray().add("CLERK")).put("hallCode", "xm-city");
    assertEquals(201, createStaff("admin", clerk).statusCode());
    String token = login("clerk.temp", "Clerk-Temp-2026");
    assertEquals(204, put("admin", "/api/v1/accounts/clerk.temp/disabled", new JsonObject().put("disabled", true))
        .statusCode());
    assertEquals(401, gateway.send("GET", "/api/v1/applications", null, "Authorization", "Bearer " + token)
        .statusCode());
    HttpResponse<String> again = gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type",
        "password").put("username", "clerk.temp").put("password", "Clerk-Temp-2026").encode(),
        "Content-Type", "application/json");
    assertEquals(401, again.statusCode());
    HttpResponse<String> noHall = createStaff("admin", new JsonObject().put("username", "clerk.nohall")
        .put("displayName", "x").put("password", "Clerk-NoHall-26").put("roles", new JsonArray().add("CLERK")));
    assertEquals("/hallCode", new JsonObject(noHall.body()).getJsonArray("violations").getJsonObject(0)
        .getString("pointer"));
  }

  private static String login(String user, String password) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", user).put("password", password).encode(), "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("access_token");
  }
}
