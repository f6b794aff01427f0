package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tamper-evident audit trail: every audit event is sealed into one hash chain shortly after it commits (the
 * sealer appends seals; events are never updated), and the check (REST for administrators, {@code audit verify}
 * on the command line) names the first link an edit, a deletion, an insertion or an edited seal broke. Each
 * tampering test puts the rows back afterwards, so the chain holds again.
 */
class AuditChainTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static TestGateway gateway;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of("TONGBAN_AUDIT_SEAL_INTERVAL_MS", "50"));
    admin = "Bearer " + gateway.token("admin");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void concurrentSubmissionsAndTransitionsAreSealedIntoOneIntactChain() throws Exception {
    String citizen = "Bearer " + gateway.token("citizen");
    String body = new JsonObject().put("matterCode", MATTER).put("channel", "WEB")
        .put("data", gateway.sample(MATTER)).encode();
    List<CompletableFuture<HttpResponse<String>>> submissions = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      submissions.add(CompletableFuture.supplyAsync(() -> {
        try {
          return gateway.send("POST", "/api/v1/applications", body, "Authorization", citizen,
              "Content-Type", "application/json");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    List<String> numbers = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> s : submissions) {
      HttpResponse<String> r = s.get();
      assertEquals(201, r.statusCode(), r.body());
      numbers.add(new JsonObject(r.body()).getString("number"));
    }
    TestGateway.ok(gateway.act("clerk", numbers.get(0), new JsonObject().put("action", "accept")));
    awaitSealed();

    JsonObject check = verify();
    assertTrue(check.getBoolean("intact"), check.encode());
    long events = count("select count(*) from audit_event");
    assertEquals(events, check.getLong("verified"), "every event is a link: " + check.encode());
    assertEquals(events, check.getLong("headSequence"));
    assertEquals(events, count("select count(distinct id) from audit_seal, unnest(event_ids) as o(id)"),
        "every event in one seal, once");
    assertEquals(events, count("select max(first_seq + cardinality(event_ids) - 1) from audit_seal"),
        "positions have no gaps");
    assertEquals(13, count("select count(*) from audit_event where entity_type = 'application' and entity_id in ('"
        + String.join("','", numbers) + "')"), "12 submissions and one acceptance");
    assertTrue(check.getString("message").startsWith("审计链完整"), check.getString("message"));
  }

  @Test
  void twoNodesSealingOneDatabaseNeverForkTheChain() throws Exception {
    try (TestGateway second = TestGateway.start(Map.of("TONGBAN_PG_URL", gateway.config().pgUrl().orElseThrow(),
        "TONGBAN_AUDIT_SEAL_INTERVAL_MS", "20"))) {
      List<CompletableFuture<String>> submissions = new ArrayList<>();
      for (TestGateway node : List.of(gateway, second, gateway, second, gateway, second)) {
        submissions.add(CompletableFuture.supplyAsync(() -> {
          try {
            return node.submitSample(MATTER);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      CompletableFuture.allOf(submissions.toArray(new CompletableFuture[0])).get();
      awaitSealed();
      JsonObject check = verify();
      assertTrue(check.getBoolean("intact"), check.encode());
      long events = count("select count(*) from audit_event");
      assertEquals(events, check.getLong("verified"));
      assertEquals(events, count("select max(first_seq + cardinality(event_ids) - 1) from audit_seal"),
          "one chain, no gaps, no fork");
      assertEquals(events, count("select count(distinct id) from audit_seal, unnest(event_ids) as o(id)"),
          "no event sealed twice");
    }
  }

  @Test
  void anAlteredRowIsNamedAsTheFirstBrokenLink() throws Exception {
    String number = gateway.submitSample(MATTER);
    awaitSealed();
    String row = "select %s from audit_event where action = 'application.submitted' and entity_id = '" + number + "'";
    long id = count(row.formatted("id"));
    long seq = position(id);
    gateway.execute("update audit_event set detail = detail || '{\"channel\":\"WINDOW\"}' where id = " + id);

    JsonObject broken = verify().getJsonObject("brokenLink");
    assertEquals(new JsonObject().put("sequence", seq).put("reason", "ALTERED").put("eventId", id)
        .put("entityType", "application").put("entityId", number).put("caseNumber", number), broken);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(AuditVerifyCommand.BROKEN, command(out));
    assertEquals("审计链在第 " + seq + " 环断开：事件 " + id + "（办件 " + number + "）的内容或哈希已被改动。",
        out.toString(StandardCharsets.UTF_8).trim());

    gateway.execute("update audit_event set detail = detail || '{\"channel\":\"WEB\"}' where id = " + id);
    assertTrue(verify().getBoolean("intact"), "the original content restores the chain");
  }

  @Test
  void aDeletedRowBreaksTheChainAtItsPosition() throws Exception {
    String number = gateway.submitSample(MATTER);
    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    awaitSealed();
    String row = "select %s from audit_event where action = 'application.submitted' and entity_id = '" + number + "'";
    long id = count(row.formatted("id"));
    long seq = position(id);
    long next = eventAt(seq + 1);
    gateway.execute("create table deleted_audit_event as select * from audit_event where id = " + id + ";"
        + "delete from audit_event where id = " + id);

    JsonObject check = verify();
    assertFalse(check.getBoolean("intact"));
    JsonObject broken = check.getJsonObject("brokenLink");
    assertEquals(seq, broken.getLong("sequence"), broken.encode());
    assertEquals("MISSING", broken.getString("reason"));
    assertEquals(next, broken.getLong("eventId"), "names the event the chain continues at");
    assertEquals(seq - 1, check.getLong("verified"), "every link before it holds");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(AuditVerifyCommand.BROKEN, command(out));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("第 " + seq + " 环断开"), out.toString());

    gateway.execute("insert into audit_event overriding system value select * from deleted_audit_event;"
        + "drop table deleted_audit_event");
    assertTrue(verify().getBoolean("intact"), "putting the row back restores the chain");
  }

  @Test
  void deletingTheNewestEventsIsDetectedAgainstTheChainHead() throws Exception {
    gateway.submitSample(MATTER);
    awaitSealed();
    long head = count("select last_seq from audit_chain_head");
    long newest = eventAt(head);
    gateway.execute("create table cut_audit_event as select * from audit_event where id = " + newest + ";"
        + "delete from audit_event where id = " + newest);
    try {
      JsonObject broken = verify().getJsonObject("brokenLink");
      // A newer event may have been sealed meanwhile (a sign-in): then the gap is found before it.
      assertEquals(head, broken.getLong("sequence"), broken.encode());
      assertEquals("MISSING", broken.getString("reason"));
    } finally {
      gateway.execute("insert into audit_event overriding system value select * from cut_audit_event;"
          + "drop table cut_audit_event");
    }
    assertTrue(verify().getBoolean("intact"));
  }

  @Test
  void eventsCommittedOutOfIdOrderAreSealedOnceInTransactionOrder() throws Exception {
    long early;
    long late;
    try (Connection older = gateway.connect(); Connection newer = gateway.connect()) {
      older.setAutoCommit(false);
      newer.setAutoCommit(false);
      query(older, "select pg_current_xact_id()::text::bigint"); // the older transaction takes its id first...
      late = query(newer, INSERT_EVENT.formatted("late")); // ...the newer one inserts the lower id and commits first
      newer.commit();
      io.vertx.core.Future<Long> pass = gateway.platform().auditChain().sealAll();
      TestGateway.awaitUntil(Duration.ofSeconds(30), pass::isComplete);
      assertEquals(0, count("select count(*) from audit_seal where " + late + " = any(event_ids)"),
          "not final while an older transaction may still write an event before it");
      early = query(older, INSERT_EVENT.formatted("early"));
      older.commit();
    }
    awaitSealed();
    for (long id : new long[] {early, late}) {
      assertEquals(1, count("select count(*) from audit_seal, unnest(event_ids) as o(id) where o.id = " + id),
          "event " + id + " sealed exactly once");
    }
    assertTrue(early > late);
    assertTrue(position(early) < position(late), "chain order is the order of the writing transactions");
    JsonObject check = verify();
    assertTrue(check.getBoolean("intact"), check.encode());
  }

  @Test
  void anEventInsertedAmongSealedOnesIsNamed() throws Exception {
    String number = gateway.submitSample(MATTER);
    gateway.submitSample(MATTER);
    awaitSealed();
    long genuine = count("select id from audit_event where action = 'application.submitted' and entity_id = '"
        + number + "'");
    // Forged as if written back then: the transaction of a sealed event, so the sealer never reaches it.
    long forged = count("insert into audit_event (actor, action, entity_type, entity_id, detail, tx)"
        + " select 'clerk', 'application.withdrawn', entity_type, entity_id, '{}', tx from audit_event"
        + " where id = " + genuine + " returning id");
    try {
      long before = count("select min(s.first_seq + o.i - 1) from audit_seal s,"
          + " unnest(s.event_ids) with ordinality as o(id, i) join audit_event e on e.id = o.id"
          + " where (e.tx, e.id) > (select tx, id from audit_event where id = " + forged + ")");
      JsonObject check = verify();
      assertFalse(check.getBoolean("intact"), check.encode());
      assertEquals(new JsonObject().put("sequence", before).put("reason", "INSERTED").put("eventId", forged)
          .put("entityType", "application").put("entityId", number).put("caseNumber", number),
          check.getJsonObject("brokenLink"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertEquals(AuditVerifyCommand.BROKEN, command(out));
      assertEquals("审计链在第 " + before + " 环前被插入了未封存的事件 " + forged + "（办件 " + number
          + "）：它位于已封存的事件之间，却不在链中。", out.toString(StandardCharsets.UTF_8).trim());
    } finally {
      gateway.execute("delete from audit_event where id = " + forged);
    }
    assertTrue(verify().getBoolean("intact"));
  }

  @Test
  void anEditedOrDeletedSealIsNamed() throws Exception {
    String number = gateway.submitSample(MATTER);
    awaitSealed();
    long id = count("select id from audit_event where action = 'application.submitted' and entity_id = '"
        + number + "'");
    long seq = position(id);
    long first = count("select first_seq from audit_seal where " + id + " = any(event_ids)");
    gateway.submitSample(MATTER); // a seal after this one, for the chain to continue at
    awaitSealed();
    gateway.execute("create table saved_audit_seal as select * from audit_seal where first_seq = " + first + ";"
        + "update audit_seal set hashes[" + (seq - first + 1) + "] = repeat('f', 64) where first_seq = " + first);
    try {
      JsonObject broken = verify().getJsonObject("brokenLink");
      assertEquals(new JsonObject().put("sequence", seq).put("reason", "ALTERED").put("eventId", id)
          .put("entityType", "application").put("entityId", number).put("caseNumber", number), broken);

      gateway.execute("delete from audit_seal where first_seq = " + first);
      JsonObject check = verify();
      broken = check.getJsonObject("brokenLink");
      assertEquals(first, broken.getLong("sequence"), broken.encode());
      assertEquals("MISSING", broken.getString("reason"));
      assertEquals(eventAt(first + count("select cardinality(event_ids) from saved_audit_seal")),
          broken.getLong("eventId"), "names the event the chain continues at");
      assertEquals(first - 1, check.getLong("verified"));
    } finally {
      gateway.execute("delete from audit_seal where first_seq = " + first + ";"
          + "insert into audit_seal select * from saved_audit_seal; drop table saved_audit_seal");
    }
    assertTrue(verify().getBoolean("intact"), "the original seal restores the chain");
  }

  @Test
  void onlyAdministratorsVerifyAndEnglishIsSpokenOnRequest() throws Exception {
    HttpResponse<String> clerk = gateway.send("GET", "/api/v1/admin/audit/verify", null,
        "Authorization", "Bearer " + gateway.token("clerk"));
    assertEquals(403, clerk.statusCode());
    assertEquals("只有系统管理员可以校验审计链。", new JsonObject(clerk.body()).getString("detail"));
    assertEquals(401, gateway.send("GET", "/api/v1/admin/audit/verify", null).statusCode());
    awaitSealed();
    JsonObject english = TestGateway.ok(gateway.send("GET", "/api/v1/admin/audit/verify", null,
        "Authorization", admin, "Accept-Language", "en"));
    assertTrue(english.getString("message").startsWith("Audit chain intact"), english.encode());
  }

  @Test
  void theCommandLineCheckReadsTheConfiguredDatabase() throws Exception {
    gateway.submitSample(MATTER);
    awaitSealed();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(AuditVerifyCommand.INTACT, command(out));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.startsWith("审计链完整："), printed);
    assertTrue(printed.contains("另有 0 条待封存"), printed);
  }

  private static final String INSERT_EVENT = "insert into audit_event (actor, action, entity_type, entity_id)"
      + " values ('test', 'test.ordered', 'test', '%s') returning id";

  /** The first column of a query's one row, on a connection of the test's own. */
  private static long query(Connection connection, String sql) throws SQLException {
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static int command(ByteArrayOutputStream out) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = AuditVerifyCommand.run(gateway.config(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals("", err.toString(StandardCharsets.UTF_8));
    return status;
  }

  private static JsonObject verify() throws Exception {
    return TestGateway.ok(gateway.send("GET", "/api/v1/admin/audit/verify", null, "Authorization", admin));
  }

  private static void awaitSealed() {
    TestGateway.awaitUntil(Duration.ofSeconds(10), () -> count("select count(*) from audit_event e,"
        + " audit_chain_head h where (e.tx, e.id) > (h.last_tx, h.last_id)") == 0);
  }

  /** The chain position of an event: its seal's first position plus its place in the seal. */
  private static long position(long eventId) {
    return count("select s.first_seq + o.i - 1 from audit_seal s, unnest(s.event_ids) with ordinality as o(id, i)"
        + " where o.id = " + eventId);
  }

  /** The event at a chain position. */
  private static long eventAt(long seq) {
    return count("select s.event_ids[" + seq + " - s.first_seq + 1] from audit_seal s"
        + " where s.first_seq <= " + seq + " order by s.first_seq desc limit 1");
  }

  private static long count(String sql) {
    try {
      return gateway.count(sql);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
