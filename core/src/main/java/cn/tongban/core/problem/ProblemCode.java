package cn.tongban.core.problem;

/**
 * Every kind of problem the platform reports. The stable {@code code} and {@code type} are part of the
 * public contract; titles come from api-schema's problem-types.json in the caller's language.
 */
public enum ProblemCode {
  BAD_REQUEST(400, "bad-request"),
  MALFORMED_JSON(400, "malformed-json"),
  UNAUTHENTICATED(401, "unauthenticated"),
  INVALID_CREDENTIALS(401, "invalid-credentials"),
  INVALID_CLIENT(401, "invalid-client"),
  FORBIDDEN(403, "forbidden"),
  NOT_FOUND(404, "not-found"),
  MATTER_NOT_FOUND(404, "matter-not-found"),
  APPLICATION_NOT_FOUND(404, "application-not-found"),
  LICENCE_NOT_FOUND(404, "licence-not-found"),
  MATERIAL_NOT_FOUND(404, "material-not-found"),
  RATING_NOT_FOUND(404, "rating-not-found"),
  METHOD_NOT_ALLOWED(405, "method-not-allowed"),
  NOT_ACCEPTABLE(406, "not-acceptable"),
  FORM_VERSION_NOT_FOUND(404, "form-version-not-found"),
  IDEMPOTENCY_KEY_REUSED(409, "idempotency-key-reused"),
  MATTER_EXISTS(409, "matter-exists"),
  ACCOUNT_EXISTS(409, "account-exists"),
  PROJECT_EXISTS(409, "project-exists"),
  TOKEN_REVOKED(401, "token-revoked"),
  REAL_NAME_LEVEL_TOO_LOW(403, "real-name-level-too-low"),
  ILLEGAL_TRANSITION(409, "illegal-transition"),
  STALE_VERSION(409, "stale-version"),
  RATING_EXISTS(409, "rating-exists"),
  RATING_CLOSED(409, "rating-closed"),
  INTERMEDIARY_EXISTS(409, "intermediary-exists"),
  FORM_NOT_DRAFT(409, "form-not-draft"),
  NO_PUBLISHED_FORM(409, "no-published-form"),
  PAYLOAD_TOO_LARGE(413, "payload-too-large"),
  URI_TOO_LONG(414, "uri-too-long"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type"),
  VALIDATION_FAILED(422, "validation-failed"),
  UNSUPPORTED_GRANT_TYPE(400, "unsupported-grant-type"),
  TOO_MANY_REQUESTS(429, "too-many-requests"),
  HEADERS_TOO_LARGE(431, "headers-too-large"),
  DEPENDENCY_UNAVAILABLE(503, "dependency-unavailable"),
  INTERNAL(500, "internal");

  private final int status;
  private final String slug;

  ProblemCode(int status, String slug) {
    this.status = status;
    this.slug = slug;
  }

  public int status() {
    return status;
  }

  /** The stable machine-readable code, e.g. {@code validation-failed}. */
  public String code() {
    return slug;
  }

  /** The RFC 9457 problem type URI. */
  public String type() {
    return "urn:tongban:problem:" + slug;
  }

  /** The problem whose status is {@code status}, for failures that arrive as a bare status. */
  public static ProblemCode forStatus(int status) {
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHENTICATED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 414 -> URI_TOO_LONG;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 429 -> TOO_MANY_REQUESTS;
      case 431 -> HEADERS_TOO_LARGE;
      case 503 -> DEPENDENCY_UNAVAILABLE;
      default -> status >= 500 ? INTERNAL : BAD_REQUEST;
    };
  }
}
