package cn.tongban.core.application;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * What a caller asks for when submitting: the same command whether it came over REST or GraphQL.
 * {@code applicant} is given when someone applies on another person's behalf (window, agent, channel);
 * {@code materials} names uploaded files handed in for the matter's materials ({@code [{code, materialId}]}).
 */
public record SubmitCommand(
    String matterCode,
    JsonObject data,
    Channel channel,
    Optional<String> hallCode,
    Optional<JsonObject> applicant,
    Optional<String> idempotencyKey,
    JsonArray materials) {

  public SubmitCommand {
    materials = materials == null ? new JsonArray() : materials;
  }
}
