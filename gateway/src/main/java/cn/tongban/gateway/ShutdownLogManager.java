package cn.tongban.gateway;

import java.util.logging.LogManager;

/**
 * Keeps logging alive while Tongban shuts down. The JDK's own shutdown hook resets logging at the same
 * time as ours runs, which would silence what a failing shutdown has to say; this manager ignores that
 * reset and resets only when {@link #finish()} is called at the end of our hook.
 */
public final class ShutdownLogManager extends LogManager {
  private volatile boolean finished;

  @Override
  public void reset() {
    // The JDK's reset at exit runs on its LogManager$Cleaner thread; every other reset goes through.
    if (!finished && Thread.currentThread().getClass().getName().startsWith(LogManager.class.getName() + "$")) {
      return;
    }
    super.reset();
  }

  /** Flushes and closes every handler: the last thing the shutdown hook does. */
  static void finish() {
    if (LogManager.getLogManager() instanceof ShutdownLogManager m) {
      m.finished = true;
      m.reset();
    }
  }
}
