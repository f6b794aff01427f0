package cn.tongban.core.oidc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.List;
import java.util.Set;

/** A registered client: redirect URIs, the scopes it may ask for, its channels, public (no secret) or confidential. */
public record OidcClient(String clientId, String name, boolean publicClient, List<String> redirectUris,
    Set<String> scopes, Set<String> channels, boolean disabled, boolean hasSecret) {

  /**
   * Whether {@code uri} is one of the registered redirect URIs: exactly, or for a loopback redirect
   * ({@code http://127.0.0.1/…}, {@code http://[::1]/…}) with any port (RFC 8252 §7.3).
   */
  public boolean redirects(String uri) {
    if (uri == null) {
      return false;
    }
    for (String registered : redirectUris) {
      if (registered.equals(uri) || loopbackMatch(registered, uri)) {
        return true;
      }
    }
    return false;
  }

  private static boolean loopbackMatch(String registered, String uri) {
    try {
      URI r = new URI(registered);
      URI u = new URI(uri);
      return "http".equals(r.getScheme()) && "http".equals(u.getScheme()) && r.getPort() == -1
          && ("127.0.0.1".equals(r.getHost()) || "[::1]".equals(r.getHost()))
          && r.getHost().equals(u.getHost()) && u.getRawUserInfo() == null
          && java.util.Objects.equals(r.getRawPath(), u.getRawPath())
          && java.util.Objects.equals(r.getRawQuery(), u.getRawQuery()) && u.getRawFragment() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("clientId", clientId).put("name", name).put("publicClient", publicClient)
        .put("redirectUris", new JsonArray(redirectUris)).put("scopes", new JsonArray(scopes.stream().sorted().toList()))
        .put("channels", new JsonArray(channels.stream().sorted().toList())).put("disabled", disabled);
  }
}
