package cn.tongban.bench;

import cn.tongban.core.privacy.PersonalData;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What sealing personal data at rest costs a submission (applicant and form data sealed, one blind index) and
 * a case read (both opened): AES-256-GCM and HMAC-SHA256 as {@link PersonalData} does them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PersonalDataBenchmark {
  private final PersonalData personal = new PersonalData(Map.of("k1", new byte[32]), new byte[32]);
  private final JsonObject applicant = new JsonObject().put("kind", "PERSON").put("name", "张三")
      .put("idNumber", "11010519491231002X").put("phone", "13800138000").put("realNameLevel", "L3");
  /** About the size of the largest bundled form's sample (杜建军's 残疾人证 application). */
  private final JsonObject data = new JsonObject().put("name", "杜建军").put("idNumber", "41018319670121415X")
      .put("mobile", "13783612345").put("householdTownship", "苟堂镇").put("householdVillage", "示例村")
      .put("address", "新密市苟堂镇示例村四组11号").put("disabilityCategory", "4").put("assessmentMode", "HOME_VISIT")
      .put("homeVisitReason", "脑梗后遗症，右侧肢体偏瘫，长期卧床。").put("collectionMethod", "TOWNSHIP_CENTRE")
      .put("agentName", "王村代").put("agentIdNumber", "410183198806103375").put("agentMobile", "15890012345")
      .put("declaration", true);
  private final String sealedApplicant = personal.sealJson("application.applicant", applicant);
  private final String sealedData = personal.sealJson("application.data", data);

  /** A submission's share: the applicant and the form data sealed, the identity number indexed. */
  @Benchmark
  public Object sealSubmission() {
    return new Object[] {personal.sealJson("application.applicant", applicant),
        personal.sealJson("application.data", data), personal.index(PersonalData.Kind.ID, "11010519491231002X")};
  }

  /** A case read's share: both opened and parsed. */
  @Benchmark
  public Object openCase() {
    return new Object[] {personal.openJson("application.applicant", sealedApplicant),
        personal.openJson("application.data", sealedData)};
  }

  /** A sign-in by identity number or phone: two blind indexes. */
  @Benchmark
  public Object signInIndexes() {
    return new Object[] {personal.index(PersonalData.Kind.ID, "11010519491231002X"),
        personal.index(PersonalData.Kind.PHONE, "11010519491231002X")};
  }
}
