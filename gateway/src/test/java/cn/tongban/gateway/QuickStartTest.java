package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The quick starts run as a developer runs them, against a live platform: the mini-program example
 * (docs/examples/miniprogram) under Node's test runner with the TypeScript SDK the build laid out, compiled by
 * tsc, pages included; the portal example (docs/examples/portal-java) under JUnit. The gateway is the demo
 * platform a developer starts with {@code java -jar tongban.jar}: demo mode, no WeChat app, so the WeChat
 * sign-in is its demo stand-in (login codes {@code demo-<x>}), not one made for this test.
 */
class QuickStartTest {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    // As a production portal's platform: GraphQL runs only the portal's operations (docs/examples/portal).
    JsonObject allowList = new JsonObject();
    try (var files = Files.list(REPO.resolve("docs/examples/portal"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".graphql")).sorted().toList()) {
        String document = Files.readString(file);
        allowList.put(sha256(document), document);
      }
    }
    Path allowListFile = Files.createDirectories(Path.of("target")).resolve("quickstart-allowlist.json");
    Files.writeString(allowListFile, allowList.encodePrettily());
    // Demo mode and no WeChat app, as `java -jar tongban.jar`: WeChat sign-in is the demo platform's own
    // stand-in (login codes demo-<x>), the one the quick start's developer meets; nothing is served here.
    gateway = TestGateway.start(Map.of("TONGBAN_GRAPHQL_ALLOWLIST", allowListFile.toString()));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void theMiniProgramQuickStartRunsUnderNodeWithTheTypeScriptSdk() throws Exception {
    assumeTrue(onPath("node") && onPath("tsc"), "node and tsc are not on PATH: the mini-program quick start is not run"
        + " (.ci/run installs nodejs and typescript)");
    Path sdk = REPO.resolve("api-schema/sdk-typescript/target/npm");
    assumeTrue(sdk.resolve("package.json").toFile().isFile(), "the TypeScript SDK was not laid out (build"
        + " api-schema/sdk-typescript first)");
    Run compiled = run(sdk, Map.of(), "tsc", "-p", ".");
    assertEquals(0, compiled.exit(), "tsc failed on the generated SDK:\n" + compiled.output());
    // The example requires '@tongban/sdk' as a developer's npm install provides it: here from NODE_PATH.
    Path modules = Path.of("target/quickstart-node_modules").toAbsolutePath();
    Path link = modules.resolve("@tongban/sdk");
    Files.createDirectories(link.getParent());
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, sdk);
    Run tests = run(REPO.resolve("docs/examples/miniprogram"),
        Map.of("TONGBAN_URL", gateway.baseUri(), "NODE_PATH", modules.toString()), "node", "--test",
        "test/quickstart.test.js");
    assertEquals(0, tests.exit(), "the mini-program quick start failed under node --test:\n" + tests.output());
  }

  @Test
  void thePortalQuickStartRunsWithTheJavaSdk() throws Exception {
    Path source = REPO.resolve("docs/examples/portal-java/src/main/java/example/PortalQuickStart.java");
    Path classes = Files.createDirectories(Path.of("target/quickstart-classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    boolean compiled = javac.getTask(errors, null, null, List.of("-d", classes.toString(), "-classpath",
            System.getProperty("java.class.path")), null,
        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(source.toFile())).call();
    assertTrue(compiled, "the portal example does not compile against the Java SDK:\n" + errors);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Method main = loader.loadClass("example.PortalQuickStart").getMethod("main", String[].class);
      main.invoke(null, (Object) new String[] {gateway.baseUri(), REPO.resolve("docs/examples/portal").toString(),
          "portal-demo", "tongban-demo", gateway.token("citizen")});
    }
  }

  @Test
  void withAnAllowListOnlyListedOperationsRunAndAnyOtherIsRefusedNamingItsHash() throws Exception {
    String unlisted = "{ matters(first: 1) { edges { node { code } } } }";
    JsonObject refused = new JsonObject(gateway.send("POST", "/graphql", new JsonObject().put("query", unlisted)
        .encode(), "Content-Type", "application/json").body());
    JsonObject error = refused.getJsonArray("errors").getJsonObject(0);
    assertEquals("bad-request", error.getJsonObject("extensions").getString("code"), refused.encode());
    assertTrue(error.getString("message").contains("白名单") && error.getString("message").contains(sha256(unlisted)),
        error.getString("message"));
    assertTrue(refused.getValue("data") == null, "nothing ran");

    String listed = Files.readString(REPO.resolve("docs/examples/portal/catalogue.graphql"));
    JsonObject ran = new JsonObject(gateway.send("POST", "/graphql", new JsonObject().put("query", listed)
        .put("variables", new JsonObject().put("first", 2)).encode(), "Content-Type", "application/json").body());
    assertEquals(null, ran.getValue("errors"), ran.encode());
    assertEquals(2, ran.getJsonObject("data").getJsonObject("matters").getJsonArray("edges").size());
  }

  static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  record Run(int exit, String output) {
  }

  static Run run(Path dir, Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, program).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
