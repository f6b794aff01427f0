package cn.tongban.gateway.auth;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.identity.SigningKeys;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Access tokens: ES256 JWTs carrying who the caller is (kind, roles, department, hall, channels) but no
 * personal data, so verifying one needs no database round trip.
 */
public final class TokenService {
  private static final String ISSUER = "tongban";
  /** Tokens whose signature was checked, until they expire: an ES256 check costs about a millisecond of CPU. */
  private static final int VERIFIED_CACHE_SIZE = 10_000;
  private final Vertx vertx;
  private final SigningKeys keys;
  private final int ttlSeconds;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();
  private volatile Built built;

  /**
   * What this node made of a reading of the keys: {@code sign} with the current key only, {@code verify} with every
   * published one (a token names its key by {@code kid}), {@code hints} with those and older retired ones, the JWKS.
   */
  private record Built(SigningKeys.Ring ring, JWTAuth sign, JWTAuth verify, JWTAuth hints, JsonObject jwks) {
  }

  public TokenService(Vertx vertx, SigningKeys keys, int ttlSeconds) {
    this.vertx = vertx;
    this.keys = keys;
    this.ttlSeconds = ttlSeconds;
  }

  /** The keys as last read, built once per reading. */
  private Built built() {
    SigningKeys.Ring ring = keys.ring();
    Built b = built;
    if (b != null && b.ring() == ring) {
      return b;
    }
    SigningKeys.Pem current = ring.current();
    JWTAuthOptions verify = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIssuer(ISSUER).setLeeway(5));
    ring.published().forEach(k -> verify.addPubSecKey(publicKey(k)));
    // ID token hints: our signature, any issuer, expired or not.
    JWTAuthOptions hints = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    ring.hints().forEach(k -> hints.addPubSecKey(publicKey(k)));
    b = new Built(ring, JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setId(current.id()).setBuffer(current.privatePem()))
        .addPubSecKey(publicKey(current))), JWTAuth.create(vertx, verify), JWTAuth.create(vertx, hints),
        toJwks(ring.published()));
    built = b;
    return b;
  }

  private static PubSecKeyOptions publicKey(SigningKeys.Pem k) {
    return new PubSecKeyOptions().setAlgorithm("ES256").setId(k.id()).setBuffer(k.publicPem());
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  /** A verified token: who it stands for, its id, its epoch and when it expires (epoch seconds). */
  public record Verified(Caller caller, String tokenId, int epoch, long expiresAt, Optional<String> derivedFrom) {
  }

  /** A signed token for {@code caller}, at the caller's token epoch, with an id of its own for revocation. */
  public String issue(Caller caller, int epoch) {
    return issue(caller, epoch, Optional.empty(), Long.MAX_VALUE);
  }

  /**
   * A token exchanged for another ({@code derivedFrom}: that token's id, carried as {@code sjt}) that never
   * outlives it: it expires at {@code notAfter} (epoch seconds) if that comes before the usual lifetime.
   */
  public String issue(Caller caller, int epoch, Optional<String> derivedFrom, long notAfter) {
    return issue(caller, epoch, derivedFrom, notAfter, new JsonObject());
  }

  /** {@link #issue(Caller, int, Optional, long)} with more claims (an OpenID Connect client's {@code cid}, {@code scope}). */
  public String issue(Caller caller, int epoch, Optional<String> derivedFrom, long notAfter, JsonObject extra) {
    JsonObject claims = extra.copy()
        .put("jti", java.util.UUID.randomUUID().toString())
        .put("ep", epoch)
        .put("knd", caller.kind().name())
        .put("rol", new JsonArray(caller.roles().stream().map(Enum::name).sorted().toList()));
    caller.departmentCode().ifPresent(d -> claims.put("dep", d));
    caller.hallCode().ifPresent(h -> claims.put("hal", h));
    if (!caller.channels().isEmpty()) {
      claims.put("chn", new JsonArray(caller.channels().stream().sorted().toList()));
    }
    derivedFrom.ifPresent(id -> claims.put("sjt", id));
    long left = Math.min(ttlSeconds, notAfter - System.currentTimeMillis() / 1000);
    return LowS.normalise(built().sign().generateToken(claims, new JWTOptions().setAlgorithm("ES256").setIssuer(ISSUER)
        .setSubject(caller.subject()).setExpiresInSeconds((int) Math.max(1, left))));
  }

  /**
   * An OpenID Connect ID token, signed with the key that signs access tokens (so the JWKS lists one key for
   * both): {@code claims} plus iss, sub, aud, iat and exp.
   */
  public String idToken(String issuer, String subject, String audience, int ttl, JsonObject claims) {
    return LowS.normalise(built().sign().generateToken(claims, new JWTOptions().setAlgorithm("ES256").setIssuer(issuer)
        .setSubject(subject).setAudience(java.util.List.of(audience)).setExpiresInSeconds(ttl)));
  }

  /**
   * The claims of an ID token this platform signed, even expired (RP-initiated logout takes an old one as the
   * hint); empty when the signature is not ours.
   */
  public Future<Optional<JsonObject>> idTokenClaims(String token) {
    if (token == null || !LowS.isLow(token)) {
      return Future.succeededFuture(Optional.empty());
    }
    return known(token).compose(v -> built().hints().authenticate(new TokenCredentials(token)))
        .map(user -> Optional.of(user.principal())).otherwise(Optional.empty());
  }

  /**
   * The published signing keys as a JSON Web Key Set (RFC 7517), for {@code jwks_uri}: the current one first, the
   * next one (before it signs) and those retired while tokens they signed may still be valid.
   */
  public JsonObject jwks() {
    return built().jwks();
  }

  /**
   * A token naming a key this node has not read yet (another node rotated): the keys are read again first, so
   * that every node accepts what any node signs.
   */
  private Future<Void> known(String token) {
    String kid;
    try {
      kid = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
          java.nio.charset.StandardCharsets.UTF_8)).getString("kid");
    } catch (RuntimeException e) {
      return Future.succeededFuture();
    }
    return kid == null || keys.ring().knows(kid) ? Future.succeededFuture()
        : keys.refreshForUnknownKey().mapEmpty();
  }

  /** The claims of a token whose signature {@link #verify} checked (for introspection's client and scope). */
  public static JsonObject payload(String token) {
    String[] parts = token.split("\\.");
    return new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
        java.nio.charset.StandardCharsets.UTF_8));
  }

  private static JsonObject toJwks(java.util.List<SigningKeys.Pem> keys) {
    JsonArray out = new JsonArray();
    for (SigningKeys.Pem key : keys) {
      try {
        String base64 = key.publicPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        var pub = (java.security.interfaces.ECPublicKey) java.security.KeyFactory.getInstance("EC")
            .generatePublic(new java.security.spec.X509EncodedKeySpec(java.util.Base64.getDecoder().decode(base64)));
        out.add(new JsonObject().put("kty", "EC").put("crv", "P-256").put("kid", key.id()).put("use", "sig")
            .put("alg", "ES256").put("x", coordinate(pub.getW().getAffineX()))
            .put("y", coordinate(pub.getW().getAffineY())));
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return new JsonObject().put("keys", out);
  }

  private static String coordinate(java.math.BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - len, out, 32 - len, len);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }

  /** What a token stands for; 401 when it is not valid (forged, expired, malformed, or its signature high-s). */
  public Future<Verified> verify(String token) {
    if (token == null || !LowS.isLow(token)) {
      // A high-s twin of a valid signature (or no ES256 signature at all): refused before the library sees it.
      return Future.failedFuture(new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken"));
    }
    Verified known = verified.get(token);
    if (known != null) {
      if (known.expiresAt() * 1000 > System.currentTimeMillis()) {
        return Future.succeededFuture(known);
      }
      verified.remove(token);
    }
    return known(token).compose(v -> built().verify().authenticate(new TokenCredentials(token)))
        // Vert.x keeps exp among the user's attributes, not its principal.
        .map(user -> new Verified(toCaller(user.principal()), user.principal().getString("jti", ""),
            user.principal().getInteger("ep", 0),
            user.principal().getLong("exp", user.attributes().getLong("exp", 0L)),
            Optional.ofNullable(user.principal().getString("sjt"))))
        .onSuccess(v -> {
          if (verified.size() >= VERIFIED_CACHE_SIZE) {
            verified.clear();
          }
          verified.put(token, v);
        })
        .recover(e -> Future.failedFuture(e instanceof DomainException ? e
            : new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken")));
  }

  private static Caller toCaller(JsonObject claims) {
    try {
      Set<Role> roles = claims.getJsonArray("rol", new JsonArray()).stream().map(o -> Role.valueOf((String) o))
          .collect(Collectors.toSet());
      Set<String> channels = claims.getJsonArray("chn", new JsonArray()).stream().map(String.class::cast)
          .collect(Collectors.toSet());
      return new Caller(Caller.Kind.valueOf(claims.getString("knd")), claims.getString("sub"), roles,
          Optional.ofNullable(claims.getString("dep")), Optional.ofNullable(claims.getString("hal")), channels);
    } catch (RuntimeException e) {
      throw new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken");
    }
  }
}
