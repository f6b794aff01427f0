package cn.tongban.core.form;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The form data's tree, built directly, is node for node the one Jackson made from the copied maps. */
class FormTreeTest {
  @Test
  void directTreeEqualsTheMappedOne() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("inner", List.of(1, "二", Map.of("k", 2.5)));
    List<Object> withNull = new ArrayList<>();
    withNull.add(null);
    withNull.add(Long.MAX_VALUE);
    JsonObject data = new JsonObject()
        .put("name", "张三").put("emoji", "😀\ud800").put("empty", "")
        .put("int", 42).put("negative", -7).put("long", 12345678901L).put("double", 1.5).put("whole", 2.0)
        .put("float", 1.25f).put("big", new BigInteger("123456789012345678901234567890"))
        .put("decimal", new BigDecimal("1.50")).put("yes", true).put("no", false).putNull("nothing")
        .put("members", new JsonArray().add(new JsonObject().put("name", "李四").put("age", 30)).add(new JsonArray()))
        .put("map", nested).put("list", withNull).put("when", Instant.parse("2026-12-07T01:00:00Z"))
        .put("object", new JsonObject());
    assertEquals(FormValidator.MAPPER.valueToTree(FormValidator.plain(data)), FormValidator.tree(data));
    assertEquals(FormValidator.MAPPER.valueToTree(FormValidator.plain(new JsonObject())),
        FormValidator.tree(new JsonObject()));
  }
}
