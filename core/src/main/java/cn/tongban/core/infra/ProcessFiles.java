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
   * The live process named on the first line of {@code pidFile}, if its command line names
   * {@code expectedCommand} (a pid reused by an unrelated program does not count).
   */
  static Optional<ProcessHandle> alive(Path pidFile, String expectedCommand) throws IOException {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    return Files.readAllLines(pidFile).stream().findFirst().map(String::trim)
        .filter(s -> s.matches("\\d+")).map(Long::parseLong)
        .flatMap(ProcessHandle::of)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().orElse("").contains(expectedCommand));
  }

  /**
   * Reads the pid on the first line of {@code pidFile}; if that process is alive and its command
   * line names {@code expectedCommand}, asks it to stop (SIGTERM) and waits for it to go.
   */
  static void stopLeftover(Path pidFile, String expectedCommand, Duration wait) throws IOException {
    Optional<ProcessHandle> handle = alive(pidFile, expectedCommand);
    if (handle.isEmpty()) {
      return;
    }
    long pid = handle.get().pid();
    LOG.warning(() -> "stopping " + expectedCommand + " (pid " + pid + ") left running by an earlier crash");
    handle.get().destroy();
    try {
      handle.get().onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException(expectedCommand + " (pid " + pid + ") left by an earlier crash did not stop within "
          + wait.toSeconds() + " s; stop it by hand", e);
    }
  }
}
