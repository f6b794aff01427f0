package cn.tongban.plugin;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.context.storage.ContextLocal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The W3C trace context (https://www.w3.org/TR/trace-context/) of the work in progress: a request's trace and
 * span ids, and what the logs may say about it (the operation, the caller's account id — never personal data).
 * The gateway puts one on each request's own Vert.x context (Vert.x runs every request on a context of its own,
 * and the callbacks of its database and HTTP calls come back to it); the outbox records it with the events a
 * request produced, and outbound calls send it on as a {@code traceparent} header.
 *
 * <p>The context local must be registered before a Vert.x instance is built: {@link #install()} does it
 * (Main and the test gateway call it first). Under an instance built earlier there is simply no trace.
 */
public final class Trace {
  private static final ContextLocal<Trace> LOCAL = ContextLocal.registerLocal(Trace.class);
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  public static final String HEADER = "traceparent";

  /** A span no request carries (an outbox delivery), ended when the work is done. */
  public interface Span {
    /** Ends the span; {@code failure} null when the work succeeded. */
    void end(Throwable failure);
  }

  /**
   * Where spans are exported (OpenTelemetry, when the gateway is configured for it): the span Vert.x's tracer
   * opened for the request being served, and spans of work no request carries.
   */
  public interface Exporter {
    /** The span of the request on the current context, as a trace; null when the tracer opened none. */
    Trace current();

    /** Starts a span named {@code name} continuing {@code parentTraceparent} (a new trace when null). */
    Span start(String name, String parentTraceparent);

    /** The request of {@code trace} is serving {@code operation}: its span takes that name. */
    default void operation(Trace trace, String operation) {
    }
  }

  private static final Span NOTHING = failure -> { };
  private static volatile Exporter exporter;

  private final String traceId;
  private final String spanId;
  private volatile String operation;
  private volatile String account;

  private Trace(String traceId, String spanId) {
    this.traceId = traceId;
    this.spanId = spanId;
  }

  /** Loads this class, registering its context local; call before building Vert.x. */
  public static void install() {
    // The static initialiser does the work.
  }

  /** Spans go to {@code e} from now on; null: nowhere (the default, which costs nothing). */
  public static void exportTo(Exporter e) {
    exporter = e;
  }

  /**
   * The trace of a request that came with {@code traceparent}: the span the exporter's tracer opened for it when
   * spans are exported (so that logs and the exported spans name the same ids), else {@link #continuing}.
   */
  public static Trace forRequest(String traceparent) {
    Exporter e = exporter;
    Trace t = e == null ? null : e.current();
    return t != null ? t : continuing(traceparent);
  }

  /** A span of work no request carries, continuing {@code parentTraceparent}; exported only when spans are. */
  public static Span span(String name, String parentTraceparent) {
    Exporter e = exporter;
    return e == null ? NOTHING : e.start(name, parentTraceparent);
  }

  /** The trace with these ids (32 and 16 lower-case hex digits), as an exporter's tracer made them. */
  public static Trace of(String traceId, String spanId) {
    if (traceId == null || traceId.length() != 32 || !lowerHex(traceId) || spanId == null || spanId.length() != 16
        || !lowerHex(spanId)) {
      throw new IllegalArgumentException("not a W3C trace id and span id");
    }
    return new Trace(traceId, spanId);
  }

  /** A new trace, as for a request that came without a (valid) {@code traceparent}. */
  public static Trace start() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new Trace(hex(random.nextLong(), random.nextLong() | 1), hex(random.nextLong() | 1));
  }

  /**
   * The trace a {@code traceparent} header continues, with a new span of ours; a new trace when the header is
   * absent or malformed (version {@code 00}'s form; an all-zero id is invalid).
   */
  public static Trace continuing(String traceparent) {
    if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-'
        || traceparent.charAt(35) != '-' || traceparent.charAt(52) != '-' || traceparent.startsWith("ff")) {
      return start();
    }
    String trace = traceparent.substring(3, 35);
    String parent = traceparent.substring(36, 52);
    if (!lowerHex(traceparent.substring(0, 2)) || !lowerHex(trace) || !lowerHex(parent)
        || trace.equals("00000000000000000000000000000000") || parent.equals("0000000000000000")) {
      return start();
    }
    return new Trace(trace, hex(ThreadLocalRandom.current().nextLong() | 1));
  }

  /** The trace of the work running on the current Vert.x context, or null. */
  public static Trace current() {
    Context context = Vertx.currentContext();
    if (context == null) {
      return null;
    }
    try {
      return context.getLocal(LOCAL);
    } catch (IllegalArgumentException e) {
      // A Vert.x instance built before install(): it has no slot for the trace.
      return null;
    }
  }

  /** The current trace's {@code traceparent}, or null. */
  public static String currentTraceparent() {
    Trace t = current();
    return t == null ? null : t.traceparent();
  }

  /** Makes this the trace of the work on {@code context} (a request's own context). */
  public void attach(Context context) {
    try {
      context.putLocal(LOCAL, this);
    } catch (IllegalArgumentException e) {
      // See current().
    }
  }

  /** A span of this trace for a call made on its behalf (an outbound request). */
  public Trace child() {
    return new Trace(traceId, hex(ThreadLocalRandom.current().nextLong() | 1));
  }

  /** The header value naming this span as the parent: {@code 00-<trace id>-<span id>-01}. */
  public String traceparent() {
    return "00-" + traceId + "-" + spanId + "-01";
  }

  /** The trace id of a {@code traceparent} value, or null when it has none. */
  public static String traceIdOf(String traceparent) {
    return traceparent == null || traceparent.length() < 35 ? null : traceparent.substring(3, 35);
  }

  public String traceId() {
    return traceId;
  }

  public String spanId() {
    return spanId;
  }

  /** The operation being served (a REST operation id, {@code graphql:Name}), or null. */
  public String operation() {
    return operation;
  }

  public void operation(String operation) {
    this.operation = operation;
    Exporter e = exporter;
    if (e != null) {
      e.operation(this, operation);
    }
  }

  /** The caller's account (or client) id once authenticated, or null. */
  public String account() {
    return account;
  }

  public void account(String account) {
    this.account = account;
  }

  private static boolean lowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  private static String hex(long... words) {
    char[] out = new char[words.length * 16];
    int i = 0;
    for (long w : words) {
      for (int shift = 60; shift >= 0; shift -= 4) {
        out[i++] = HEX[(int) (w >>> shift) & 0xf];
      }
    }
    return new String(out);
  }
}
