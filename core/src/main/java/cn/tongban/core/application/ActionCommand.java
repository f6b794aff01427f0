package cn.tongban.core.application;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * An action on a case, as REST and GraphQL both send it. {@code expectedVersion} (If-Match or the body's
 * {@code version}) guards against acting on a case someone else has just changed; {@code body} carries what
 * only some actions use (missingMaterials, commitments, opinion, result, materials).
 */
public record ActionCommand(
    String action,
    Optional<String> comment,
    Optional<Integer> expectedVersion,
    Optional<JsonArray> items,
    Optional<JsonObject> data,
    Optional<String> procedure,
    Optional<String> deliveryMethod,
    JsonObject body) {

  /** Reads the command from a request body ({@code action}, {@code comment}, {@code version}, …). */
  public static ActionCommand fromJson(JsonObject body, Optional<Integer> ifMatch) {
    return new ActionCommand(body.getString("action"), Optional.ofNullable(body.getString("comment")),
        ifMatch.or(() -> Optional.ofNullable(body.getInteger("version"))),
        Optional.ofNullable(body.getJsonArray("items")), Optional.ofNullable(body.getJsonObject("data")),
        Optional.ofNullable(body.getString("procedure")), Optional.ofNullable(body.getString("deliveryMethod")),
        body.copy());
  }
}
