package cn.tongban.gateway;

import static cn.tongban.gateway.RunningJar.awaitUntil;
import static cn.tongban.gateway.RunningJar.postmastersFor;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Crash drill on the shaded jar in embedded mode: several clients submit cases (each with an
 * Idempotency-Key) and accept them at the window while the JVM is killed with SIGKILL, three times over.
 * After the last restart every acknowledged submission and acceptance is there exactly once, retrying every
 * request gives the same answer, every outbox event is delivered, and the PostgreSQL and Redis each killed
 * JVM left behind never blocked the next start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CrashSafetyIT {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static final int ROUNDS = 3;
  private static final int SUBMITTERS = 3;
  private static final int CLERKS = 2;
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<ProcessHandle> spawned = new CopyOnWriteArrayList<>();
  /** Where each Redis killed with its JVM had its binary extracted (kill -9 leaves it in the temp directory). */
  private final List<Path> leftoverRedisBinaryDirs = new ArrayList<>();
  private final Random random = new Random(Long.getLong("crash.seed", System.nanoTime()));
  private Path jar;
  private Path workDir;
  private Path dataDir;
  private RunningJar app;
  private int starts;

  /** Idempotency key → the case number a 201 acknowledged. */
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  /** Idempotency keys whose request was in flight when the JVM died (it may or may not have committed). */
  private final Set<String> inDoubt = ConcurrentHashMap.newKeySet();
  private final Set<String> accepted = ConcurrentHashMap.newKeySet();
  private final Set<String> acceptInDoubt = ConcurrentHashMap.newKeySet();
  /** Answers that are neither success nor a dropped connection: none is expected. */
  private final List<String> unexpected = new CopyOnWriteArrayList<>();

  @BeforeAll
  void freshDataDirectory() throws IOException {
    jar = RunningJar.shadedJar();
    workDir = Files.createTempDirectory(jar.getParent(), "crash-safety-").toRealPath();
    dataDir = workDir.resolve("data");
  }

  @Test
  void everyAcknowledgedSubmissionAndTransitionSurvivesRepeatedKills() throws Exception {
    JsonObject sample = null;
    for (int round = 1; round <= ROUNDS; round++) {
      app = start("round " + round);
      if (sample == null) {
        sample = sample();
      }
      runLoadAndKill(round, sample);
    }
    app = start("after the last kill");

    // Retrying every submission gives the case a 201 named, and creates none for a key that already has one.
    String citizen = token("citizen");
    for (String key : union(acknowledged.keySet(), inDoubt)) {
      HttpResponse<String> again = submit(citizen, key, sample);
      assertEquals(201, again.statusCode(), () -> key + ": " + again.body() + app.tail());
      String number = new JsonObject(again.body()).getString("number");
      if (acknowledged.containsKey(key)) {
        assertEquals(acknowledged.get(key), number, "a retried request names the acknowledged case");
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(null), key);
      }
    }
    // An acceptance in doubt either happened (409 now) or happens now; never twice.
    String clerk = token("clerk");
    for (String number : acceptInDoubt) {
      int status = accept(clerk, number).statusCode();
      assertTrue(status == 200 || status == 409, number + ": " + status);
    }

    try (Connection db = database()) {
      long keys = union(acknowledged.keySet(), inDoubt).size();
      assertAll("the database after " + ROUNDS + " kills",
          () -> assertEquals(keys, count(db, "select count(*) from application where idempotency_key like 'crash-%'"),
              "one case per idempotency key"),
          () -> assertEquals(keys, count(db, "select count(distinct idempotency_key) from application"
              + " where idempotency_key like 'crash-%'")),
          () -> assertEquals(0, count(db, "select count(*) from application a where (select count(*) from case_step s"
              + " where s.application_id = a.id and s.action = 'submit') <> 1"), "one submit step per case"),
          () -> assertEquals(0, count(db, "select count(*) from application a where (select count(*) from audit_event e"
              + " where e.entity_id = a.number and e.action = 'application.submitted') <> 1"),
              "one submission audit event per case"),
          () -> assertEquals(0, count(db, "select count(*) from application a where (select count(*) from case_step s"
              + " where s.application_id = a.id and s.action = 'accept') > 1"), "no case accepted twice"),
          () -> assertEquals(0, count(db, "select count(*) from application a where (select count(*) from audit_event e"
              + " where e.entity_id = a.number and e.action = 'application.accept') > 1"),
              "no acceptance audited twice"));
      for (String number : accepted) {
        assertEquals(1, count(db, "select count(*) from case_step s join application a on a.id = s.application_id"
            + " where a.number = '" + number + "' and s.action = 'accept'"), number + " accepted exactly once");
        assertEquals(1, count(db, "select count(*) from audit_event where entity_id = '" + number
            + "' and action = 'application.accept'"), number + " acceptance audited exactly once");
      }

      // Events written before a kill are delivered after the restart, each case's once per step.
      assertTrue(awaitUntil(Duration.ofSeconds(60),
              () -> count(db, "select count(*) from outbox_event where status <> 'DELIVERED'") == 0),
          () -> "undelivered outbox events: " + rows(db, "select event_type, status, count(*) from outbox_event"
              + " group by 1, 2 order by 1, 2") + app.tail());
      long cases = count(db, "select count(*) from application");
      long accepts = count(db, "select count(*) from case_step where action = 'accept'");
      assertEquals(cases, count(db, "select count(*) from outbox_event where event_type = 'ApplicationSubmitted'"));
      assertEquals(accepts, count(db, "select count(*) from outbox_event where event_type = 'ApplicationAccept'"));
      System.out.println("crash drill: " + cases + " cases (" + acknowledged.size() + " acknowledged, "
          + inDoubt.size() + " in doubt), " + accepts + " accepted (" + accepted.size() + " acknowledged, "
          + acceptInDoubt.size() + " in doubt); outbox " + rows(db,
          "select event_type, status, count(*) from outbox_event group by 1, 2 order by 1, 2"));
    }
    assertTrue(acknowledged.size() >= ROUNDS && !accepted.isEmpty(), "the load did too little to prove anything");
    assertEquals(List.of(), unexpected, "answers other than success or a dropped connection");
    assertFalse(RunningJar.afterListening(app.log()).contains("SEVERE"), app::tail);
  }

  /** Clients submit and accept until the JVM is killed at a random moment, 1–3 s after the first 201. */
  private void runLoadAndKill(int round, JsonObject sample) throws Exception {
    String citizen = token("citizen");
    String clerk = token("clerk");
    ConcurrentLinkedQueue<String> toAccept = new ConcurrentLinkedQueue<>();
    AtomicBoolean killed = new AtomicBoolean();
    AtomicInteger sequence = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(SUBMITTERS + CLERKS);
    for (int t = 0; t < SUBMITTERS; t++) {
      clients.submit(() -> {
        while (!killed.get()) {
          String key = "crash-r" + round + "-" + sequence.incrementAndGet();
          try {
            HttpResponse<String> r = submit(citizen, key, sample);
            if (r.statusCode() == 201) {
              String number = new JsonObject(r.body()).getString("number");
              acknowledged.put(key, number);
              toAccept.add(number);
            } else {
              unexpected.add("submit " + key + ": " + r.statusCode() + " " + r.body());
            }
          } catch (IOException e) {
            inDoubt.add(key);
          }
        }
        return null;
      });
    }
    for (int t = 0; t < CLERKS; t++) {
      clients.submit(() -> {
        while (!killed.get()) {
          String number = toAccept.poll();
          if (number == null) {
            Thread.sleep(10);
            continue;
          }
          try {
            HttpResponse<String> r = accept(clerk, number);
            if (r.statusCode() == 200) {
              accepted.add(number);
            } else {
              unexpected.add("accept " + number + ": " + r.statusCode() + " " + r.body());
            }
          } catch (IOException e) {
            acceptInDoubt.add(number);
          }
        }
        return null;
      });
    }
    int before = acknowledged.size();
    assertTrue(awaitUntil(Duration.ofSeconds(30), () -> acknowledged.size() > before), "no submission succeeded");
    Thread.sleep(1000 + random.nextInt(2000));
    // Servers the JVM started, to check they do not block the next start.
    ProcessHandle postgres = RunningJar.aliveProcess(dataDir.resolve("pg").resolve("postmaster.pid"), "postgres");
    ProcessHandle redis = RunningJar.aliveProcess(dataDir.resolve("redis").resolve("redis.pid"), "redis");
    spawned.add(postgres);
    spawned.add(redis);
    redis.info().command().map(c -> Path.of(c).getParent()).ifPresent(leftoverRedisBinaryDirs::add);
    app.kill();
    killed.set(true);
    clients.shutdown();
    assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS), "clients did not stop after the kill");
    assertTrue(postgres.isAlive() && redis.isAlive(), "kill -9 leaves the embedded servers running");
    System.out.println("round " + round + ": killed with " + acknowledged.size() + " submissions and "
        + accepted.size() + " acceptances acknowledged so far");
  }

  private RunningJar start(String what) throws Exception {
    List<ProcessHandle> leftovers = List.copyOf(spawned);
    RunningJar started = RunningJar.start(jar, workDir, dataDir, ++starts, Map.of(), what);
    spawned.add(started.process.toHandle());
    assertTrue(leftovers.stream().noneMatch(ProcessHandle::isAlive), "a server left by a killed JVM still runs");
    assertEquals(1, postmastersFor(dataDir.resolve("pg")).size(), "one postmaster on the data directory");
    return started;
  }

  private HttpResponse<String> submit(String token, String key, JsonObject data) throws IOException,
      InterruptedException {
    String body = new JsonObject().put("matterCode", MATTER).put("channel", "WEB").put("data", data).encode();
    return send("POST", "/api/v1/applications", body, "Authorization", "Bearer " + token, "Idempotency-Key", key);
  }

  private HttpResponse<String> accept(String token, String number) throws IOException, InterruptedException {
    return send("POST", "/api/v1/applications/" + number + "/actions", "{\"action\":\"accept\"}",
        "Authorization", "Bearer " + token);
  }

  private String token(String user) throws Exception {
    HttpResponse<String> r = send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", user).put("password", "tongban-demo").encode());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("access_token");
  }

  private JsonObject sample() throws Exception {
    HttpResponse<String> r = send("GET", "/api/v1/matters/" + MATTER, null);
    return new JsonObject(r.body()).getJsonObject("form").getJsonObject("schema").getJsonArray("examples")
        .getJsonObject(0);
  }

  private HttpResponse<String> send(String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port + path))
        .timeout(HTTP_TIMEOUT).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Connection database() throws Exception {
    String port = Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(3).trim();
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres");
  }

  private static long count(Connection db, String sql) {
    try (var st = db.createStatement(); var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static String rows(Connection db, String sql) {
    List<String> out = new ArrayList<>();
    try (var st = db.createStatement(); var rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(sql, e);
    }
    return String.join(", ", out);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  @AfterAll
  void noServerOutlivesTheTest() throws Exception {
    if (app != null && app.process.isAlive()) {
      app.process.destroy();
      app.process.waitFor(30, TimeUnit.SECONDS);
    }
    if (dataDir == null) {
      return;
    }
    List<ProcessHandle> leftovers = new ArrayList<>(spawned);
    leftovers.addAll(RunningJar.serversOn(dataDir));
    List<String> stopped = RunningJar.stopAll(leftovers);
    if (!stopped.isEmpty()) {
      System.out.println("clean-up had to stop: " + stopped);
    }
    if (leftovers.stream().noneMatch(ProcessHandle::isAlive)) {
      for (Path dir : leftoverRedisBinaryDirs) {
        if (dir.getFileName().toString().startsWith("redis-") && Files.isDirectory(dir)) {
          RunningJar.deleteTree(dir);
        }
      }
      RunningJar.deleteTree(dataDir);
    }
  }
}
