package cn.tongban.gateway.rest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins what {@link InlineValidation} relies on from vertx-openapi's implementation class
 * ({@code RequestValidatorImpl}, 5.0.x): that its {@code validate} still does what {@code InlineValidation}
 * mirrors (the same parameters and body, the same results and the same errors), that it still hands the work to a
 * worker thread (why the mirror exists), and the two library behaviours the mirror works around. A vertx-openapi
 * upgrade that changes any of these fails here with a message saying what to look at.
 */
class InlineValidationTest {
  private static final String UPGRADE = "vertx-openapi changed under InlineValidation (it mirrors"
      + " RequestValidatorImpl.validate): ";
  private static final JsonObject CONTRACT = new JsonObject("""
      {"openapi": "3.1.0", "info": {"title": "pin", "version": "1"},
       "paths": {
        "/things/{id}": {"post": {"operationId": "postThing",
          "parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[a-z0-9-]+$"}},
            {"name": "q", "in": "query", "schema": {"type": "string"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            {"name": "X-Mode", "in": "header", "schema": {"type": "string", "enum": ["a", "b"]}},
            {"name": "session", "in": "cookie", "schema": {"type": "string"}}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
            "required": ["name"], "properties": {"name": {"type": ["string", "null"], "maxLength": 5}}}}}},
          "responses": {"200": {"description": "ok"}}}},
        "/calendar": {"put": {"operationId": "putCalendar",
          "requestBody": {"required": true, "content": {"text/plain": {"schema": {"type": "string"}}}},
          "responses": {"204": {"description": "ok"}}}}}}""");

  private static Vertx vertx;
  private static OpenAPIContract contract;
  private static RequestValidatorImpl library;
  private static InlineValidation inline;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    contract = await(OpenAPIContract.from(vertx, CONTRACT));
    library = new RequestValidatorImpl(vertx, contract);
    inline = new InlineValidation(vertx, contract, RequestExtractor.withBodyHandler());
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void validatesAsTheLibraryDoes() throws Exception {
    List<ValidatableRequest> requests = new ArrayList<>();
    requests.add(thing("abc", Map.of("q", "word", "limit", "5"), Map.of("X-Mode", "a"), Map.of("session", "s1"),
        "{\"name\":\"x\"}", "application/json"));
    requests.add(thing("abc", Map.of(), Map.of(), Map.of(), "{\"name\":null}", "application/json; charset=utf-8"));
    requests.add(thing(null, Map.of(), Map.of(), Map.of(), "{\"name\":\"x\"}", "application/json"));
    requests.add(thing("A B", Map.of(), Map.of(), Map.of(), "{\"name\":\"x\"}", "application/json"));
    requests.add(thing("abc", Map.of("limit", "0"), Map.of(), Map.of(), "{\"name\":\"x\"}", "application/json"));
    requests.add(thing("abc", Map.of("limit", "many"), Map.of(), Map.of(), "{\"name\":\"x\"}", "application/json"));
    requests.add(thing("abc", Map.of(), Map.of("X-Mode", "c"), Map.of(), "{\"name\":\"x\"}", "application/json"));
    requests.add(thing("abc", Map.of(), Map.of(), Map.of(), null, null));
    requests.add(thing("abc", Map.of(), Map.of(), Map.of(), "{}", "application/json"));
    requests.add(thing("abc", Map.of(), Map.of(), Map.of(), "{\"name\":\"too long\"}", "application/json"));
    requests.add(thing("abc", Map.of(), Map.of(), Map.of(), "{\"name\":", "application/json"));
    requests.add(thing("abc", Map.of(), Map.of(), Map.of(), "<name/>", "application/xml"));
    for (ValidatableRequest request : requests) {
      String theirs = outcome(() -> await(library.validate(request, "postThing")));
      String ours = outcome(() -> inline.validateNow(request, contract.operation("postThing")));
      assertEquals(theirs, ours, UPGRADE + "a request validated differently: " + describe(request));
    }
  }

  @Test
  void theLibraryStillValidatesOnAWorkerThread() throws Exception {
    List<String> threads = new ArrayList<>();
    RequestValidatorImpl watched = new RequestValidatorImpl(vertx, contract) {
      @Override
      public RequestParameter validateParameter(Parameter parameter, RequestParameter value) {
        threads.add(Thread.currentThread().getName());
        return super.validateParameter(parameter, value);
      }
    };
    await(watched.validate(thing("abc", Map.of(), Map.of(), Map.of(), "{\"name\":\"x\"}", "application/json"),
        "postThing"));
    assertFalse(threads.isEmpty(), UPGRADE + "validate no longer goes through validateParameter, which"
        + " InlineValidation overrides");
    assertTrue(threads.stream().allMatch(t -> t.contains("worker")), UPGRADE + "validate no longer hands the work"
        + " to a worker (" + threads + "): InlineValidation may not be needed any more");
  }

