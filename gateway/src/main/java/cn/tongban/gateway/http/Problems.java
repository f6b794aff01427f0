package cn.tongban.gateway.http;

import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.logging.Logger;

/**
 * The one error mapper: every failure becomes an RFC 9457 problem, the same for REST
 * ({@code application/problem+json}) and GraphQL ({@code errors[].extensions}). Internal errors are
 * logged with their trace id and never shown.
 */
public final class Problems {
  private static final Logger LOG = Logger.getLogger(Problems.class.getName());
  private static final Pattern REQUIRED_PROPERTY = Pattern.compile("required property \"([^\"]+)\"");

  private Problems() {
  }

  /** The failure handler for every route, and the error handler for unmatched routes. */
  public static Handler<RoutingContext> handler(long bodyLimitBytes) {
    return handler(bodyLimitBytes, "", 0);
  }

  /**
   * {@link #handler(long)}, where uploads to {@code uploadPath} have a limit of their own: a 413 there states
   * that limit (the material limit), not the body limit of other requests.
   */
  public static Handler<RoutingContext> handler(long bodyLimitBytes, String uploadPath, long uploadLimitBytes) {
    return rc -> {
      if (rc.response().ended()) {
        return;
      }
      Throwable failure = rc.failure();
      Locale locale = RequestContext.locale(rc);
      int status = failure instanceof HttpException http ? http.getStatusCode() : rc.statusCode();
      JsonObject problem = failure != null && !(failure instanceof HttpException h && h.getCause() == null)
          ? toProblem(failure, locale, rc.request().path(), RequestContext.traceId(rc), status)
          : status == 413 && rc.request().path().equals(uploadPath)
              ? problem(ProblemCode.PAYLOAD_TOO_LARGE, Messages.get(locale, "material.tooLarge",
                  cn.tongban.core.material.MaterialService.humanSize(uploadLimitBytes)), List.of(), locale,
                  rc.request().path(), RequestContext.traceId(rc))
              : forStatus(status, rc, locale, bodyLimitBytes);
      send(rc, problem);
    };
  }

