package cn.tongban.gateway;

import static cn.tongban.gateway.RunningJar.aliveProcess;
import static cn.tongban.gateway.RunningJar.awaitUntil;
import static cn.tongban.gateway.RunningJar.deleteTree;
import static cn.tongban.gateway.RunningJar.postmastersFor;
import static cn.tongban.gateway.RunningJar.readPid;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cn.tongban.client.ApiClient;
import cn.tongban.client.ApiException;
import cn.tongban.client.ApiResponse;
import cn.tongban.client.api.ApplicationsApi;
import cn.tongban.client.api.AuthApi;
import cn.tongban.client.api.MattersApi;
import cn.tongban.client.api.SystemApi;
import cn.tongban.client.model.Application;
import cn.tongban.client.model.Channel;
import cn.tongban.client.model.Health;
import cn.tongban.client.model.MatterDetail;
import cn.tongban.client.model.SubmitApplicationRequest;
import cn.tongban.client.model.TokenRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the shaded {@code tongban.jar} as an operator would: a separate JVM with no configuration but a
 * port and a data directory, stopped with SIGTERM and, once, killed with SIGKILL. Checks that cases survive
 * restarts, that SIGTERM stops the embedded PostgreSQL and Redis, that {@code audit verify} checks the data
 * directory of a running and of a stopped node, and that a start after a kill -9 stops the servers the
 * killed process left behind. Prints the cold and warm start-up times (not asserted).
 *
 * <p>The methods share one data directory and run in order; each one assumes what the previous ones built.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JarLifecycleIT {
  private static final Duration START_TIMEOUT = RunningJar.START_TIMEOUT;
  /** How long an operator (or Kubernetes' default grace period) waits after SIGTERM before SIGKILL. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(15);
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static final String USER = "citizen";
  private static final String PASSWORD = "tongban-demo";
  /** JVM exit status after a SIGTERM that ran the shutdown hooks (128 + 15), or 0. */
  private static final Set<Integer> SIGTERM_EXIT_CODES = Set.of(0, 143);

  private Path jar;
  private Path workDir;
  private Path dataDir;
  private RunningJar app;
  private int starts;
  private int auditChecks;
  private String caseNumber;
  private Application caseAsSubmitted;
  private final List<ProcessHandle> spawned = new ArrayList<>();
  /** Where the Redis killed with its JVM had its binary extracted (left in the temp directory by kill -9). */
  private Path leftoverRedisBinaryDir;

  @BeforeAll
  void freshDataDirectory() throws IOException {
    jar = RunningJar.shadedJar();
    workDir = Files.createTempDirectory(jar.getParent(), "jar-lifecycle-").toRealPath();
    dataDir = workDir.resolve("data");
    System.out.println("data directory: " + dataDir + " (logs of each start next to it)");
  }

  @Test
  @Order(1)
  void coldStartServesHealthLoginAndASubmittedCase() throws Exception {
    app = start("cold start (empty data directory)");

    Health health = call("GET /health", () -> new SystemApi(client(app.port, null)).getHealth());
    assertEquals(Health.StatusEnum.UP, health.getStatus(), () -> "health: " + health + app.tail());

    String token = login(app);
    MatterDetail matter = call("GET /api/v1/matters/" + MATTER,
        () -> new MattersApi(client(app.port, null)).getMatter(MATTER));
    Map<String, Object> sample = firstExample(matter);

    ApplicationsApi applications = new ApplicationsApi(client(app.port, token));
    ApiResponse<Application> submitted = call("POST /api/v1/applications",
        () -> applications.submitApplicationWithHttpInfo(new SubmitApplicationRequest()
            .matterCode(MATTER).channel(Channel.WEB).data(sample), null));
    assertEquals(201, submitted.getStatusCode(), app::tail);
    Application created = submitted.getData();
    assertNotNull(created.getNumber(), "the created case has no number");
    assertEquals(MATTER, created.getMatterCode());

    Application readBack = call("GET /api/v1/applications/" + created.getNumber(),
        () -> applications.getApplication(created.getNumber()));
    assertEquals(created.getNumber(), readBack.getNumber());
    assertEquals(MATTER, readBack.getMatterCode());
    assertNotNull(readBack.getData(), "the case read back has no data");
    caseNumber = readBack.getNumber();
    caseAsSubmitted = readBack;
    System.out.println("submitted case " + caseNumber);

    // The audit check of a running node connects to that node's embedded PostgreSQL.
    Command check = auditVerify();
    assertEquals(0, check.status, check.output);
    assertTrue(check.output.contains("审计链完整"), check.output);

    // An acknowledged case is on disk: the embedded server flushes every commit (the library's default is
    // fsync off).
    String port = Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(3).trim();
    try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
        "postgres", "postgres"); var st = c.createStatement()) {
      for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
        try (var rs = st.executeQuery("show " + setting)) {
          rs.next();
          assertEquals("on", rs.getString(1), setting);
        }
      }
      // Personal data is sealed under keys the first start generated, readable only by their owner.
      Path keys = dataDir.resolve("keys").resolve("personal-data.properties");
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(keys)));
      try (var rs = st.executeQuery("select count(*) from application where applicant like 'ENC3:%'"
          + " and data like 'ENC3:%'")) {
        rs.next();
        assertTrue(rs.getLong(1) >= 1, "the submitted case is stored sealed");
      }
    }
  }

  @Test
  @Order(2)
  void sigtermStopsTheJvmAndBothEmbeddedServers() throws Exception {
    assumeTrue(app != null && app.process.isAlive(), "no running instance from the previous step");
    stopWithSigterm(app);
  }

  @Test
  @Order(3)
  void auditVerifyChecksAStoppedDataDirectoryAndStopsItsPostgresAgain() throws Exception {
    assumeTrue(app != null && !app.process.isAlive(), "the instance was not stopped in the previous step");
    Command check = auditVerify();
    assertEquals(0, check.status, check.output);
    assertTrue(check.output.contains("审计链完整"), check.output);
    assertFalse(Files.exists(dataDir.resolve("pg").resolve("postmaster.pid")),
        "the PostgreSQL started for the check still runs");
  }

  @Test
  @Order(4)
  void restartKeepsEveryCaseAndAFreshLoginWorks() throws Exception {
    assumeTrue(caseNumber != null, "no case was submitted in the first step");
    app = start("warm start (same data directory, after SIGTERM)");

    String token = login(app);
    Application afterRestart = call("GET /api/v1/applications/" + caseNumber,
        () -> new ApplicationsApi(client(app.port, token)).getApplication(caseNumber));
    assertCaseUnchanged(afterRestart);
  }

  @Test
  @Order(5)
  void startsAfterAKill9AndStopsTheServersItLeftBehind() throws Exception {
    assumeTrue(caseNumber != null, "no case was submitted in the first step");
    if (app == null || !app.process.isAlive()) {
      app = start("start before kill -9");
    }
    Path postmasterPid = dataDir.resolve("pg").resolve("postmaster.pid");
    Path redisPid = dataDir.resolve("redis").resolve("redis.pid");
    ProcessHandle leftoverPostgres = aliveProcess(postmasterPid, "postgres");
    ProcessHandle leftoverRedis = aliveProcess(redisPid, "redis");
    spawned.add(leftoverPostgres);
    spawned.add(leftoverRedis);
    leftoverRedisBinaryDir = leftoverRedis.info().command().map(c -> Path.of(c).getParent()).orElse(null);

    app.process.destroyForcibly();
    assertTrue(app.process.waitFor(20, TimeUnit.SECONDS), "the JVM did not die within 20 s of SIGKILL");
    System.out.println("kill -9: JVM exit status " + app.process.exitValue());
    // SIGKILL runs no shutdown hook: both embedded servers outlive the JVM, and their pid files stay.
    assertAll("servers left behind by kill -9",
        () -> assertTrue(leftoverPostgres.isAlive(),
            "postgres " + leftoverPostgres.pid() + " did not outlive the killed JVM"),
        () -> assertTrue(leftoverRedis.isAlive(), "redis " + leftoverRedis.pid() + " did not outlive the killed JVM"),
        () -> assertTrue(Files.exists(postmasterPid), "postmaster.pid is gone after kill -9"));
    System.out.println("left behind by kill -9: postgres pid " + leftoverPostgres.pid() + ", redis pid "
        + leftoverRedis.pid());

    RunningJar restarted = start("start after kill -9 (leftover servers to stop)");
    app = restarted;
    // The product stops what was left behind (SIGTERM, waits) before starting new servers.
    long pgNow = readPid(postmasterPid).orElseThrow(() -> new AssertionError("no postmaster.pid after restart"));
    List<ProcessHandle> postmasters = postmastersFor(dataDir.resolve("pg"));
    assertAll("after a start following kill -9",
        () -> assertFalse(leftoverPostgres.isAlive(),
            "the leftover postgres " + leftoverPostgres.pid() + " is still running" + restarted.tail()),
        () -> assertFalse(leftoverRedis.isAlive(),
            "the leftover redis " + leftoverRedis.pid() + " is still running" + restarted.tail()),
        () -> assertNotEquals(leftoverPostgres.pid(), pgNow, "postmaster.pid still names the leftover postgres"),
        () -> assertEquals(List.of(pgNow), postmasters.stream().map(ProcessHandle::pid).toList(),
            "postmasters running on " + dataDir.resolve("pg")),
        () -> assertTrue(restarted.log().contains("stopping postgres (pid " + leftoverPostgres.pid() + ")"),
            "no log line about stopping the leftover postgres" + restarted.tail()),
        () -> assertTrue(restarted.log().contains("stopping redis (pid " + leftoverRedis.pid() + ")"),
            "no log line about stopping the leftover redis" + restarted.tail()));

    String token = login(restarted);
    Application afterKill = call("GET /api/v1/applications/" + caseNumber,
        () -> new ApplicationsApi(client(restarted.port, token)).getApplication(caseNumber));
    assertCaseUnchanged(afterKill);

    stopWithSigterm(restarted);
  }

  @AfterAll
  void noServerOutlivesTheTest() throws Exception {
    List<String> killed = new ArrayList<>();
    if (app != null && app.process.isAlive()) {
      app.process.destroyForcibly();
      app.process.waitFor(20, TimeUnit.SECONDS);
      killed.add("tongban JVM " + app.process.pid());
    }
    if (dataDir == null) {
      return;
    }
    List<ProcessHandle> leftovers = new ArrayList<>(spawned);
    leftovers.addAll(RunningJar.serversOn(dataDir));
    killed.addAll(RunningJar.stopAll(leftovers));
    if (!killed.isEmpty()) {
      System.out.println("clean-up had to stop: " + killed);
    }
    // A JVM killed with -9 cannot delete the Redis binary it extracted; the test did the killing, so it tidies.
    if (leftoverRedisBinaryDir != null && leftoverRedisBinaryDir.getFileName().toString().startsWith("redis-")
        && Files.isDirectory(leftoverRedisBinaryDir) && leftovers.stream().noneMatch(ProcessHandle::isAlive)) {
      System.out.println("removing " + leftoverRedisBinaryDir + ", left in the temp directory by the kill -9");
      deleteTree(leftoverRedisBinaryDir);
    }
    if (leftovers.stream().noneMatch(ProcessHandle::isAlive) && Files.isDirectory(dataDir)) {
      // The logs stay in target/ for a look after a failure; the database is large and goes.
      deleteTree(dataDir);
    }
  }

  /** What a command-line run of the jar printed (stdout and stderr) and its exit status. */
  private record Command(int status, String output) {
  }

  /** Runs {@code java -jar tongban.jar audit verify} on the test's data directory. */
  private Command auditVerify() throws Exception {
    Path output = workDir.resolve("audit-verify-" + (++auditChecks) + ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "audit", "verify")
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TONGBAN_"));
    builder.environment().put("TONGBAN_DATA_DIR", dataDir.toString());
    Process process = builder.start();
    spawned.add(process.toHandle());
    if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("audit verify did not finish within " + START_TIMEOUT.toSeconds() + " s: " + Files.readString(output));
    }
    String printed = Files.readString(output);
    System.out.println("[audit verify] exit " + process.exitValue() + ": " + printed.strip());
    return new Command(process.exitValue(), printed);
  }

  private RunningJar start(String what) throws Exception {
    if (app != null && app.process.isAlive()) {
      // Never two instances on one data directory: an earlier step failed half-way.
      app.kill();
    }
    RunningJar started = RunningJar.start(jar, workDir, dataDir, ++starts, Map.of(), what);
    spawned.add(started.process.toHandle());
    return started;
  }

  /**
   * Sends SIGTERM and checks what an operator expects: the JVM exits in time with the status of a signal
   * that ran its shutdown hooks, PostgreSQL and Redis are stopped, postmaster.pid is removed, and nothing
   * went wrong on the way down.
   */
  private void stopWithSigterm(RunningJar running) throws Exception {
    Path postmasterPid = dataDir.resolve("pg").resolve("postmaster.pid");
    ProcessHandle postgres = aliveProcess(postmasterPid, "postgres");
    ProcessHandle redis = aliveProcess(dataDir.resolve("redis").resolve("redis.pid"), "redis");
    spawned.add(postgres);
    spawned.add(redis);

    long begin = System.nanoTime();
    running.process.destroy();
    boolean serversStopped = awaitUntil(STOP_TIMEOUT,
        () -> !postgres.isAlive() && !redis.isAlive() && !Files.exists(postmasterPid));
    long serversMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
    long left = Math.max(0, STOP_TIMEOUT.toMillis() - serversMs);
    boolean exited = running.process.waitFor(left, TimeUnit.MILLISECONDS);
    long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
    System.out.println("SIGTERM to tongban.jar #" + running.number + ": embedded servers "
        + (serversStopped ? "stopped after " + serversMs + " ms" : "NOT stopped within " + STOP_TIMEOUT.toSeconds() + " s")
        + "; JVM " + (exited ? "exited after " + exitMs + " ms with status " + running.process.exitValue()
        : "still running after " + STOP_TIMEOUT.toSeconds() + " s"));
    if (!exited) {
      // What an operator's supervisor does next; the next step needs the data directory free.
      running.process.destroyForcibly();
      running.process.waitFor(20, TimeUnit.SECONDS);
      System.out.println("tongban.jar #" + running.number + " finally ended with status "
          + running.process.exitValue() + " after "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin) + " ms");
    }
    String log = running.finalLog();
    // Everything after "listening on port": serving the requests above, then the way down. JUL records from
    // the shutdown hook may be missing (the JDK's LogManager resets itself in its own shutdown hook, which
    // runs concurrently), so their absence is reported, not asserted; uncaught stack traces go to stderr anyway.
    String afterListening = RunningJar.afterListening(log);
    if (!afterListening.contains("shutting down")) {
      System.out.println("NOTE tongban.jar #" + running.number + ": no 'shutting down' line in the log after SIGTERM");
    }
    assertAll("SIGTERM to tongban.jar #" + running.number,
        () -> assertTrue(exited, "the JVM did not exit within " + STOP_TIMEOUT.toSeconds() + " s of SIGTERM"
            + running.tail()),
        () -> assertTrue(!exited || SIGTERM_EXIT_CODES.contains(running.process.exitValue()),
            () -> "exit status " + running.process.exitValue() + running.tail()),
        () -> assertFalse(Files.exists(postmasterPid), "postmaster.pid still exists after SIGTERM"),
        () -> assertFalse(postgres.isAlive(), "postgres " + postgres.pid() + " still runs after SIGTERM"),
        () -> assertFalse(redis.isAlive(), "redis " + redis.pid() + " still runs after SIGTERM"),
        () -> assertFalse(Stream.of("Exception", "SEVERE", "WARNING", "did not finish", "failed")
                .anyMatch(afterListening::contains),
            "an error was logged while serving or shutting down:" + afterListening));
  }

  private void assertCaseUnchanged(Application now) {
    assertAll("case " + caseNumber + " after a restart",
        () -> assertEquals(caseNumber, now.getNumber()),
        () -> assertEquals(MATTER, now.getMatterCode()),
        () -> assertEquals(caseAsSubmitted.getStatus(), now.getStatus()),
        () -> assertEquals(caseAsSubmitted.getData(), now.getData()),
        () -> assertEquals(caseAsSubmitted.getSubmittedAt().toInstant(), now.getSubmittedAt().toInstant()));
  }

  private String login(RunningJar running) throws Exception {
    String token = call("POST /api/v1/auth/token (" + USER + ")",
        () -> new AuthApi(client(running.port, null)).issueToken(new TokenRequest()
            .grantType("password").username(USER).password(PASSWORD)))
        .getAccessToken();
    assertNotNull(token, "no access_token");
    assertFalse(token.isBlank(), "blank access_token");
    return token;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> firstExample(MatterDetail matter) {
    assertNotNull(matter.getForm(), "matter " + MATTER + " has no published form");
    Object examples = matter.getForm().getSchema().get("examples");
    assertTrue(examples instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map,
        "form.schema.examples[0] is missing: " + examples);
    return (Map<String, Object>) ((List<?>) examples).get(0);
  }

  private static ApiClient client(int port, String token) {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + port);
    client.setConnectTimeout(Duration.ofSeconds(5));
    client.setReadTimeout(HTTP_TIMEOUT);
    if (token != null) {
      client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token));
    }
    return client;
  }

  @FunctionalInterface
  private interface ApiCall<T> {
    T call() throws ApiException;
  }

  /** Runs one API call; a failure names the request, the status and the body, and shows the jar's log. */
  private <T> T call(String request, ApiCall<T> c) {
    try {
      return c.call();
    } catch (ApiException e) {
      throw new AssertionError(request + " failed: HTTP " + e.getCode() + " " + e.getResponseBody()
          + (app != null ? app.tail() : ""), e);
    }
  }
}
