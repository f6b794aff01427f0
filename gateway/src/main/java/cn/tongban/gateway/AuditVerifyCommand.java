package cn.tongban.gateway;

import cn.tongban.core.audit.AuditChain;
import cn.tongban.core.audit.AuditVerification;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.infra.Database;
import cn.tongban.core.infra.EmbeddedPostgresServer;
import cn.tongban.core.problem.Messages;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar tongban.jar audit verify}: recomputes the audit chain of the configured database and
 * prints the finding. With an external PostgreSQL ({@code TONGBAN_PG_URL}) it connects to it; on embedded
 * defaults it connects to the server of the node running on the data directory, or, when none runs,
 * starts the data directory's PostgreSQL for the check and stops it again.
 */
final class AuditVerifyCommand {
  /** The chain holds from the genesis to the head. */
  static final int INTACT = 0;
  /** A link is broken: the output names it. */
  static final int BROKEN = 1;
  /** The check could not run (no database, unreachable, not migrated). */
  static final int FAILED = 3;

  private AuditVerifyCommand() {
  }

  /** Runs the check; returns the process exit status. */
  static int run(TongbanConfig config, PrintStream out, PrintStream err) {
    Optional<EmbeddedPostgresServer> started = Optional.empty();
    Vertx vertx = Vertx.vertx();
    try {
      String url;
      if (config.pgUrl().isPresent()) {
        url = config.pgUrl().get();
      } else {
        Path pg = config.dataDir().resolve("pg");
        if (!Files.isRegularFile(pg.resolve("PG_VERSION"))) {
          err.println(Messages.get(Messages.DEFAULT, "audit.noDatabase", pg));
          return FAILED;
        }
        Optional<String> running = EmbeddedPostgresServer.runningUrl(pg);
        if (running.isPresent()) {
          url = running.get();
        } else {
          started = Optional.of(EmbeddedPostgresServer.start(pg));
          url = started.get().url();
        }
      }
      Pool pool = Database.pool(vertx, url, 1);
      try {
        AuditVerification result = new AuditChain(pool).verify().toCompletionStage().toCompletableFuture()
            .get(30, TimeUnit.MINUTES);
        out.println(result.message(Messages.DEFAULT));
        return result.intact() ? INTACT : BROKEN;
      } finally {
        pool.close();
      }
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      err.println(Messages.get(Messages.DEFAULT, "audit.cannotVerify", cause.getMessage()));
      return FAILED;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
      started.ifPresent(pg -> stop(pg, err));
    }
  }

  private static void stop(EmbeddedPostgresServer pg, PrintStream err) {
    try {
      pg.close();
    } catch (Exception e) {
      err.println("stopping embedded PostgreSQL failed: " + e);
    }
  }
}
