package cn.tongban.core.application;

import cn.tongban.core.access.Channel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * What a caller asks for when submitting: the same command whether it came over REST or GraphQL.
 * {@code applicant} is given when someone applies on another person's behalf (window, agent, channel);
 * {@code materials} names uploaded files handed in for the matter's materials ({@code [{code, materialId}]});
 * {@code collection} says where the result is collected ({@code {method, express?}}); {@code authorisationId}
 * names the applicant's 代办 authorisation an agent applies under.
 */
public record SubmitCommand(
    String matterCode,
    JsonObject data,
    Channel channel,
    Optional<String> hallCode,
    Optional<JsonObject> applicant,
    Optional<String> idempotencyKey,
    JsonArray materials,
    Optional<JsonObject> collection,
    Optional<String> authorisationId) {

  public SubmitCommand {
    materials = materials == null ? new JsonArray() : materials;
  }

  /**
   * Reads the command from a request body as both APIs send it ({@code matterCode}, {@code data},
   * {@code channel}, …); the idempotency key comes from the REST header or the GraphQL input.
   */
  public static SubmitCommand fromJson(JsonObject body, JsonObject data, Optional<String> idempotencyKey) {
    return new SubmitCommand(body.getString("matterCode"), data, Channel.valueOf(body.getString("channel")),
        Optional.ofNullable(body.getString("hallCode")), Optional.ofNullable(body.getJsonObject("applicant")),
        idempotencyKey, body.getJsonArray("materials"), Optional.ofNullable(body.getJsonObject("collection")),
        Optional.ofNullable(body.getString("authorisationId")));
  }

  public SubmitCommand(String matterCode, JsonObject data, Channel channel, Optional<String> hallCode,
      Optional<JsonObject> applicant, Optional<String> idempotencyKey, JsonArray materials) {
    this(matterCode, data, channel, hallCode, applicant, idempotencyKey, materials, Optional.empty(),
        Optional.empty());
  }
}
