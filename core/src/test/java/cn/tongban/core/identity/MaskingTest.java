package cn.tongban.core.identity;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MaskingTest {

  @Test
  void masksAsDomainSectionSevenSays() {
    assertEquals("138****1234", Masking.phone("13800001234"));
    assertEquals("35*************123", Masking.idNumber("350102198001028123"));
    assertEquals("张*", Masking.name("张三"));
    assertEquals("欧***", Masking.name("欧阳小明"), "only the first character shows");
    assertEquals("新密市青屏街街道***", Masking.address("新密市青屏街街道示例社区5号楼1单元302室"));
    assertEquals("河南省新密市超化镇***", Masking.address("河南省新密市超化镇超化村3组"));
  }

  @Test
  void enterprisesKeepTheirNameButTheirAgentIsMasked() {
    JsonObject masked = Masking.person(new JsonObject().put("kind", "ENTERPRISE").put("name", "新密示例科技有限公司")
        .put("creditCode", "91440300708461136T").put("agent", new JsonObject().put("name", "赵六")
            .put("idNumber", "110101199003070011").put("phone", "13911115555")));
    assertEquals("新密示例科技有限公司", masked.getString("name"));
    assertEquals("赵*", masked.getJsonObject("agent").getString("name"));
    assertEquals("139****5555", masked.getJsonObject("agent").getString("phone"));
  }
}
