package cn.tongban.gateway.rest;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;

import java.util.HashMap;
import java.util.Map;

/**
 * The contract's request validation, run where the request is (its event loop) instead of on a worker.
 *
 * <p>The router's own validation ({@code RequestValidatorImpl.validate}) hands every request to a worker
 * thread and back: two thread hand-offs per request for what takes microseconds (the schemas are compiled
 * once, see {@link CompiledContract}). This does the same checks in the same order, with the same
 * validators, the same result in the routing context and the same 400 on a violation.
 *
 * <p>It extends the library's implementation class ({@code vertx-openapi} 5.0.x) and mirrors its
 * {@code validate}: on upgrading vertx-openapi, compare the two (the contract tests and FuzzTest cover the
 * behaviour, not the mirroring).
 */
final class InlineValidation extends RequestValidatorImpl {
  private final RequestExtractor extractor;

  InlineValidation(Vertx vertx, OpenAPIContract contract, RequestExtractor extractor) {
    super(vertx, contract);
    this.extractor = extractor;
  }

  /** The route's first handler: validates, keeps the validated request where handlers look, or fails 400. */
  Handler<RoutingContext> handler(Operation operation) {
    return rc -> extractor.extractValidatableRequest(rc, operation)
        .map(request -> validateNow(request, operation))
        .onSuccess(validated -> {
          rc.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
          rc.next();
        })
        .onFailure(failure -> rc.fail(failure instanceof ValidatorException
            ? new HttpException(HttpResponseStatus.BAD_REQUEST.code(), failure.getMessage(), failure) : failure));
  }

  /**
   * A parameter the contract types as a string is a string: the library's transformer reads any value that
   * is not a plain word as JSON ({@code q=\\} → malformed JSON, {@code q=[1]} → an array, then a 400), so
   * the raw value goes in quoted and comes out as it was sent.
   */
  @Override
  public RequestParameter validateParameter(Parameter parameter, RequestParameter value) {
    if (parameter.getSchemaType() == SchemaType.STRING && value != null && value.get() instanceof String raw) {
      return super.validateParameter(parameter, new RequestParameterImpl(Json.encode(raw)));
    }
    return super.validateParameter(parameter, value);
  }

  /**
   * A {@code text/plain} body (the calendar's file format) is handed on as the text it is: the library would
   * give the JSON Schema validator the raw buffer, which it cannot type (a 500). Its content is the
   * service's to check.
   */
  @Override
  public RequestParameter validateBody(io.vertx.openapi.contract.RequestBody declared, ValidatableRequest request) {
    io.vertx.openapi.contract.RequestBody requestBody = declared == null ? null
        : bodies.computeIfAbsent(declared, KnownContentTypes::new);
    String type = request.getContentType();
    io.vertx.openapi.contract.MediaType media = requestBody == null || type == null ? null
        : requestBody.determineContentType(type);
    if (media != null && media.getIdentifier().startsWith("text/plain") && request.getBody() != null
        && request.getBody().get() instanceof io.vertx.core.buffer.Buffer raw) {
      return new RequestParameterImpl(raw.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
    return super.validateBody(requestBody, request);
  }

  /** Each operation's request body with the media types found for the content types it was sent with. */
  private final Map<io.vertx.openapi.contract.RequestBody, KnownContentTypes> bodies =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A request body that remembers which declared media type a content type header names: the library works it
   * out twice per request (here and in its body validation), each time with a regular-expression replace of
   * the header and of every declared type. The header is the client's, so only the first few it sends are
   * remembered; others are worked out as before.
   */
  private record KnownContentTypes(io.vertx.openapi.contract.RequestBody body,
      Map<String, java.util.Optional<io.vertx.openapi.contract.MediaType>> known)
      implements io.vertx.openapi.contract.RequestBody {
    private static final int LIMIT = 16;

    KnownContentTypes(io.vertx.openapi.contract.RequestBody body) {
      this(body, new java.util.concurrent.ConcurrentHashMap<>());
    }

    @Override
    public io.vertx.openapi.contract.MediaType determineContentType(String contentType) {
      if (contentType == null) {
        return body.determineContentType(null);
      }
      java.util.Optional<io.vertx.openapi.contract.MediaType> found = known.get(contentType);
      if (found == null) {
        found = java.util.Optional.ofNullable(body.determineContentType(contentType));
        if (known.size() < LIMIT) {
          known.put(contentType, found);
        }
      }
      return found.orElse(null);
    }

    @Override
    public boolean isRequired() {
      return body.isRequired();
    }

    @Override
    public Map<String, io.vertx.openapi.contract.MediaType> getContent() {
      return body.getContent();
    }

    @Override
    public JsonObject getOpenAPIModel() {
      return body.getOpenAPIModel();
    }
  }

  // package-private: InlineValidationTest compares it with the library's validate
  ValidatedRequest validateNow(ValidatableRequest request, Operation operation) {
    Map<String, RequestParameter> cookies = new HashMap<>(request.getCookies().size());
    Map<String, RequestParameter> headers = new HashMap<>(request.getHeaders().size());
    Map<String, RequestParameter> path = new HashMap<>(request.getPathParameters().size());
    Map<String, RequestParameter> query = new HashMap<>(request.getQuery().size());
    for (Parameter p : operation.getParameters()) {
      switch (p.getIn()) {
        case COOKIE -> cookies.put(p.getName(), validateParameter(p, request.getCookies().get(p.getName())));
        case HEADER -> headers.put(p.getName(), validateParameter(p, request.getHeaders().get(p.getName())));
        case PATH -> path.put(p.getName(), validateParameter(p, request.getPathParameters().get(p.getName())));
        case QUERY -> query.put(p.getName(), validateParameter(p, request.getQuery().get(p.getName())));
      }
    }
    RequestParameter body = validateBody(operation.getRequestBody(), request);
    return new ValidatedRequestImpl(cookies, headers, path, query, body);
  }
}
