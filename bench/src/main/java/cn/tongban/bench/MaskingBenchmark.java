package cn.tongban.bench;

import cn.tongban.core.identity.Masking;
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

import java.util.concurrent.TimeUnit;

/** Masking personal data as progress look-ups and hotline reads do: one field, and a whole applicant with an agent. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MaskingBenchmark {
  private final JsonObject applicant = new JsonObject().put("kind", "PERSON").put("name", "张三丰")
      .put("idNumber", "11010519491231002X").put("phone", "13800138000")
      .put("address", "新密市青屏街街道西大街88号3号楼2单元")
      .put("agent", new JsonObject().put("kind", "PERSON").put("name", "李四").put("idNumber", "410183199001011232")
          .put("phone", "13912345678"));

  @Benchmark
  public String idNumber() {
    return Masking.idNumber("11010519491231002X");
  }

  @Benchmark
  public String address() {
    return Masking.address("新密市青屏街街道西大街88号3号楼2单元");
  }

  @Benchmark
  public JsonObject applicantWithAgent() {
    return Masking.person(applicant);
  }
}
