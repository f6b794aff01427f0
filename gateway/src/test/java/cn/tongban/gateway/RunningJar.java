package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A running (or stopped) tongban.jar, started as an operator would: a separate JVM with no configuration but
 * a port and a data directory. Its stdout and stderr go to one file, which a background thread follows into
 * memory: unlike a pipe, a file never blocks the process and loses nothing when it exits.
 */
final class RunningJar {
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
  private static final Pattern READY = Pattern.compile("Tongban ready in (\\d+) ms");

  final int number;
  final Process process;
  final Path logFile;
  private final StringBuffer log = new StringBuffer();
  private final CompletableFuture<Integer> listening = new CompletableFuture<>();
  private volatile long listeningNanos;
  private Thread follower;
  int port;

  private RunningJar(int number, Process process, Path logFile) {
    this.number = number;
    this.process = process;
    this.logFile = logFile;
  }

  /** The shaded jar under test, named by the system property failsafe sets. */
  static Path shadedJar() {
    String property = System.getProperty("tongban.jar");
    assertNotNull(property, "system property tongban.jar is not set: run this test with maven-failsafe (mvn verify)");
    Path jar = Path.of(property).toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(jar), "no shaded jar at " + jar + ": run mvn package first");
    return jar;
  }

  /**
   * Starts {@code java -jar jar} in {@code workDir} on a free port with its data in {@code dataDir} (plus
   * {@code env}), and waits for {@code listening on port N}; {@code what} names the start in messages.
   */
  static RunningJar start(Path jar, Path workDir, Path dataDir, int number, Map<String, String> env, String what)
      throws IOException, InterruptedException {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Path logFile = workDir.resolve("tongban-" + number + ".log");
    ProcessBuilder builder = new ProcessBuilder(javaBin.toString(), "-jar", jar.toString())
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile());
    // Nothing from the caller's environment may point the jar at an external database or another port.
    builder.environment().keySet().removeIf(k -> k.startsWith("TONGBAN_"));
    builder.environment().put("TONGBAN_HTTP_PORT", "0");
    builder.environment().put("TONGBAN_DATA_DIR", dataDir.toString());
    builder.environment().putAll(env);

    long begin = System.nanoTime();
    RunningJar started = new RunningJar(number, builder.start(), logFile);
    started.follower = new Thread(started::follow, "tongban-jar-" + number + "-output");
    started.follower.setDaemon(true);
    started.follower.start();
    started.process.onExit().thenRun(() -> started.listening.completeExceptionally(new IllegalStateException(
        "tongban.jar exited with status " + started.process.exitValue() + " before it was listening")));
    try {
      started.port = started.listening.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      started.process.destroyForcibly();
      fail(what + ": no 'listening on port' within " + START_TIMEOUT.toSeconds() + " s" + started.tail());
    } catch (ExecutionException e) {
      fail(what + ": " + e.getCause().getMessage() + started.tail());
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(started.listeningNanos - begin);
    Matcher ready = READY.matcher(started.log());
    System.out.println("START TIME " + what + ": " + ms + " ms from process start to 'listening on port "
        + started.port + "'" + (ready.find() ? " (the jar reports ready in " + ready.group(1) + " ms)" : ""));
    return started;
  }

  String log() {
    return log.toString();
  }

  /** The whole log, once the process has exited and the follower has read the last byte. */
  String finalLog() throws InterruptedException {
    if (!process.isAlive()) {
      follower.join(5_000);
    }
    return log();
  }

  /** Everything logged after {@code listening on port}. */
  static String afterListening(String log) {
    Matcher m = LISTENING.matcher(log);
    return m.find() ? log.substring(m.end()) : log;
  }

  /** The last lines of the log, to append to a failure message. */
  String tail() {
    List<String> lines = log().lines().toList();
    return "\n--- last lines of tongban.jar #" + number + " (" + logFile + ") ---\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  /** SIGKILL, and waits for the JVM to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      fail("the JVM did not die within 20 s of SIGKILL");
    }
  }

  /** Copies the log file into memory line by line until the process has exited and every byte is read. */
  private void follow() {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    try (InputStream in = Files.newInputStream(logFile)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (System.nanoTime() - deadline < 0) {
        boolean exited = !process.isAlive(); // checked before reading: the last read then sees everything
        int n = in.read(buffer);
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            onLine(line.toString(StandardCharsets.UTF_8));
            line.reset();
          } else {
            line.write(buffer[i]);
          }
        }
        if (n <= 0) {
          if (exited) {
            break;
          }
          Thread.sleep(50);
        }
      }
      if (line.size() > 0) {
        onLine(line.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      log.append("(reading ").append(logFile).append(" failed: ").append(e).append(")\n");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    listening.completeExceptionally(new IllegalStateException("the output ended before 'listening on port'"));
  }

  private void onLine(String line) {
    log.append(line).append('\n');
    System.out.println("[tongban.jar #" + number + "] " + line);
    Matcher m = LISTENING.matcher(line);
    if (m.find() && !listening.isDone()) {
      listeningNanos = System.nanoTime();
      listening.complete(Integer.parseInt(m.group(1)));
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // The processes a data directory's pid files name.

  /** The live process named on the first line of {@code pidFile}, which must exist. */
  static ProcessHandle aliveProcess(Path pidFile, String command) {
    long pid = readPid(pidFile).orElseThrow(() -> new AssertionError("no pid in " + pidFile));
    ProcessHandle handle = ProcessHandle.of(pid)
        .orElseThrow(() -> new AssertionError(pidFile + " names pid " + pid + ", which is not running"));
    if (!handle.info().command().orElse("").contains(command)) {
      throw new AssertionError(pidFile + " names pid " + pid + " which is not " + command + ": " + handle.info());
    }
    return handle;
  }

  /** The live process a pid file names, if it is still the expected program (pids get reused). */
  private static Optional<ProcessHandle> pidFileProcess(Path pidFile, String command) {
    OptionalLong pid = readPid(pidFile);
    if (pid.isEmpty()) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid.getAsLong())
        .filter(p -> p.info().command().orElse("").contains(command));
  }

  static OptionalLong readPid(Path pidFile) {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return OptionalLong.empty();
      }
      return Files.readAllLines(pidFile).stream().findFirst().map(String::trim).filter(s -> s.matches("\\d+"))
          .map(s -> OptionalLong.of(Long.parseLong(s))).orElse(OptionalLong.empty());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every PostgreSQL postmaster (not its child processes) whose data directory is {@code pgDir}. */
  static List<ProcessHandle> postmastersFor(Path pgDir) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
        .filter(p -> p.info().arguments().map(args -> namesDataDir(args, pgDir)).orElse(false))
        .toList();
  }

  private static boolean namesDataDir(String[] args, Path pgDir) {
    for (int i = 0; i < args.length; i++) {
      String dir = args[i].equals("-D") && i + 1 < args.length ? args[i + 1]
          : args[i].startsWith("-D") ? args[i].substring(2) : null;
      if (dir != null && Path.of(dir).toAbsolutePath().normalize().equals(pgDir)) {
        return true;
      }
    }
    return false;
  }

  /** The embedded servers running on a data directory: those its pid files name, and any postmaster on it. */
  static List<ProcessHandle> serversOn(Path dataDir) {
    List<ProcessHandle> servers = new java.util.ArrayList<>();
    pidFileProcess(dataDir.resolve("pg").resolve("postmaster.pid"), "postgres").ifPresent(servers::add);
    pidFileProcess(dataDir.resolve("redis").resolve("redis.pid"), "redis").ifPresent(servers::add);
    servers.addAll(postmastersFor(dataDir.resolve("pg")));
    return servers;
  }

  /** Stops what is still alive of {@code processes} (SIGTERM, then SIGKILL); returns what had to be stopped. */
  static List<String> stopAll(List<ProcessHandle> processes) {
    List<String> stopped = new java.util.ArrayList<>();
    for (ProcessHandle p : processes) {
      if (p.isAlive()) {
        stopped.add(p.info().command().orElse("?") + " " + p.pid());
        p.destroy();
        if (!awaitUntil(Duration.ofSeconds(15), () -> !p.isAlive())) {
          p.destroyForcibly();
          awaitUntil(Duration.ofSeconds(5), () -> !p.isAlive());
        }
      }
    }
    return stopped;
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** Polls {@code condition} every 100 ms until it holds (true) or {@code timeout} has passed (false). */
  static boolean awaitUntil(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return condition.getAsBoolean();
      }
    }
  }
}
