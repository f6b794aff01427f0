package cn.tongban.core.identity;

import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.privacy.PersonalData;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The key pair that signs access tokens (ES256). Generated on first start and kept in PostgreSQL, so
 * every node of a cluster verifies every other node's tokens; never in the repository.
 */
public final class SigningKeys {
  private static final String KEY_ID = "tokens-es256-1";

  private SigningKeys() {
  }

  /** A PEM-encoded key pair. */
  public record Pem(String id, String privatePem, String publicPem) {
  }

  /** Column context: the private key is sealed at rest like personal data. */
  public static final String PRIVATE_PEM = IdentityStore.SIGNING_KEY_PRIVATE_PEM;

  /** The token signing keys' sealed private halves, for a rewrap (declared by their store). */
  public static final SealedTable SEALED = IdentityStore.SEALED_SIGNING_KEYS;

  /** The current token-signing key pair, created when there is none. */
  public static Future<Pem> load(Vertx vertx, Pool pool, PersonalData personal) {
    IdentityStore store = new IdentityStore(pool, personal);
    return vertx.executeBlocking(SigningKeys::generate)
        .compose(store::insertSigningKeyIfAbsent)
        .compose(v -> store.signingKey(KEY_ID));
  }

  private static Pem generate() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = gen.generateKeyPair();
    return new Pem(KEY_ID, pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
        pem("PUBLIC KEY", pair.getPublic().getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
