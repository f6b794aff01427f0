package cn.tongban.gateway.http;

import cn.tongban.core.access.Caller;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.plugin.Trace;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Optional;

/** What the gateway knows about a request: its trace id, its language and (once authenticated) its caller. */
public final class RequestContext {
  private static final String CALLER = "tongban.caller";
  private static final String TRACE = "tongban.trace";
  private static final String LOCALE = "tongban.locale";
  private static final String TOKEN = "tongban.token";
  private static final String ADDRESS = "tongban.address";

  private RequestContext() {
  }

  /**
   * The first handler of every request: continues the caller's W3C trace ({@code traceparent}) or starts one,
   * puts it on the request's own Vert.x context (logs, the outbox and outbound calls find it there), reads
   * the caller's language and decides the client address ({@code addresses}).
   */
  public static void begin(RoutingContext rc, ClientAddress addresses) {
    rc.put(ADDRESS, addresses.of(rc.request().remoteAddress(), rc.request().headers()));
    Trace trace = Trace.forRequest(rc.request().getHeader(Trace.HEADER));
    Context context = Vertx.currentContext();
    if (context != null) {
      trace.attach(context);
    }
    rc.put(TRACE, trace);
    rc.put(LOCALE, Messages.fromAcceptLanguage(rc.request().getHeader("Accept-Language")));
    rc.response().putHeader("X-Trace-Id", trace.traceId());
    rc.next();
  }

  /** The request's trace id (32 hex digits, W3C), as problems and logs show it. */
  public static String traceId(RoutingContext rc) {
    Trace t = rc.get(TRACE);
    return t == null ? "-" : t.traceId();
  }

  /** The request's trace, or null before {@link #begin}. */
  public static Trace trace(RoutingContext rc) {
    return rc.get(TRACE);
  }

  /** Names the operation being served (a REST operation id), for metrics and logs. */
  public static void operation(RoutingContext rc, String operationId) {
    Trace t = rc.get(TRACE);
    if (t != null) {
      t.operation(operationId);
    }
  }

  public static Locale locale(RoutingContext rc) {
    Locale l = rc.get(LOCALE);
    return l == null ? Messages.DEFAULT : l;
  }

  public static void setCaller(RoutingContext rc, Caller caller) {
    rc.put(CALLER, caller);
    Trace t = rc.get(TRACE);
    if (t != null) {
      // An account's (or client's) id, never a name or number: logs may carry it.
      t.account(caller.subject());
    }
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
