package cn.tongban.plugin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Optional;

/**
 * The virus-scan hook for uploaded materials: every scanner found by ServiceLoader (class path or plugin
 * directory) sees each file before it is stored; a file any scanner flags is refused. A scanner that
 * calls out (e.g. to clamd) does so without blocking the event loop; a failed scan refuses the file.
 */
public interface MaterialScanner {
  /** A stable id, e.g. {@code clamav}. */
  String id();

  /** Empty when the file is clean; otherwise the name of what was found. */
  Future<Optional<String>> scan(Vertx vertx, byte[] content, String mediaType);
}
