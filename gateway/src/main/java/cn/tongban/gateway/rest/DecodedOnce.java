package cn.tongban.gateway.rest;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;

import io.vertx.json.schema.common.dsl.SchemaType;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The request extractor of every route: the library's ({@link RequestUtils#extract}) for cookies, headers,
 * path and body, but query values as Vert.x decoded them, once.
 *
 * <p>{@code RequestUtils} URL-decodes query values a second time although {@code request.params()} holds them
 * decoded: {@code q=%25} (a search for "%") became {@code URLDecoder.decode("%")} and a 400 "Can't decode URL
 * value", and {@code q=a%2Bb} a search for "a b". Issue 31 item 8. This mirrors its query rules (first value;
 * exploded arrays as {@code name=value&…}; exploded objects as every {@code key=value}) without that step.
 */
final class DecodedOnce implements RequestExtractor {
  private final Map<Operation, Operation> withoutQuery = new ConcurrentHashMap<>();

  @Override
  public Future<ValidatableRequest> extractValidatableRequest(RoutingContext rc, Operation operation) {
    Map<String, RequestParameter> query;
    try {
      query = query(rc.request(), operation);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return RequestUtils.extract(rc.request(), withoutQuery.computeIfAbsent(operation, DecodedOnce::withoutQuery),
            () -> Future.succeededFuture(rc.body().buffer()))
        .map(r -> new ValidatableRequestImpl(r.getCookies(), r.getHeaders(), r.getPathParameters(), query,
            r.getBody(), r.getContentType()));
  }

  private static Map<String, RequestParameter> query(HttpServerRequest request, Operation operation) {
    Map<String, RequestParameter> query = new HashMap<>();
    MultiMap params = params(request);
    List<Map.Entry<String, String>> entries = params.entries();
    for (Parameter p : operation.getParameters()) {
      if (p.getIn() != Location.QUERY) {
        continue;
      }
      List<String> values = params.getAll(p.getName());
      RequestParameter value;
      if (values.isEmpty()) {
        value = new RequestParameterImpl(null);
      } else if (p.isExplode() && p.getSchemaType() == SchemaType.OBJECT) {
        value = new RequestParameterImpl(entries.stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("&")));
      } else if (p.isExplode() && p.getSchemaType() == SchemaType.ARRAY) {
        value = new RequestParameterImpl(values.stream().map(v -> p.getName() + "=" + v)
            .collect(Collectors.joining("&")));
      } else {
        value = new RequestParameterImpl(values.get(0));
      }
      query.put(p.getName(), value);
    }
    return query;
  }

  /**
   * The query's names and values, decoded. Netty refuses a {@code %} that starts no escape ({@code q=%}, as
   * typed into an address bar); such a query is read leniently, the {@code %} kept as the character it is.
   */
  private static MultiMap params(HttpServerRequest request) {
    try {
      return request.params();
    } catch (IllegalArgumentException malformed) {
      MultiMap params = MultiMap.caseInsensitiveMultiMap();
      for (String pair : Optional.ofNullable(request.query()).orElse("").split("&")) {
        if (!pair.isEmpty()) {
          int eq = pair.indexOf('=');
          params.add(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
      }
      return params;
    }
  }

  /** A query component decoded as Netty does ({@code +} a space, {@code %XX} a UTF-8 byte), a stray % kept. */
  private static String decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()
          && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
        out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
        i += 2;
      } else if (c == '+') {
        out.write(' ');
      } else {
        int cp = s.codePointAt(i);
        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp) - 1;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The operation as the library sees it here: the same, without its query parameters (read above). */
  private static Operation withoutQuery(Operation operation) {
    List<Parameter> others = operation.getParameters().stream().filter(p -> p.getIn() != Location.QUERY).toList();
    return (Operation) Proxy.newProxyInstance(Operation.class.getClassLoader(), new Class<?>[] {Operation.class},
        (proxy, method, args) -> {
          if ("getParameters".equals(method.getName()) && method.getParameterCount() == 0) {
            return others;
          }
          try {
            return method.invoke(operation, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
