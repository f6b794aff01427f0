package cn.tongban.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One authorisation table for both APIs: every REST operation of the served contract and every GraphQL
 * Query and Mutation field, called by every kind of caller, against {@code authorisation-table.txt}
 * (test resources). A capability the table does not list, or a row for one that no longer exists, fails
 * the test: a new operation or field states its rule there.
 *
 * <p>Outcomes are classes, not bodies. Each probe is a well-formed request (it passes contract
 * validation), so what comes back is the authorisation gate's answer:
 * <ul>
 *   <li>{@code ALLOW}: 2xx, or 409/422 — a business rule on the probe input (a duplicate, a state that no
 *       longer allows the action, data the form refuses) answered after the caller passed the gate;</li>
 *   <li>{@code DENY}: 403, the caller is known and the role may not do this;</li>
 *   <li>{@code HIDE}: 404, the object exists but is outside the caller's scope (or, where the table's
 *       comment says so, the probe's target does not exist for the one role that passes the gate);</li>
 *   <li>{@code AUTH}: 401, no (valid) credentials on a protected operation;</li>
 *   <li>a bare status (e.g. {@code 503}) where none of these fits, with a comment saying why;</li>
 *   <li>{@code UNPROBED <reason>} in place of the twelve columns: not called, for the reason given.</li>
 * </ul>
 * A GraphQL answer maps through the REST problem its error carries ({@code errors[0].extensions.status});
 * data without errors is {@code ALLOW}. {@code PARITY rest = Field} lines name the pairs that offer the
 * same capability; for those both APIs must give every caller the same class.
 *
 * <p>Probes run in table order, row by row; rows that change global state for good (tokens, accounts,
 * keys) are at the end of the table. Objects probed are created in {@link #start()}. The test prints the
 * table it observed (an ALLOW that was a 409 or 422 shows the status) to make a new row easy to write.
 */
class AuthorisationTableTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static final String AUTHORED = "t-authz";
  private static final List<String> CALLERS = List.of("anonymous", "citizen", "clerk", "clerk.town", "agent.village",
      "reviewer.mzj", "approver.mzj", "hotline", "supervisor", "admin", "author", "portal-demo");
  private static final AtomicInteger SEQ = new AtomicInteger();
  /** The status behind the last outcome, for the printed table (an ALLOW that was a 409 or 422 shows it). */
  private static int lastStatus;

  private static Vertx vertx;
  private static TestGateway gateway;
  private static final Map<String, String> tokens = new HashMap<>();
  private static String shared;
  private static String corrected;
  private static String queryCode;
  private static String licence;
  private static String revocable;
  private static String material;
  private static JsonObject exported;
  private static String workOrder;

  @BeforeAll
  static void start() throws Exception {
    // WeChat's code2session stands in as a local server that knows every code, so the WeChat probes reach the gate.
    vertx = Vertx.vertx();
    HttpServer code2session = vertx.createHttpServer().requestHandler(req -> req.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("openid", "o-" + req.getParam("js_code")).put("session_key", "k").encode()))
        .listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // Numbers at any hour: the probes run on the real clock, at night and on Sundays too.
    gateway = TestGateway.start(Map.of("TONGBAN_HALL_MAX_OPEN_BOOKINGS", "100", "TONGBAN_HALL_TICKET_LEAD_MINUTES", "-1",
        "TONGBAN_WECHAT_CODE2SESSION_URL",
        "http://127.0.0.1:" + code2session.actualPort() + "/sns/jscode2session", "TONGBAN_WECHAT_APPID", "wx-app",
        "TONGBAN_WECHAT_SECRET", "wx-secret"));
    JsonObject submitted = done(gateway.post("citizen", "/api/v1/applications", new JsonObject()
        .put("matterCode", MATTER).put("channel", "WEB").put("data", gateway.sample(MATTER))));
    shared = submitted.getString("number");
    queryCode = submitted.getString("queryCode");
    done(gateway.act("clerk", shared, new JsonObject().put("action", "accept")));
    corrected = gateway.submitSample(MATTER);
    done(gateway.act("clerk", corrected, new JsonObject().put("action", "request-correction").put("items",
        new JsonArray().add(new JsonObject().put("pointer", "/data/address").put("message", "写到门牌号")))));
    JsonArray held = new JsonArray(gateway.get("citizen", "/api/v1/licences").body());
    for (Object o : held) {
      JsonObject l = (JsonObject) o;
      if ("居民户口簿".equals(l.getString("typeName"))) {
        revocable = l.getString("identifier");
      } else {
        licence = l.getString("identifier");
      }
    }
    material = done(gateway.upload("citizen", Map.of("kind", "bank-card"), "卡.pdf",
        ("%PDF-1.4\n% authz\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
            .getBytes(StandardCharsets.UTF_8))).getString("id");
    done(gateway.post("author", "/api/v1/matters", matterDoc(AUTHORED)));
    done(gateway.post("author", "/api/v1/matters/" + AUTHORED + "/forms", bundled(MATTER + "/form.json")));
    done(gateway.post("author", "/api/v1/matters/" + AUTHORED + "/forms/1/publish", new JsonObject()));
    done(gateway.post("author", "/api/v1/matters/" + AUTHORED + "/forms", bundled(MATTER + "/form.json")));
    exported = done(gateway.get("author", "/api/v1/matters/" + AUTHORED + "/export"));
    // 12345: an order dispatched to 民政局 (the probed reviewer's and approver's department).
    workOrder = done(gateway.post("hotline", "/api/v1/work-orders", workOrderRequest())).getString("number");
    done(gateway.post("hotline", "/api/v1/work-orders/" + workOrder + "/actions", new JsonObject()
        .put("action", "dispatch").put("departmentCode", "mzj")));
    done(gateway.post("admin", "/api/v1/accounts", new JsonObject().put("username", "t-authz-victim")
        .put("displayName", "待停用").put("password", "Victim-Authz-26").put("roles", new JsonArray().add("CLERK"))
        .put("hallCode", "xm-city")));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------------------------------------- the table

  private record Row(String name, List<String> expected, String unprobed, String comment) {}

  private record Table(Map<String, Row> rows, Map<String, String> parity) {}

  private static Table table() throws IOException {
    Map<String, Row> rows = new LinkedHashMap<>();
    Map<String, String> parity = new LinkedHashMap<>();
    try (InputStream in = AuthorisationTableTest.class.getResourceAsStream("/authorisation-table.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String comment = line.contains("#") ? line.substring(line.indexOf('#') + 1).trim() : "";
        String body = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
        String[] cells = body.trim().split("\\s+");
        if (cells[0].isEmpty()) {
          continue;
        }
        if (cells[0].equals("PARITY")) {
          assertEquals("=", cells[2], line);
          parity.put(cells[1], cells[3]);
        } else if (cells.length > 1 && cells[1].equals("UNPROBED")) {
          rows.put(cells[0], new Row(cells[0], List.of(), body.trim().substring(cells[0].length()).trim(), comment));
        } else {
          assertEquals(CALLERS.size() + 1, cells.length, "a row names the capability and one class per caller: " + line);
          rows.put(cells[0], new Row(cells[0], List.of(cells).subList(1, cells.length), null, comment));
        }
      }
    }
    return new Table(rows, parity);
  }

  @TestFactory
  Stream<DynamicTest> everyOperationAndFieldAnswersEveryCallerAsTheTableSays() throws Exception {
    Table table = table();
    Set<String> served = served();
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : served) {
      tests.add(DynamicTest.dynamicTest("the table lists " + name, () -> assertTrue(table.rows().containsKey(name),
          name + " is served but not in authorisation-table.txt: state its rule there")));
    }
    for (String name : table.rows().keySet()) {
      tests.add(DynamicTest.dynamicTest(name + " is still served", () -> assertTrue(served.contains(name),
          name + " is in authorisation-table.txt but no longer served")));
    }
    Map<String, Probe> probes = probes();
    Map<String, Map<String, String>> observed = new LinkedHashMap<>();
    StringBuilder seen = new StringBuilder();
    for (Row row : table.rows().values()) {
      if (row.unprobed() != null || !served.contains(row.name())) {
        continue;
      }
      Probe probe = probes.get(row.name());
      if (probe == null) {
        tests.add(DynamicTest.dynamicTest(row.name() + " has a probe", () -> fail("no probe for " + row.name()
            + ": add one, or mark the row UNPROBED with a reason")));
        continue;
      }
      Map<String, String> answers = new LinkedHashMap<>();
      List<String> statuses = new ArrayList<>();
      for (String caller : CALLERS) {
        String outcome;
        lastStatus = 0;
        try {
          outcome = probe.call(caller);
        } catch (Exception e) {
          outcome = "ERROR:" + e;
        }
        answers.put(caller, outcome);
        statuses.add(outcome.equals("ALLOW") && lastStatus / 100 != 2 && lastStatus != 0 ? "ALLOW/" + lastStatus : outcome);
      }
      if (row.name().equals("logout") || row.name().equals("changePassword")) {
        tokens.clear();
      }
      observed.put(row.name(), answers);
      seen.append(String.format("%-34s", row.name()));
      statuses.forEach(a -> seen.append(String.format(" %-9s", a)));
      seen.append('\n');
      for (int i = 0; i < CALLERS.size(); i++) {
        String caller = CALLERS.get(i);
        String want = row.expected().get(i);
        String got = answers.get(caller);
        tests.add(DynamicTest.dynamicTest(caller + " " + row.name() + " → " + want, () -> assertEquals(want, got)));
      }
    }
    System.out.println("observed authorisation table:\n" + seen);
    for (var pair : table.parity().entrySet()) {
      for (String caller : CALLERS) {
        String rest = pair.getKey();
        String graphql = pair.getValue();
        tests.add(DynamicTest.dynamicTest("parity: " + caller + " " + rest + " ↔ " + graphql, () -> {
          assertTrue(observed.containsKey(rest) && observed.containsKey(graphql), "both sides are probed");
          assertEquals(observed.get(rest).get(caller), observed.get(graphql).get(caller),
              "REST and GraphQL answer " + caller + " alike");
        }));
      }
    }
    return tests.stream();
  }

  /** REST operation ids of the contract the gateway serves, and its GraphQL Query/Mutation fields. */
  private static Set<String> served() throws Exception {
    Set<String> names = new LinkedHashSet<>();
    Map<String, Object> contract = new Yaml().load(gateway.send("GET", "/openapi.yaml", null).body());
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) contract.get("paths");
    for (Map<String, Object> path : paths.values()) {
      for (var op : path.entrySet()) {
        if (op.getValue() instanceof Map<?, ?> m && m.get("operationId") != null) {
          names.add((String) m.get("operationId"));
        }
      }
    }
    for (String type : List.of("Query", "Mutation")) {
      // One root type per query: the introspection guard refuses __Type.fields twice in one request.
      JsonObject answer = graphql("admin", "{ __type(name: \"" + type + "\") { fields { name } } }", new JsonObject());
      assertTrue(answer.getJsonObject("data") != null, answer.encode());
      answer.getJsonObject("data").getJsonObject("__type").getJsonArray("fields")
          .forEach(f -> names.add(type + "." + ((JsonObject) f).getString("name")));
    }
    return names;
  }

  // ---------------------------------------------------------------------------------------------- probes

  @FunctionalInterface
  private interface Probe {
    String call(String caller) throws Exception;
  }

  private static Map<String, Probe> probes() {
    Map<String, Probe> p = new HashMap<>();
    JsonObject none = null;
    // identity
    p.put("getHealth", c -> rest(c, "GET", "/health", none));
    p.put("issueToken", c -> rest(c, "POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", "citizen").put("password", "tongban-demo")));
    p.put("wechatSignIn", c -> rest(c, "POST", "/api/v1/auth/wechat", new JsonObject().put("code", "good-zhangsan")));
    p.put("wechatLink", c -> rest(c, "POST", "/api/v1/auth/wechat/bind", new JsonObject().put("code", "good-zhangsan")));
    p.put("getMe", c -> rest(c, "GET", "/api/v1/me", none));
    p.put("Query.me", c -> gql(c, "{ me }", new JsonObject()));
    p.put("registerCitizen", c -> rest(c, "POST", "/api/v1/citizens", new JsonObject().put("idNumber", newIdNumber())
        .put("name", "李四").put("phone", String.format("139%08d", SEQ.incrementAndGet()))
        .put("password", "Citizen-Authz-26")));
    p.put("registerEnterprise", c -> rest(c, "POST", "/api/v1/enterprises", new JsonObject()
        .put("creditCode", "91440300708461136T").put("name", "测试企业")));
    p.put("listMyEnterprises", c -> rest(c, "GET", "/api/v1/enterprises", none));
    p.put("authoriseAgent", c -> rest(c, "POST", "/api/v1/enterprises/91440300708461136T/agents",
        new JsonObject().put("idNumber", "11010519491231002X")));
    // organisation
    p.put("createStaffAccount", c -> rest(c, "POST", "/api/v1/accounts", new JsonObject()
        .put("username", "t-authz-" + SEQ.incrementAndGet()).put("displayName", "测试").put("password", "Staff-Authz-26")
        .put("roles", new JsonArray().add("CLERK")).put("hallCode", "xm-city")));
    p.put("putDepartment", c -> rest(c, "PUT", "/api/v1/departments/tauthz", new JsonObject().put("name", "测试局")));
    p.put("listHalls", c -> rest(c, "GET", "/api/v1/halls", none));
    p.put("Query.halls", c -> gql(c, "{ halls }", new JsonObject()));
    p.put("putHall", c -> rest(c, "PUT", "/api/v1/halls/xm-authz", new JsonObject().put("name", "测试镇便民服务中心")
        .put("level", "TOWNSHIP").put("parentCode", "xm-city")));
    p.put("putWindow", c -> rest(c, "PUT", "/api/v1/halls/xm-authz/windows/w1", new JsonObject().put("name", "综合窗口")
        .put("kind", "COMPREHENSIVE")));
    p.put("listRealNameLevels", c -> rest(c, "GET", "/api/v1/real-name-levels", none));
    p.put("setRealNameLevel", c -> rest(c, "PUT", "/api/v1/citizens/11010519491231002X/real-name-level",
        new JsonObject().put("level", 3)));
    // catalogue and authoring
    p.put("listMatters", c -> rest(c, "GET", "/api/v1/matters", none));
    p.put("Query.matters", c -> gql(c, "{ matters { __typename } }", new JsonObject()));
    p.put("getMatter", c -> rest(c, "GET", "/api/v1/matters/" + MATTER, none));
    p.put("Query.matter", c -> gql(c, "query($c: String!) { matter(code: $c) { __typename } }",
        new JsonObject().put("c", MATTER)));
    p.put("prefillApplication", c -> rest(c, "GET", "/api/v1/matters/" + MATTER + "/prefill", none));
    p.put("Query.prefill", c -> gql(c, "query($c: String!) { prefill(matterCode: $c) }", new JsonObject().put("c", MATTER)));
    p.put("listReusableMaterials", c -> rest(c, "GET", "/api/v1/matters/" + MATTER + "/reusable-materials?idNumber="
        + "11010519491231002X", none));
    p.put("Query.reusableMaterials", c -> gql(c, "query($c: String!, $i: String) { reusableMaterials(matterCode: $c,"
        + " idNumber: $i) }", new JsonObject().put("c", MATTER).put("i", "11010519491231002X")));
    p.put("createMatter", c -> rest(c, "POST", "/api/v1/matters", matterDoc("t-authz-" + SEQ.incrementAndGet())));
    p.put("Mutation.createMatter", c -> gql(c, "mutation($d: JSON!) { createMatter(document: $d) { __typename } }",
        new JsonObject().put("d", matterDoc("t-authz-" + SEQ.incrementAndGet()))));
    p.put("updateMatter", c -> rest(c, "PUT", "/api/v1/matters/" + AUTHORED, matterDoc(AUTHORED)));
    p.put("Mutation.updateMatter", c -> gql(c, "mutation($c: String!, $d: JSON!) { updateMatter(code: $c, document: $d)"
        + " { __typename } }", new JsonObject().put("c", AUTHORED).put("d", matterDoc(AUTHORED))));
    p.put("exportMatter", c -> rest(c, "GET", "/api/v1/matters/" + AUTHORED + "/export", none));
    p.put("importMatter", c -> rest(c, "POST", "/api/v1/matters/import", exported));
    p.put("listFormVersions", c -> rest(c, "GET", "/api/v1/matters/" + AUTHORED + "/forms", none));
    p.put("Query.formVersions", c -> gql(c, "query($c: String!) { formVersions(matterCode: $c) { __typename } }",
        new JsonObject().put("c", AUTHORED)));
    p.put("getFormVersion", c -> rest(c, "GET", "/api/v1/matters/" + AUTHORED + "/forms/1", none));
    p.put("formChanges", c -> rest(c, "GET", "/api/v1/matters/" + AUTHORED + "/forms/2/changes?since=1", none));
    p.put("Query.formChanges", c -> gql(c, "query($c: String!) { formChanges(matterCode: $c, since: 1, version: 2) }",
        new JsonObject().put("c", AUTHORED)));
    p.put("dryRunForm", c -> rest(c, "POST", "/api/v1/matters/" + AUTHORED + "/forms/1/dry-run",
        new JsonObject().put("data", gateway.sample(MATTER))));
    p.put("Mutation.dryRunForm", c -> gql(c, "mutation($c: String!, $d: JSON!) { dryRunForm(matterCode: $c, version: 1,"
        + " data: $d) { __typename } }", new JsonObject().put("c", AUTHORED).put("d", gateway.sample(MATTER))));
    p.put("createFormDraft", c -> rest(c, "POST", "/api/v1/matters/" + AUTHORED + "/forms", bundled(MATTER + "/form.json")));
    p.put("Mutation.createFormDraft", c -> gql(c, "mutation($c: String!, $d: JSON!) { createFormDraft(matterCode: $c,"
        + " definition: $d) { __typename } }", new JsonObject().put("c", AUTHORED).put("d", bundled(MATTER + "/form.json"))));
    p.put("publishForm", c -> rest(c, "POST", "/api/v1/matters/" + AUTHORED + "/forms/2/publish", none));
    p.put("Mutation.publishForm", c -> gql(c, "mutation($c: String!) { publishForm(matterCode: $c, version: 2)"
        + " { __typename } }", new JsonObject().put("c", AUTHORED)));
    // cases
    p.put("submitApplication", c -> rest(c, "POST", "/api/v1/applications", submission(c)));
    p.put("Mutation.submitApplication", c -> gql(c, "mutation($i: SubmitApplicationInput!) { submitApplication(input: $i)"
        + " { __typename } }", new JsonObject().put("i", submission(c))));
    p.put("listApplications", c -> rest(c, "GET", "/api/v1/applications", none));
    p.put("Query.applications", c -> gql(c, "{ applications { __typename } }", new JsonObject()));
    p.put("getApplication", c -> rest(c, "GET", "/api/v1/applications/" + shared, none));
    p.put("Query.application", c -> gql(c, "query($n: String!) { application(number: $n) { __typename } }",
        new JsonObject().put("n", shared)));
    p.put("actOnApplication", c -> rest(c, "POST", "/api/v1/applications/" + gateway.submitSample(MATTER) + "/actions",
        new JsonObject().put("action", "accept")));
    p.put("Mutation.actOnApplication", c -> gql(c, "mutation($n: String!) { actOnApplication(number: $n,"
        + " input: {action: \"accept\"}) { __typename } }", new JsonObject().put("n", gateway.submitSample(MATTER))));
    p.put("getCorrectionNotice", c -> rest(c, "GET", "/api/v1/applications/" + corrected + "/correction-notice", none));
    p.put("getReceipt", c -> rest(c, "GET", "/api/v1/applications/" + shared + "/receipt", none));
    p.put("listCaseSteps", c -> rest(c, "GET", "/api/v1/applications/" + shared + "/steps", none));
    p.put("getProgress", c -> rest(c, "GET", "/api/v1/applications/" + shared + "/progress?queryCode=" + queryCode, none));
    p.put("Query.progress", c -> gql(c, "query($n: String!, $q: String!) { progress(number: $n, queryCode: $q) }",
        new JsonObject().put("n", shared).put("q", queryCode)));
    p.put("listCaseMaterials", c -> rest(c, "GET", "/api/v1/applications/" + shared + "/materials", none));
    // calendar and supervision
    p.put("computeDueDate", c -> rest(c, "GET", "/api/v1/calendar/due-date?from=2027-01-04&workingDays=5", none));
    p.put("setCalendarDay", c -> rest(c, "PUT", "/api/v1/calendar/days/2031-03-08", new JsonObject().put("kind", "WORKDAY")
        .put("name", "测试调休")));
    p.put("setCalendarYear", c -> rest(c, "PUT", "/api/v1/calendar/years/2032", new JsonObject().put("source", "测试通知")
        .put("holidays", new JsonArray().add(new JsonObject().put("from", "2032-01-01").put("to", "2032-01-01")
            .put("name", "元旦"))).put("workdays", new JsonArray())));
    p.put("listDeadEvents", c -> rest(c, "GET", "/api/v1/admin/outbox/dead", none));
    p.put("retryDeadEvent", c -> rest(c, "POST", "/api/v1/admin/outbox/no-such-event/retry", none));
    p.put("verifyAuditChain", c -> rest(c, "GET", "/api/v1/admin/audit/verify", none));
    p.put("importSharedDataset", c -> rest(c, "PUT", "/api/v1/admin/datasets/gongan-population", new JsonObject()
        .put("records", new JsonArray().add(new JsonObject().put("subjectKey", "11010519491231002X")
            .put("record", new JsonObject().put("householdTownship", "米村镇").put("householdVillage", "米村")
                .put("address", "新密市米村镇米村一组8号"))))));
    p.put("sameCityStatistics", c -> rest(c, "GET", "/api/v1/supervision/same-city", none));
    p.put("Query.sameCityStatistics", c -> gql(c, "{ sameCityStatistics }", new JsonObject()));
    p.put("departmentStatistics", c -> rest(c, "GET", "/api/v1/supervision/departments", none));
    p.put("runDeadlineScan", c -> rest(c, "POST", "/api/v1/supervision/scan", none));
    // 代办授权
    p.put("grantAuthorisation", c -> rest(c, "POST", "/api/v1/authorisations", grant(c)));
    p.put("Mutation.grantAuthorisation", c -> gql(c, "mutation($i: JSON!) { grantAuthorisation(input: $i) }",
        new JsonObject().put("i", grant(c))));
    p.put("listAuthorisations", c -> rest(c, "GET", "/api/v1/authorisations", none));
    p.put("Query.authorisations", c -> gql(c, "{ authorisations }", new JsonObject()));
    p.put("revokeAuthorisation", c -> rest(c, "POST", "/api/v1/authorisations/" + granted() + "/revoke", none));
    p.put("Mutation.revokeAuthorisation", c -> gql(c, "mutation($id: String!) { revokeAuthorisation(id: $id) }",
        new JsonObject().put("id", granted())));
    // 12345 work orders
    p.put("createWorkOrder", c -> rest(c, "POST", "/api/v1/work-orders", workOrderRequest()));
    p.put("Mutation.createWorkOrder", c -> gql(c, "mutation($i: JSON!) { createWorkOrder(input: $i) }",
        new JsonObject().put("i", workOrderRequest())));
    p.put("listWorkOrders", c -> rest(c, "GET", "/api/v1/work-orders?status=DISPATCHED", none));
    p.put("Query.workOrders", c -> gql(c, "{ workOrders(status: \"DISPATCHED\") }", new JsonObject()));
    p.put("getWorkOrder", c -> rest(c, "GET", "/api/v1/work-orders/" + workOrder, none));
    p.put("Query.workOrder", c -> gql(c, "query($n: String!) { workOrder(number: $n) }",
        new JsonObject().put("n", workOrder)));
    p.put("actOnWorkOrder", c -> rest(c, "POST", "/api/v1/work-orders/" + workOrder + "/actions",
        new JsonObject().put("action", "urge")));
    p.put("Mutation.actOnWorkOrder", c -> gql(c, "mutation($n: String!) { actOnWorkOrder(number: $n,"
        + " input: {action: \"urge\"}) }", new JsonObject().put("n", workOrder)));
    p.put("listWorkOrderDepartments", c -> rest(c, "GET", "/api/v1/work-orders/departments", none));
    p.put("workOrderStatistics", c -> rest(c, "GET", "/api/v1/work-orders/statistics", none));
    p.put("Query.workOrderStatistics", c -> gql(c, "{ workOrderStatistics }", new JsonObject()));
    p.put("lookupHotlineCase", c -> rest(c, "GET", "/api/v1/hotline/cases/" + shared + "?queryCode=" + queryCode,
        none));
    p.put("Query.hotlineCase", c -> gql(c, "query($n: String!, $q: String!) { hotlineCase(number: $n, queryCode: $q) }",
        new JsonObject().put("n", shared).put("q", queryCode)));
    p.put("hotlineCallerHistory", c -> rest(c, "GET", "/api/v1/hotline/callers/13800000000", none));
    p.put("Query.hotlineCaller", c -> gql(c, "{ hotlineCaller(phone: \"13800000000\") }", new JsonObject()));
    // 大厅服务 (hall services)
    p.put("getHallHours", c -> rest(c, "GET", "/api/v1/halls/xm-city/hours", none));
    p.put("putHallHours", c -> rest(c, "PUT", "/api/v1/halls/xm-city/hours", new JsonObject()
        .put("hours", new JsonObject().put("WORKDAY", new JsonArray()
            .add(new JsonObject().put("from", "09:00").put("to", "12:00"))
            .add(new JsonObject().put("from", "14:00").put("to", "17:00"))))
        .put("slotMinutes", 30).put("capacity", 4)));
    p.put("listHallSlots", c -> rest(c, "GET", "/api/v1/halls/xm-city/slots?matterCode=" + MATTER + "&date="
        + bookingDay(), none));
    p.put("Query.hallSlots", c -> gql(c, "query($h: String!, $m: String!, $d: String!) { hallSlots(hallCode: $h,"
        + " matterCode: $m, date: $d) }", new JsonObject().put("h", "xm-city").put("m", MATTER).put("d", bookingDay())));
    p.put("listAppointments", c -> rest(c, "GET", "/api/v1/appointments", none));
    p.put("Query.appointments", c -> gql(c, "{ appointments }", new JsonObject()));
    p.put("bookAppointment", c -> rest(c, "POST", "/api/v1/appointments", booking()));
    p.put("Mutation.bookAppointment", c -> gql(c, "mutation($i: JSON!) { bookAppointment(input: $i) }",
        new JsonObject().put("i", booking())));
    p.put("changeAppointment", c -> rest(c, "POST", "/api/v1/appointments/" + booked() + "/change",
        new JsonObject().put("startsAt", freeSlot())));
    p.put("cancelAppointment", c -> rest(c, "POST", "/api/v1/appointments/" + booked() + "/cancel", none));
    p.put("markAppointmentNoShow", c -> rest(c, "POST", "/api/v1/appointments/" + booked() + "/no-show", none));
    p.put("takeTicket", c -> rest(c, "POST", "/api/v1/halls/xm-city/tickets", new JsonObject().put("matterCode", MATTER)));
    p.put("callNextTicket", c -> rest(c, "POST", "/api/v1/halls/xm-city/tickets/call",
        new JsonObject().put("windowCode", "w01")));
    p.put("Mutation.callNextTicket", c -> gql(c, "mutation { callNextTicket(hallCode: \"xm-city\", windowCode: \"w01\") }",
        new JsonObject()));
    p.put("transferTicket", c -> rest(c, "POST", "/api/v1/halls/xm-city/tickets/" + calledTicket() + "/transfer",
        new JsonObject().put("windowCode", "w02")));
    p.put("finishTicket", c -> rest(c, "POST", "/api/v1/halls/xm-city/tickets/" + calledTicket() + "/finish",
        new JsonObject().put("outcome", "SERVED")));
    p.put("getHallQueue", c -> rest(c, "GET", "/api/v1/halls/xm-city/queue", none));
    p.put("Query.hallQueue", c -> gql(c, "{ hallQueue(hallCode: \"xm-city\") }", new JsonObject()));
    p.put("hallAssessment", c -> rest(c, "GET", "/api/v1/halls/xm-city/assessment", none));
    p.put("Query.hallAssessment", c -> gql(c, "{ hallAssessment(hallCode: \"xm-city\") }", new JsonObject()));
    p.put("createPreRegistration", c -> rest(c, "POST", "/api/v1/pre-registrations", new JsonObject()
        .put("matterCode", MATTER).put("data", gateway.sample(MATTER))));
    p.put("listPreRegistrations", c -> rest(c, "GET", "/api/v1/pre-registrations?idNumber=11010519491231002X", none));
    p.put("getPreRegistration", c -> rest(c, "GET", "/api/v1/pre-registrations/" + preRegistered(), none));
    p.put("convertPreRegistration", c -> rest(c, "POST", "/api/v1/pre-registrations/" + preRegistered() + "/convert",
        new JsonObject()));
    p.put("Mutation.convertPreRegistration", c -> gql(c, "mutation($n: String!) { convertPreRegistration(number: $n) }",
        new JsonObject().put("n", preRegistered())));
    // 大厅服务, second part (window hours, duty roster, guide, holiday requests, door-to-door visits)
    p.put("putWindowHours", c -> rest(c, "PUT", "/api/v1/halls/xm-city/windows/w02/hours", new JsonObject()
        .put("hours", new JsonObject().put("WORKDAY", new JsonArray()
            .add(new JsonObject().put("from", "09:00").put("to", "12:00"))))));
    p.put("getHallGuide", c -> rest(c, "GET", "/api/v1/halls/xm-city/guide", none));
    p.put("Query.hallGuide", c -> gql(c, "{ hallGuide(hallCode: \"xm-city\") }", new JsonObject()));
    p.put("getHallDuty", c -> rest(c, "GET", "/api/v1/halls/xm-city/duty", none));
    p.put("putHallDuty", c -> rest(c, "PUT", "/api/v1/halls/xm-city/duty", new JsonObject().put("date", bookingDay())
        .put("duty", new JsonArray().add(new JsonObject().put("windowCode", "w01").put("username", "clerk")))));
    p.put("createHolidayRequest", c -> rest(c, "POST", "/api/v1/holiday-requests", holidayRequest()));
    p.put("listHolidayRequests", c -> rest(c, "GET", "/api/v1/holiday-requests", none));
    p.put("decideHolidayRequest", c -> rest(c, "POST", "/api/v1/holiday-requests/" + holidayRequested() + "/decide",
        new JsonObject().put("decision", "CONFIRM")));
    p.put("requestHomeVisit", c -> rest(c, "POST", "/api/v1/home-visits", homeVisit()));
    p.put("Mutation.requestHomeVisit", c -> gql(c, "mutation($i: JSON!) { requestHomeVisit(input: $i) }",
        new JsonObject().put("i", homeVisit())));
    p.put("listHomeVisits", c -> rest(c, "GET", "/api/v1/home-visits", none));
    p.put("Query.homeVisits", c -> gql(c, "{ homeVisits }", new JsonObject()));
    p.put("getHomeVisit", c -> rest(c, "GET", "/api/v1/home-visits/" + homeVisitRequested(), none));
    p.put("scheduleHomeVisit", c -> rest(c, "POST", "/api/v1/home-visits/" + homeVisitRequested() + "/schedule",
        new JsonObject().put("assignee", "clerk").put("scheduledAt", freeSlot())));
    p.put("declineHomeVisit", c -> rest(c, "POST", "/api/v1/home-visits/" + homeVisitRequested() + "/decline",
        new JsonObject().put("reason", "人手不足")));
    p.put("cancelHomeVisit", c -> rest(c, "POST", "/api/v1/home-visits/" + homeVisitRequested() + "/cancel", none));
    p.put("takeInHomeVisit", c -> rest(c, "POST", "/api/v1/home-visits/" + homeVisitScheduled() + "/take-in",
        new JsonObject().put("data", gateway.sample(MATTER))));
    // licences
    p.put("listMyLicences", c -> rest(c, "GET", "/api/v1/licences", none));
    p.put("Query.licences", c -> gql(c, "{ licences { __typename } }", new JsonObject()));
    p.put("getLicence", c -> rest(c, "GET", "/api/v1/licences/" + licence, none));
    p.put("Query.licence", c -> gql(c, "query($i: String!) { licence(identifier: $i) { __typename } }",
        new JsonObject().put("i", licence)));
    p.put("verifyLicence", c -> rest(c, "POST", "/api/v1/licences/verify", new JsonObject().put("identifier", licence)));
    p.put("Query.verifyLicence", c -> gql(c, "query($i: String!) { verifyLicence(identifier: $i) }",
        new JsonObject().put("i", licence)));
    p.put("getLicenceQr", c -> rest(c, "GET", "/api/v1/licences/" + licence + "/qr.png", none));
    p.put("printLicence", c -> rest(c, "GET", "/api/v1/licences/" + licence + "/print", none));
    p.put("revokeLicence", c -> rest(c, "POST", "/api/v1/licences/" + revocable + "/revoke",
        new JsonObject().put("reason", "测试注销")));
    // materials
    p.put("uploadMaterial", c -> upload(c));
    p.put("listMyMaterials", c -> rest(c, "GET", "/api/v1/materials", none));
    p.put("getMaterial", c -> rest(c, "GET", "/api/v1/materials/" + material, none));
    p.put("getMaterialContent", c -> rest(c, "GET", "/api/v1/materials/" + material + "/content", none));
    // form builder
    p.put("listFormFieldTypes", c -> rest(c, "GET", "/api/v1/form-field-types", none));
    p.put("Query.formFieldTypes", c -> gql(c, "{ formFieldTypes }", new JsonObject()));
    p.put("getWorkingDraft", c -> rest(c, "GET", "/api/v1/matters/" + AUTHORED + "/draft", none));
    p.put("Query.workingDraft", c -> gql(c, "query($c: String!) { workingDraft(matterCode: $c) }",
        new JsonObject().put("c", AUTHORED)));
    p.put("saveWorkingDraft", c -> rest(c, "PUT", "/api/v1/matters/" + AUTHORED + "/draft", new JsonObject()
        .put("definition", bundled(MATTER + "/form.json")).put("revision", 0)));
    p.put("Mutation.saveWorkingDraft", c -> gql(c, "mutation($c: String!, $d: JSON!) { saveWorkingDraft(matterCode: $c,"
        + " definition: $d, revision: 0) }", new JsonObject().put("c", AUTHORED).put("d", bundled(MATTER + "/form.json"))));
    // (the saves above leave a working draft to try and compare)
    p.put("dryRunWorkingDraft", c -> rest(c, "POST", "/api/v1/matters/" + AUTHORED + "/draft/dry-run",
        new JsonObject().put("data", new JsonObject())));
    p.put("Mutation.dryRunWorkingDraft", c -> gql(c, "mutation($c: String!) { dryRunWorkingDraft(matterCode: $c,"
        + " data: {}) { valid } }", new JsonObject().put("c", AUTHORED)));
    p.put("workingDraftChanges", c -> rest(c, "GET", "/api/v1/matters/" + AUTHORED + "/draft/changes", none));
    p.put("Query.workingDraftChanges", c -> gql(c, "query($c: String!) { workingDraftChanges(matterCode: $c) }",
        new JsonObject().put("c", AUTHORED)));
    // 好差评 (ratings): each call rates, or acts on, a fresh delivered 民政局 case taken in at the city hall
    p.put("rateApplication", c -> rest(c, "POST", "/api/v1/applications/" + deliveredCase() + "/rating",
        new JsonObject().put("grade", 5)));
    p.put("Mutation.rateApplication", c -> gql(c, "mutation($n: String!) { rateApplication(number: $n,"
        + " input: {grade: 5}) }", new JsonObject().put("n", deliveredCase())));
    p.put("rateVisit", c -> rest(c, "POST", "/api/v1/halls/xm-city/visits/" + servedVisit() + "/rating",
        new JsonObject().put("grade", 5)));
    p.put("Mutation.rateVisit", c -> {
      String[] visit = servedVisit().split("/");
      return gql(c, "mutation($d: String!, $n: String!) { rateVisit(hallCode: \"xm-city\", day: $d, number: $n,"
          + " input: {grade: 5}) }", new JsonObject().put("d", visit[0]).put("n", visit[1]));
    });
    p.put("listRatings", c -> rest(c, "GET", "/api/v1/ratings", none));
    p.put("Query.ratings", c -> gql(c, "{ ratings }", new JsonObject()));
    p.put("actOnRating", c -> rest(c, "POST", "/api/v1/ratings/" + badReview() + "/actions",
        new JsonObject().put("action", "verify").put("finding", "情况属实")));
    p.put("Mutation.actOnRating", c -> gql(c, "mutation($id: String!) { actOnRating(id: $id,"
        + " input: {action: \"verify\", finding: \"情况属实\"}) }", new JsonObject().put("id", badReview())));
    p.put("ratingStatistics", c -> rest(c, "GET", "/api/v1/ratings/statistics", none));
    p.put("Query.ratingStatistics", c -> gql(c, "{ ratingStatistics }", new JsonObject()));
    p.put("ratingSettings", c -> rest(c, "GET", "/api/v1/ratings/settings", none));
    p.put("Query.ratingSettings", c -> gql(c, "{ ratingSettings }", new JsonObject()));
    // penalties, 双公示 and exports: each recording uses a fresh decision number; status changes act on a fresh 民政局 decision
    p.put("recordPenalty", c -> rest(c, "POST", "/api/v1/penalties", penalty()));
    p.put("Mutation.recordPenalty", c -> gql(c, "mutation($i: JSON!) { recordPenalty(input: $i) }",
        new JsonObject().put("i", penalty())));
    p.put("importPenalties", c -> rest(c, "POST", "/api/v1/penalties/import", penaltyFile()));
    p.put("Mutation.importPenalties", c -> gql(c, "mutation($i: JSON!) { importPenalties(input: $i) }",
        new JsonObject().put("i", penaltyFile())));
    p.put("changePenaltyStatus", c -> rest(c, "POST", "/api/v1/penalties/" + mzjPenalty() + "/status",
        new JsonObject().put("status", "REVOKED").put("reason", "复议撤销")));
    p.put("Mutation.changePenaltyStatus", c -> gql(c, "mutation($id: String!) { changePenaltyStatus(id: $id,"
        + " input: {status: \"REVOKED\", reason: \"复议撤销\"}) }", new JsonObject().put("id", mzjPenalty())));
    p.put("listPenalties", c -> rest(c, "GET", "/api/v1/penalties", none));
    p.put("Query.penalties", c -> gql(c, "{ penalties }", new JsonObject()));
    p.put("listDisclosures", c -> rest(c, "GET", "/api/v1/disclosures", none));
    p.put("Query.disclosures", c -> gql(c, "{ disclosures }", new JsonObject()));
    p.put("exportTable", c -> rest(c, "GET", "/api/v1/exports/up_pro_accept?from=2026-01-01&to=2026-01-31", none));
    p.put("exportProgress", c -> rest(c, "GET", "/api/v1/exports/progress/nobody-started-this", none));
    // written intake decisions (受理通知书 / 不予受理决定书): the accepted case
    p.put("getIntakeNotice", c -> rest(c, "GET", "/api/v1/applications/" + shared + "/intake-notice", none));
    p.put("getSpecialProcedureNotice", c -> rest(c, "GET", "/api/v1/applications/" + shared
        + "/special-procedure-notice", none));
    // 一件事一次办 (life events): the retirement bundle applied for as the submission probe would
    p.put("listBundles", c -> rest(c, "GET", "/api/v1/bundles", none));
    p.put("Query.bundles", c -> gql(c, "{ bundles { code } }", new JsonObject()));
    p.put("getBundle", c -> rest(c, "GET", "/api/v1/bundles/" + LIFE_EVENT, none));
    p.put("Query.bundle", c -> gql(c, "query($c: String!) { bundle(code: $c) { code } }",
        new JsonObject().put("c", LIFE_EVENT)));
    p.put("exportBundle", c -> rest(c, "GET", "/api/v1/bundles/" + LIFE_EVENT + "/export", none));
    p.put("Query.exportBundle", c -> gql(c, "query($c: String!) { exportBundle(code: $c) }",
        new JsonObject().put("c", LIFE_EVENT)));
    p.put("importBundle", c -> rest(c, "POST", "/api/v1/bundles/import", lifeEventFile()));
    p.put("Mutation.importBundle", c -> gql(c, "mutation($f: JSON!) { importBundle(file: $f) { code } }",
        new JsonObject().put("f", lifeEventFile())));
    p.put("applyForBundle", c -> restWithKey(c, "/api/v1/bundles/" + LIFE_EVENT + "/applications",
        lifeEventApplication(c)));
    p.put("Mutation.applyForBundle", c -> gql(c, "mutation($c: String!, $i: BundleApplicationInput!) {"
        + " applyForBundle(code: $c, input: $i) { replayed } }", new JsonObject().put("c", LIFE_EVENT)
        .put("i", lifeEventApplication(c).put("idempotencyKey", "authz-" + SEQ.incrementAndGet()))));
    p.put("listBundleApplications", c -> rest(c, "GET", "/api/v1/bundle-applications", none));
    p.put("Query.bundleApplications", c -> gql(c, "{ bundleApplications { id } }", new JsonObject()));
    p.put("getBundleApplication", c -> rest(c, "GET", "/api/v1/bundle-applications/" + citizensBundle(), none));
    p.put("Query.bundleApplication", c -> gql(c, "query($id: String!) { bundleApplication(id: $id) { id } }",
        new JsonObject().put("id", citizensBundle())));
    // 电子监察：监控与问责 — each explain or close acts on a fresh red card of the shared case (accepted by the clerk)
    p.put("listWarnedItems", c -> rest(c, "GET", "/api/v1/supervision/cases", none));
    p.put("Query.warnedItems", c -> gql(c, "{ warnedItems }", new JsonObject()));
    p.put("timelinessStatistics", c -> rest(c, "GET", "/api/v1/supervision/timeliness", none));
    p.put("Query.timeliness", c -> gql(c, "{ timeliness }", new JsonObject()));
    p.put("listAccountability", c -> rest(c, "GET", "/api/v1/supervision/accountability", none));
    p.put("Query.accountabilities", c -> gql(c, "{ accountabilities }", new JsonObject()));
    p.put("explainAccountability", c -> rest(c, "POST", "/api/v1/supervision/accountability/" + accountability()
        + "/explanation", new JsonObject().put("explanation", "人手不足")));
    p.put("Mutation.explainAccountability", c -> gql(c, "mutation($id: String!) { explainAccountability(id: $id,"
        + " explanation: \"人手不足\") }", new JsonObject().put("id", accountability())));
    p.put("closeAccountability", c -> rest(c, "POST", "/api/v1/supervision/accountability/" + accountability()
        + "/finding", new JsonObject().put("finding", "JUSTIFIED")));
    p.put("Mutation.closeAccountability", c -> gql(c, "mutation($id: String!) { closeAccountability(id: $id,"
        + " finding: \"JUSTIFIED\") }", new JsonObject().put("id", accountability())));
    // 主动提醒 (proactive reminders): a disabled test rule; opting the demo citizen back in changes nothing
    JsonObject reminderRule = new JsonObject().put("kind", "LICENCE_EXPIRY").put("topic", "licence-expiry")
        .put("title", "测试").put("message", "您的{licence}将于{date}到期。").put("matterCode", MATTER)
        .put("licenceType", "残疾人证").put("enabled", false);
    p.put("listReminderRules", c -> rest(c, "GET", "/api/v1/reminder-rules", none));
    p.put("Query.reminderRules", c -> gql(c, "{ reminderRules }", new JsonObject()));
    p.put("putReminderRule", c -> rest(c, "PUT", "/api/v1/reminder-rules/t-authz-rule", reminderRule));
    p.put("Mutation.putReminderRule", c -> gql(c, "mutation($i: JSON!) { putReminderRule(code: \"t-authz-rule\","
        + " input: $i) }", new JsonObject().put("i", reminderRule)));
    p.put("listMyReminders", c -> rest(c, "GET", "/api/v1/me/reminders", none));
    p.put("Query.myReminders", c -> gql(c, "{ myReminders }", new JsonObject()));
    p.put("listMyReminderTopics", c -> rest(c, "GET", "/api/v1/me/reminder-topics", none));
    p.put("Query.myReminderTopics", c -> gql(c, "{ myReminderTopics }", new JsonObject()));
    p.put("setReminderOptOut", c -> rest(c, "PUT", "/api/v1/me/reminder-topics/licence-expiry",
        new JsonObject().put("optedOut", false)));
    p.put("getApplicationDataSources", c -> rest(c, "GET", "/api/v1/applications/" + shared + "/data-sources", none));
    p.put("Mutation.setReminderOptOut", c -> gql(c, "mutation { setReminderOptOut(topic: \"licence-expiry\","
        + " optedOut: false) }", new JsonObject()));
    // 单点登录 (OpenID Connect): registered clients (administrators), a citizen's allowed portals
    JsonObject oauthClient = new JsonObject().put("name", "授权表探针").put("publicClient", true)
        .put("redirectUris", new io.vertx.core.json.JsonArray().add("https://portal.example/cb"))
        .put("scopes", new io.vertx.core.json.JsonArray().add("openid")).put("channels", new io.vertx.core.json.JsonArray());
    p.put("listOAuthClients", c -> rest(c, "GET", "/api/v1/oauth-clients", none));
    p.put("Query.oauthClients", c -> gql(c, "{ oauthClients }", new JsonObject()));
    p.put("putOAuthClient", c -> rest(c, "PUT", "/api/v1/oauth-clients/t-authz-client", oauthClient));
    p.put("Mutation.putOAuthClient", c -> gql(c, "mutation($i: JSON!) { putOAuthClient(clientId: \"t-authz-client\","
        + " input: $i) }", new JsonObject().put("i", oauthClient)));
    p.put("listMyAuthorisedPortals", c -> rest(c, "GET", "/api/v1/me/authorised-portals", none));
    p.put("Query.myAuthorisedPortals", c -> gql(c, "{ myAuthorisedPortals }", new JsonObject()));
    p.put("revokeAuthorisedPortal", c -> rest(c, "DELETE", "/api/v1/me/authorised-portals/t-authz-client", none));
    p.put("Mutation.revokeAuthorisedPortal", c -> gql(c, "mutation { revokeAuthorisedPortal(clientId:"
        + " \"t-authz-client\") }", new JsonObject()));
    // issue 32 completion: token-signing key rotation (tokens issued before stay valid, so later probes go on)
    p.put("rotateSigningKeys", c -> rest(c, "POST", "/api/v1/admin/signing-keys/rotate", none));
    p.put("Mutation.rotateSigningKeys", c -> gql(c, "mutation { rotateSigningKeys }", new JsonObject()));
    // 发证机关与暂定到期日: departments' credit codes (public), cases with provisional due dates (oversight)
    p.put("listDepartments", c -> rest(c, "GET", "/api/v1/departments", none));
    p.put("Query.departments", c -> gql(c, "{ departments }", new JsonObject()));
    p.put("listProvisionalCases", c -> rest(c, "GET", "/api/v1/calendar/provisional-cases", none));
    p.put("Query.provisionalCases", c -> gql(c, "{ provisionalCases }", new JsonObject()));
    // 中介超市 (intermediaries): a probe organisation and a completed selection of it by the citizen's enterprise;
    // blacklisting acts on a second probe organisation (the supervisor's decision, then 409 for the administrator)
    p.put("listIntermediaries", c -> rest(c, "GET", "/api/v1/intermediaries", none));
    p.put("Query.intermediaries", c -> gql(c, "{ intermediaries }", new JsonObject()));
    p.put("getIntermediary", c -> rest(c, "GET", "/api/v1/intermediaries/" + intermediaryProbe()[0], none));
    p.put("Query.intermediary", c -> gql(c, "query($id: String!) { intermediary(id: $id) }",
        new JsonObject().put("id", intermediaryProbe()[0])));
    p.put("listIntermediaryServices", c -> rest(c, "GET", "/api/v1/intermediary-services", none));
    p.put("Query.intermediaryServices", c -> gql(c, "{ intermediaryServices }", new JsonObject()));
    p.put("registerIntermediary", c -> rest(c, "POST", "/api/v1/intermediaries", intermediaryRegistration()));
    p.put("Mutation.registerIntermediary", c -> gql(c, "mutation($i: JSON!) { registerIntermediary(input: $i) }",
        new JsonObject().put("i", intermediaryRegistration())));
    p.put("selectIntermediary", c -> rest(c, "POST", "/api/v1/intermediaries/selections", intermediarySelection()));
    p.put("Mutation.selectIntermediary", c -> gql(c, "mutation($i: JSON!) { selectIntermediary(input: $i) }",
        new JsonObject().put("i", intermediarySelection())));
    p.put("getIntermediarySelection", c -> rest(c, "GET", "/api/v1/intermediaries/selections/"
        + intermediaryProbe()[1], none));
    p.put("Query.intermediarySelection", c -> gql(c, "query($id: String!) { intermediarySelection(id: $id) }",
        new JsonObject().put("id", intermediaryProbe()[1])));
    JsonObject contract = new JsonObject().put("action", "CONTRACT").put("contractNo", "HT-authz").put("amount", 100)
        .put("promisedOn", "2099-01-01");
    p.put("actOnIntermediarySelection", c -> rest(c, "POST", "/api/v1/intermediaries/selections/"
        + intermediaryProbe()[1] + "/actions", contract));
    p.put("Mutation.actOnIntermediarySelection", c -> gql(c, "mutation($id: String!, $i: JSON!) {"
        + " actOnIntermediarySelection(id: $id, input: $i) }", new JsonObject().put("id", intermediaryProbe()[1])
        .put("i", contract)));
    p.put("evaluateIntermediary", c -> rest(c, "POST", "/api/v1/intermediaries/" + intermediaryProbe()[0]
        + "/evaluations", new JsonObject().put("selectionId", intermediaryProbe()[1]).put("grade", 5)));
    p.put("Mutation.evaluateIntermediary", c -> gql(c, "mutation($id: String!, $i: JSON!) {"
        + " evaluateIntermediary(id: $id, input: $i) }", new JsonObject().put("id", intermediaryProbe()[0])
        .put("i", new JsonObject().put("selectionId", intermediaryProbe()[1]).put("grade", 5))));
    JsonObject blacklist = new JsonObject().put("action", "BLACKLIST").put("reason", "测试");
    p.put("setIntermediaryBlacklist", c -> rest(c, "POST", "/api/v1/intermediaries/" + intermediaryProbe()[2]
        + "/blacklist", blacklist));
    p.put("Mutation.setIntermediaryBlacklist", c -> gql(c, "mutation($id: String!, $i: JSON!) {"
        + " setIntermediaryBlacklist(id: $id, input: $i) }", new JsonObject().put("id", intermediaryProbe()[2])
        .put("i", blacklist)));
    // 企业认领核验 (enterprise claims): refusing without a reason is a 422 for whoever may decide
    p.put("listEnterpriseClaims", c -> rest(c, "GET", "/api/v1/enterprise-claims", none));
    p.put("decideEnterpriseClaim", c -> rest(c, "POST", "/api/v1/enterprise-claims/" + java.util.UUID.randomUUID()
        + "/decision", new JsonObject().put("decision", "REFUSE")));
    // 工程建设项目 (construction projects): the demo project (its enterprise: the demo citizen; officer: tracker)
    String project = cn.tongban.core.demo.DemoSeeder.DEMO_PROJECT;
    JsonObject demoProject = new JsonObject().put("code", project).put("name", "新密市示例安置小区建设项目")
        .put("type", "HOUSING").put("investment", 28000).put("township", "青屏街街道")
        .put("site", "新密市青屏街街道示例路北侧、示例街西侧").put("creditCode", cn.tongban.core.demo.DemoSeeder.DEMO_ENTERPRISE);
    JsonObject record = new JsonObject().put("kind", "CONTACT").put("note", "授权表探测");
    p.put("listProjectStages", c -> rest(c, "GET", "/api/v1/project-stages", none));
    p.put("Query.projectStages", c -> gql(c, "{ projectStages }", new JsonObject()));
    p.put("registerProject", c -> rest(c, "POST", "/api/v1/projects", demoProject));
    p.put("Mutation.registerProject", c -> gql(c, "mutation($i: JSON!) { registerProject(input: $i) }",
        new JsonObject().put("i", demoProject)));
    p.put("listProjects", c -> rest(c, "GET", "/api/v1/projects", none));
    p.put("Query.projects", c -> gql(c, "{ projects }", new JsonObject()));
    p.put("getProject", c -> rest(c, "GET", "/api/v1/projects/" + project, none));
    p.put("Query.project", c -> gql(c, "query($c: String!) { project(code: $c) }", new JsonObject().put("c", project)));
    p.put("applyForProjectStage", c -> restWithKey(c, "/api/v1/projects/" + project + "/stages/completion/applications",
        new JsonObject().put("data", new JsonObject())));
    p.put("Mutation.applyForProjectStage", c -> gql(c, "mutation($c: String!, $k: String!, $i: JSON!) {"
        + " applyForProjectStage(code: $c, stage: \"completion\", input: $i, idempotencyKey: $k) }",
        new JsonObject().put("c", project).put("i", new JsonObject().put("data", new JsonObject()))
            .put("k", "authz-" + SEQ.incrementAndGet())));
    p.put("assignProjectOfficer", c -> rest(c, "POST", "/api/v1/projects/" + project + "/officer",
        new JsonObject().put("username", "tracker")));
    p.put("Mutation.assignProjectOfficer", c -> gql(c, "mutation($c: String!) { assignProjectOfficer(code: $c,"
        + " username: \"tracker\") }", new JsonObject().put("c", project)));
    p.put("recordProjectTracking", c -> rest(c, "POST", "/api/v1/projects/" + project + "/records", record));
    p.put("Mutation.recordProjectTracking", c -> gql(c, "mutation($c: String!, $i: JSON!) { recordProjectTracking("
        + "code: $c, input: $i) }", new JsonObject().put("c", project).put("i", record)));
    // issue 24 completion: 中介超市 edits, renewals (the probe organisation's qualification), an owner's selections
    JsonObject edit = new JsonObject().put("address", "河南省新密市（授权表探测）");
    JsonObject renewal = new JsonObject().put("validUntil", "2100-12-31");
    p.put("updateIntermediary", c -> rest(c, "PUT", "/api/v1/intermediaries/" + intermediaryProbe()[0], edit));
    p.put("Mutation.updateIntermediary", c -> gql(c, "mutation($id: String!, $i: JSON!) { updateIntermediary(id: $id,"
        + " input: $i) }", new JsonObject().put("id", intermediaryProbe()[0]).put("i", edit)));
    p.put("renewIntermediaryQualification", c -> rest(c, "POST", "/api/v1/intermediaries/" + intermediaryProbe()[0]
        + "/qualifications/" + qualificationProbe() + "/renewals", renewal));
    p.put("Mutation.renewIntermediaryQualification", c -> gql(c, "mutation($id: String!, $q: String!, $i: JSON!) {"
        + " renewIntermediaryQualification(id: $id, qualificationId: $q, input: $i) }", new JsonObject()
        .put("id", intermediaryProbe()[0]).put("q", qualificationProbe()).put("i", renewal)));
    p.put("listIntermediarySelections", c -> rest(c, "GET", "/api/v1/intermediary-selections", none));
    p.put("Query.intermediarySelections", c -> gql(c, "{ intermediarySelections }", new JsonObject()));
    // case lists as summaries (issue 30 item 6)
    p.put("listApplicationSummaries", c -> rest(c, "GET", "/api/v1/application-summaries", none));
    // global state, last: keys, accounts, sessions
    p.put("getDataKeys", c -> rest(c, "GET", "/api/v1/admin/data-keys", none));
    p.put("rotateLicenceKey", c -> rest(c, "POST", "/api/v1/admin/licence-keys/rotate", none));
    p.put("rewrapDataKeys", c -> rest(c, "POST", "/api/v1/admin/data-keys/rewrap", new JsonObject()));
    p.put("setAccountDisabled", c -> rest(c, "PUT", "/api/v1/accounts/t-authz-victim/disabled",
        new JsonObject().put("disabled", true)));
    p.put("changePassword", c -> restWith(fresh(c), "POST", "/api/v1/auth/password", new JsonObject()
        .put("currentPassword", "tongban-demo").put("newPassword", "tongban-demo")));
    p.put("logout", c -> restWith(fresh(c), "POST", "/api/v1/auth/logout", none));
    return p;
  }

  private static final String LIFE_EVENT = "life-retirement";
  private static String citizensBundle;

  /** The retirement bundle's example, on the channel each caller applies on (staff name the applicant). */
  private static JsonObject lifeEventApplication(String caller) throws Exception {
    JsonObject form = new JsonObject(gateway.get("citizen", "/api/v1/bundles/" + LIFE_EVENT).body())
        .getJsonObject("form");
    JsonObject body = new JsonObject().put("data", form.getJsonObject("schema").getJsonArray("examples").getJsonObject(0));
    if (Set.of("anonymous", "citizen", "portal-demo").contains(caller)) {
      return body.put("channel", "WEB");
    }
    return body.put("channel", "WINDOW").put("applicant", new JsonObject().put("name", "张三")
        .put("idNumber", "11010519491231002X"));
  }

  private static JsonObject lifeEventFile() throws Exception {
    return new JsonObject().put("format", "tongban.lifeevent/1").put("lifeEvent",
        new JsonObject(gateway.get("admin", "/api/v1/bundles/" + LIFE_EVENT + "/export").body())
            .getJsonObject("lifeEvent"));
  }

  private static String restWithKey(String caller, String path, JsonObject body) throws Exception {
    return restWith(token(caller), "POST", path, body, "Idempotency-Key", "authz-" + SEQ.incrementAndGet());
  }

  /** One application the demo citizen made (others may not see it). */
  private static String citizensBundle() throws Exception {
    if (citizensBundle == null) {
      HttpResponse<String> r = gateway.send("POST", "/api/v1/bundles/" + LIFE_EVENT + "/applications",
          lifeEventApplication("citizen").encode(), "Content-Type", "application/json", "Idempotency-Key",
          "authz-mine", "Authorization", "Bearer " + gateway.token("citizen"));
      citizensBundle = new JsonObject(r.body()).getString("id");
    }
    return citizensBundle;
  }

  private static JsonObject workOrderRequest() {
    return new JsonObject().put("type", "COMPLAINT").put("subject", "窗口办事排队久")
        .put("content", "上午在市民中心排队两个小时").put("caller", new JsonObject().put("name", "王五")
            .put("phone", "13812345678"));
  }

  // ---------------------------------------------------------------------------------------------- calls

  private static String rest(String caller, String method, String path, JsonObject body) throws Exception {
    return restWith(token(caller), method, path, body);
  }

  private static String restWith(String token, String method, String path, JsonObject body, String... extra)
      throws Exception {
    List<String> headers = new ArrayList<>(List.of(extra));
    if (token != null) {
      headers.addAll(List.of("Authorization", "Bearer " + token));
    }
    if (body != null) {
      headers.addAll(List.of("Content-Type", "application/json"));
    }
    HttpResponse<String> r = gateway.send(method, path, body == null ? null : body.encode(),
        headers.toArray(String[]::new));
    return outcome(r.statusCode());
  }

  private static String upload(String caller) throws Exception {
    String boundary = "----authz" + SEQ.incrementAndGet();
    // Staff upload for an applicant, named by identity number.
    String applicant = Set.of("anonymous", "citizen", "portal-demo").contains(caller) ? ""
        : "--" + boundary + "\r\nContent-Disposition: form-data; name=\"idNumber\"\r\n\r\n11010519491231002X\r\n";
    String body = applicant + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nbank-card\r\n--"
        + boundary
        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        + "%PDF-1.4\n% " + caller + SEQ.get() + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        + "\r\n--" + boundary + "--\r\n";
    List<String> headers = new ArrayList<>(List.of("Content-Type", "multipart/form-data; boundary=" + boundary));
    String token = token(caller);
    if (token != null) {
      headers.addAll(List.of("Authorization", "Bearer " + token));
    }
    return outcome(gateway.send("POST", "/api/v1/materials", body, headers.toArray(String[]::new)).statusCode());
  }

  private static String gql(String caller, String query, JsonObject variables) throws Exception {
    List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json"));
    String token = token(caller);
    if (token != null) {
      headers.addAll(List.of("Authorization", "Bearer " + token));
    }
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", query)
        .put("variables", variables).encode(), headers.toArray(String[]::new));
    if (r.statusCode() != 200) {
      return outcome(r.statusCode());
    }
    JsonObject answer = new JsonObject(r.body());
    JsonArray errors = answer.getJsonArray("errors");
    if (errors != null && !errors.isEmpty()) {
      JsonObject extensions = errors.getJsonObject(0).getJsonObject("extensions", new JsonObject());
      Object status = extensions.getValue("status");
      if (status instanceof Number n) {
        return outcome(n.intValue());
      }
      String code = extensions.getString("code", "");
      return code.endsWith("not-found") ? "HIDE" : "GQL:" + errors.getJsonObject(0).getString("message");
    }
    return "ALLOW";
  }

  private static JsonObject graphql(String caller, String query, JsonObject variables) throws Exception {
    return new JsonObject(gateway.send("POST", "/graphql", new JsonObject().put("query", query)
        .put("variables", variables).encode(), "Content-Type", "application/json", "Authorization",
        "Bearer " + token(caller)).body());
  }

  /** The class of an HTTP status (see the class comment). */
  private static String outcome(int status) {
    lastStatus = status;
    if (status >= 200 && status < 300 || status == 409 || status == 422) {
      return "ALLOW";
    }
    return switch (status) {
      case 401 -> "AUTH";
      case 403 -> "DENY";
      case 404 -> "HIDE";
      default -> String.valueOf(status);
    };
  }

  private static String token(String caller) throws Exception {
    if (caller.equals("anonymous")) {
      return null;
    }
    String t = tokens.get(caller);
    if (t == null) {
      t = fresh(caller);
      tokens.put(caller, t);
    }
    return t;
  }

  /** A token of its own, for the probes that end or change a session. */
  private static String fresh(String caller) throws Exception {
    if (caller.equals("anonymous")) {
      return null;
    }
    if (caller.equals("portal-demo")) {
      return new JsonObject(gateway.send("POST", "/api/v1/auth/token", new JsonObject()
          .put("grant_type", "client_credentials").put("client_id", "portal-demo").put("client_secret", "tongban-demo")
          .encode(), "Content-Type", "application/json").body()).getString("access_token");
    }
    return gateway.token(caller);
  }

  // ---------------------------------------------------------------------------------------------- inputs

  /** The body of a set-up call that must succeed. */
  private static JsonObject done(HttpResponse<String> r) {
    assertTrue(r.statusCode() / 100 == 2, r.statusCode() + " " + r.body());
    return new JsonObject(r.body());
  }

  /** Online for the applicant themselves; staff take it in at a window for the demo citizen, as a walk-in. */
  private static JsonObject submission(String caller) throws Exception {
    JsonObject body = new JsonObject().put("matterCode", MATTER).put("data", gateway.sample(MATTER));
    if (Set.of("anonymous", "citizen", "portal-demo").contains(caller)) {
      return body.put("channel", "WEB");
    }
    return body.put("channel", "WINDOW").put("applicant", new JsonObject().put("name", "张三")
        .put("idNumber", "11010519491231002X"));
  }

  private static JsonObject grant() {
    return new JsonObject().put("hallCode", "xm-chaohua-v01").put("matterCode", MATTER).put("validUntil", "2027-06-30");
  }

  /** The applicant's own; staff record one from the applicant's signed form (named applicant, evidence). */
  private static JsonObject grant(String caller) {
    return Set.of("anonymous", "citizen", "portal-demo").contains(caller) ? grant() : grant()
        .put("applicant", new JsonObject().put("name", "张三").put("idNumber", "11010519491231002X"))
        .put("evidence", "授权书 2026-1206-01");
  }

  /** A 民政局 case at the city hall, accepted, reviewed, approved and delivered (好差评 probes). */
  private static String deliveredCase() throws Exception {
    String number = gateway.submitSample(MATTER);
    done(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    done(gateway.act("reviewer.mzj", number, new JsonObject().put("action", "review-pass")));
    done(gateway.act("approver.mzj", number, new JsonObject().put("action", "approve")));
    done(gateway.act("clerk", number, new JsonObject().put("action", "deliver").put("deliveryMethod", "ELECTRONIC")));
    return number;
  }

  /** 问责: a red card put on the shared case and the accountability the platform opens for it; its id. */
  private static String accountability() throws Exception {
    String subject = "authz-" + SEQ.incrementAndGet();
    gateway.execute("insert into case_warning (application_id, kind, level, subject, due_date, raised_at)"
        + " select id, 'DECISION_DUE', 'RED', '" + subject + "', current_date - 1, now() from application"
        + " where number = '" + shared + "'");
    gateway.platform().supervision().scan().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return gateway.text("select c.id::text from accountability c join case_warning w on w.id = c.warning_id"
        + " where w.subject = '" + subject + "'");
  }

  private static String[] intermediaryIds;

  /**
   * 中介超市: [a probe organisation offering 建筑日照分析, a COMPLETED selection of it by the citizen's enterprise
   * 91440300708461136T, a second organisation for the blacklist probes], made once.
   */
  private static String[] intermediaryProbe() throws Exception {
    if (intermediaryIds == null) {
      gateway.post("citizen", "/api/v1/enterprises", new JsonObject().put("creditCode", "91440300708461136T")
          .put("name", "测试企业"));
      String org = done(gateway.post("admin", "/api/v1/intermediaries", intermediaryRegistration())).getString("id");
      String other = done(gateway.post("admin", "/api/v1/intermediaries", intermediaryRegistration())).getString("id");
      String s = done(gateway.post("citizen", "/api/v1/intermediaries/selections", intermediarySelection()
          .put("method", "DIRECT").put("intermediaryId", org))).getString("id");
      done(gateway.post("citizen", "/api/v1/intermediaries/selections/" + s + "/actions", new JsonObject()
          .put("action", "CONTRACT").put("contractNo", "HT-authz").put("amount", 100).put("promisedOn", "2099-01-01")));
      done(gateway.post("citizen", "/api/v1/intermediaries/selections/" + s + "/actions", new JsonObject()
          .put("action", "COMPLETE").put("result", "已交付")));
      intermediaryIds = new String[] {org, s, other};
    }
    return intermediaryIds;
  }

  /** The probe organisation's qualification. */
  private static String qualificationProbe() throws Exception {
    return new JsonObject(gateway.get("citizen", "/api/v1/intermediaries/" + intermediaryProbe()[0]).body())
        .getJsonArray("qualifications").getJsonObject(0).getString("id");
  }

  /** An intermediary organisation with a credit code never used before. */
  private static JsonObject intermediaryRegistration() {
    return new JsonObject().put("creditCode", cn.tongban.plugin.CreditCode.withCheck(
            String.format("91410100MA4W%05d", SEQ.incrementAndGet())))
        .put("name", "测试中介").put("qualifications", new JsonArray().add(new JsonObject().put("name", "测绘资质证书")
            .put("certificateNo", "authz").put("validUntil", "2099-12-31").put("services", new JsonArray()
                .add("建筑日照分析"))));
  }

  /** A draw for the citizen's enterprise (the probe organisation is among the eligible). */
  private static JsonObject intermediarySelection() {
    return new JsonObject().put("service", "建筑日照分析").put("projectCode", "authz").put("method", "DRAW")
        .put("ownerCreditCode", "91440300708461136T");
  }

  /** A penalty decision with a number never used before. */
  private static JsonObject penalty() {
    return new JsonObject().put("decisionNumber", "民罚决字〔2026〕A" + SEQ.incrementAndGet() + "号")
        .put("partyKind", "PERSON").put("partyName", "张三").put("partyCode", "11010519491231002X")
        .put("facts", "未经登记擅自开展活动").put("legalBasis", "《社会团体登记管理条例》第三十五条")
        .put("penaltyType", "警告").put("decisionDate", "2026-12-01");
  }

  /** A one-row import file with a number never used before. */
  private static JsonObject penaltyFile() {
    return new JsonObject().put("format", "csv").put("content", "decisionNumber,partyKind,partyName,partyCode,"
        + "facts,legalBasis,penaltyType,decisionDate\n民罚决字〔2026〕B" + SEQ.incrementAndGet()
        + "号,PERSON,张三,11010519491231002X,未经登记擅自开展活动,条例第三十五条,警告,2026-12-01\n");
  }

  /** A fresh 民政局 decision; its id. */
  private static String mzjPenalty() throws Exception {
    return done(gateway.post("reviewer.mzj", "/api/v1/penalties", penalty())).getString("id");
  }

  /** A bad review of a delivered case, waiting for verification; its id. */
  private static String badReview() throws Exception {
    return done(gateway.post("citizen", "/api/v1/applications/" + deliveredCase() + "/rating", new JsonObject()
        .put("grade", 1).put("reasons", new JsonArray().add("多次跑动")))).getString("id");
  }

  private static String granted() throws Exception {
    return done(gateway.post("citizen", "/api/v1/authorisations", grant())).getString("id");
  }

  private static JsonObject matterDoc(String code) {
    return bundled(MATTER + "/matter.json").put("code", code).put("name", "测试事项" + code);
  }

  private static JsonObject bundled(String path) {
    try (InputStream in = AuthorisationTableTest.class.getClassLoader().getResourceAsStream("catalogue/" + path)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A valid 18-digit identity number (GB 11643 check digit) no one has used. */
  /** A walk-in served at the city hall's first window (好差评 probes): "day/number". */
  private static String servedVisit() throws Exception {
    done(gateway.post("clerk", "/api/v1/halls/xm-city/tickets", new JsonObject()));
    JsonObject t = done(gateway.post("clerk", "/api/v1/halls/xm-city/tickets/call",
        new JsonObject().put("windowCode", "w01"))).getJsonObject("ticket");
    done(gateway.post("clerk", "/api/v1/halls/xm-city/tickets/" + t.getString("number") + "/finish",
        new JsonObject().put("outcome", "SERVED")));
    return t.getString("day") + "/" + t.getString("number");
  }

  /** A number called to the city hall's first window (a walk-in taken for it first). */
  private static String calledTicket() throws Exception {
    done(gateway.post("clerk", "/api/v1/halls/xm-city/tickets", new JsonObject()));
    return done(gateway.post("clerk", "/api/v1/halls/xm-city/tickets/call", new JsonObject().put("windowCode", "w01")))
        .getJsonObject("ticket").getString("number");
  }

  /** An open pre-registration of the demo citizen's. */
  private static String preRegistered() throws Exception {
    return done(gateway.post("citizen", "/api/v1/pre-registrations", new JsonObject().put("matterCode", MATTER)
        .put("data", gateway.sample(MATTER)))).getString("number");
  }

  /** A working day two weeks on, whose slots at the city hall are all in the future. */
  private static String bookingDay() {
    java.time.LocalDate d = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).plusDays(14);
    while (d.getDayOfWeek().getValue() > 5) {
      d = d.plusDays(1);
    }
    return d.toString();
  }

  /** The first slot of the booking day with a place left. */
  private static String freeSlot() throws Exception {
    JsonObject day = new JsonObject(gateway.send("GET", "/api/v1/halls/xm-city/slots?matterCode=" + MATTER
        + "&date=" + bookingDay(), null).body());
    return day.getJsonArray("slots").stream().map(JsonObject.class::cast).filter(s -> s.getBoolean("bookable"))
        .findFirst().orElseThrow().getString("startsAt");
  }

  private static JsonObject booking() throws Exception {
    return new JsonObject().put("hallCode", "xm-city").put("matterCode", MATTER).put("startsAt", freeSlot());
  }

  /** A holiday service request of the demo citizen's at the city hall, on a Sunday (closed). */
  private static JsonObject holidayRequest() {
    java.time.LocalDate d = java.time.LocalDate.parse(bookingDay());
    while (d.getDayOfWeek() != java.time.DayOfWeek.SUNDAY) {
      d = d.plusDays(1);
    }
    return new JsonObject().put("hallCode", "xm-city").put("matterCode", MATTER).put("date", d.toString())
        .put("time", "10:00");
  }

  private static String holidayRequested() throws Exception {
    return done(gateway.post("citizen", "/api/v1/holiday-requests", holidayRequest())).getString("number");
  }

  /** A door-to-door visit of the demo citizen's (born 1949: over the matter's 70) from the city hall. */
  private static JsonObject homeVisit() {
    return new JsonObject().put("hallCode", "xm-city").put("matterCode", MATTER).put("reason", "AGE")
        .put("address", "思明区中华街道公园南路 1 号").put("phone", "13800138000");
  }

  private static String homeVisitRequested() throws Exception {
    return done(gateway.post("citizen", "/api/v1/home-visits", homeVisit())).getString("number");
  }

  /** A visit assigned to the city hall's clerk. */
  private static String homeVisitScheduled() throws Exception {
    String number = homeVisitRequested();
    done(gateway.post("clerk", "/api/v1/home-visits/" + number + "/schedule", new JsonObject()
        .put("assignee", "clerk").put("scheduledAt", freeSlot())));
    return number;
  }

  /** A booking of the demo citizen's. */
  private static String booked() throws Exception {
    return done(gateway.post("citizen", "/api/v1/appointments", booking())).getString("number");
  }

  private static String newIdNumber() {
    String body = String.format("41018319900101%03d", SEQ.incrementAndGet() % 1000);
    int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (body.charAt(i) - '0') * weights[i];
    }
    return body + "10X98765432".charAt(sum % 11);
  }
}
