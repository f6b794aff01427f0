package cn.tongban.core.identity;

import cn.tongban.core.access.Caller;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * WeChat mini-program sign-in: the mini-program's {@code code} is exchanged for an openid at the configured
 * code2session endpoint (WeChat's shape); an openid linked to a verified citizen (real-name L2 or higher)
 * signs in as that citizen.
 *
 * <p>On the demo platform (demo mode and no WeChat app configured) code2session is stood in for, so the
 * mini-program quick start runs against {@code java -jar tongban.jar}: the code {@code demo-<x>} is the WeChat
 * user whose openid is {@code demo-<x>}, linked and signed in like any other. Anywhere else such a code is
 * refused here, never sent to WeChat: the stand-in cannot be reached on a production platform.
 */
public final class WeChatLogin {
  private static final int MIN_LEVEL_TO_LINK = 2;
  /** The prefix of the demo platform's login codes (see the class comment). */
  public static final String DEMO_CODE_PREFIX = "demo-";
  private final HttpClient http;
  private final IdentityStore accounts;
  private final String endpoint;
  private final Optional<String> appId;
  private final Optional<String> secret;
  private final boolean standIn;

  public WeChatLogin(Vertx vertx, Pool pool, PersonalData personal, String endpoint, Optional<String> appId,
      Optional<String> secret, boolean demo) {
    this.http = vertx.createHttpClient();
    this.accounts = new IdentityStore(pool, personal);
    this.endpoint = endpoint;
    this.appId = appId;
    this.secret = secret;
    this.standIn = demoStandIn(demo, appId, secret);
  }

  /** The stand-in answers only on a demo platform with no WeChat app: a configured app is always asked. */
  public static boolean demoStandIn(boolean demo, Optional<String> appId, Optional<String> secret) {
    return demo && appId.isEmpty() && secret.isEmpty();
  }

  /** Signs in with a mini-program code: the linked citizen's session; 401 when the code or the link is missing. */
  public Future<IdentityService.Session> signIn(String code) {
    return openid(code).compose(accounts::weChatAccount)
        .compose(id -> id.isEmpty()
            ? Future.failedFuture(new DomainException(ProblemCode.INVALID_CREDENTIALS, "wechat.notLinked"))
            : accounts.findById(id.get()))
        .map(a -> a.filter(x -> !x.disabled()).map(x -> new IdentityService.Session(x.toCaller(), x.tokenEpoch()))
            .orElseThrow(() -> new DomainException(ProblemCode.INVALID_CREDENTIALS, "wechat.notLinked")));
  }

  /** Links the WeChat identity behind {@code code} to the signed-in citizen, who must be verified (L2+). */
  public Future<Void> link(Caller caller, String code) {
    if (caller.kind() != Caller.Kind.CITIZEN) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "wechat.citizensOnly"));
    }
    return accounts.findById(caller.subject()).compose(a -> {
      int level = a.map(Account::realNameLevel).orElse(0);
      if (level < MIN_LEVEL_TO_LINK) {
        return Future.failedFuture(new DomainException(ProblemCode.REAL_NAME_LEVEL_TOO_LOW, "realname.toLink",
            "L" + MIN_LEVEL_TO_LINK, "L" + level));
      }
      return openid(code).compose(openid -> accounts.linkWeChat(openid, caller.subject()));
    });
  }

  private Future<String> openid(String code) {
    if (code.startsWith(DEMO_CODE_PREFIX)) {
      if (!standIn) {
        return Future.failedFuture(new DomainException(ProblemCode.INVALID_CREDENTIALS, "wechat.demoCode"));
      }
      return code.length() > DEMO_CODE_PREFIX.length() ? Future.succeededFuture(code)
          : Future.failedFuture(new DomainException(ProblemCode.INVALID_CREDENTIALS, "wechat.code"));
    }
    if (appId.isEmpty() || secret.isEmpty()) {
      return Future.failedFuture(new DomainException(ProblemCode.DEPENDENCY_UNAVAILABLE, "dependency.down",
          "WeChat (TONGBAN_WECHAT_APPID / TONGBAN_WECHAT_SECRET not configured"
              + (standIn ? "; on the demo platform use a login code demo-<x>)" : ")")));
    }
    String url = endpoint + "?appid=" + enc(appId.get()) + "&secret=" + enc(secret.get()) + "&js_code=" + enc(code)
        + "&grant_type=authorization_code";
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setTimeout(5_000))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .recover(e -> Future.failedFuture(new DomainException(ProblemCode.DEPENDENCY_UNAVAILABLE, "dependency.down",
            "WeChat")))
        .compose(body -> {
          JsonObject json;
          try {
            json = body.toJsonObject();
          } catch (RuntimeException e) {
            return Future.failedFuture(new DomainException(ProblemCode.DEPENDENCY_UNAVAILABLE, "dependency.down",
                "WeChat"));
          }
          String openid = json.getString("openid");
          if (json.getInteger("errcode", 0) != 0 || openid == null) {
            return Future.failedFuture(new DomainException(ProblemCode.INVALID_CREDENTIALS, "wechat.code"));
          }
          return Future.succeededFuture(openid);
        });
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
