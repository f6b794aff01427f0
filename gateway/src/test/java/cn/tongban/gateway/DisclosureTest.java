package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.disclosure.Xlsx;
import cn.tongban.core.testing.MutableClock;
import cn.tongban.plugin.CreditCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 行政处罚 recorded and imported (CSV and Excel), the public 双公示 listing (masked, late ones warned), and the
 * exports (CSV and Excel) — among them a seeded month, October 2026, compared with a hand-checked sample.
 */
class DisclosureTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final String PERSON_ID = "11010519491231002X";
  /** The seeded month happens in October; every other test runs on 2026-11-16, so the month stays as seeded. */
  private static final MutableClock CLOCK = MutableClock.at("2026-10-12T09:00:00");
  private static final Map<String, String> SEEDED = new java.util.HashMap<>();
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of("TONGBAN_RELAY_INTERVAL_MS", "100"), CLOCK);
    seedOctober();
    CLOCK.set("2026-11-16T09:00:00");
  }

  /**
   * October 2026, the month the sample in test resources/exports/2026-10 was checked against: a 残疾人证 case
   * submitted on Monday the 12th at 09:00, accepted 09:30, reviewed 10:00, approved on the 13th at 10:00 (its
   * licence issued); a 老年人优待证 case submitted on the 14th at 09:00 and accepted 09:30, still open.
   */
  private static void seedOctober() throws Exception {
    String approved = gateway.submitSample("cjl-disability-certificate");
    CLOCK.set("2026-10-12T09:30:00");
    TestGateway.ok(gateway.act("clerk", approved, new JsonObject().put("action", "accept")));
    CLOCK.set("2026-10-12T10:00:00");
    TestGateway.ok(gateway.act("reviewer.cjl", approved, new JsonObject().put("action", "review-pass")));
    CLOCK.set("2026-10-13T10:00:00");
    TestGateway.ok(gateway.act("approver.cjl", approved, new JsonObject().put("action", "approve")));
    TestGateway.awaitUntil(java.time.Duration.ofSeconds(20), () -> {
      try {
        return gateway.count("select count(*) from licence where application_number = '" + approved + "'") == 1;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    CLOCK.set("2026-10-14T09:00:00");
    String open = gateway.submitSample("mzj-elderly-preferential-card");
    CLOCK.set("2026-10-14T09:30:00");
    TestGateway.ok(gateway.act("clerk", open, new JsonObject().put("action", "accept")));
    SEEDED.put("A", approved);
    SEEDED.put("B", open);
    SEEDED.put("A.pwd", gateway.text("select query_code from application where number = '" + approved + "'"));
    SEEDED.put("B.pwd", gateway.text("select query_code from application where number = '" + open + "'"));
    SEEDED.put("A.certNo", gateway.text("select number from licence where application_number = '" + approved + "'"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static LocalDate today() {
    return LocalDate.now(CLOCK);
  }

  private static String number(String prefix) {
    return prefix + "〔2026〕" + SEQ.incrementAndGet() + "号";
  }

  private static JsonObject person(String decisionNumber, LocalDate date) {
    return new JsonObject().put("decisionNumber", decisionNumber).put("partyKind", "PERSON").put("partyName", "张三丰")
        .put("partyCode", PERSON_ID).put("facts", "未经许可擅自举办大型群众性活动")
        .put("legalBasis", "《大型群众性活动安全管理条例》第二十条").put("penaltyType", "罚款").put("amount", "5000.00")
        .put("decisionDate", date.toString());
  }

  private static JsonArray listing(String query) throws Exception {
    HttpResponse<String> r = gateway.send("GET", "/api/v1/disclosures" + query, null);
    assertEquals(200, r.statusCode(), r.body());
    assertFalse(r.body().contains(PERSON_ID), "the public listing never carries an identity number");
    return new JsonObject(r.body()).getJsonArray("items");
  }

  private static JsonObject only(JsonArray items, String documentNumber) {
    List<JsonObject> found = items.stream().map(o -> (JsonObject) o)
        .filter(d -> documentNumber.equals(d.getString("documentNumber"))).toList();
    assertEquals(1, found.size(), items.encodePrettily());
    return found.get(0);
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void aDepartmentsPenaltyIsPublishedMaskedAtOnceAndPushedThroughTheOutbox() throws Exception {
    String n = number("民罚决字");
    HttpResponse<String> r = gateway.post("reviewer.mzj", "/api/v1/penalties", person(n, today()));
    assertEquals(201, r.statusCode(), r.body());
    JsonObject recorded = new JsonObject(r.body());
    assertEquals("mzj", recorded.getString("departmentCode"));
    assertEquals("IN_FORCE", recorded.getString("status"));
    assertEquals("5000.00", recorded.getString("amount"));

    JsonObject published = only(listing("?kind=PENALTY"), n);
    assertEquals("张**", published.getString("partyName"));
    assertNull(published.getString("creditCode"));
    assertEquals("罚款", published.getString("title"));
    assertEquals("mzj", published.getString("departmentCode"));
    assertFalse(published.getBoolean("late"));
    assertEquals(gateway.platform().calendar().calendar().addWorkingDays(today(), BigDecimal.valueOf(7)).date()
        .toString(), published.getString("dueDate"));
    // searchable by the published (masked) name and by department
    only(listing("?party=" + q("张") + "&departmentCode=mzj&kind=PENALTY"), n);
    assertEquals(1, gateway.count("select count(*) from outbox_event where aggregate_type = 'disclosure'"
        + " and event_type = 'DisclosurePublished' and aggregate_id = '" + published.getString("id") + "'"));
    assertEquals(1, gateway.count("select count(*) from audit_event where action = 'penalty.record' and entity_id = '"
        + recorded.getString("id") + "'"));

    // GraphQL sees the same record
    HttpResponse<String> g = gateway.send("POST", "/graphql", new JsonObject()
        .put("query", "query($n: String) { disclosures(party: $n, kind: \"PENALTY\") }").put("variables",
            new JsonObject().put("n", "张")).encode(), "Content-Type", "application/json");
    assertEquals(200, g.statusCode(), g.body());
    assertTrue(g.body().contains(n), g.body());
    assertFalse(g.body().contains(PERSON_ID));
  }

  @Test
  void anOrganisationIsFoundByCreditCodeAndName() throws Exception {
    String code = CreditCode.withCheck("91410183MA47" + String.format("%05d", SEQ.incrementAndGet()));
    String n = number("市监罚决字");
    JsonObject body = person(n, today()).put("partyKind", "ORGANISATION").put("partyName", "新密市某某商贸有限公司")
        .put("partyCode", code).put("penaltyType", "警告").putNull("amount");
    assertEquals(201, gateway.post("approver.mzj", "/api/v1/penalties", body).statusCode());
    JsonObject published = only(listing("?creditCode=" + code), n);
    assertEquals("新密市某某商贸有限公司", published.getString("partyName"));
    assertEquals(code, published.getString("creditCode"));
    only(listing("?party=" + q("某某商贸")), n);
  }

  @Test
  void aDecisionPublishedAfterSevenWorkingDaysIsWarned() throws Exception {
    String n = number("民罚决字");
    LocalDate decided = today().minusDays(30);
    assertEquals(201, gateway.post("reviewer.mzj", "/api/v1/penalties", person(n, decided)).statusCode());
    JsonObject published = only(listing("?kind=PENALTY"), n);
    assertTrue(published.getBoolean("late"), published.encodePrettily());
    String id = published.getString("id");
    assertEquals("RED", gateway.text("select level from disclosure_warning where disclosure_id = " + id));
    assertEquals(1, gateway.count("select count(*) from outbox_event where aggregate_type = 'disclosure'"
        + " and event_type = 'DisclosureLate' and aggregate_id = '" + id + "'"));
  }

  @Test
  void aRevocationUpdatesThePublishedRecordAtOnceAndOnlyItsDepartmentMayMakeIt() throws Exception {
    String n = number("民罚决字");
    String id = TestGateway.ok(withStatus(gateway.post("reviewer.mzj", "/api/v1/penalties", person(n, today()))))
        .getString("id");
    JsonObject revoke = new JsonObject().put("status", "REVOKED").put("reason", "行政复议决定撤销");
    assertEquals(404, gateway.post("reviewer.rsj", "/api/v1/penalties/" + id + "/status", revoke).statusCode());
    assertEquals(403, gateway.post("clerk", "/api/v1/penalties/" + id + "/status", revoke).statusCode());
    JsonObject changed = TestGateway.ok(gateway.post("approver.mzj", "/api/v1/penalties/" + id + "/status", revoke));
    assertEquals("REVOKED", changed.getString("status"));
    JsonObject published = only(listing("?kind=PENALTY"), n);
    assertEquals("REVOKED", published.getString("status"));
    assertEquals("行政复议决定撤销", published.getString("statusReason"));
    assertEquals(1, gateway.count("select count(*) from outbox_event where aggregate_type = 'disclosure'"
        + " and event_type = 'DisclosureRevoked' and aggregate_id = '" + published.getString("id") + "'"));
    // the department's own list shows it; another department's does not
    assertTrue(gateway.get("reviewer.mzj", "/api/v1/penalties").body().contains(n));
    assertFalse(gateway.get("reviewer.rsj", "/api/v1/penalties").body().contains(n));
  }

  /** A 201 answer as the 200 that {@link TestGateway#ok} expects. */
  private static HttpResponse<String> withStatus(HttpResponse<String> r) {
    assertEquals(201, r.statusCode(), r.body());
    return new HttpResponse<>() {
      public int statusCode() {
        return 200;
      }

      public java.net.http.HttpRequest request() {
        return r.request();
      }

      public java.util.Optional<HttpResponse<String>> previousResponse() {
        return r.previousResponse();
      }

      public java.net.http.HttpHeaders headers() {
        return r.headers();
      }

      public String body() {
        return r.body();
      }

      public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
        return r.sslSession();
      }

      public java.net.URI uri() {
        return r.uri();
      }

      public java.net.http.HttpClient.Version version() {
        return r.version();
      }
    };
  }

  /** An Excel workbook (our writer's) as base64: row 1 the header, then the rows. */
  private static String workbook(List<List<String>> rows) {
    Xlsx.Writer w = new Xlsx.Writer("处罚决定", rows.get(0));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    rows.subList(1, rows.size()).forEach(w::row);
    w.finish();
    out.writeBytes(w.take());
    return java.util.Base64.getEncoder().encodeToString(out.toByteArray());
  }

  @Test
  void anExcelImportIsCheckedRowByRowLikeACsvOne() throws Exception {
    String a = number("民罚决字");
    String b = number("民罚决字");
    String d = today().toString();
    List<String> header = List.of("决定书文号", "当事人类型", "当事人名称", "证件号码", "违法事实", "处罚依据", "处罚类型",
        "罚款金额", "决定日期");
    List<String> good = List.of(a, "自然人", "赵六", PERSON_ID, "擅自开展募捐", "条例第四十五条", "罚款", "300", d);
    List<String> bad = List.of(b, "法人", "某协会", "91410183MA47XXXXX1", "擅自开展募捐", "条例第四十五条", "罚款", "", d);
    HttpResponse<String> r = gateway.post("reviewer.mzj", "/api/v1/penalties/import",
        new JsonObject().put("format", "xlsx").put("content", workbook(List.of(header, good, bad))));
    assertEquals(422, r.statusCode(), r.body());
    List<String> pointers = new JsonObject(r.body()).getJsonArray("violations").stream()
        .map(o -> ((JsonObject) o).getString("pointer")).toList();
    assertEquals(List.of("/rows/3/partyCode", "/rows/3/amount"), pointers, r.body());
    assertEquals(0, gateway.count("select count(*) from penalty where decision_number = '" + a + "'"),
        "nothing half imported");
    r = gateway.post("reviewer.mzj", "/api/v1/penalties/import",
        new JsonObject().put("format", "xlsx").put("content", "bm90IGEgd29ya2Jvb2s="));
    assertEquals(422, r.statusCode(), r.body());
    assertTrue(r.body().contains("/content"), r.body());

    JsonObject done = TestGateway.ok(gateway.post("reviewer.mzj", "/api/v1/penalties/import",
        new JsonObject().put("format", "xlsx").put("content", workbook(List.of(header, good)))));
    assertEquals(1, done.getInteger("imported"));
    assertEquals("赵*", only(listing("?kind=PENALTY"), a).getString("partyName"));
  }

  @Test
  void anImportWithBadRowsNamesEveryOneAndImportsNothing() throws Exception {
    String a = number("民罚决字");
    String b = number("民罚决字");
    String c = number("民罚决字");
    String d = today().toString();
    String header = "决定书文号,当事人类型,当事人名称,证件号码,违法事实,处罚依据,处罚类型,罚款金额,决定日期\n";
    String good1 = a + ",自然人,李四," + PERSON_ID + ",\"擅自开展募捐, 金额较大\",条例第四十五条,罚款,200," + d + "\n";
    String bad3 = b + ",自然人,王五,110105194912310021,擅自开展募捐,条例第四十五条,警告,," + d + "\n";
    String bad4 = c + ",法人,某协会,91410183MA47XXXXX1,擅自开展募捐,条例第四十五条,罚款,,\n";
    HttpResponse<String> r = gateway.post("reviewer.mzj", "/api/v1/penalties/import",
        new JsonObject().put("content", header + good1 + bad3 + bad4));
    assertEquals(422, r.statusCode(), r.body());
    JsonArray violations = new JsonObject(r.body()).getJsonArray("violations");
    List<String> pointers = violations.stream().map(o -> ((JsonObject) o).getString("pointer")).toList();
    assertEquals(List.of("/rows/3/partyCode", "/rows/4/partyCode", "/rows/4/amount", "/rows/4/decisionDate"),
        pointers, r.body());
    assertEquals(0, gateway.count("select count(*) from penalty where decision_number in ('" + a + "', '" + b
        + "', '" + c + "')"), "nothing half imported");

    // the same file with the two rows put right, plus a repeat of row 2: the repeat is named
    String fixed3 = b + ",自然人,王五," + PERSON_ID + ",擅自开展募捐,条例第四十五条,警告,," + d + "\n";
    r = gateway.post("reviewer.mzj", "/api/v1/penalties/import", new JsonObject().put("content",
        header + good1 + fixed3 + good1));
    assertEquals(422, r.statusCode(), r.body());
    assertTrue(r.body().contains("/rows/4/decisionNumber"), r.body());
    assertEquals(0, gateway.count("select count(*) from penalty where decision_number = '" + a + "'"));

    JsonObject done = TestGateway.ok(gateway.post("reviewer.mzj", "/api/v1/penalties/import",
        new JsonObject().put("content", header + good1 + fixed3)));
    assertEquals(2, done.getInteger("imported"));
    assertEquals(2, done.getJsonArray("rows").getJsonObject(0).getInteger("row"));
    assertEquals("擅自开展募捐, 金额较大", only(listing("?kind=PENALTY"), a).getString("content"));
    only(listing("?kind=PENALTY"), b);
    // a second import of the same file: both numbers are taken, both rows named, nothing added
    r = gateway.post("reviewer.mzj", "/api/v1/penalties/import", new JsonObject().put("content",
        header + good1 + fixed3));
    assertEquals(422, r.statusCode(), r.body());
    assertTrue(r.body().contains("/rows/2/decisionNumber") && r.body().contains("/rows/3/decisionNumber"), r.body());
    assertEquals(403, gateway.post("supervisor", "/api/v1/penalties/import",
        new JsonObject().put("content", header + good1)).statusCode());
  }

  @Test
  void aLicensingDecisionOfAnApprovedCaseIsPublishedInTimeAndTheExportMatchesIt() throws Exception {
    JsonObject licence = gateway.approvedDisabilityCertificate();
    gateway.platform().disclosures().scan().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    JsonObject published = only(listing("?kind=LICENSING"), licence.getString("number"));
    assertEquals(licence.getString("name"), published.getString("title"));
    assertEquals("张*", published.getString("partyName"));
    assertEquals("PERSON", published.getString("partyKind"));
    assertEquals(licence.getString("applicationNumber"), published.getString("applicationNumber"));
    assertTrue(published.getString("basis").contains("残疾人保障法"), published.getString("basis"));
    assertEquals(today().toString(), published.getString("decisionDate"));
    assertFalse(published.getBoolean("late"));
    // a second pass publishes nothing twice
    gateway.platform().disclosures().scan().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    only(listing("?kind=LICENSING"), licence.getString("number"));

    // The result table of the seeded day, checked by hand against the case: one row for the case.
    String number = licence.getString("applicationNumber");
    String period = "?from=" + today().minusDays(1) + "&to=" + today() + "&exportId=test-export-" + SEQ.incrementAndGet();
    HttpResponse<String> r = gateway.get("supervisor", "/api/v1/exports/up_pro_result" + period);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    String[] lines = r.body().split("\r\n");
    assertEquals("\uFEFFPROJID,RESULT_CODE,RESULT_NAME,RESULT_DATE,ORG_CODE,ORG_NAME,CERT_NAME,CERT_NO,PROMISE_DATE,"
        + "IS_OVERDUE", lines[0]);
    JsonObject c = gateway.read("approver.cjl", number);
    // the decision instant as the database holds it, shown in Beijing time to the second
    long millis = gateway.count("select (extract(epoch from decided_at) * 1000)::bigint from application"
        + " where number = '" + number + "'");
    String decidedAt = java.time.Instant.ofEpochMilli(millis).atZone(CalendarService.ZONE)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    String expected = String.join(",", number, "1", "准予", decidedAt, "cjl", "新密市残疾人联合会", licence.getString("name"),
        licence.getString("number"), c.getString("dueDate"), "0");
    assertTrue(List.of(lines).contains(expected), expected + " in\n" + r.body());

    String exportId = r.headers().firstValue("X-Export-Id").orElseThrow();
    JsonObject progress = TestGateway.ok(gateway.get("supervisor", "/api/v1/exports/progress/" + exportId));
    assertTrue(progress.getBoolean("done"));
    assertEquals(lines.length - 1, progress.getLong("rows"));
    assertEquals(progress.getLong("total"), progress.getLong("rows"));
    assertEquals(404, gateway.get("admin", "/api/v1/exports/progress/" + exportId).statusCode());

    // the acceptance table holds the case with its matter, channel and dates
    r = gateway.get("supervisor", "/api/v1/exports/up_pro_accept?from=" + today() + "&to=" + today());
    assertEquals(200, r.statusCode());
    String row = List.of(r.body().split("\r\n")).stream().filter(l -> l.startsWith(number + ",")).findFirst()
        .orElseThrow();
    assertTrue(row.startsWith(number + ",cjl-disability-certificate,"), row);
    assertTrue(row.contains(",WEB,"), row);
    r = gateway.get("supervisor", "/api/v1/exports/up_pro_process?from=" + today() + "&to=" + today());
    assertTrue(r.body().contains(number + ",1,submit,") && r.body().contains(number + ",2,accept,"), r.body());

    for (String table : List.of("up_pro_special_procedure", "up_pro_material", "pre_apasinfo", "pre_accept",
        "pre_node", "pre_attr", "pre_transact")) {
      assertEquals(200, gateway.get("admin", "/api/v1/exports/" + table + "?from=" + today() + "&to=" + today())
          .statusCode(), table);
    }
    assertEquals(422, gateway.get("supervisor", "/api/v1/exports/up_pro_nothing?from=2026-01-01&to=2026-01-31")
        .statusCode());
    assertEquals(422, gateway.get("supervisor", "/api/v1/exports/up_pro_accept?from=2026-02-01&to=2026-01-31")
        .statusCode());
    assertEquals(403, gateway.get("clerk", "/api/v1/exports/up_pro_accept?from=2026-01-01&to=2026-01-31")
        .statusCode());
  }

  @Test
  void badInputGetsProblemsNeverA500() throws Exception {
    HttpResponse<String> r = gateway.post("reviewer.mzj", "/api/v1/penalties", new JsonObject()
        .put("partyKind", "SOMEONE").put("amount", "-1").put("decisionDate", "2099-01-01"));
    assertEquals(422, r.statusCode(), r.body());
    String body = r.body();
    for (String p : List.of("/decisionNumber", "/partyKind", "/partyName", "/partyCode", "/facts", "/legalBasis",
        "/penaltyType", "/amount", "/decisionDate")) {
      assertTrue(body.contains("\"" + p + "\""), p + " in " + body);
    }
    assertEquals(400, gateway.send("GET", "/api/v1/disclosures?kind=OTHER", null).statusCode(), "the contract's enum");
    assertEquals(401, gateway.send("POST", "/api/v1/penalties", "{}", "Content-Type", "application/json")
        .statusCode());
    assertEquals(404, gateway.post("reviewer.mzj", "/api/v1/penalties/abc/status", new JsonObject()
        .put("status", "REVOKED").put("reason", "x")).statusCode());
  }

  /**
   * 上报 of a month: each table of October, as CSV and as xlsx (read back with our reader), equals the sample
   * checked by hand against the seeded cases (resources/exports/2026-10/<table>.csv; ${A}, ${A.pwd}, … stand
   * for the case numbers, query codes and licence number the platform chose). Supervisors get the applicant
   * in full and the query code: what the national and provincial uploads need.
   */
  @Test
  void anExportOfTheSeededMonthMatchesTheHandCheckedSample() throws Exception {
    for (String table : List.of("up_pro_accept", "up_pro_process", "up_pro_result", "pre_apasinfo")) {
      String expected;
      try (var in = DisclosureTest.class.getResourceAsStream("/exports/2026-10/" + table + ".csv")) {
        expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      for (var e : SEEDED.entrySet()) {
        expected = expected.replace("${" + e.getKey() + "}", e.getValue());
      }
      List<String> lines = List.of(expected.split("\r?\n"));
      String period = "/api/v1/exports/" + table + "?from=2026-10-01&to=2026-10-31";
      HttpResponse<String> csv = gateway.get("supervisor", period + "&format=csv");
      assertEquals(200, csv.statusCode(), csv.body());
      // What came, beside the sample, for whoever checks a difference by eye.
      java.nio.file.Path actual = java.nio.file.Path.of("target", "exports-actual", table + ".csv");
      java.nio.file.Files.createDirectories(actual.getParent());
      java.nio.file.Files.writeString(actual, csv.body().substring(1));
      assertEquals(String.join("\r\n", lines) + "\r\n", csv.body().substring(1), table + " as CSV");

      HttpResponse<byte[]> xlsx = gateway.getBytes(period + "&format=xlsx", "Authorization",
          "Bearer " + gateway.token("admin"));
      assertEquals(200, xlsx.statusCode());
      assertEquals(Xlsx.CONTENT_TYPE, xlsx.headers().firstValue("Content-Type").orElse(""));
      assertTrue(xlsx.headers().firstValue("Content-Disposition").orElse("").contains(table + "_2026-10-01_2026-10-31.xlsx"));
      int width = lines.get(0).split(",", -1).length;
      List<String> read = Xlsx.read(xlsx.body(), 1000).stream().map(row -> {
        List<String> cells = new java.util.ArrayList<>(row);
        while (cells.size() < width) {
          cells.add("");
        }
        return String.join(",", cells);
      }).toList();
      assertEquals(lines, read, table + " as xlsx");

      if (table.equals("pre_apasinfo")) {
        // A caller the masking rules mask (no demo account is one: a supervisor who is also hotline staff)
        // gets the applicant masked and no query code.
        Caller masked = new Caller(Caller.Kind.STAFF, "masked-supervisor", Set.of(Role.SUPERVISOR, Role.HOTLINE),
            Optional.empty(), Optional.empty(), Set.of());
        List<String> maskedLines = lines.stream().map(l -> l.replace("," + SEEDED.get("A.pwd") + ",", ",,")
            .replace("," + SEEDED.get("B.pwd") + ",", ",,").replace(",张三,11010519491231002X,", ",张*,11*************02X,"))
            .toList();
        assertEquals(String.join("\r\n", maskedLines) + "\r\n", exportAs(masked, table, "2026-10-01", "2026-10-31"));
      }
    }
  }

  /** An export written straight from the service into memory, for a caller no demo account is. */
  private static String exportAs(Caller caller, String table, String from, String to) throws Exception {
    Buffer file = Buffer.buffer();
    WriteStream<Buffer> sink = new WriteStream<>() {
      @Override
      public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        return this;
      }

      @Override
      public Future<Void> write(Buffer data) {
        synchronized (file) {
          file.appendBuffer(data);
        }
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> end() {
        return Future.succeededFuture();
      }

      @Override
      public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        return this;
      }

      @Override
      public boolean writeQueueFull() {
        return false;
      }

      @Override
      public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        return this;
      }
    };
    gateway.platform().exports().prepare(caller, table, Map.of("from", from, "to", to), java.util.Locale.CHINA)
        .compose(export -> export.writeTo(sink)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    synchronized (file) {
      return file.toString(StandardCharsets.UTF_8).substring(1);
    }
  }
}
