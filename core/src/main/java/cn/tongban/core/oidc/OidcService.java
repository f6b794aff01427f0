package cn.tongban.core.oidc;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Channel;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.identity.Account;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.identity.PasswordHasher;
import cn.tongban.core.infra.Redis;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The OpenID Connect provider's rules (docs/oidc.md): registered clients, the authorization request and its
 * sign-in and consent, one-time codes with PKCE, refresh tokens rotated with reuse detection, consents a
 * citizen lists and revokes. Signing tokens is the gateway's (its token service); what goes in them is here.
 */
public final class OidcService {
  /** The scopes a client may be registered for, in the order the consent page lists them. */
  public static final List<String> OIDC_SCOPES = List.of("openid", "profile", "applications");
  /** Scope that lets a client act for the citizen on applications (the APPLICANT role on its access token). */
  public static final String APPLICATIONS = "applications";
  static final int REQUEST_SECONDS = 600;
  static final int CODE_SECONDS = 60;
  static final int REFRESH_DAYS = 30;
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Vertx vertx;
  private final OidcStore store;
  private final IdentityService identity;
  private final Redis redis;
  private final int tokenTtlSeconds;
  private final SqlClient sql;
  private volatile byte[] salt;

  public OidcService(Vertx vertx, SqlClient client, IdentityService identity, Redis redis, int tokenTtlSeconds) {
    this.vertx = vertx;
    this.sql = client;
    this.store = new OidcStore(client);
    this.identity = identity;
    this.redis = redis;
    this.tokenTtlSeconds = tokenTtlSeconds;
  }

  /** What a redeemed code or refresh token gives: the tokens' contents for the gateway to sign. */
  public record Grant(OidcClient client, Account account, Set<String> scopes, String nonce, long authTime,
      String familyId, String refreshToken, String subject) {
    /** The access token's caller: the citizen, limited to the client's channels and to what the scopes allow. */
    public Caller caller() {
      return new Caller(Caller.Kind.CITIZEN, account.id(), scopes.contains(APPLICATIONS) ? Set.of(Role.APPLICANT)
          : Set.of(), Optional.empty(), Optional.empty(), client.channels());
    }

    /** The id access tokens of this sign-in are derived from: revoking it ends them all. */
    public String parentTokenId() {
      return parentOf(familyId);
    }
  }

  public static String parentOf(String familyId) {
    return "oidc:" + familyId;
  }

  // --- clients (administrators)

  public Future<JsonObject> clients(Caller caller) {
    return Access.require(caller, "oidc.admin", Role.ADMIN).compose(v -> store.clients())
        .map(list -> new JsonObject().put("items", new JsonArray(list.stream().map(OidcClient::toJson).toList())));
  }