  @Test
  void stringParametersAreReadAsJsonByTheLibraryAndAsSentByTheMirror() throws Exception {
    for (String raw : List.of("[1]", "\\", "{\"a\":1}", "true", "12")) {
      ValidatableRequest request = thing("abc", Map.of("q", raw), Map.of(), Map.of(), "{\"name\":\"x\"}",
          "application/json");
      String theirs = outcome(() -> await(library.validate(request, "postThing")));
      String ours = outcome(() -> inline.validateNow(request, contract.operation("postThing")));
      assertEquals("query:q=" + raw + " (String)", line(ours, "query:q"), "the mirror hands the string on: " + ours);
      if (!raw.equals("12") && !raw.equals("true")) {
        assertNotEquals(ours, theirs, UPGRADE + "string parameters like " + raw + " now come through as sent;"
            + " InlineValidation.validateParameter's quoting can go");
      }
    }
  }

  @Test
  void aTextBodyIsHandedOnAsText() throws Exception {
    ValidatableRequest request = new ValidatableRequestImpl(Map.of(), Map.of(), Map.of(), Map.of(),
        new RequestParameterImpl(Buffer.buffer("BEGIN:VCALENDAR\n")), "text/plain");
    String theirs = outcome(() -> await(library.validate(request, "putCalendar")));
    String ours = outcome(() -> inline.validateNow(request, contract.operation("putCalendar")));
    assertEquals("body=BEGIN:VCALENDAR\n (String)", line(ours, "body"), ours);
    assertNotEquals(ours, theirs, UPGRADE + "text/plain bodies now validate as text; InlineValidation.validateBody's"
        + " special case can go");
  }

  private static ValidatableRequest thing(String id, Map<String, String> query, Map<String, String> headers,
      Map<String, String> cookies, String body, String contentType) {
    Map<String, RequestParameter> path = new LinkedHashMap<>();
    if (id != null) {
      path.put("id", new RequestParameterImpl(id));
    }
    return new ValidatableRequestImpl(params(cookies), params(headers), path, params(query),
        new RequestParameterImpl(body == null ? null : Buffer.buffer(body)), contentType);
  }

  private static Map<String, RequestParameter> params(Map<String, String> values) {
    Map<String, RequestParameter> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, new RequestParameterImpl(v)));
    return out;
  }

  private interface Validation {
    ValidatedRequest run() throws Exception;
  }

  /** The validated values (with their Java types) or the error, as text: two outcomes compare as strings. */
  private static String outcome(Validation validation) {
    try {
      ValidatedRequest v = validation.run();
      Map<String, String> out = new TreeMap<>();
      Map<String, Map<String, RequestParameter>> places = Map.of("cookie", v.getCookies(), "header", v.getHeaders(),
          "path", v.getPathParameters(), "query", v.getQuery());
      places.forEach((place, values) -> values.forEach((name, p) -> out.put(place + ":" + name, value(p))));
      out.put("body", value(v.getBody()));
      StringBuilder s = new StringBuilder();
      out.forEach((k, val) -> s.append(k).append('=').append(val).append('\n'));
      return s.toString();
    } catch (Exception e) {
      Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      return "failed: " + t.getClass().getName() + (t instanceof ValidatorException ve ? " " + ve.type() : "")
          + ": " + t.getMessage();
    }
  }

  private static String value(RequestParameter p) {
    Object o = p == null ? null : p.get();
    return o == null ? "null" : o + " (" + o.getClass().getSimpleName() + ")";
  }

  private static String line(String outcome, String key) {
    int at = outcome.indexOf(key + "=");
    return at < 0 ? "" : outcome.substring(at, outcome.indexOf('\n', at) < 0 ? outcome.length()
        : key.equals("body") ? outcome.length() - 1 : outcome.indexOf('\n', at));
  }

  private static String describe(ValidatableRequest r) {
    return "path " + r.getPathParameters() + ", query " + r.getQuery() + ", headers " + r.getHeaders() + ", body "
        + (r.getBody() == null ? null : r.getBody().get()) + " as " + r.getContentType();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
