package cn.tongban.plugins.identity;

import cn.tongban.plugin.FormHandler;
import cn.tongban.plugin.FormHandlerContract;
import cn.tongban.plugin.FormHandlerFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IdentityCheckFactoryTest extends FormHandlerContract {

  @Override
  protected FormHandlerFactory factory() {
    return new IdentityCheckFactory();
  }

  @Override
  protected JsonObject sampleConfig() {
    return new JsonObject().put("idNumbers", new JsonArray().add("/idNumber").add("/spouse/idNumber"))
        .put("creditCodes", new JsonArray().add("/employerCode")).put("phones", new JsonArray().add("/mobile"));
  }

  @Test
  void reportsEveryWrongCheckCharacterAtItsPointer() throws Exception {
    FormHandler handler = factory().create(sampleConfig());
    JsonObject data = new JsonObject().put("idNumber", "110105194912310021")
        .put("spouse", new JsonObject().put("idNumber", "440524188001010014"))
        .put("employerCode", "91110108551385082R").put("mobile", "12345678901");
    assertEquals(List.of("/idNumber", "/employerCode", "/mobile"), violationsOf(handler, view(data)));
  }

  @Test
  void acceptsValidValuesAndLeavesMissingOnesToTheSchema() throws Exception {
    FormHandler handler = factory().create(sampleConfig());
    JsonObject data = new JsonObject().put("idNumber", "11010519491231002X").put("employerCode", "91440300708461136T")
        .put("mobile", "13800138000");
    assertEquals(List.of(), violationsOf(handler, view(data)));
  }
}
