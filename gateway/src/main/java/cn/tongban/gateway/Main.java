package cn.tongban.gateway;

import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.identity.WeChatLogin;
import cn.tongban.gateway.ops.Logs;
import cn.tongban.gateway.ops.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Starts Tongban: {@code java -jar tongban.jar}; {@code java -jar tongban.jar audit verify} checks the audit
 * chain instead. Configuration comes from TONGBAN_* variables.
 */
public final class Main {
  static {
    // Before any logger exists: see ShutdownLogManager.
    System.setProperty("java.util.logging.manager", ShutdownLogManager.class.getName());
  }

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    configureLogging();
    Instant begin = Instant.now();
    TongbanConfig config;
    try {
      config = TongbanConfig.fromEnvironment();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Logs.configure(config.observability());
    if (args.length > 0) {
      if (args.length == 2 && args[0].equals("audit") && args[1].equals("verify")) {
        System.exit(AuditVerifyCommand.run(config, System.out, System.err));
      }
      System.err.println("usage: java -jar tongban.jar [audit verify]");
      System.exit(2);
      return;
    }
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    Vertx vertx;
    try {
      vertx = config.cluster() ? Cluster.start(options, config).await(120, TimeUnit.SECONDS)
          : Telemetry.vertxBuilder(config, options).build();
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "cannot join the cluster", e);
      System.exit(1);
      return;
    }
    Running running = Running.start(vertx, config).toCompletionStage().toCompletableFuture()
        .exceptionally(e -> {
          LOG.log(Level.SEVERE, "start-up failed", e);
          return null;
        }).get();
    if (running == null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      System.exit(1);
      return;
    }
    LOG.info(() -> "Tongban ready in " + Duration.between(begin, Instant.now()).toMillis() + " ms"
        + (config.demo() ? " (demo mode: accounts admin, clerk, citizen, … password tongban-demo)" : "")
        + (WeChatLogin.demoStandIn(config.demo(), config.wechatAppId(), config.wechatSecret())
            ? "; WeChat sign-in: demo login codes demo-<x> (no WeChat app configured)" : ""));
    System.out.println("listening on port " + running.port());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down");
      try {
        running.stopAndClose(Duration.ofSeconds(60));
      } catch (Exception e) {
        LOG.log(Level.WARNING, "clean shutdown did not finish", e);
      }
      LOG.info("stopped");
      ShutdownLogManager.finish();
    }, "tongban-shutdown"));
  }

  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") == null) {
      try (var in = Main.class.getClassLoader().getResourceAsStream("logging.properties")) {
        if (in != null) {
          LogManager.getLogManager().readConfiguration(in);
        }
      } catch (Exception e) {
        System.err.println("cannot read logging.properties: " + e);
      }
    }
  }
}
