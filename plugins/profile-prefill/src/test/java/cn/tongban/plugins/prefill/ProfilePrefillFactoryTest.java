package cn.tongban.plugins.prefill;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.FormHandlerContract;
import cn.tongban.plugin.FormHandlerFactory;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProfilePrefillFactoryTest extends FormHandlerContract {

  @Override
  protected FormHandlerFactory factory() {
    return new ProfilePrefillFactory();
  }

  @Override
  protected JsonObject sampleConfig() {
    return new JsonObject().put("name", "/applicantName").put("idNumber", "/idNumber").put("phone", "/mobile");
  }

  @Test
  void fillsTheConfiguredFieldsFromTheApplicantsProfile() throws Exception {
    CaseView draft = view(new JsonObject(), new JsonObject().put("name", "张三").put("idNumber", "11010519491231002X")
        .put("phone", "13800138000"));
    JsonObject filled = factory().create(sampleConfig()).prefill(context(), draft).toCompletionStage()
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(new JsonObject().put("applicantName", "张三").put("idNumber", "11010519491231002X")
        .put("mobile", "13800138000"), filled);
  }
}
