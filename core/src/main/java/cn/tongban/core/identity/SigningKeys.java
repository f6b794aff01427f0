package cn.tongban.core.identity;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.SealedTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The keys that sign access and ID tokens (ES256), kept in PostgreSQL (private halves sealed like personal data),
 * so every node of a cluster signs and verifies with the same ones; never in the repository. Rotated without
 * downtime (docs/oidc.md#signing-keys): the next key is published in the JWKS before it signs, and a retired key
 * is published and accepted until every token it signed has expired. Each node keeps the keys as it last read
 * them ({@link #ring()}) and reads them again every {@link #REFRESH_MILLIS} ms and when a token names a key it
 * does not know.
 */
public final class SigningKeys {
  /** How often each node reads the keys again (the scheduled job). */
  public static final long REFRESH_MILLIS = 30_000;
  /**
   * How long after its retirement a key is still published beyond the tokens' lifetime: other nodes may sign
   * with it until they next read the keys, and clocks and JWKS caches lag a little.
   */
  static final long GRACE_SECONDS = 600;
  /** Retired keys still check an ID token hint (logout) this long: as long as a refresh token lives. */
  static final long HINT_SECONDS = 31L * 86_400;

  /** A PEM-encoded key pair (the private half only of the current key). */
  public record Pem(String id, String privatePem, String publicPem) {
  }

  public enum State { CURRENT, NEXT, RETIRED }

  /**
   * The keys as this node read them: {@code current} signs; {@code published} (current, next, recently retired)
   * are the JWKS and verify bearer tokens; {@code hints} (those and older retired ones) check ID token hints.
   */
  public record Ring(Pem current, List<Pem> published, List<Pem> hints) {
    public boolean knows(String keyId) {
      return published.stream().anyMatch(k -> k.id().equals(keyId));
    }
  }

  /** Column context: the private key is sealed at rest like personal data. */
  public static final String PRIVATE_PEM = IdentityStore.SIGNING_KEY_PRIVATE_PEM;

  /** The token signing keys' sealed private halves, for a rewrap (declared by their store). */
  public static final SealedTable SEALED = IdentityStore.SEALED_SIGNING_KEYS;

  private final Vertx vertx;
  private final Pool pool;
  private final PersonalData personal;
  private final IdentityStore store;
  private final long publishSeconds;
  private volatile Ring ring;
  private volatile long lastUnknownRead;

  private SigningKeys(Vertx vertx, Pool pool, PersonalData personal, int tokenTtlSeconds) {
    this.vertx = vertx;
    this.pool = pool;
    this.personal = personal;
    this.store = new IdentityStore(pool, personal);
    this.publishSeconds = tokenTtlSeconds + GRACE_SECONDS;
  }

  /** The keys, a current and a next one created when there are none (the first start). */
  public static Future<SigningKeys> load(Vertx vertx, Pool pool, PersonalData personal, int tokenTtlSeconds) {
    SigningKeys keys = new SigningKeys(vertx, pool, personal, tokenTtlSeconds);
    return vertx.executeBlocking(() -> List.of(generate(), generate()))
        .compose(pair -> pool.withTransaction(tx -> new IdentityStore(tx, personal)
            .ensureSigningKeys(tx, pair.get(0), pair.get(1))))
        .compose(v -> keys.refresh())
        .map(keys);
  }

  /** The keys as this node last read them. */
  public Ring ring() {
    return ring;
  }

  /** Reads the keys again. */
  public Future<Ring> refresh() {
    return store.signingKeys(publishSeconds, HINT_SECONDS).map(stored -> {
      Pem current = stored.stream().filter(k -> k.state() == State.CURRENT).map(IdentityStore.StoredKey::pem)
          .findFirst().orElseThrow(() -> new IllegalStateException("no token-signing key signs"));
      List<Pem> published = stored.stream().filter(IdentityStore.StoredKey::published)
          .map(IdentityStore.StoredKey::pem).toList();
      List<Pem> hints = stored.stream().map(IdentityStore.StoredKey::pem).toList();
      Ring read = new Ring(current, published, hints);
      Ring before = ring;
      // A reading that changed nothing keeps the ring, so that what a node built from it is kept too.
      ring = before != null && same(before, read) ? before : read;
      return ring;
    });
  }

  private static boolean same(Ring a, Ring b) {
    return a.current().id().equals(b.current().id()) && ids(a.published()).equals(ids(b.published()))
        && ids(a.hints()).equals(ids(b.hints()));
  }

  private static List<String> ids(List<Pem> keys) {
    return keys.stream().map(Pem::id).toList();
  }

  /**
   * A token names a key this node does not know: read the keys again, at most once a second for such tokens (made-up
   * key ids cannot make a node read the table per request). Only these readings count: a scheduled or rotating
   * reading just before must not make a key another node began signing with a moment ago unknown here for a second.
   */
  public Future<Ring> refreshForUnknownKey() {
    long now = System.currentTimeMillis();
    if (now - lastUnknownRead < 1_000) {
      return Future.succeededFuture(ring);
    }
    lastUnknownRead = now;
    return refresh();
  }

  /**
   * An administrator rotates the keys now: the waiting key signs new tokens from now, tokens signed before keep
   * verifying until they expire, and a new key waits next. Answers {@code {current, next, retired}}.
   */
  public Future<JsonObject> rotate(Caller caller) {
    return Access.require(caller, "signingKeys.admin", Role.ADMIN)
        .compose(v -> rotate(caller.subject(), 0))
        .map(r -> r.map(SigningKeys::toJson).orElseThrow());
  }

  /**
   * The scheduled job's pass on every node: rotates when the current key has signed {@code maxAgeDays} (0 = never
   * by age; of nodes racing, one rotates), then reads the keys again.
   */
  public Future<Ring> pass(int maxAgeDays) {
    Future<?> due = maxAgeDays <= 0 ? Future.succeededFuture() : rotate("system", maxAgeDays * 86_400L);
    return due.compose(v -> refresh());
  }

  private Future<java.util.Optional<IdentityStore.Rotation>> rotate(String actor, long olderThanSeconds) {
    return vertx.executeBlocking(() -> List.of(generate(), generate()))
        .compose(pair -> pool.withTransaction(tx -> new IdentityStore(tx, personal)
            .rotateSigningKeys(tx, pair.get(0), pair.get(1), olderThanSeconds)
            .compose(done -> done.isEmpty() ? Future.succeededFuture(done)
                : AuditLog.record(tx, actor, "signing-key.rotated", "signing_key", done.get().current(),
                    toJson(done.get())).map(done))))
        .compose(done -> refresh().map(done));
  }

  private static JsonObject toJson(IdentityStore.Rotation r) {
    return new JsonObject().put("current", r.current()).put("next", r.next()).put("retired", r.retired().orElse(null));
  }

  private static Pem generate() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = gen.generateKeyPair();
    // The id says when and which, never what: the JWKS and every token header show it.
    String id = "es256-" + java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().replace("-", "") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    return new Pem(id, pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
        pem("PUBLIC KEY", pair.getPublic().getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
