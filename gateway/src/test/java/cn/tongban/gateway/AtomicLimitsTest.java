package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 27, atomic limits: every counter in Redis (login failures, rates) carries an expiry from its first count
 * on, even one a fault left without (INCR done, EXPIRE never run); idempotency keys are forgotten after their
 * retention.
 */
class AtomicLimitsTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_LOGIN_LOCK_SECONDS", "900"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpResponse<String> wrongPassword(String user) throws Exception {
    return gateway.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", user).put("password", "not-the-password").encode(), "Content-Type", "application/json");
  }

  /** The keys matching {@code pattern} in this gateway's Redis. */
  private static List<String> keys(String pattern) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : gateway.redis("KEYS " + pattern).split("\r\n")) {
      if (!line.isEmpty() && !line.startsWith("+") && !line.startsWith("*") && !line.startsWith("$")) {
        out.add(line);
      }
    }
    return out;
  }

  private static long ttl(String key) throws Exception {
    String[] lines = gateway.redis("TTL " + key).split("\r\n");
    return Long.parseLong(lines[1].substring(1));
  }

  @Test
  void aCounterLeftWithoutExpiryByAFaultGetsOneAtTheNextFailureAndNoneIsEverWithout() throws Exception {
    assertEquals(401, wrongPassword("agent.village").statusCode());
    List<String> counters = keys("login:fail:*");
    assertTrue(counters.size() >= 2, "the account's and the address's failures are counted: " + counters);
    for (String key : counters) {
      long ttl = ttl(key);
      assertTrue(ttl > 0 && ttl <= 900, key + " expires within the lock time, TTL " + ttl);
    }
    // What INCR followed by a separate EXPIRE leaves when the process dies between the two: a count without
    // an expiry, which would lock the account for ever once it reached the limit.
    for (String key : counters) {
      assertTrue(gateway.redis("PERSIST " + key).contains(":1"), key);
      assertEquals(-1, ttl(key));
    }
    assertEquals(401, wrongPassword("agent.village").statusCode());
    for (String key : keys("login:fail:*")) {
      long ttl = ttl(key);
      assertTrue(ttl > 0 && ttl <= 900, key + " has an expiry again after the next failure, TTL " + ttl);
    }
    // Rates are counted by the same script: their windows expire as well.
    HttpResponse<String> q = gateway.send("POST", "/graphql", new JsonObject().put("query", "{ __typename }").encode(),
        "Content-Type", "application/json");
    assertEquals(200, q.statusCode(), q.body());
    List<String> rates = keys("rate:*");
    assertFalse(rates.isEmpty(), "the GraphQL operation was counted");
    for (String key : rates) {
      long ttl = ttl(key);
      // one-minute windows (a client's rate window is given 61 s, to outlive its minute)
      assertTrue(ttl > 0 && ttl <= 61, key + " TTL " + ttl);
    }
  }

  @Test
  void idempotencyKeysAreForgottenAfterTheirRetention() throws Exception {
    String body = new JsonObject().put("matterCode", "mzj-elderly-preferential-card").put("channel", "WEB")
        .put("data", gateway.sample("mzj-elderly-preferential-card")).encode();
    String token = gateway.token("citizen");
    HttpResponse<String> first = gateway.send("POST", "/api/v1/applications", body, "Authorization", "Bearer " + token,
        "Content-Type", "application/json", "Idempotency-Key", "retention-1");
    assertEquals(201, first.statusCode(), first.body());
    String number = new JsonObject(first.body()).getString("number");
    String stored = gateway.text("select request_hash from application where number = '" + number + "'");
    assertTrue(stored.startsWith("m1:"), "a keyed hash, not a plain SHA-256 over the applicant's data: " + stored);
    HttpResponse<String> retry = gateway.send("POST", "/api/v1/applications", body, "Authorization", "Bearer " + token,
        "Content-Type", "application/json", "Idempotency-Key", "retention-1");
    assertEquals(number, new JsonObject(retry.body()).getString("number"), "within the retention: the same case");

    // Nothing is due yet: the pass forgets nothing of this case.
    gateway.platform().expireIdempotencyKeys().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals("retention-1", gateway.text("select idempotency_key from application where number = '" + number + "'"));

    gateway.execute("update application set submitted_at = submitted_at - interval '25 hours' where number = '"
        + number + "'");
    int forgotten = gateway.platform().expireIdempotencyKeys().toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    assertTrue(forgotten >= 1, "forgotten: " + forgotten);
    assertNull(gateway.text("select idempotency_key from application where number = '" + number + "'"));
    assertNull(gateway.text("select request_hash from application where number = '" + number + "'"));
    HttpResponse<String> later = gateway.send("POST", "/api/v1/applications", body, "Authorization", "Bearer " + token,
        "Content-Type", "application/json", "Idempotency-Key", "retention-1");
    assertEquals(201, later.statusCode(), later.body());
    assertNotEquals(number, new JsonObject(later.body()).getString("number"), "after the retention the key is new");
  }
}
