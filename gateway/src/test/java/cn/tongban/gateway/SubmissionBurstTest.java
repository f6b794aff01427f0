package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many submissions at once through the real gateway, so that they share one execution of the submission
 * statement (group commit): each applicant gets their own case with everything it should have, as if they
 * had submitted alone. To make the batch form whatever the machine's speed, the test holds a lock on the case
 * table while the first submission is on its way (one at a time: TONGBAN_SUBMIT_IN_FLIGHT=1), waits until every
 * other submission of the burst is queued behind it, then lets go: the queued ones go out as one batch.
 */
class SubmissionBurstTest {
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final String SUBSIDIES = "mzj-disability-two-subsidies";
  private static final String REFUSED_KEY = "refused-by-the-database";
  private static TestGateway gateway;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final Map<String, String> TOKENS = new java.util.HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of("TONGBAN_SUBMIT_IN_FLIGHT", "1"));
    for (String user : new String[] {"citizen", "clerk.town"}) {
      TOKENS.put(user, gateway.token(user));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private record Submit(String user, JsonObject body, String key) {
  }

  private static Submit online(String matter, String key) throws Exception {
    return new Submit("citizen", new JsonObject().put("matterCode", matter).put("channel", "WEB")
        .put("data", gateway.sample(matter)), key);
  }

  /** 李四 walks in at the township window with a matter decided in the city: forwarded (同城通办). */
  private static Submit walkIn(String idNumber) throws Exception {
    JsonObject body = new JsonObject().put("matterCode", ELDERLY).put("channel", "WINDOW")
        .put("data", gateway.sample(ELDERLY))
        .put("applicant", new JsonObject().put("name", "李四").put("idNumber", idNumber));
    body.getJsonObject("data").put("name", "李四").put("idNumber", idNumber).put("householdTownship", "超化镇");
    return new Submit("clerk.town", body, null);
  }

  private static CompletableFuture<HttpResponse<String>> send(Submit s) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUri() + "/api/v1/applications"))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + TOKENS.get(s.user()))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(s.body().encode()));
    if (s.key() != null) {
      b.header("Idempotency-Key", s.key());
    }
    return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends {@code first}, holds it at the database, sends the others and waits until all of them are queued
   * behind it, then lets it commit: the others go out as one batch. The answers, in the order given.
   */
  private static List<HttpResponse<String>> burst(Submit first, List<Submit> others) throws Exception {
    PgConnectOptions o = PgConnectOptions.fromUri(gateway.config().pgUrl().orElseThrow());
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    try (var lock = java.sql.DriverManager.getConnection("jdbc:postgresql://" + o.getHost() + ":" + o.getPort()
        + "/" + o.getDatabase(), o.getUser(), o.getPassword())) {
      lock.setAutoCommit(false);
      try (var st = lock.createStatement()) {
        st.execute("lock table application in share mode");
      }
      sent.add(send(first));
      TestGateway.awaitUntil(Duration.ofSeconds(60), () -> waitingForTheLock() >= 1);
      others.forEach(s -> sent.add(send(s)));
      TestGateway.awaitUntil(Duration.ofSeconds(60),
          () -> gateway.platform().submissionsQueued() == others.size());
      lock.commit();
    }
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : sent) {
      answers.add(f.get(60, TimeUnit.SECONDS));
    }
    return answers;
  }

  private static long waitingForTheLock() {
    try {
      return gateway.count("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
          + " and query like 'with input as%unnest(%'");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String created(HttpResponse<String> r) {
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("number");
  }

  private static String quoted(Set<String> numbers) {
    return numbers.stream().map(n -> "'" + n + "'").collect(Collectors.joining(","));
  }

  @Test
  void aBurstSharesOneStatementAndEveryApplicantGetsTheirOwnCase() throws Exception {
    List<Submit> others = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      others.add(online(SUBSIDIES, null));
    }
    for (int i = 0; i < 4; i++) {
      others.add(walkIn(TestGateway.idNumber("44052418800101" + String.format("%03d", 100 + i))));
    }
    Submit twice = online(ELDERLY, "burst-twice");
    others.add(twice);
    others.add(twice);
    others.add(online(ELDERLY, "burst-once"));
    List<HttpResponse<String>> answers = burst(online(ELDERLY, null), others);

    List<String> numbers = answers.stream().map(SubmissionBurstTest::created).toList();
    // The same idempotency key twice in one batch: one case, the second caller answered with it as a replay.
    String first = numbers.get(13);
    assertEquals(first, numbers.get(14), "the repeated key returns the same case");
    assertEquals(1, answers.subList(13, 15).stream()
        .filter(r -> "true".equals(r.headers().firstValue("Idempotent-Replayed").orElse(null))).count(),
        "exactly one of the two is answered as the replay");
    Set<String> distinct = new HashSet<>(numbers);
    assertEquals(numbers.size() - 1, distinct.size(), "every other caller has a case of their own");
    assertEquals(1, gateway.count("select count(*) from application where idempotency_key = 'burst-twice'"));

    Set<String> queued = new HashSet<>(numbers.subList(1, numbers.size()));
    assertEquals(1, gateway.count("select count(distinct xmin::text) from application where number in ("
        + quoted(queued) + ")"), "the queued submissions were one statement's, one commit");
    assertEquals(queued.size(), gateway.count("select count(*) from audit_event where action = 'application.submitted'"
        + " and entity_id in (" + quoted(queued) + ")"));
    assertEquals(queued.size(), gateway.count("select count(*) from outbox_event where event_type = 'ApplicationSubmitted'"
        + " and aggregate_id in (" + quoted(queued) + ")"));

    for (int i = 1; i <= 8; i++) {
      JsonObject certificate = materials(numbers.get(i)).stream().map(m -> (JsonObject) m)
          .filter(m -> "居民身份证".equals(m.getString("licenceType"))).findFirst().orElseThrow();
      assertEquals("LICENCE", certificate.getJsonObject("satisfiedBy").getString("kind"),
          "免提交 in the batch: " + certificate.encode());
      JsonObject c = gateway.read("citizen", numbers.get(i));
      assertEquals(SUBSIDIES, c.getString("matterCode"));
      assertEquals("张三", c.getJsonObject("applicant").getString("name"), "the citizen's own case, opened");
    }
    for (int i = 9; i <= 12; i++) {
      JsonObject c = new JsonObject(answers.get(i).body());
      assertTrue(c.getJsonObject("sameCity").getBoolean("forwarded"), c.encode());
      assertEquals(TestGateway.idNumber("44052418800101" + String.format("%03d", 100 + i - 9)),
          gateway.read("clerk.town", numbers.get(i)).getJsonObject("applicant").getString("idNumber"),
          "each walk-in case holds its own applicant");
      JsonArray steps = new JsonArray(gateway.get("clerk.town", "/api/v1/applications/" + numbers.get(i) + "/steps")
          .body());
      assertEquals(List.of("收件", "转办"), steps.stream().map(s -> ((JsonObject) s).getString("stepName")).toList());
      assertEquals(1, gateway.count("select count(*) from outbox_event where aggregate_id = '" + numbers.get(i)
          + "' and event_type = 'ApplicationForwarded'"));
    }
    assertEquals(0, gateway.count("select count(*) from case_step where action = 'forward' and application_id in"
        + " (select id from application where number in (" + quoted(Set.copyOf(numbers.subList(13, 16))) + "))"),
        "online cases are not forwarded");
  }

  @Test
  void aRowPostgresRefusesFailsOnlyItsOwnCallerInTheBurst() throws Exception {
    // A constraint only this test's key breaks: the batch is refused, and each submission runs again alone.
    gateway.execute("alter table application add constraint burst_refused check (idempotency_key is distinct from '"
        + REFUSED_KEY + "') not valid");
    try {
      List<Submit> others = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        others.add(online(ELDERLY, "burst-good-" + i));
      }
      others.add(2, online(ELDERLY, REFUSED_KEY));
      List<HttpResponse<String>> answers = burst(online(ELDERLY, null), others);
      for (int i = 0; i < answers.size(); i++) {
        if (i == 3) {
          assertEquals(500, answers.get(i).statusCode(), answers.get(i).body());
        } else {
          created(answers.get(i));
        }
      }
      assertEquals(5, gateway.count("select count(*) from application where idempotency_key like 'burst-good-%'"));
      assertEquals(0, gateway.count("select count(*) from application where idempotency_key = '" + REFUSED_KEY + "'"));
    } finally {
      gateway.execute("alter table application drop constraint burst_refused");
    }
  }

  private static JsonArray materials(String number) throws Exception {
    HttpResponse<String> r = gateway.get("reviewer.mzj", "/api/v1/applications/" + number + "/materials");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonArray(r.body());
  }
}
