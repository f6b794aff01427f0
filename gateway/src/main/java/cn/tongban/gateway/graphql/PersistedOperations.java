package cn.tongban.gateway.graphql;

import graphql.ExecutionResult;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * The allow-list of production portals (TONGBAN_GRAPHQL_ALLOWLIST): only operations whose document's SHA-256
 * is listed run, over HTTP and WebSocket alike; any other is refused before anything runs. The file is
 * graphql-codegen's persisted-documents manifest (a JSON object of hash → document) or a JSON array of hashes.
 */
final class PersistedOperations extends SimplePerformantInstrumentation {
  private final Set<String> allowed;

  private PersistedOperations(Set<String> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  /** Reads the allow-list file; a file that cannot be read or parsed stops the boot with its name. */
  static PersistedOperations from(Path file) {
    Set<String> hashes = new HashSet<>();
    try {
      String text = Files.readString(file).trim();
      Iterable<?> keys = text.startsWith("[") ? new JsonArray(text) : new JsonObject(text).fieldNames();
      for (Object key : keys) {
        String hash = String.valueOf(key).trim().toLowerCase();
        hashes.add(hash.startsWith("sha256:") ? hash.substring(7) : hash);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("TONGBAN_GRAPHQL_ALLOWLIST: cannot read " + file + " (" + e.getMessage() + ")", e);
    }
    return new PersistedOperations(hashes);
  }

  /** The hash an allow-list names a document by: SHA-256 of its exact text, hex. */
  static String hash(String document) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(document.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    ExecutionContext ctx = parameters.getExecutionContext();
    String hash = hash(ctx.getExecutionInput().getQuery());
    if (!allowed.contains(hash)) {
      RoutingContext rc = ctx.getGraphQLContext().get(GraphQLApi.ROUTING_CONTEXT);
      throw new QueryLimits.Refused(rc, "graphql.notAllowed", hash);
    }
    return SimpleInstrumentationContext.noOp();
  }
}
