package cn.tongban.bench;

import cn.tongban.core.licence.Licence;
import cn.tongban.core.licence.Sm2;
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

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An e-licence signed as the library issues it (the canonical JSON of its metadata and surface hash, SM2),
 * and verified as the public endpoint does it from a QR code's payload (decode, then the SM2 signature).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LicenceSigningBenchmark {
  private final Sm2.KeyPair keys = Sm2.generate();
  private final Licence unsigned = new Licence("11410183MB12345674.0001.2026.000123", "1141018300001", "老年人优待证",
      "新密市老年人优待证", "XM2026000123", "张三丰", "11010519491231002X", "111", "新密市民政局", "11410183MB12345674",
      Optional.of("mzj"), LocalDate.of(2026, 11, 28), "410183", LocalDate.of(2026, 11, 28),
      Optional.of(LocalDate.of(2031, 11, 27)), new JsonObject().put("name", "张三丰").put("gender", "男")
          .put("birthDate", "1949-12-31").put("address", "新密市青屏街街道西大街88号3号楼2单元")
          .put("photo", "data:image/png;base64,iVBORw0KGgo"), Optional.of("4101832026112800000001"), "k1",
      new byte[0], "ACTIVE", Optional.empty(), Optional.empty());
  private final String payload = signedLicence().verificationPayload();

  private Licence signedLicence() {
    byte[] signature = Sm2.sign(keys.privateKey(), unsigned.signedBytes());
    return new Licence(unsigned.identifier(), unsigned.typeCode(), unsigned.typeName(), unsigned.name(),
        unsigned.number(), unsigned.holderName(), unsigned.holderCode(), unsigned.holderCodeType(),
        unsigned.issuerName(), unsigned.issuerCode(), unsigned.departmentCode(), unsigned.issueDate(),
        unsigned.jurisdiction(), unsigned.validFrom(), unsigned.validUntil(), unsigned.surface(),
        unsigned.applicationNumber(), unsigned.keyId(), signature, unsigned.status(), unsigned.revokedAt(),
        unsigned.revocationReason());
  }

  /** What is measured must be the path that succeeds: the payload verifies, a changed byte does not. */
  @Setup
  public void check() {
    if (!verifyPayload() || Sm2.verify(keys.publicKey(), "tampered".getBytes(StandardCharsets.UTF_8),
        Base64.getUrlDecoder().decode(payload.split("\\.")[2]))) {
      throw new IllegalStateException("the licence does not verify as issued");
    }
  }

  /** Issuing: the signed bytes (canonical JSON, surface hash) and their SM2 signature. */
  @Benchmark
  public byte[] sign() {
    return Sm2.sign(keys.privateKey(), unsigned.signedBytes());
  }

  /** Verifying a QR code's payload: split, decode, read the claimed fields, check the signature. */
  @Benchmark
  public boolean verifyPayload() {
    String[] parts = payload.split("\\.");
    byte[] signedBytes = Base64.getUrlDecoder().decode(parts[1]);
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    JsonObject claimed = new JsonObject(new String(signedBytes, StandardCharsets.UTF_8));
    return claimed.getString("keyId") != null && Sm2.verify(keys.publicKey(), signedBytes, signature);
  }
}
