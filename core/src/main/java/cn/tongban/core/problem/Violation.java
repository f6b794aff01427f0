package cn.tongban.core.problem;

import io.vertx.core.json.JsonObject;

/** One thing wrong with the input: where (a JSON pointer), what (a stable code), and a message for people. */
public record Violation(String pointer, String code, String message) {

  public JsonObject toJson() {
    return new JsonObject().put("pointer", pointer).put("code", code).put("message", message);
  }
}
