package cn.tongban.core.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** Finds and stops an embedded server left running by a process that was killed (kill -9). */
final class ProcessFiles {
  private static final Logger LOG = Logger.getLogger(ProcessFiles.class.getName());

  private ProcessFiles() {
  }

  /**
   * Reads the pid on the first line of {@code pidFile}; if that process is alive and its command
   * line names {@code expectedCommand}, asks it to stop (SIGTERM) and waits for it to go.
   */
  static void stopLeftover(Path pidFile, String expectedCommand, Duration wait) throws IOException {
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    Optional<Long> pid = Files.readAllLines(pidFile).stream().findFirst().map(String::trim)
        .filter(s -> s.matches("\\d+")).map(Long::parseLong);
    if (pid.isEmpty()) {
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid.get());
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return;
    }
    String command = handle.get().info().command().orElse("");
    if (!command.contains(expectedCommand)) {
      // The pid was reused by an unrelated process: leave it alone.
      return;
    }
    LOG.warning(() -> "stopping " + expectedCommand + " (pid " + pid.get() + ") left running by an earlier crash");
    handle.get().destroy();
    try {
      handle.get().onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException(expectedCommand + " (pid " + pid.get() + ") left by an earlier crash did not stop within "
          + wait.toSeconds() + " s; stop it by hand", e);
    }
  }
}
