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
import java.util.Optional;
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
}
