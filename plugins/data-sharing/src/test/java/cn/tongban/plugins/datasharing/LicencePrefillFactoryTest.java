package cn.tongban.plugins.datasharing;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.FormHandlerContract;
import cn.tongban.plugin.FormHandlerFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LicencePrefillFactoryTest extends FormHandlerContract {

  @Override
  protected FormHandlerFactory factory() {
    return new LicencePrefillFactory();
  }

  @Override
  protected JsonObject sampleConfig() {
    return new JsonObject().put("licences", new JsonArray()
        .add(new JsonObject().put("licenceType", "居民户口簿")
            .put("fields", new JsonObject().put("/surface/householdAddress", "/address")))
        .add(new JsonObject().put("licenceType", "残疾人证")
            .put("fields", new JsonObject().put("/number", "/disabilityCertificateNumber"))));
  }

  @Override
  protected Map<String, List<JsonObject>> licenceRecords() {
    return Map.of("11010519491231002X/居民户口簿", List.of(
        new JsonObject().put("number", "H2").put("surface", new JsonObject().put("householdAddress", "新密市西大街1号")),
        new JsonObject().put("number", "H1").put("surface", new JsonObject().put("householdAddress", "旧地址"))));
  }

  private JsonObject prefill(JsonObject applicant) throws Exception {
    CaseView draft = view(new JsonObject(), applicant);
    return factory().create(sampleConfig()).prefill(context(), draft).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void fillsFromTheNewestValidLicenceOfEachType() throws Exception {
    assertEquals(new JsonObject().put("address", "新密市西大街1号"),
        prefill(new JsonObject().put("idNumber", "11010519491231002X")),
        "the household register fills the address; without a 残疾人证 its field stays empty");
  }

  @Test
  void fillsNothingForSomeoneWithoutLicences() throws Exception {
    assertEquals(new JsonObject(), prefill(new JsonObject().put("idNumber", "440524188001010014")));
    assertEquals(new JsonObject(), prefill(new JsonObject()));
  }
}
