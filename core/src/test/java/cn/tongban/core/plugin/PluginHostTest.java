package cn.tongban.core.plugin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handlers installed as jars in the plugin directory, as an operator would drop them in. */
class PluginHostTest {

  /** Compiles a handler factory with {@code id} into a plugin jar, as a third party would build one. */
  private static Path pluginJar(Path dir, String className, String id) throws Exception {
    Path src = dir.resolve("src/acme/" + className + ".java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, """
        package acme;

        import cn.tongban.plugin.FormHandler;
        import cn.tongban.plugin.FormHandlerFactory;
        import io.vertx.core.json.JsonObject;

        public final class %s implements FormHandlerFactory {
          public String id() {
            return "%s";
          }

          public JsonObject configSchema() {
            return new JsonObject().put("type", "object").put("properties", new JsonObject());
          }

          public FormHandler create(JsonObject config) {
            return new FormHandler() { };
          }
        }
        """.formatted(className, id), StandardCharsets.UTF_8);
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null, "-d", classes.toString(), "-cp",
        System.getProperty("java.class.path"), src.toString());
    assertEquals(0, status, "the plugin compiles against plugin-api");
    Path jar = dir.resolve("plugins/" + className + ".jar");
    Files.createDirectories(jar.getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("acme/" + className + ".class"));
      out.write(Files.readAllBytes(classes.resolve("acme/" + className + ".class")));
      out.closeEntry();
      out.putNextEntry(new JarEntry("META-INF/services/cn.tongban.plugin.FormHandlerFactory"));
      out.write(("acme." + className + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar.getParent();
  }

  @Test
  void findsHandlersInJarsDroppedIntoThePluginDirectory(@TempDir Path dir) throws Exception {
    Path plugins = pluginJar(dir, "PostcodeCheck", "postcode-check");
    PluginHost host = PluginHost.load(null, Clock.systemUTC(), Optional.of(plugins));
    assertTrue(host.configSchemas().containsKey("postcode-check"), "from the directory");
    assertTrue(host.configSchemas().containsKey("identity-check"), "and from the class path");
  }

  @Test
  void twoHandlersWithOneIdStopTheStart(@TempDir Path dir) throws Exception {
    Path plugins = pluginJar(dir, "Impostor", "identity-check");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PluginHost.load(null, Clock.systemUTC(), Optional.of(plugins)));
    assertTrue(e.getMessage().contains("identity-check"), e.getMessage());
    assertTrue(new File(plugins.toFile(), "Impostor.jar").exists());
  }

  @Test
  void twoAdaptersServingOneSourceStopTheStart(@TempDir Path dir) throws Exception {
    // A jar whose adapter claims the source the class path's LiveRegistryAdapter already serves.
    Path src = dir.resolve("src/acme/SecondRegistry.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, """
        package acme;

        import cn.tongban.plugin.DataSharingAdapter;
        import cn.tongban.plugin.HandlerContext;
        import io.vertx.core.Future;
        import io.vertx.core.json.JsonObject;
        import java.util.Map;
        import java.util.Optional;
        import java.util.Set;

        public final class SecondRegistry implements DataSharingAdapter {
          public Set<String> sources() {
            return Set.of("%s");
          }

          public void configure(Map<String, String> settings) {
          }

          public Future<Optional<JsonObject>> lookup(HandlerContext context, String source, String subjectKey) {
            return Future.succeededFuture(Optional.empty());
          }
        }
        """.formatted(new LiveRegistryAdapter().sources().iterator().next()), StandardCharsets.UTF_8);
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp",
        System.getProperty("java.class.path"), src.toString()));
    Path jar = dir.resolve("plugins/SecondRegistry.jar");
    Files.createDirectories(jar.getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("acme/SecondRegistry.class"));
      out.write(Files.readAllBytes(classes.resolve("acme/SecondRegistry.class")));
      out.closeEntry();
      out.putNextEntry(new JarEntry("META-INF/services/cn.tongban.plugin.DataSharingAdapter"));
      out.write("acme.SecondRegistry\n".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PluginHost.load(null, Clock.systemUTC(), Optional.of(jar.getParent())));
    assertTrue(e.getMessage().contains("acme.SecondRegistry"), e.getMessage());
  }

  /** Compiles {@code sources} (class name to source) into a plugin jar listed in {@code serviceFile}. */
  private static Path jar(Path dir, String jarName, String serviceFile, Map<String, String> sources) throws Exception {
    Path srcDir = dir.resolve("src-" + jarName + "/acme");
    Files.createDirectories(srcDir);
    List<String> args = new ArrayList<>(List.of("-d", dir.resolve("classes-" + jarName).toString(), "-cp",
        System.getProperty("java.class.path")));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path src = srcDir.resolve(e.getKey() + ".java");
      Files.writeString(src, e.getValue(), StandardCharsets.UTF_8);
      args.add(src.toString());
    }
    Files.createDirectories(dir.resolve("classes-" + jarName));
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)));
    Path jar = dir.resolve("plugins/" + jarName + ".jar");
    Files.createDirectories(jar.getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String name : sources.keySet()) {
        out.putNextEntry(new JarEntry("acme/" + name + ".class"));
        out.write(Files.readAllBytes(dir.resolve("classes-" + jarName + "/acme/" + name + ".class")));
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/" + serviceFile));
      out.write(sources.keySet().stream().map(n -> "acme." + n + "\n").reduce("", String::concat)
          .getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar.getParent();
  }

  /** A plugin of {@code kind}'s interface with {@code id} that logs its start and stop and does {@code body}. */
  private static String recorder(String className, String id, String kindInterface, String body) {
    return recorder(className, id, kindInterface, body, "return Future.succeededFuture();");
  }

  /** As above, with {@code stopBody} after the stop is logged. */
  private static String recorder(String className, String id, String kindInterface, String body, String stopBody) {
    String kindPart = switch (kindInterface) {
      case "MaterialScanner" -> """
          public Future<Optional<String>> scan(Vertx vertx, byte[] content, String mediaType) {
            return Future.succeededFuture(Optional.empty());
          }
          """;
      case "EventSinkFactory" -> """
          public Optional<EventSink> create(Map<String, String> settings) {
            return Optional.ofNullable(settings.get("ACME_SINK")).map(s -> (context, event, view) -> {
              LifecycleLog.EVENTS.add("deliver:" + event.getString("type"));
              return Future.succeededFuture();
            });
          }
          """;
      default -> throw new IllegalArgumentException(kindInterface);
    };
    return """
        package acme;

        import cn.tongban.core.plugin.LifecycleLog;
        import cn.tongban.plugin.*;
        import io.vertx.core.Future;
        import io.vertx.core.Vertx;
        import java.util.Map;
        import java.util.Optional;

        public final class %s implements %s {
          public String id() {
            return "%s";
          }

          public Future<Void> start(PluginContext context) {
            LifecycleLog.EVENTS.add("start:" + id());
            %s
            return Future.succeededFuture();
          }

          public Future<Void> stop() {
            LifecycleLog.EVENTS.add("stop:" + id());
            %s
          }

          %s
        }
        """.formatted(className, kindInterface, id, body, stopBody, kindPart);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void twoPluginsOfDifferentKindsWithOneIdStopTheStart(@TempDir Path dir) throws Exception {
    // An event sink listed the new way, claiming the id of the built-in identity-check form handler.
    Path plugins = jar(dir, "impostor", "cn.tongban.plugin.Plugin",
        Map.of("ImpostorSink", recorder("ImpostorSink", "identity-check", "EventSinkFactory", "")));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PluginHost.load(null, Clock.systemUTC(), Optional.of(plugins)));
    assertTrue(e.getMessage().contains("two plugins have the id identity-check"), e.getMessage());
    assertTrue(e.getMessage().contains("cn.tongban.plugins.identity.IdentityCheckFactory (FORM_HANDLER)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("acme.ImpostorSink (EVENT_SINK)"), e.getMessage());
  }

  @Test
  void pluginsStartInLoadOrderAndStopInReverseEvenWhenOneFailsToStop(@TempDir Path dir) throws Exception {
    LifecycleLog.EVENTS.clear();
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("FirstScanner", recorder("FirstScanner", "acme-scanner", "MaterialScanner", ""));
    sources.put("SecondSink", recorder("SecondSink", "acme-sink", "EventSinkFactory", "",
        "throw new IllegalStateException(\"cannot close\");"));
    Path plugins = jar(dir, "lifecycle", "cn.tongban.plugin.Plugin", sources);
    PluginHost host = PluginHost.load(null, Clock.systemUTC(), Optional.of(plugins), Map.of("ACME_SINK", "on"),
        null, null, LicenceLookup.NONE);
    assertEquals(List.of("acme-scanner"), host.scanners().stream().map(s -> s.id()).toList());
    assertEquals(List.of(), LifecycleLog.EVENTS, "nothing starts at load");
    await(host.start());
    assertEquals(List.of("start:acme-scanner", "start:acme-sink"), LifecycleLog.EVENTS);
    await(host.deliverToSinks(new io.vertx.core.json.JsonObject().put("type", "ApplicationAccept"), Optional.empty()));
    assertEquals("deliver:ApplicationAccept", LifecycleLog.EVENTS.get(2), "the configured sink gets events");
    await(host.stop());
    assertEquals(List.of("start:acme-scanner", "start:acme-sink", "deliver:ApplicationAccept", "stop:acme-sink",
        "stop:acme-scanner"), LifecycleLog.EVENTS, "reverse order; a stop that throws does not keep the next from stopping");
    await(host.stop());
    assertEquals(5, LifecycleLog.EVENTS.size(), "a second close stops nothing again");
  }

  @Test
  void aPluginThatFailsToStartStopsTheStartAndStopsTheOnesStartedBefore(@TempDir Path dir) throws Exception {
    LifecycleLog.EVENTS.clear();
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("GoodScanner", recorder("GoodScanner", "acme-good", "MaterialScanner", ""));
    sources.put("BrokenSink", recorder("BrokenSink", "acme-broken", "EventSinkFactory",
        "if (true) return Future.failedFuture(\"the endpoint refuses the key\");"));
    Path plugins = jar(dir, "broken", "cn.tongban.plugin.Plugin", sources);
    PluginHost host = PluginHost.load(null, Clock.systemUTC(), Optional.of(plugins));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(host.start()));
    String message = e.getCause().getMessage();
    assertTrue(message.contains("the plugin acme-broken (acme.BrokenSink, EVENT_SINK) did not start:"), message);
    assertTrue(message.contains("the endpoint refuses the key"), message);
    assertEquals(List.of("start:acme-good", "start:acme-broken", "stop:acme-good"), LifecycleLog.EVENTS,
        "the one started before is stopped; the one that failed never started");
  }

  @Test
  void pluginsListedInTheirKindsOldServiceFileStillLoadOnce(@TempDir Path dir) throws Exception {
    // A jar built before cn.tongban.plugin.Plugin existed lists its scanner in the kind's own file.
    Path plugins = jar(dir, "old", "cn.tongban.plugin.MaterialScanner",
        Map.of("OldScanner", recorder("OldScanner", "acme-old", "MaterialScanner", "")));
    PluginHost host = PluginHost.load(null, Clock.systemUTC(), Optional.of(plugins));
    assertEquals(List.of("acme-old"), host.scanners().stream().map(s -> s.id()).toList());
    // The built-in plugins are listed in the new file only, and found once each.
    assertEquals(1, host.plugins().stream().filter(p -> p.id().equals("identity-check")).count());
  }
}
