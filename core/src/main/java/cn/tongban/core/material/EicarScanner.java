package cn.tongban.core.material;

import cn.tongban.plugin.MaterialScanner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The scanner that is always there: it finds the EICAR anti-virus test file anywhere in an upload, so a
 * hall can check its scanning chain end to end. Real engines plug in through {@link MaterialScanner}.
 */
public final class EicarScanner implements MaterialScanner {
  private static final byte[] SIGNATURE =
      "EICAR-STANDARD-ANTIVIRUS-TEST-FILE".getBytes(StandardCharsets.US_ASCII);

  @Override
  public String id() {
    return "eicar";
  }

  @Override
  public Future<Optional<String>> scan(Vertx vertx, byte[] content, String mediaType) {
    return Future.succeededFuture(MediaTypes.contains(content, SIGNATURE) ? Optional.of("EICAR-Test-File")
        : Optional.empty());
  }
}
