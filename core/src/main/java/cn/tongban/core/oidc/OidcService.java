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
  private final int sessionSeconds;
  private volatile byte[] salt;

  /** {@code sessionHours}: how long a sign-in session lets the person skip the password (0: never). */
  public OidcService(Vertx vertx, SqlClient client, IdentityService identity, Redis redis, int tokenTtlSeconds,
      int sessionHours) {
    this.vertx = vertx;
    this.sessionSeconds = sessionHours * 3600;
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
   * Checks an authorization request (OpenID Connect Core §3.1.2). An unknown client or an unregistered redirect
   * URI is refused to the person (never redirected); other refusals go back to the client's redirect URI. With a
   * sign-in session ({@code session}, the cookie's value) that {@code prompt} and {@code max_age} accept, the
   * password is not asked again: {@code {redirect}} straight back with a code when the client was allowed before;
   * otherwise the request is kept for the sign-in (or consent) page: {@code {request}}, its id.
   * {@code prompt=none} never shows a page: {@code login_required} without such a session,
   * {@code consent_required} without a consent.
   */
  public Future<JsonObject> authorize(Map<String, String> p, String session) {
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
      Set<String> prompt = new LinkedHashSet<>(List.of(p.getOrDefault("prompt", "").trim().split("\\s+")));
      prompt.remove("");
      String maxAge = p.get("max_age");
      if (!Set.of("none", "login", "consent", "select_account").containsAll(prompt)
          || prompt.contains("none") && prompt.size() > 1 || maxAge != null && !maxAge.matches("\\d{1,9}")) {
        return Future.failedFuture(new OAuthError("invalid_request", "prompt 或 max_age 无效")
            .redirectingTo(redirectUri, state));
      }
      JsonObject request = new JsonObject().put("clientId", clientId).put("redirectUri", redirectUri)
          .put("scopes", new JsonArray(new ArrayList<>(scopes))).put("state", state).put("nonce", p.get("nonce"))
          .put("challenge", challenge);
      // prompt=login and max_age=0 always ask for the password; max_age, when the session's sign-in is older.
      Future<Optional<JsonObject>> signedIn = prompt.contains("login") ? Future.succeededFuture(Optional.empty())
          : session(session).map(s -> s.filter(x -> maxAge == null
              || System.currentTimeMillis() / 1000 - x.getLong("authTime") < Long.parseLong(maxAge)));
      return signedIn.compose(known -> {
        if (known.isEmpty()) {
          return prompt.contains("none")
              ? Future.failedFuture(new OAuthError("login_required", "需要登录").redirectingTo(redirectUri, state))
              : keep(request).map(id -> new JsonObject().put("request", id));
        }
        request.put("accountId", known.get().getString("accountId")).put("authTime", known.get().getLong("authTime"));
        return store.consent(known.get().getString("accountId"), clientId).compose(consent -> {
          boolean allowed = consent.filter(s -> s.containsAll(scopes)).isPresent() && !prompt.contains("consent");
          if (!allowed && prompt.contains("none")) {
            return Future.failedFuture(new OAuthError("consent_required", "需要用户授权")
                .redirectingTo(redirectUri, state));
          }
          return keep(request).compose(id -> allowed ? finish(id, request).map(url -> new JsonObject().put("redirect", url))
              : Future.succeededFuture(new JsonObject().put("request", id)));
        });
      });
    });
  }

  private Future<String> keep(JsonObject request) {
    String id = token(18);
    return redis.await(redis.commands().setex(key("req", id), REQUEST_SECONDS, request.encode())).map(id);
  }

  // --- sign-in sessions (a cookie holding an opaque id; the state in Redis, never a token)

  /**
   * The person a sign-in session stands for, {@code {accountId, authTime}}, while it lasts and the account is
   * still usable at the same token epoch (a password change or a disabled account ends it).
   */
  public Future<Optional<JsonObject>> session(String session) {
    if (session == null || !session.matches("[A-Za-z0-9_-]{43}") || sessionSeconds <= 0) {
      return Future.succeededFuture(Optional.empty());
    }
    return redis.await(redis.commands().get(key("session", sha256(session)))).compose(v -> {
      if (v == null) {
        return Future.succeededFuture(Optional.<JsonObject>empty());
      }
      JsonObject s = new JsonObject(v);
      return identity.account(s.getString("accountId")).map(a -> a.filter(x -> !x.disabled()
          && x.kind() == Caller.Kind.CITIZEN && x.tokenEpoch() == s.getInteger("epoch", 0)).map(x -> s));
    });
  }

  /** Ends a sign-in session (logout); nothing when there is none. */
  public Future<Void> endSession(String session) {
    if (session == null || !session.matches("[A-Za-z0-9_-]{43}")) {
      return Future.succeededFuture();
    }
    return redis.await(redis.commands().del(key("session", sha256(session)))).mapEmpty();
  }

  /** How long a session cookie lasts, in seconds (0: no sessions). */
  public int sessionSeconds() {
    return sessionSeconds;
  }

  /** A new sign-in session for the person: its id, for the cookie (empty when sessions are off). */
  private Future<Optional<String>> startSession(String accountId, long authTime) {
    if (sessionSeconds <= 0) {
      return Future.succeededFuture(Optional.empty());
    }
    String session = token(32);
    return identity.account(accountId).compose(a -> redis.await(redis.commands().setex(key("session", sha256(session)),
            sessionSeconds, new JsonObject().put("accountId", accountId).put("authTime", authTime)
                .put("epoch", a.map(Account::tokenEpoch).orElse(0)).encode())))
        .map(v -> Optional.of(session));
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

  /**
   * The request's person is known (password, or an upstream provider): a sign-in session starts (its id answered
   * as {@code session}, for the gateway to set as a cookie and never to send on), then on to consent or
   * straight back.
   */
  public Future<JsonObject> signedIn(String id, JsonObject req, String accountId) {
    long authTime = System.currentTimeMillis() / 1000;
    req.put("accountId", accountId).put("authTime", authTime);
    return redis.await(redis.commands().setex(key("req", id), REQUEST_SECONDS, req.encode()))
        .compose(v -> startSession(accountId, authTime))
        .compose(session -> store.consent(accountId, req.getString("clientId"))
            .compose(consent -> consent.filter(s -> s.containsAll(scopes(req))).isPresent()
                ? finish(id, req).map(url -> new JsonObject().put("redirect", url))
                : Future.succeededFuture(new JsonObject().put("consent", true)))
            .map(out -> session.map(s -> out.put("session", s)).orElse(out)));
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
   * The upstream provider vouched for the person its checked ID token's {@code claims} describe: the citizen
   * linked to its {@code sub}, or — the first time — the citizen with the identity number it asserts
   * ({@code id_number}), linked once; without an account here, one is registered from {@code id_number},
   * {@code name} and {@code real_name_level} (all three required, docs/oidc.md#federation-the-provincial-unified-identity).
   * The real-name level it asserts becomes the citizen's. Then on as after a password sign-in.
   */
  public Future<JsonObject> federated(String id, String issuer, JsonObject claims) {
    String subject = claims.getString("sub");
    String idNumber = claims.getValue("id_number") instanceof String s ? s.trim().toUpperCase(Locale.ROOT) : null;
    int level = claims.getValue("real_name_level") instanceof Number n ? n.intValue() : 0;
    return pending(id).compose(req -> store.linkedAccount(issuer, subject).compose(linked -> {
      if (linked.isPresent()) {
        return identity.account(linked.get()).map(a -> a.orElseThrow(() ->
            new OAuthError("access_denied", "关联的账号不存在")));
      }
      if (idNumber == null) {
        return Future.failedFuture(new OAuthError("access_denied", "省统一身份认证未提供身份证号（id_number），无法关联账号"));
      }
      if (!cn.tongban.plugin.IdNumber.isValid(idNumber)) {
        return Future.failedFuture(new OAuthError("access_denied", "省统一身份认证提供的身份证号无效，无法关联账号"));
      }
      return identity.citizenByIdNumber(idNumber).compose(found -> found.isPresent()
          ? Future.succeededFuture(found.get()) : register(issuer, idNumber, claims.getValue("name"), level))
          .compose(account -> store.link(issuer, subject, account.id())
              .compose(v -> AuditLog.record(sql, "upstream:" + issuer, "oidc.federated-link", "account",
                  account.id(), new JsonObject().put("issuer", issuer)))
              .map(account));
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

  /** A citizen new here, registered once from what the upstream provider asserts; refused when it is not enough. */
  private Future<Account> register(String issuer, String idNumber, Object name, int level) {
    if (!(name instanceof String n) || n.isBlank() || n.strip().length() < 2 || n.strip().length() > 50) {
      return Future.failedFuture(new OAuthError("access_denied", "省统一身份认证未提供姓名（name），无法为您注册通办账号"));
    }
    if (level < 1 || level > 4) {
      return Future.failedFuture(new OAuthError("access_denied",
          "省统一身份认证未提供实名认证等级（real_name_level，1–4），无法为您注册通办账号"));
    }
    return identity.registerFederated(idNumber, n.strip(), level)
        .recover(e -> Future.failedFuture(e instanceof OAuthError ? e
            : new OAuthError("access_denied", "该身份证号无法注册通办账号")))
        .compose(account -> AuditLog.record(sql, "upstream:" + issuer, "oidc.federated-register", "account",
            account.id(), new JsonObject().put("issuer", issuer).put("realNameLevel", level)).map(account));
  }

  // --- userinfo

  /**
   * The UserInfo response (OpenID Connect Core §5.3) for an access token this provider issued to {@code clientId}
   * with {@code scopes}: the pairwise {@code sub} and {@code real_name_level} (openid), the name and a masked
   * identity number (profile). Never the identity number itself or the phone.
   */
  public Future<JsonObject> userinfo(Caller caller, String clientId, Set<String> scopes) {
    if (caller.kind() != Caller.Kind.CITIZEN || clientId == null) {
      return Future.failedFuture(new OAuthError("invalid_token", "该令牌不是通过单点登录签发的"));
    }
    if (!scopes.contains("openid")) {
      return Future.failedFuture(new OAuthError("insufficient_scope", "该令牌不含 openid 权限"));
    }
    return identity.account(caller.subject()).compose(found -> {
      if (found.isEmpty() || found.get().disabled()) {
        return Future.failedFuture(new OAuthError("invalid_token", "账号不可用"));
      }
      Account a = found.get();
      return pairwiseSubject(clientId, a.id()).map(sub -> {
        JsonObject out = new JsonObject().put("sub", sub).put("real_name_level", a.realNameLevel());
        if (scopes.contains("profile")) {
          out.put("name", a.displayName());
          a.idNumber().ifPresent(n -> out.put("id_number_masked", cn.tongban.core.identity.Masking.idNumber(n)));
        }
        return out;
      });
    });
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