  /**
   * Registers or changes a client. A new confidential client gets a secret, answered once as
   * {@code clientSecret}; a public one never has a secret (it proves itself with PKCE).
   */
  public Future<JsonObject> putClient(Caller caller, String clientId, JsonObject body, Locale locale) {
    return Access.require(caller, "oidc.admin", Role.ADMIN).compose(v -> {
      List<Violation> problems = new ArrayList<>();
      String name = body.getString("name");
      if (name == null || name.isBlank() || name.length() > 100) {
        problems.add(new Violation("/name", "length", Messages.get(locale, "oidc.clientName")));
      }
      List<String> redirects = strings(body.getJsonArray("redirectUris"));
      for (int i = 0; i < redirects.size(); i++) {
        if (!validRedirect(redirects.get(i))) {
          problems.add(new Violation("/redirectUris/" + i, "format", Messages.get(locale, "oidc.redirectUri")));
        }
      }
      List<String> channels = strings(body.getJsonArray("channels"));
      for (int i = 0; i < channels.size(); i++) {
        try {
          Channel.valueOf(channels.get(i));
        } catch (IllegalArgumentException e) {
          problems.add(new Violation("/channels/" + i, "enum", Messages.get(locale, "oidc.channel")));
        }
      }
      if (!problems.isEmpty()) {
        return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED,
            "application.invalid", problems, problems.size()));
      }
      boolean isPublic = body.getBoolean("publicClient", false);
      OidcClient client = new OidcClient(clientId, name, isPublic, redirects,
          new LinkedHashSet<>(strings(body.getJsonArray("scopes"))), new LinkedHashSet<>(channels),
          body.getBoolean("disabled", false), false);
      return store.findClient(clientId).compose(existing -> {
        boolean needsSecret = !isPublic && existing.map(c -> !c.hasSecret()).orElse(true);
        String secret = needsSecret ? token(24) : null;
        Future<String> hash = secret == null ? Future.succeededFuture(null)
            : vertx.executeBlocking(() -> PasswordHasher.hash(secret), false);
        return hash.compose(h -> store.putClient(client, h))
            .compose(x -> AuditLog.record(sql, caller.subject(), "oidc.client-put", "api_client", clientId,
                client.toJson()))
            .compose(x -> store.findClient(clientId))
            .map(saved -> {
              JsonObject out = saved.orElseThrow().toJson();
              return secret == null ? out : out.put("clientSecret", secret);
            });
      });
    });
  }

  private static boolean validRedirect(String uri) {
    try {
      java.net.URI u = new java.net.URI(uri);
      return u.isAbsolute() && u.getRawFragment() == null && uri.length() <= 500
          && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()) && ("127.0.0.1".equals(u.getHost())
              || "[::1]".equals(u.getHost()) || "localhost".equals(u.getHost()))
              || !u.getScheme().startsWith("http"));
    } catch (java.net.URISyntaxException | NullPointerException e) {
      return false;
    }
  }

  // --- the authorization request, sign-in and consent

  /**
   * Checks an authorization request (OpenID Connect Core §3.1.2) and keeps it for the sign-in page; its id.
   * An unknown client or an unregistered redirect URI is refused to the person (never redirected); other
   * refusals go back to the client's redirect URI.
   */
  public Future<String> authorize(Map<String, String> p) {
    String clientId = p.get("client_id");
    String redirectUri = p.get("redirect_uri");
    return client(clientId).compose(client -> {
      if (!client.redirects(redirectUri)) {
        return Future.failedFuture(new OAuthError("invalid_request", "redirect_uri 未登记"));
      }
      String state = p.get("state");
      if (!"code".equals(p.get("response_type"))) {
        return Future.failedFuture(new OAuthError("unsupported_response_type", "仅支持 response_type=code")
            .redirectingTo(redirectUri, state));
      }
      Set<String> scopes = new LinkedHashSet<>(List.of(p.getOrDefault("scope", "").trim().split("\\s+")));
      scopes.remove("");
      scopes.remove("offline_access");
      if (scopes.isEmpty() || !client.scopes().containsAll(scopes) || !OIDC_SCOPES.containsAll(scopes)) {
        return Future.failedFuture(new OAuthError("invalid_scope", "scope 超出该客户端的登记范围")
            .redirectingTo(redirectUri, state));
      }
      String challenge = p.get("code_challenge");
      String method = p.getOrDefault("code_challenge_method", challenge == null ? null : "plain");
      if (challenge == null && client.publicClient()) {
        return Future.failedFuture(new OAuthError("invalid_request", "公开客户端必须使用 PKCE（S256）")
            .redirectingTo(redirectUri, state));
      }
      if (challenge != null && (!"S256".equals(method) || !challenge.matches("[A-Za-z0-9_-]{43}"))) {
        return Future.failedFuture(new OAuthError("invalid_request", "code_challenge_method 须为 S256")
            .redirectingTo(redirectUri, state));
      }
      if ("none".equals(p.get("prompt"))) {
        return Future.failedFuture(new OAuthError("login_required", "需要登录").redirectingTo(redirectUri, state));
      }
      String id = token(18);
      JsonObject request = new JsonObject().put("clientId", clientId).put("redirectUri", redirectUri)
          .put("scopes", new JsonArray(new ArrayList<>(scopes))).put("state", state).put("nonce", p.get("nonce"))
          .put("challenge", challenge);
      return redis.await(redis.commands().setex(key("req", id), REQUEST_SECONDS, request.encode())).map(id);
    });
  }

  /** A kept authorization request, for the sign-in and consent pages: the client's name and what it asks. */
  public Future<JsonObject> request(String id) {
    return pending(id).compose(req -> client(req.getString("clientId")).map(client -> new JsonObject()
        .put("clientName", client.name()).put("clientId", client.clientId())
        .put("scopes", req.getJsonArray("scopes")).put("signedIn", req.containsKey("accountId"))));
  }

  /**
   * Signs the person in for a kept request, with the sign-in rules of {@link IdentityService#authenticatePerson}
   * (throttled per account and address). Only citizens sign in to portals. Answers {@code {redirect}} when the
   * client was allowed before, else {@code {consent: true}}.
   */
  public Future<JsonObject> signIn(String id, String login, String password, String address) {
    if (login == null || login.isBlank() || password == null || password.isEmpty()) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "auth.grantFields", "password",
          "login, password"));
    }
    return pending(id).compose(req -> identity.authenticatePerson(login, password, address).compose(session ->
        session.caller().kind() != Caller.Kind.CITIZEN
            ? Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "oidc.citizensOnly"))
            : signedIn(id, req, session.caller().subject())));
  }

  /** The request's person is known (password, or an upstream provider): on to consent or straight back. */
  public Future<JsonObject> signedIn(String id, JsonObject req, String accountId) {
    req.put("accountId", accountId).put("authTime", System.currentTimeMillis() / 1000);
    return redis.await(redis.commands().setex(key("req", id), REQUEST_SECONDS, req.encode()))
        .compose(v -> store.consent(accountId, req.getString("clientId")))
        .compose(consent -> consent.filter(s -> s.containsAll(scopes(req))).isPresent()
            ? finish(id, req).map(url -> new JsonObject().put("redirect", url))
            : Future.succeededFuture(new JsonObject().put("consent", true)));
  }

  /** The person's answer on the consent page: allowed (remembered for the client) or refused. */
  public Future<JsonObject> decide(String id, boolean allow) {
    return pending(id).compose(req -> {
      String accountId = req.getString("accountId");
      if (accountId == null) {
        return Future.failedFuture(new OAuthError("invalid_request", "请先登录"));
      }
      if (!allow) {
        return redis.await(redis.commands().del(key("req", id))).map(v -> new JsonObject().put("redirect",
            withParams(req.getString("redirectUri"), "error", "access_denied", "state", req.getString("state"))));
      }
      return store.putConsent(accountId, req.getString("clientId"), scopes(req))
          .compose(v -> finish(id, req)).map(url -> new JsonObject().put("redirect", url));
    });
  }

  /** Issues the one-time code (for {@value #CODE_SECONDS} s) and the redirect that carries it. */
  private Future<String> finish(String id, JsonObject req) {
    String code = token(32);
    JsonObject stored = req.copy().put("familyId", UUID.randomUUID().toString());
    return redis.await(redis.commands().setex(key("code", sha256(code)), CODE_SECONDS, stored.encode()))
        .compose(v -> redis.await(redis.commands().del(key("req", id))))
        .map(v -> withParams(req.getString("redirectUri"), "code", code, "state", req.getString("state")));
  }

  // --- federation: an upstream provider signs the person in

  /**
   * Starts a sign-in at the upstream provider for a kept request: the state, nonce and PKCE verifier of the
   * upstream request, kept for {@value #REQUEST_SECONDS} s under the state.
   */
  public Future<JsonObject> upstreamBegin(String id) {
    return pending(id).compose(req -> {
      String verifier = token(32);
      JsonObject up = new JsonObject().put("req", id).put("state", token(18)).put("nonce", token(18))
          .put("verifier", verifier).put("challenge", s256(verifier));
      return redis.await(redis.commands().setex(key("up", up.getString("state")), REQUEST_SECONDS, up.encode()))
          .map(up);
    });
  }

  /** The upstream request a callback's state names, once. */
  public Future<JsonObject> upstreamState(String state) {
    if (state == null || !state.matches("[A-Za-z0-9_-]{10,64}")) {
      return Future.failedFuture(new OAuthError("invalid_request", "省统一身份认证的回调无效"));
    }
    return redis.await(redis.commands().getdel(key("up", state))).compose(v -> v == null
        ? Future.failedFuture(new OAuthError("invalid_request", "省统一身份认证的回调已过期，请重新登录"))
        : Future.succeededFuture(new JsonObject(v)));
  }

  /**
   * The upstream provider vouched for {@code subject} (its ID token checked by the gateway): the citizen linked
   * to it, or — the first time — the citizen registered under the identity number it asserts, linked once.
   * The real-name level it asserts becomes the citizen's. Then on as after a password sign-in.
   */
  public Future<JsonObject> federated(String id, String issuer, String subject, String idNumber, int level) {
    return pending(id).compose(req -> store.linkedAccount(issuer, subject).compose(linked -> {
      if (linked.isPresent()) {
        return identity.account(linked.get()).map(a -> a.orElseThrow(() ->
            new OAuthError("access_denied", "关联的账号不存在")));
      }
      if (idNumber == null) {
        return Future.failedFuture(new OAuthError("access_denied", "省统一身份认证未提供身份证号，无法关联账号"));
      }
      return identity.citizenByIdNumber(idNumber).compose(found -> found.isEmpty()
          ? Future.<Account>failedFuture(new OAuthError("access_denied", "该身份证号尚未注册通办账号，请先注册"))
          : store.link(issuer, subject, found.get().id())
              .compose(v -> AuditLog.record(sql, "upstream:" + issuer, "oidc.federated-link", "account",
                  found.get().id(), new JsonObject().put("issuer", issuer)))
              .map(found.get()));
    }).compose(account -> {
      if (account.disabled() || account.kind() != Caller.Kind.CITIZEN) {
        return Future.failedFuture(new OAuthError("access_denied", "账号不可用"));
      }
      Future<Void> levelSet = level > 0 && level <= 4 && account.idNumber().isPresent()
          && level != account.realNameLevel()
          ? identity.assertedRealNameLevel(account.idNumber().get(), level) : Future.succeededFuture();
      return levelSet.compose(v -> signedIn(id, req, account.id()));
    }));
  }

  // --- the token endpoint

  /** The client at the token endpoint: a confidential one by its secret (throttled), a public one by its id. */
  public Future<OidcClient> authenticateClient(String clientId, String secret, String address) {
    if (clientId == null || clientId.isBlank() || clientId.length() > 100) {
      return Future.failedFuture(new OAuthError("invalid_client", "缺少 client_id"));
    }
    return store.findClient(clientId).compose(found -> {
      if (found.isEmpty() || found.get().disabled()) {
        return Future.failedFuture(new OAuthError("invalid_client", "客户端不存在或已停用"));
      }
      OidcClient c = found.get();
      if (c.publicClient()) {
        return Future.succeededFuture(c);
      }
      if (secret == null || secret.isEmpty()) {
        return Future.failedFuture(new OAuthError("invalid_client", "机密客户端须提供 client_secret"));
      }
      return identity.authenticateClient(clientId, secret, address).map(c)
          .recover(e -> Future.failedFuture(e instanceof DomainException d && d.code() == ProblemCode.INVALID_CLIENT
              ? new OAuthError("invalid_client", "客户端密钥错误") : e));
    });
  }

  /**
   * Redeems a code once (grant_type=authorization_code): same client, same redirect URI, the PKCE verifier
   * matching the challenge. A code presented a second time is refused and ends what was issued from it.
   */
  public Future<Grant> redeem(OidcClient client, String code, String redirectUri, String verifier) {
    if (code == null || code.isBlank()) {
      return Future.failedFuture(new OAuthError("invalid_request", "缺少 code"));
    }
    String hash = sha256(code);
    return redis.await(redis.commands().getdel(key("code", hash))).compose(value -> {
      if (value == null) {
        return redis.await(redis.commands().get(key("used", hash))).compose(family -> family == null
            ? Future.failedFuture(new OAuthError("invalid_grant", "授权码无效或已过期"))
            : endFamily(family).compose(v -> Future.failedFuture(
                new OAuthError("invalid_grant", "授权码已使用过；由它签发的令牌已全部吊销"))));
      }
      JsonObject req = new JsonObject(value);
      String family = req.getString("familyId");
      return redis.await(redis.commands().setex(key("used", hash), REQUEST_SECONDS, family)).compose(v -> {
        if (!client.clientId().equals(req.getString("clientId"))) {
          return Future.failedFuture(new OAuthError("invalid_grant", "授权码不属于该客户端"));
        }
        if (!req.getString("redirectUri").equals(redirectUri)) {
          return Future.failedFuture(new OAuthError("invalid_grant", "redirect_uri 与授权请求不一致"));
        }
        String challenge = req.getString("challenge");
        if (challenge != null && (verifier == null || !verifier.matches("[A-Za-z0-9._~-]{43,128}")
            || !challenge.equals(s256(verifier)))) {
          return Future.failedFuture(new OAuthError("invalid_grant", "PKCE code_verifier 缺失或不匹配"));
        }
        if (challenge == null && client.publicClient()) {
          return Future.failedFuture(new OAuthError("invalid_grant", "公开客户端必须使用 PKCE"));
        }
        return issue(client, req.getString("accountId"), scopes(req), req.getString("nonce"),
            req.getLong("authTime"), family);
      });
    });
  }

  /**
   * grant_type=refresh_token: the token is used up and a new one issued in its family. A token used a second
   * time means it was copied: the whole family is revoked, with the access tokens issued from it.
   */
  public Future<Grant> refresh(OidcClient client, String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank()) {
      return Future.failedFuture(new OAuthError("invalid_request", "缺少 refresh_token"));
    }
    String hash = sha256(refreshToken);
    return store.findRefresh(hash).compose(found -> {
      if (found.isEmpty() || !found.get().clientId().equals(client.clientId())) {
        return Future.failedFuture(new OAuthError("invalid_grant", "刷新令牌无效"));
      }
      return store.useRefresh(hash).compose(used -> {
        if (used.isEmpty()) {
          OidcStore.Refresh was = found.get();
          return was.revoked() ? Future.failedFuture(new OAuthError("invalid_grant", "刷新令牌已吊销"))
              : endFamily(was.familyId()).compose(v -> Future.failedFuture(
                  new OAuthError("invalid_grant", "刷新令牌被重复使用；该登录已全部吊销")));
        }
        OidcStore.Refresh r = used.get();
        if (r.expired()) {
          return Future.failedFuture(new OAuthError("invalid_grant", "刷新令牌已过期"));
        }
        return issue(client, r.accountId(), r.scopes(), null, r.authTime(), r.familyId());
      });
    });
  }

  private Future<Grant> issue(OidcClient client, String accountId, Set<String> scopes, String nonce, long authTime,
      String family) {
    return identity.account(accountId).compose(found -> {
      if (found.isEmpty() || found.get().disabled()) {
        return Future.failedFuture(new OAuthError("invalid_grant", "账号不可用"));
      }
      String refresh = token(32);
      return store.insertRefresh(sha256(refresh), family, client.clientId(), accountId, scopes, authTime,
              OffsetDateTime.now().plusDays(REFRESH_DAYS))
          .compose(v -> pairwiseSubject(client.clientId(), accountId))
          .map(sub -> new Grant(client, found.get(), scopes, nonce, authTime, family, refresh, sub));
    });
  }

  /** Revocation (RFC 7009) of a refresh token: its family ends. False when it is no refresh token of the client's. */
  public Future<Boolean> revokeRefresh(OidcClient client, String token) {
    return store.findRefresh(sha256(token)).compose(found -> found.filter(r -> r.clientId().equals(client.clientId()))
        .map(r -> endFamily(r.familyId()).map(true)).orElse(Future.succeededFuture(false)));
  }

  /** Introspection of a refresh token (RFC 7662): its client, subject and scopes while it is usable. */
  public Future<Optional<JsonObject>> introspectRefresh(String token) {
    return store.findRefresh(sha256(token)).compose(found -> {
      if (found.isEmpty() || found.get().used() || found.get().revoked() || found.get().expired()) {
        return Future.succeededFuture(Optional.empty());
      }
      OidcStore.Refresh r = found.get();
      return pairwiseSubject(r.clientId(), r.accountId()).map(sub -> Optional.of(new JsonObject().put("active", true)
          .put("client_id", r.clientId()).put("sub", sub).put("scope", String.join(" ", r.scopes().stream().sorted()
              .toList())).put("token_type", "refresh_token")));
    });
  }

  /** Ends a sign-in: its refresh tokens and, through their family id, every access token issued from it. */
  public Future<Void> endFamily(String familyId) {
    return store.revokeFamily(familyId).compose(v -> identity.revoke(parentOf(familyId), tokenTtlSeconds));
  }

  /** Revokes one access token (RFC 7009 for an access token), until it would have expired. */
  public Future<Void> endToken(String tokenId, long expiresAt) {
    return identity.revoke(tokenId, Math.max(1, expiresAt - System.currentTimeMillis() / 1000));
  }

  // --- a citizen's allowed portals

  public Future<JsonObject> myPortals(Caller caller) {
    return citizen(caller).compose(v -> store.consents(caller.subject()))
        .map(items -> new JsonObject().put("items", items));
  }

  /** Withdraws a client's consent: it must ask again, and its tokens for the citizen end now. */
  public Future<Void> revokePortal(Caller caller, String clientId) {
    return citizen(caller).compose(v -> store.deleteConsent(caller.subject(), clientId))
        .compose(families -> {
          Future<Void> all = Future.succeededFuture();
          for (String f : families) {
            all = all.compose(v -> identity.revoke(parentOf(f), tokenTtlSeconds));
          }
          return all;
        });
  }

  private static Future<Void> citizen(Caller caller) {
    return caller.kind() == Caller.Kind.CITIZEN && caller.channels().isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "oidc.citizensOnly"));
  }

  // --- helpers

  public Future<OidcClient> client(String clientId) {
    if (clientId == null || clientId.isBlank() || clientId.length() > 100) {
      return Future.failedFuture(new OAuthError("invalid_request", "缺少 client_id"));
    }
    return store.findClient(clientId).compose(c -> c.filter(x -> !x.disabled()).map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new OAuthError("invalid_client", "客户端不存在或已停用"))));
  }

  public OidcStore store() {
    return store;
  }

  public Future<JsonObject> pending(String id) {
    if (id == null || !id.matches("[A-Za-z0-9_-]{10,64}")) {
      return Future.failedFuture(new OAuthError("invalid_request", "登录请求无效"));
    }
    return redis.await(redis.commands().get(key("req", id))).compose(v -> v == null
        ? Future.failedFuture(new OAuthError("invalid_request", "登录请求已过期，请回到原网站重新发起"))
        : Future.succeededFuture(new JsonObject(v)));
  }

  /** The citizen's subject for one client: an HMAC of the account, never its identity number, different per client. */
  public Future<String> pairwiseSubject(String clientId, String accountId) {
    Future<byte[]> key = salt != null ? Future.succeededFuture(salt)
        : store.setting("pairwise-salt").map(s -> salt = s.getBytes(StandardCharsets.UTF_8));
    return key.map(k -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(k, "HmacSHA256"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
            mac.doFinal((clientId + "|" + accountId).getBytes(StandardCharsets.UTF_8)));
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static Set<String> scopes(JsonObject req) {
    Set<String> out = new LinkedHashSet<>();
    req.getJsonArray("scopes").forEach(s -> out.add((String) s));
    return out;
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
  }

  private static String key(String kind, String id) {
    return "oidc:" + kind + ":" + id;
  }

  static String withParams(String uri, String... pairs) {
    StringBuilder out = new StringBuilder(uri).append(uri.contains("?") ? '&' : '?');
    boolean first = true;
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        continue;
      }
      out.append(first ? "" : "&").append(pairs[i]).append('=')
          .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
      first = false;
    }
    return out.toString();
  }

  public static String token(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(String s) {
    return s256(s);
  }
}
