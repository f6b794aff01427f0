package cn.tongban.core.identity;

import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.privacy.PersonalData;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

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
  public static final String PRIVATE_PEM = "signing_key.private_pem";

  /** The token signing keys' sealed private halves, for a rewrap. */
  public static final SealedTable SEALED = new SealedTable("signing_key",
      "select id, private_pem from signing_key where $2::bytea is not null and "
          + SealedTable.stale("private_pem") + " order by id",
      "update signing_key set private_pem = $2 where id = $1",
      (personal, r) -> Tuple.of(r.getString("id"), personal.seal(PRIVATE_PEM,
          personal.open(PRIVATE_PEM, r.getString("private_pem")))));

  /** The current token-signing key pair, created when there is none. */
  public static Future<Pem> load(Vertx vertx, Pool pool, PersonalData personal) {
    return vertx.executeBlocking(SigningKeys::generate)
        .compose(fresh -> pool.preparedQuery("""
                insert into signing_key (id, algorithm, private_pem, public_pem) values ($1, 'ES256', $2, $3)
                on conflict (id) do nothing""")
            .execute(Tuple.of(fresh.id(), personal.seal(PRIVATE_PEM, fresh.privatePem()), fresh.publicPem())))
        .compose(v -> pool.preparedQuery("select id, private_pem, public_pem from signing_key where id = $1")
            .execute(Tuple.of(KEY_ID)))
        .map(rows -> {
          var r = rows.iterator().next();
          return new Pem(r.getString("id"), personal.open(PRIVATE_PEM, r.getString("private_pem")),
              r.getString("public_pem"));
        });
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
