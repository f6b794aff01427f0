package cn.tongban.gateway.http;

import cn.tongban.core.access.Caller;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.ext.web.RoutingContext;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** What the gateway knows about a request: its trace id, its language and (once authenticated) its caller. */
public final class RequestContext {
  private static final String CALLER = "tongban.caller";
  private static final String TRACE = "tongban.trace";
  private static final String LOCALE = "tongban.locale";
  private static final String TOKEN = "tongban.token";
  private static final String ADDRESS = "tongban.address";
  private static final SecureRandom RANDOM = new SecureRandom();

  private RequestContext() {
  }

  /**
   * The first handler of every request: assigns the trace id, reads the caller's language and decides the client
   * address ({@code addresses}).
   */
  public static void begin(RoutingContext rc, ClientAddress addresses) {
    rc.put(ADDRESS, addresses.of(rc.request().remoteAddress(), rc.request().headers()));
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    String trace = HexFormat.of().formatHex(id);
    rc.put(TRACE, trace);
    rc.put(LOCALE, Messages.fromAcceptLanguage(rc.request().getHeader("Accept-Language")));
    rc.response().putHeader("X-Trace-Id", trace);
    rc.next();
  }

  public static String traceId(RoutingContext rc) {
    String t = rc.get(TRACE);
    return t == null ? "-" : t;
  }

  public static Locale locale(RoutingContext rc) {
    Locale l = rc.get(LOCALE);
    return l == null ? Messages.DEFAULT : l;
  }

  public static void setCaller(RoutingContext rc, Caller caller) {
    rc.put(CALLER, caller);
  }

  /** The verified token of the request (for logout). */
  public static void setToken(RoutingContext rc, Object token) {
    rc.put(TOKEN, token);
  }

  @SuppressWarnings("unchecked")
  public static <T> Optional<T> token(RoutingContext rc) {
    return Optional.ofNullable((T) rc.get(TOKEN));
  }

  public static Optional<Caller> caller(RoutingContext rc) {
    return Optional.ofNullable(rc.get(CALLER));
  }

  /** The authenticated caller; 401 when the request carried no valid token. */
  public static Caller requireCaller(RoutingContext rc) {
    return caller(rc).orElseThrow(() -> new DomainException(ProblemCode.UNAUTHENTICATED, "auth.missing"));
  }

  /** The address a request came from, as sign-in failures and rates count it ({@link ClientAddress}). */
  public static String address(RoutingContext rc) {
    String address = rc.get(ADDRESS);
    return address != null ? address : "unknown";
  }
}
