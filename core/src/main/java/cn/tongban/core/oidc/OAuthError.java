package cn.tongban.core.oidc;

/**
 * A refusal in OAuth's own words (RFC 6749 §5.2, OpenID Connect Core §3.1.2.6): {@code error} and a
 * description, answered as {@code {"error": …}} by the token endpoints, or sent back to the client's redirect
 * URI ({@code redirectUri} set) by the authorization endpoint once the redirect URI is known to be the client's.
 */
public final class OAuthError extends RuntimeException {
  private final String error;
  private final int status;
  private final String redirectUri;
  private final String state;

  public OAuthError(String error, String description) {
    // RFC 6749 §5.2 (invalid_client), RFC 6750 §3.1 (the bearer token's errors, at userinfo).
    this(error, description, error.equals("invalid_client") || error.equals("invalid_token") ? 401
        : error.equals("insufficient_scope") ? 403 : 400, null, null);
  }

  private OAuthError(String error, String description, int status, String redirectUri, String state) {
    super(description, null, false, false);
    this.error = error;
    this.status = status;
    this.redirectUri = redirectUri;
    this.state = state;
  }

  /** The same refusal, to be sent to the client's (verified) redirect URI with its state. */
  public OAuthError redirectingTo(String uri, String withState) {
    return new OAuthError(error, getMessage(), status, uri, withState);
  }

  public String error() {
    return error;
  }

  public int status() {
    return status;
  }

  /** The verified redirect URI to send the refusal to; null when it must be shown to the person instead. */
  public String redirectUri() {
    return redirectUri;
  }

  public String state() {
    return state;
  }
}
