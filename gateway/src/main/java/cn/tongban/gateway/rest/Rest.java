package cn.tongban.gateway.rest;

import cn.tongban.core.json.JsonBytes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

import java.util.Optional;

/** Small helpers shared by the REST operation classes. */
final class Rest {
  private Rest() {
  }

  /** The request as validated against the contract. */
  static ValidatedRequest validated(RoutingContext rc) {
    return rc.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  static Optional<String> query(RoutingContext rc, String name) {
    return param(validated(rc).getQuery().get(name)).map(RequestParameter::getString);
  }

  static Optional<Integer> queryInt(RoutingContext rc, String name) {
    return param(validated(rc).getQuery().get(name)).map(RequestParameter::getInteger);
  }

  static Optional<Boolean> queryBool(RoutingContext rc, String name) {
    return param(validated(rc).getQuery().get(name)).map(RequestParameter::getBoolean);
  }

  static String path(RoutingContext rc, String name) {
    return validated(rc).getPathParameters().get(name).getString();
  }

  static JsonObject body(RoutingContext rc) {
    return validated(rc).getBody().getJsonObject();
  }

  /** The validated body, or an empty object when the operation's optional body was not sent. */
  static JsonObject optionalBody(RoutingContext rc) {
    RequestParameter p = validated(rc).getBody();
    return p == null || p.isNull() || p.isEmpty() ? new JsonObject() : p.getJsonObject();
  }

  private static Optional<RequestParameter> param(RequestParameter p) {
    return p == null || p.isNull() || p.isEmpty() ? Optional.empty() : Optional.of(p);
  }

  /** Sends the future's list as a JSON array, or hands its failure to the problem mapper. */
  static void replyArray(RoutingContext rc, Future<? extends java.util.List<?>> result) {
    send(rc, result.map(JsonBytes::of), "application/json");
  }

  /** Sends the future's bytes as {@code contentType}, or hands its failure to the problem mapper. */
  static void send(RoutingContext rc, Future<io.vertx.core.buffer.Buffer> result, String contentType) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else if (!rc.response().ended()) {
        rc.response().putHeader("Content-Type", contentType).end(ar.result());
      }
    });
  }

  /** Sends the future's JSON with {@code status}, or hands its failure to the problem mapper. */
  static void reply(RoutingContext rc, Future<JsonObject> result, int status) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else if (!rc.response().ended()) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .end(JsonBytes.of(ar.result()));
      }
    });
  }
}
