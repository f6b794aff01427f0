package cn.tongban.plugins.datasharing;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.FormHandlerContract;
import cn.tongban.plugin.FormHandlerFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DataSharingPrefillFactoryTest extends FormHandlerContract {

  @Override
  protected FormHandlerFactory factory() {
    return new DataSharingPrefillFactory();
  }

  @Override
  protected JsonObject sampleConfig() {
    return new JsonObject().put("lookups", new JsonArray().add(new JsonObject().put("source", "gongan-population")
        .put("by", "idNumber").put("fields", new JsonObject().put("township", "/householdTownship")
            .put("address", "/address"))));
  }

  @Override
  protected Map<String, JsonObject> sharedRecords() {
    return Map.of("gongan-population/11010519491231002X",
        new JsonObject().put("township", "城关镇").put("address", "城关镇东大街1号").put("ethnicity", "汉族"));
  }

  private JsonObject prefill(JsonObject applicant) throws Exception {
    CaseView draft = view(new JsonObject(), applicant);
    return factory().create(sampleConfig()).prefill(context(), draft).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void fillsTheConfiguredFieldsFromTheDepartmentsRecord() throws Exception {
    assertEquals(new JsonObject().put("householdTownship", "城关镇").put("address", "城关镇东大街1号"),
        prefill(new JsonObject().put("idNumber", "11010519491231002X")), "only the mapped items, nothing else");
  }

  @Test
  void anApplicantTheSourceDoesNotKnowGetsNothingFilled() throws Exception {
    assertEquals(new JsonObject(), prefill(new JsonObject().put("idNumber", "410183195001010011")));
    assertEquals(new JsonObject(), prefill(new JsonObject().put("creditCode", "91410183MA44XXXX0X")));
  }
}
