package cn.tongban.plugin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Optional;

/**
 * The virus-scan hook for uploaded materials: a {@link Plugin} of kind {@link PluginKind#MATERIAL_SCANNER}.
 * Every scanner installed sees each file before it is stored; a file any scanner flags is refused. A scanner
 * that calls out (e.g. to clamd) does so without blocking the event loop; a failed scan refuses the file.
 */
public interface MaterialScanner extends Plugin {
  /** A stable id, e.g. {@code clamav}. */
  @Override
  String id();

  @Override
  default PluginKind kind() {
    return PluginKind.MATERIAL_SCANNER;
  }

  /** Empty when the file is clean; otherwise the name of what was found. */
  Future<Optional<String>> scan(Vertx vertx, byte[] content, String mediaType);
}
