package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Personal data at rest (issue 10): identity numbers, phones, addresses, form data, licence surfaces and
 * uploaded files are stored sealed, found again by blind index, readable by those entitled to them, never
 * written to the logs; keys rotate without stopping the platform.
 */
class PersonalDataAtRestTest {
  private static final String NEW_ID = "440524188001010014";
  private static final String NEW_PHONE = "13912345678";
  private static final String MARKER = "TONGBAN-FILE-MARKER-3f9a";

  private static String key(String id, String secret) {
    return id + ":" + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.US_ASCII));
  }

  /** Every row of every table, as text, that contains {@code value} (bytea shows as hex, so the hex too). */
  private static List<String> plainCopies(TestGateway gateway, String value) throws Exception {
    List<String> found = new ArrayList<>();
    String hex = HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8));
    for (String table : tables(gateway)) {
      long n = gateway.count("select count(*) from \"" + table + "\" x where x::text like '%" + value
          + "%' or x::text like '%" + hex + "%'");
      if (n > 0) {
        found.add(table + " (" + n + ")");
      }
    }
    return found;
  }

  /**
   * Every table but the published catalogue (matter, form_version, and the life events' life_event and
   * life_event_version: public documents whose forms carry made-up {@code examples}, which the demo reuses) and
   * Flyway's own history.
   */
  private static List<String> tables(TestGateway gateway) throws Exception {
    String which = " from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'"
        + " and table_name not in ('flyway_schema_history', 'matter', 'form_version', 'life_event',"
        + " 'life_event_version')";
    List<String> out = new ArrayList<>();
    long n = gateway.count("select count(*)" + which);
    for (int i = 0; i < n; i++) {
      out.add(gateway.text("select table_name" + which + " order by table_name offset " + i + " limit 1"));
    }
    return out;
  }

  private static String login(TestGateway gateway, String login, String password) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", login).put("password", password).encode(), "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("access_token");
  }

  @Test
  void nothingPersonalIsStoredOrLoggedInPlainYetEveryoneEntitledReadsIt() throws Exception {
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r.getLoggerName() + " " + r.getMessage() + " " + java.util.Arrays.toString(r.getParameters())
            + " " + (r.getThrown() == null ? "" : String.valueOf(r.getThrown())));
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try (TestGateway gateway = TestGateway.start(Map.of("TONGBAN_RELAY_INTERVAL_MS", "100"))) {
      // A citizen registers, then signs in by identity number and by phone (found by blind index).
      HttpResponse<String> registered = gateway.send("POST", "/api/v1/citizens", new JsonObject()
          .put("idNumber", NEW_ID).put("name", "李四").put("phone", NEW_PHONE).put("password", "Xinmi-2026-pass")
          .encode(), "Content-Type", "application/json");
      assertEquals(201, registered.statusCode(), registered.body());
      login(gateway, NEW_ID, "Xinmi-2026-pass");
      login(gateway, NEW_PHONE, "Xinmi-2026-pass");
      assertEquals(409, gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber", NEW_ID)
          .put("name", "李四").put("phone", "13700000000").put("password", "Xinmi-2026-pass").encode(),
          "Content-Type", "application/json").statusCode(), "the same identity number registers once");
      // Administrators still name a citizen by identity number, e.g. to disable the account.
      assertEquals(204, gateway.send("PUT", "/api/v1/accounts/" + NEW_ID + "/disabled", new JsonObject()
          .put("disabled", true).encode(), "Authorization", "Bearer " + gateway.token("admin"),
          "Content-Type", "application/json").statusCode());
      assertEquals(401, gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
          .put("username", NEW_PHONE).put("password", "Xinmi-2026-pass").encode(), "Content-Type",
          "application/json").statusCode(), "a disabled citizen cannot sign in");

      // A whole case: form data full of personal data, approved, a licence issued with it as surface.
      // Stored with the citizen's own number: the sample names someone else as the applicant, which is bound.
      JsonObject sample = gateway.sample("cjl-disability-certificate").put("idNumber", "11010519491231002X");
      String number = gateway.submitSample("cjl-disability-certificate");
      TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
      TestGateway.ok(gateway.act("reviewer.cjl", number, new JsonObject().put("action", "review-pass")));
      TestGateway.ok(gateway.act("approver.cjl", number, new JsonObject().put("action", "approve")));
      JsonObject[] licence = new JsonObject[1];
      TestGateway.awaitUntil(Duration.ofSeconds(20), () -> {
        try {
          licence[0] = new JsonArray(gateway.get("citizen", "/api/v1/licences?typeName="
              + URLEncoder.encode("残疾人证", StandardCharsets.UTF_8)).body()).stream().map(JsonObject.class::cast)
              .filter(l -> number.equals(l.getString("applicationNumber"))).findFirst().orElse(null);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return licence[0] != null;
      });
      assertEquals("11010519491231002X", licence[0].getString("holderCode"), "the holder reads their licence");
      assertEquals(sample.getString("address"), licence[0].getJsonObject("surface").getString("address"));
      JsonObject asApplicant = gateway.read("citizen", number);
      assertEquals(sample, asApplicant.getJsonObject("data"), "the applicant reads the form data as submitted");
      assertEquals("11010519491231002X", asApplicant.getJsonObject("applicant").getString("idNumber"));
      assertEquals(sample.getString("idNumber"), gateway.read("reviewer.cjl", number).getJsonObject("data")
          .getString("idNumber"), "the department handling it reads it in full");
      JsonObject asHotline = gateway.read("hotline", number);
      assertFalse(asHotline.encode().contains("11010519491231002X"), "hotline staff see it masked");

      // A file handed in once: stored sealed, given back as it was.
      byte[] png = pngWith(MARKER);
      HttpResponse<String> up = gateway.upload("citizen", Map.of("kind", "bank-card"), "银行卡.png", png);
      assertEquals(201, up.statusCode(), up.body());
      String materialId = new JsonObject(up.body()).getString("id");
      assertArrayEquals(png, gateway.getBytes("/api/v1/materials/" + materialId + "/content",
          "Authorization", "Bearer " + gateway.token("citizen")).body());

      // A 代办 authorisation and a department's dataset, both keyed by identity number.
      HttpResponse<String> granted = gateway.post("citizen", "/api/v1/authorisations", new JsonObject()
          .put("hallCode", "xm-chaohua-v01").put("matterCode", "mzj-elderly-preferential-card")
          .put("validUntil", "2026-12-31"));
      assertEquals(201, granted.statusCode(), granted.body());
      assertEquals("11010519491231002X", new JsonArray(gateway.get("citizen", "/api/v1/authorisations").body())
          .getJsonObject(0).getJsonObject("applicant").getString("idNumber"));
      HttpResponse<String> imported = gateway.send("PUT", "/api/v1/admin/datasets/gongan-population", new JsonObject()
              .put("records", new JsonArray().add(new JsonObject().put("subjectKey", "11010519491231002X")
                  .put("record", new JsonObject().put("householdTownship", "米村镇").put("householdVillage", "米村")
                      .put("address", "新密市米村镇米村一组8号")))).encode(),
          "Authorization", "Bearer " + gateway.token("admin"), "Content-Type", "application/json");
      assertEquals(200, imported.statusCode(), imported.body());
      JsonObject prefilled = new JsonObject(gateway.get("citizen", "/api/v1/matters/mzj-advanced-age-allowance/prefill")
          .body()).getJsonObject("data");
      assertEquals("新密市米村镇米村一组8号", prefilled.getString("address"), "found by blind index, opened");

      // Nowhere in the database in plain: not the identity numbers, phones, addresses, nor the file.
      Map<String, List<String>> leaks = new HashMap<>();
      for (String value : List.of("11010519491231002X", "13800138000", NEW_ID, NEW_PHONE, sample.getString("idNumber"),
          sample.getString("mobile"), sample.getString("address"), sample.getString("agentIdNumber"),
          sample.getString("agentMobile"), "新密市米村镇米村一组8号", "新密市超化镇超化村三组12号", MARKER)) {
        List<String> found = plainCopies(gateway, value);
        if (!found.isEmpty()) {
          leaks.put(value, found);
        }
      }
      assertEquals(Map.of(), leaks, "personal data stored in plain");
      assertTrue(gateway.count("select count(*) from application where applicant like 'ENC3:AES:t1:%'"
          + " and data like 'ENC3:AES:t1:%'") > 0, "sealed under the configured key");
    } finally {
      root.removeHandler(capture);
    }
    for (String value : List.of("11010519491231002X", "13800138000", NEW_ID, NEW_PHONE, "41018319670121415X",
        "新密市米村镇米村一组8号")) {
      assertTrue(logged.stream().noneMatch(l -> l.contains(value)), "logged in plain: " + value);
    }
    assertFalse(logged.isEmpty(), "the capture saw the platform's log");
  }

  /** A PNG signature followed by bytes carrying {@code text} (typed by content as PNG). */
  private static byte[] pngWith(String text) {
    byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    byte[] t = (" " + text + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[sig.length + t.length + 16];
    System.arraycopy(sig, 0, out, 0, sig.length);
    System.arraycopy(t, 0, out, sig.length, t.length);
    return out;
  }

  /** The new key of a rotation: AES-256 as before, or SM4 (the 国密 option; AES-sealed data is rewrapped to it). */
  private static String newKey(String cipher) {
    return "SM4".equals(cipher) ? "t2:sm4:" + Base64.getEncoder().encodeToString(
        "tongban-sm4-t2!!".getBytes(StandardCharsets.US_ASCII)) : key("t2", "tongban-test-data-key-t2-32bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"AES", "SM4"})
  void keysRotateWithoutDowntimeAndAWrongKeyNeverStarts(String cipher) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("TONGBAN_RELAY_INTERVAL_MS", "100"));
    String number;
    String pgUrl;
    String dataDir;
    try (TestGateway first = TestGateway.start(env)) {
      number = first.submitSample("mzj-elderly-preferential-card");
      pgUrl = first.config().pgUrl().orElseThrow();
      dataDir = first.config().dataDir().toString();
    }
    env.put("TONGBAN_PG_URL", pgUrl);
    env.put("TONGBAN_DATA_DIR", dataDir);

    // With an external PostgreSQL, keys must be configured: no key file on one node's disk.
    Map<String, String> noKeys = new HashMap<>(env);
    noKeys.put("TONGBAN_DATA_KEYS", "");
    noKeys.put("TONGBAN_DATA_INDEX_KEY", "");
    Exception required = assertThrows(Exception.class, () -> TestGateway.start(noKeys).close());
    assertTrue(String.valueOf(rootCause(required).getMessage()).contains("TONGBAN_DATA_KEYS and TONGBAN_DATA_INDEX_KEY"
        + " are required"), rootCause(required).toString());
    // Without the key that sealed the data, or with another index key, the platform refuses to start.
    Map<String, String> withoutOld = new HashMap<>(env);
    withoutOld.put("TONGBAN_DATA_KEYS", newKey(cipher));
    Exception missing = assertThrows(Exception.class, () -> TestGateway.start(withoutOld).close());
    assertTrue(String.valueOf(rootCause(missing).getMessage()).contains("'t1'"), rootCause(missing).toString());
    Map<String, String> otherIndex = new HashMap<>(env);
    otherIndex.put("TONGBAN_DATA_INDEX_KEY", Base64.getEncoder().encodeToString(
        "another-blind-index-key-32-bytes".getBytes(StandardCharsets.US_ASCII)));
    Exception index = assertThrows(Exception.class, () -> TestGateway.start(otherIndex).close());
    assertTrue(String.valueOf(rootCause(index).getMessage()).contains("TONGBAN_DATA_INDEX_KEY"),
        rootCause(index).toString());

    // The new key first, the old one still configured: everything reads, new data is sealed with the new key.
    env.put("TONGBAN_DATA_KEYS", newKey(cipher) + "," + key("t1", "tongban-test-data-key-t1-32bytes"));
    try (TestGateway both = TestGateway.start(env)) {
      assertEquals("11010519491231002X", both.read("citizen", number).getJsonObject("applicant")
          .getString("idNumber"), "a case sealed with the old key still reads");
      String later = both.submitSample("mzj-elderly-preferential-card");
      assertEquals(1, both.count("select count(*) from application where number = '" + later
          + "' and applicant like 'ENC3:" + cipher + ":t2:%'"));
      assertEquals(403, both.get("clerk", "/api/v1/admin/data-keys").statusCode(), "administrators only");
      JsonObject before = TestGateway.ok(both.get("admin", "/api/v1/admin/data-keys"));
      assertEquals("t2", before.getString("activeKeyId"));
      assertTrue(before.getLong("remainingTotal") > 0, before.encode());
      assertTrue(before.getJsonObject("remaining").getLong("account") > 0, before.encode());
      HttpResponse<String> started = both.post("admin", "/api/v1/admin/data-keys/rewrap", new JsonObject());
      assertEquals(202, started.statusCode(), started.body());
      JsonObject[] status = new JsonObject[1];
      TestGateway.awaitUntil(Duration.ofSeconds(60), () -> {
        try {
          status[0] = TestGateway.ok(both.get("admin", "/api/v1/admin/data-keys"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return "DONE".equals(status[0].getJsonObject("rewrap").getString("state"));
      });
      assertEquals(0L, status[0].getLong("remainingTotal"), status[0].encode());
      assertTrue(status[0].getJsonArray("keys").stream().map(JsonObject.class::cast)
          .anyMatch(k -> "t1".equals(k.getString("keyId")) && k.getString("retiredAt") != null), status[0].encode());
      assertEquals(0, both.count("select count(*) from application where applicant not like 'ENC3:" + cipher
          + ":t2:%'"));
      // The rewrap bound every account's sealed values to its row: copied into another account, one does not open.
      String citizenRow = both.text("select id::text from account where username = 'citizen'");
      String clerkRow = both.text("select id::text from account where username = 'clerk'");
      String sealed = both.text("select id_number_sealed from account where username = 'citizen'");
      assertTrue(sealed.startsWith("ENC3:" + cipher + ":t2:"), sealed);
      assertEquals("11010519491231002X", both.personal().open("account.id_number", citizenRow, sealed));
      assertThrows(cn.tongban.core.privacy.PersonalData.SealedValueException.class,
          () -> both.personal().open("account.id_number", clerkRow, sealed));
      // And every case's: its applicant and data copied in SQL into another case do not read there.
      both.execute("create table later_backup as select applicant, data from application where number = '"
          + later + "'");
      both.execute("update application set applicant = o.applicant, data = o.data from application o"
          + " where o.number = '" + number + "' and application.number = '" + later + "'");
      HttpResponse<String> copied = both.get("citizen", "/api/v1/applications/" + later);
      assertNotEquals(200, copied.statusCode(), copied.body());
      assertFalse(copied.body().contains("11010519491231002X"), copied.body());
      assertEquals("11010519491231002X", both.read("citizen", number).getJsonObject("applicant")
          .getString("idNumber"), "the case the values belong to still reads");
      both.execute("update application set applicant = b.applicant, data = b.data from later_backup b"
          + " where application.number = '" + later + "'");
      both.execute("drop table later_backup");
    }

    // The old key is no longer needed: the platform starts without it and reads everything.
    env.put("TONGBAN_DATA_KEYS", newKey(cipher));
    try (TestGateway after = TestGateway.start(env)) {
      assertEquals("11010519491231002X", after.read("citizen", number).getJsonObject("applicant")
          .getString("idNumber"));
      login(after, "11010519491231002X", "tongban-demo");
      assertEquals(200, after.getBytes("/api/v1/licences?typeName=" + URLEncoder.encode("居民身份证",
          StandardCharsets.UTF_8), "Authorization", "Bearer " + after.token("citizen")).statusCode());
    }
  }

  @Test
  void dataStoredBeforeEncryptionIsSealedAtTheNextStart() throws Exception {
    Map<String, String> env = new HashMap<>();
    String number;
    try (TestGateway first = TestGateway.start(env)) {
      number = first.submitSample("mzj-elderly-preferential-card");
      env.put("TONGBAN_PG_URL", first.config().pgUrl().orElseThrow());
      env.put("TONGBAN_DATA_DIR", first.config().dataDir().toString());
      // As an installation from before encryption left them: plain values, plain values in the index columns.
      // (and the marker migration V33 leaves for the next start to seal them)
      first.execute("insert into personal_data_legacy values (true)");
      first.execute("update account set id_number_sealed = '11010519491231002X', id_number_index = '11010519491231002X',"
          + " phone_sealed = '13800138000', phone_index = '13800138000' where username = 'citizen'");
      first.execute("update application set applicant = '{\"kind\":\"PERSON\",\"name\":\"张三\",\"idNumber\":"
          + "\"11010519491231002X\"}', applicant_id_index = '11010519491231002X' where number = '" + number + "'");
    }
    try (TestGateway again = TestGateway.start(env)) {
      assertEquals(List.of(), plainCopies(again, "11010519491231002X"), "sealed at start");
      assertEquals(List.of(), plainCopies(again, "13800138000"), "sealed at start");
      login(again, "11010519491231002X", "tongban-demo");
      login(again, "13800138000", "tongban-demo");
      assertTrue(new JsonObject(again.get("citizen", "/api/v1/applications?limit=50").body()).getJsonArray("items")
          .stream()
          .map(JsonObject.class::cast).anyMatch(a -> number.equals(a.getString("number"))),
          "the applicant still finds their case by identity number");
    }
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
