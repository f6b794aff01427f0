package cn.tongban.bench;

import cn.tongban.core.form.FormValidator;
import cn.tongban.core.matter.CatalogueImporter;
import cn.tongban.core.problem.Messages;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * Validating an application against the largest bundled form (most fields), with its schema compiled
 * and cached as on the submission path: a valid sample, and one with errors in every field kind.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FormValidationBenchmark {
  private final FormValidator validator = new FormValidator();
  private String matter;
  private JsonObject schema;
  private JsonObject valid;
  private JsonObject invalid;

  @Setup
  public void setUp() {
    CatalogueImporter.Bundled largest = CatalogueImporter.readBundled().stream()
        .max(Comparator.comparingInt(b -> fieldCount(b.form().getJsonObject("schema"))))
        .orElseThrow();
    matter = largest.matter().getString("code");
    schema = largest.form().getJsonObject("schema");
    valid = schema.getJsonArray("examples").getJsonObject(0);
    invalid = new JsonObject();
    valid.fieldNames().forEach(name -> invalid.put(name, valid.getValue(name) instanceof String ? 42 : "x"));
    System.out.println("# largest bundled form: " + matter + " (" + fieldCount(schema) + " fields)");
  }

  private static int fieldCount(JsonObject schema) {
    JsonObject props = schema.getJsonObject("properties", new JsonObject());
    int n = props.size();
    for (String name : props.fieldNames()) {
      if (props.getValue(name) instanceof JsonObject child) {
        n += fieldCount(child);
      }
    }
    return n;
  }

  @Benchmark
  public Object validSample() {
    return validator.validate(matter + "@1", schema, valid, "/data", Messages.DEFAULT);
  }

  @Benchmark
  public Object sampleWithErrorsEverywhere() {
    return validator.validate(matter + "@1", schema, invalid, "/data", Messages.DEFAULT);
  }
}
