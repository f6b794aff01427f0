package cn.tongban.gateway.rest;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which properties the contract's validation may skip the contents of: only those any object satisfies. */
class CompiledContractTest {
  private static final JsonObject RAW = new JsonObject("""
      {"components": {"schemas": {
        "Submit": {"type": "object", "required": ["data"], "additionalProperties": false, "properties": {
          "matterCode": {"type": "string", "pattern": "^[a-z]+$"},
          "data": {"type": "object", "additionalProperties": true, "description": "the form's data"},
          "extra": {"$ref": "#/components/schemas/AnyObject"},
          "address": {"$ref": "#/components/schemas/Address"},
          "closed": {"type": "object", "additionalProperties": false},
          "sized": {"type": "object", "maxProperties": 3},
          "typed": {"type": "object", "additionalProperties": {"type": "string"}},
          "narrowed": {"$ref": "#/components/schemas/AnyObject", "additionalProperties": false},
          "untyped": {"description": "anything at all"}}},
        "AnyObject": {"type": "object", "title": "any object"},
        "Address": {"type": "object", "properties": {"city": {"type": "string"}}},
        "Conditional": {"type": "object", "properties": {"data": {"type": "object"}},
          "allOf": [{"properties": {"data": {"required": ["name"]}}}]},
        "Narrowed": {"$ref": "#/components/schemas/Submit", "unevaluatedProperties": false}}}}""");

  private static Set<String> freeForm(String schema) {
    return CompiledContract.freeFormProperties(JsonSchema.of(new JsonObject()
        .put("$ref", "#/components/schemas/" + schema)), RAW);
  }

  @Test
  void onlyPropertiesThatAcceptAnyObjectAreSkipped() {
    assertEquals(Set.of("data", "extra"), freeForm("Submit"));
  }

  @Test
  void nothingIsSkippedWhereTheSchemaCouldLookInsideAnotherWay() {
    assertEquals(Set.of(), freeForm("Conditional"), "allOf may constrain data's contents");
    assertEquals(Set.of(), freeForm("Narrowed"), "a reference with constraints of its own beside it");
    assertEquals(Set.of(), freeForm("Address"));
  }
}
