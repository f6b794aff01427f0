package cn.tongban.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An error answer of the platform as a typed exception: its application/problem+json body (RFC 9457) with the
 * stable {@code code} and, for refused input, every {@link Violation}. {@link #call} runs a client call and
 * throws this instead of the generated {@link ApiException}.
 */
public final class ApiProblem extends RuntimeException {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final int status;
  private final String code;
  private final String title;
  private final String detail;
  private final String traceId;
  private final List<Violation> violations;
  private final Map<String, Object> body;

  /** One wrong field: a JSON Pointer into the request body, a stable code and a message. */
  public record Violation(String pointer, String code, String message) {
  }

  /** A call of the generated client. */
  @FunctionalInterface
  public interface Call<T> {
    T run() throws ApiException;
  }

  private ApiProblem(int status, Map<String, Object> body, Throwable cause) {
    super(text(body, "detail", text(body, "title", "HTTP " + status)), cause);
    this.status = status;
    this.body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
    this.code = text(body, "code", "http-" + status);
    this.title = text(body, "title", "");
    this.detail = text(body, "detail", null);
    this.traceId = text(body, "traceId", null);
    this.violations = body.get("violations") instanceof List<?> list ? list.stream()
        .filter(Map.class::isInstance).map(Map.class::cast)
        .map(v -> new Violation(String.valueOf(v.get("pointer")), String.valueOf(v.get("code")),
            String.valueOf(v.get("message"))))
        .toList() : List.of();
  }

  private static String text(Map<String, Object> body, String member, String otherwise) {
    Object value = body.get(member);
    return value == null ? otherwise : String.valueOf(value);
  }

  /** The problem behind a generated client's exception (a body that is not JSON becomes its {@code detail}). */
  public static ApiProblem of(ApiException e) {
    Map<String, Object> body;
    try {
      body = JSON.readValue(e.getResponseBody() == null ? "{}" : e.getResponseBody(), new TypeReference<>() { });
    } catch (Exception notJson) {
      body = Map.of("detail", String.valueOf(e.getResponseBody()));
    }
    return new ApiProblem(e.getCode(), body, e);
  }

  /** Runs {@code call}; an error answer is thrown as an {@code ApiProblem}. */
  public static <T> T call(Call<T> call) {
    try {
      return call.run();
    } catch (ApiException e) {
      throw of(e);
    }
  }

  public int status() {
    return status;
  }

  /** The stable machine-readable code, e.g. {@code validation-failed}, {@code not-found}. */
  public String code() {
    return code;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return detail;
  }

  public String traceId() {
    return traceId;
  }

  public List<Violation> violations() {
    return violations;
  }

  /** The problem body as sent, with any extension members. */
  public Map<String, Object> body() {
    return body;
  }
}
