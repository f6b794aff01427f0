package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.infra.EmbeddedPostgresServer;
import cn.tongban.core.infra.EmbeddedRedisServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Outages of the stores, on a gateway whose PostgreSQL and Redis this test stops and starts again in place:
 * requests fail fast with a 503 problem while PostgreSQL is down and the node recovers by itself; while Redis
 * is down health is degraded, signed-in users keep submitting (idempotency is the database's unique key)
 * and sign-in fails closed.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OutageTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  /** The slowest answer a request may get while a store is down. */
  private static final Duration FAIL_FAST = Duration.ofSeconds(8);
  private static Path root;
  private static EmbeddedPostgresServer postgres;
  private static EmbeddedRedisServer redis;
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createTempDirectory("tongban-outage");
    postgres = EmbeddedPostgresServer.start(root.resolve("pg"), false);
    redis = EmbeddedRedisServer.start(root.resolve("redis"));
    gateway = TestGateway.start(Map.of("TONGBAN_PG_URL", postgres.url(), "TONGBAN_REDIS_URL", redis.url()));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    redis.close();
    postgres.close();
  }

  @Test
  void postgresRestartedUnderLoadGivesFast503sAndTheNodeRecoversByItself() throws Exception {
    String citizen = gateway.token("citizen");
    JsonObject sample = gateway.sample(MATTER);
    List<Answer> answers = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<?>> load = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      load.add(clients.submit(() -> {
        for (int i = 0; !stop.get(); i++) {
          String key = "pg-" + thread + "-" + i;
          answers.add(timed(() -> thread % 2 == 0
              ? submit(citizen, key, sample)
              : gateway.send("GET", "/api/v1/matters?limit=5", null)));
        }
        return null;
      }));
    }
    Thread.sleep(500);
    int port = postgres.port();
    postgres.close();
    try {
      Thread.sleep(3000);
      HttpResponse<String> health = gateway.send("GET", "/health", null);
      assertEquals(503, health.statusCode());
      JsonObject h = new JsonObject(health.body());
      assertEquals("DOWN", h.getString("status"));
      assertEquals("DOWN", h.getJsonObject("components").getJsonObject("postgres").getString("status"));
      // A burst beyond the pool: every request is answered 503 quickly, none waits for the server.
      ExecutorService burst = Executors.newFixedThreadPool(16);
      List<Future<Answer>> burstAnswers = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        burstAnswers.add(burst.submit(() -> timed(() -> gateway.send("GET", "/api/v1/matters/" + MATTER, null))));
      }
      for (Future<Answer> f : burstAnswers) {
        Answer a = f.get(30, TimeUnit.SECONDS);
        assertEquals(503, a.status, a.body);
        assertDependencyProblem(a, "PostgreSQL");
      }
      burst.shutdown();
    } finally {
      postgres = EmbeddedPostgresServer.start(root.resolve("pg"), false, port);
    }
    TestGateway.awaitUntil(Duration.ofSeconds(30), () -> status("GET", "/health") == 200);
    TestGateway.awaitUntil(Duration.ofSeconds(30), () -> answers.size() > 2
        && answers.get(answers.size() - 1).status / 100 == 2 && answers.get(answers.size() - 2).status / 100 == 2);
    stop.set(true);
    for (Future<?> f : load) {
      f.get(30, TimeUnit.SECONDS);
    }
    clients.shutdown();

    List<Answer> all = new ArrayList<>(answers);
    assertTrue(all.stream().anyMatch(a -> a.status == 503), "the load saw the outage");
    for (Answer a : all) {
      assertTrue(a.status == 200 || a.status == 201 || a.status == 503, a.status + " " + a.body);
      assertTrue(a.took.compareTo(FAIL_FAST) < 0, "an answer took " + a.took);
      if (a.status == 503) {
        assertDependencyProblem(a, "PostgreSQL");
      }
    }
    assertEquals(201, submit(citizen, "pg-after", sample).statusCode(), "submissions work again");
  }

  @Test
  void redisDownDegradesHealthKeepsSubmissionsAndRefusesSignIn() throws Exception {
    String citizen = gateway.token("citizen");
    String portal = clientToken();
    JsonObject sample = gateway.sample(MATTER);
    int port = redis.port();
    redis.close();
    try {
      HttpResponse<String> health = gateway.send("GET", "/health", null);
      assertEquals(503, health.statusCode());
      JsonObject h = new JsonObject(health.body());
      assertAll("health while Redis is down",
          () -> assertEquals("DEGRADED", h.getString("status")),
          () -> assertEquals("UP", h.getJsonObject("components").getJsonObject("postgres").getString("status")),
          () -> assertEquals("DOWN", h.getJsonObject("components").getJsonObject("redis").getString("status")));

      // Signed-in users keep working; a retried submission is recognised by the database's unique key.
      HttpResponse<String> first = submit(citizen, "redis-down-1", sample);
      assertEquals(201, first.statusCode(), first.body());
      HttpResponse<String> again = submit(citizen, "redis-down-1", sample);
      assertEquals(201, again.statusCode(), again.body());
      assertEquals(new JsonObject(first.body()).getString("number"), new JsonObject(again.body()).getString("number"));
      assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(null));
      assertEquals(1, gateway.count("select count(*) from application where idempotency_key = 'redis-down-1'"));
      assertEquals(200, gateway.send("GET", "/api/v1/applications", null, "Authorization", "Bearer " + citizen)
          .statusCode());
      // Clients go uncounted rather than refused.
      assertEquals(200, gateway.send("GET", "/api/v1/matters?limit=1", null, "Authorization", "Bearer " + portal)
          .statusCode());

      // Sign-in fails closed: a 503 problem for right and wrong passwords alike, never a 401 to guess on.
      for (String password : new String[] {"tongban-demo", "wrong-1", "wrong-2", "wrong-3", "wrong-4", "wrong-5",
          "wrong-6"}) {
        Answer login = timed(() -> gateway.send("POST", "/api/v1/auth/token", new JsonObject()
            .put("grant_type", "password").put("username", "citizen").put("password", password).encode(),
            "Content-Type", "application/json"));
        assertEquals(503, login.status, login.body);
        assertDependencyProblem(login, "Redis");
        assertTrue(login.took.compareTo(Duration.ofSeconds(3)) < 0, "sign-in refused after " + login.took);
      }
      Answer en = timed(() -> gateway.send("POST", "/api/v1/auth/token", new JsonObject()
          .put("grant_type", "password").put("username", "citizen").put("password", "x").encode(),
          "Content-Type", "application/json", "Accept-Language", "en"));
      assertTrue(new JsonObject(en.body).getString("detail").startsWith("Sign-in protection (Redis)"), en.body);
    } finally {
      redis = EmbeddedRedisServer.start(root.resolve("redis"), port);
    }
    TestGateway.awaitUntil(Duration.ofSeconds(60), () -> status("GET", "/health") == 200);
    assertEquals(201, submit(gateway.token("citizen"), "redis-back", sample).statusCode());
  }

  private static void assertDependencyProblem(Answer a, String store) {
    assertEquals("application/problem+json", a.contentType, a.body);
    JsonObject p = new JsonObject(a.body);
    assertEquals("dependency-unavailable", p.getString("code"), a.body);
    assertTrue(p.getString("detail").contains(store), a.body);
    if (store.equals("Redis")) {
      assertTrue(a.retryAfter != null, "Retry-After on a refused sign-in");
    }
  }

  private static HttpResponse<String> submit(String token, String key, JsonObject data) throws Exception {
    return gateway.send("POST", "/api/v1/applications", new JsonObject().put("matterCode", MATTER)
            .put("channel", "WEB").put("data", data).encode(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json", "Idempotency-Key", key);
  }

  private static String clientToken() throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/api/v1/auth/token", new JsonObject()
        .put("grant_type", "client_credentials").put("client_id", "portal-demo").put("client_secret", "tongban-demo")
        .encode(), "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("access_token");
  }

  private static int status(String method, String path) {
    try {
      return gateway.send(method, path, null).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private record Answer(int status, String contentType, String body, String retryAfter, Duration took) {
  }

  private interface Request {
    HttpResponse<String> send() throws Exception;
  }

  private static Answer timed(Request request) throws Exception {
    long begin = System.nanoTime();
    HttpResponse<String> r = request.send();
    return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
        r.headers().firstValue("Retry-After").orElse(null), Duration.ofNanos(System.nanoTime() - begin));
  }
}