  /**
   * For a request the HTTP codec refused before any route ran (request line or headers beyond their limits,
   * malformed): a problem too, instead of Vert.x's bare status; the connection is closed after it.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Locale locale = Messages.DEFAULT; // the headers may not have been read
    JsonObject problem = cause instanceof TooLongHttpLineException
        ? problem(ProblemCode.URI_TOO_LONG, Messages.get(locale, "request.uriTooLong",
            String.valueOf(HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH)), List.of(), locale, null, "-")
        : cause instanceof TooLongHttpHeaderException
            ? problem(ProblemCode.HEADERS_TOO_LARGE, Messages.get(locale, "request.headersTooLarge",
                String.valueOf(HttpServerOptions.DEFAULT_MAX_HEADER_SIZE)), List.of(), locale, null, "-")
            : problem(ProblemCode.BAD_REQUEST, null, List.of(), locale, null, "-");
    problem.remove("instance");
    request.response().setStatusCode(problem.getInteger("status"))
        .putHeader("Content-Type", "application/problem+json").putHeader("Connection", "close")
        .end(problem.encode()).onComplete(v -> request.connection().close());
  }

  /** Writes a problem as the response. */
  public static void send(RoutingContext rc, JsonObject problem) {
    if (rc.response().ended() || rc.response().headWritten()) {
      return;
    }
    int status = problem.getInteger("status");
    var response = rc.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json");
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"tongban\"");
    }
    Integer retry = (Integer) problem.remove("retryAfter");
    if (retry != null) {
      response.putHeader("Retry-After", String.valueOf(retry));
    }
    response.end(problem.encode());
  }

  private static JsonObject forStatus(int status, RoutingContext rc, Locale locale, long bodyLimitBytes) {
    ProblemCode code = ProblemCode.forStatus(status);
    String path = rc.request().path();
    String detail = switch (status) {
      case 404 -> Messages.get(locale, "request.notFound", path);
      case 405 -> Messages.get(locale, "request.methodNotAllowed", path, rc.request().method().name());
      case 413 -> Messages.get(locale, "request.tooLarge", String.valueOf(bodyLimitBytes));
      default -> null;
    };
    return problem(code, detail, List.of(), locale, path, RequestContext.traceId(rc));
  }

  /** The problem for any failure. */
  public static JsonObject toProblem(Throwable failure, Locale locale, String instance, String traceId) {
    return toProblem(failure, locale, instance, traceId, 500);
  }

  /**
   * As {@link #toProblem(Throwable, Locale, String, String)}; {@code status} is the status the failing handler
   * chose, kept when it is a client error the mapper knows no better name for (vertx-web-graphql fails a body
   * without a query with 400 "Query is missing").
   */
  private static JsonObject toProblem(Throwable failure, Locale locale, String instance, String traceId, int status) {
    Throwable t = failure;
    if (t instanceof HttpException http && http.getCause() != null) {
      t = http.getCause();
    }
    if (t instanceof DomainException d) {
      String detail = d.detailKey() == null ? null : Messages.get(locale, d.detailKey(), d.detailArgs());
      JsonObject p = problem(d.code(), detail, d.violations(), locale, instance, traceId);
      if (d.retryAfterSeconds() != null) {
        p.put("retryAfter", d.retryAfterSeconds());
      }
      return p;
    }
    if (t instanceof SchemaValidationException sve) {
      List<Violation> violations = contractViolations(sve, locale);
      String detail = Messages.get(locale, "request.invalid", sve.getMessage());
      return problem(ProblemCode.BAD_REQUEST, detail, violations, locale, instance, traceId);
    }
    if (t instanceof ValidatorException ve) {
      String msg = String.valueOf(ve.getMessage()).toLowerCase(Locale.ROOT);
      boolean json = msg.contains("can't be decoded") || msg.contains("json");
      if (ve.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
        return problem(ProblemCode.UNSUPPORTED_MEDIA_TYPE, Messages.get(locale, "request.unsupportedMediaType"),
            List.of(), locale, instance, traceId);
      }
      return problem(json ? ProblemCode.MALFORMED_JSON : ProblemCode.BAD_REQUEST,
          Messages.get(locale, json ? "request.malformedJson" : "request.invalid", ve.getMessage()), List.of(),
          locale, instance, traceId);
    }
    if (t instanceof DecodeException de) {
      return problem(ProblemCode.MALFORMED_JSON, Messages.get(locale, "request.malformedJson", de.getMessage()),
          List.of(), locale, instance, traceId);
    }
    if (failure instanceof HttpException http) {
      return problem(ProblemCode.forStatus(http.getStatusCode()), null, List.of(), locale, instance, traceId);
    }
    if (t instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
      // A data exception: a value from the request that PostgreSQL cannot store (a NUL character, …).
      return problem(ProblemCode.BAD_REQUEST, Messages.get(locale, "request.unstorable"), List.of(), locale,
          instance, traceId);
    }
    if (isDependencyDown(t)) {
      LOG.log(Level.WARNING, "[" + traceId + "] dependency unavailable: " + t);
      return problem(ProblemCode.DEPENDENCY_UNAVAILABLE, Messages.get(locale, "dependency.down",
          isRedis(t) ? "Redis" : "PostgreSQL"), List.of(), locale, instance, traceId);
    }
    if (status >= 400 && status < 500) {
      // Some decoders (a multipart header too long) fail without a message: say so, not "…：null".
      String detail = t.getMessage() == null || t.getMessage().isBlank() ? Messages.get(locale, "request.unreadable")
          : Messages.get(locale, "request.invalid", t.getMessage());
      return problem(ProblemCode.forStatus(status), detail, List.of(), locale, instance, traceId);
    }
    LOG.log(Level.SEVERE, "[" + traceId + "] unexpected failure on " + instance, t);
    return problem(ProblemCode.INTERNAL, Messages.get(locale, "internal.error", traceId), List.of(), locale,
        instance, traceId);
  }

  /** A problem document. */
  public static JsonObject problem(ProblemCode code, String detail, List<Violation> violations, Locale locale,
      String instance, String traceId) {
    JsonObject p = new JsonObject()
        .put("type", code.type())
        .put("title", Messages.title(locale, code))
        .put("status", code.status());
    if (detail != null) {
      p.put("detail", detail);
    }
    p.put("instance", instance).put("code", code.code()).put("traceId", traceId);
    if (!violations.isEmpty()) {
      JsonArray list = new JsonArray();
      violations.forEach(v -> list.add(v.toJson()));
      p.put("violations", list);
    }
    return p;
  }

  private static List<Violation> contractViolations(SchemaValidationException e, Locale locale) {
    List<Violation> out = new ArrayList<>();
    collect(e.getOutputUnit(), out, locale);
    if (out.isEmpty()) {
      out.add(new Violation("", "contract", e.getMessage()));
    }
    return out;
  }

  private static void collect(OutputUnit unit, List<Violation> out, Locale locale) {
    if (unit == null) {
      return;
    }
    if (unit.getErrors() != null && !unit.getErrors().isEmpty()) {
      unit.getErrors().forEach(u -> collect(u, out, locale));
      return;
    }
    if (unit.getError() != null) {
      String pointer = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation();
      if (pointer.startsWith("#")) {
        pointer = pointer.substring(1);
      }
      String keyword = unit.getKeywordLocation() == null ? "contract"
          : unit.getKeywordLocation().substring(unit.getKeywordLocation().lastIndexOf('/') + 1);
      Matcher missing = REQUIRED_PROPERTY.matcher(unit.getError());
      if (keyword.equals("required") && missing.find()) {
        // Point at the missing property itself, as form violations do.
        out.add(new Violation(pointer + "/" + missing.group(1), keyword,
            Messages.get(locale, "violation.required", missing.group(1))));
      } else {
        out.add(new Violation(pointer, keyword, unit.getError()));
      }
    }
  }

  private static boolean isRedis(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getClass().getName().startsWith("io.lettuce.")) {
        return true;
      }
      for (StackTraceElement e : c.getStackTrace()) {
        if (e.getClassName().startsWith("io.lettuce.")) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isDependencyDown(Throwable t) {
    // refused, reset or closed by a server going down under a query
    return t instanceof SocketException || t instanceof ClosedChannelException || t instanceof ClosedConnectionException
        || t instanceof TimeoutException
        || t instanceof io.lettuce.core.RedisException
        || (t instanceof PgException pg && isUnavailable(pg.getSqlState()))
        // the pool's "Timeout waiting for connection", a full wait queue, a connection closed under a query
        || (t instanceof VertxException && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("connection"));
  }

  /** SQLSTATE classes of a server restarting, shutting down or out of connections, not of a bad statement. */
  private static boolean isUnavailable(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57"));
  }
}
