package cn.tongban.plugins.datasharing.exchange;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The exchange adapters' settings (TONGBAN_SHARING_*; docs/configuration.md). */
record ExchangeSettings(String url, String appId, String appSecret, Set<String> sources, int timeoutMillis,
    int retries, int backoffMillis, int breakerFailures, int breakerResetMillis, int cacheSeconds, int cacheEntries) {

  static final Set<String> ALL = Set.of("gongan-population", "mzj-marriage", "rsj-social-insurance", "scjg-enterprise");
  static final ExchangeSettings NONE = new ExchangeSettings(null, null, null, ALL, 800, 1, 100, 5, 30_000, 300, 10_000);

  static ExchangeSettings from(Map<String, String> s) {
    String url = blankToNull(s.get("TONGBAN_SHARING_URL"));
    if (url != null && !url.matches("^https?://.+")) {
      throw new IllegalArgumentException("TONGBAN_SHARING_URL must be an http(s) URL");
    }
    String appId = blankToNull(s.get("TONGBAN_SHARING_APP_ID"));
    String secret = blankToNull(s.get("TONGBAN_SHARING_APP_SECRET"));
    if ((appId == null) != (secret == null)) {
      throw new IllegalArgumentException("TONGBAN_SHARING_APP_ID and TONGBAN_SHARING_APP_SECRET go together");
    }
    String listed = blankToNull(s.get("TONGBAN_SHARING_SOURCES"));
    Set<String> sources = listed == null ? ALL
        : Arrays.stream(listed.split(",")).map(String::trim).filter(x -> !x.isEmpty()).collect(Collectors.toSet());
    return new ExchangeSettings(url == null ? null : url.replaceAll("/+$", ""), appId, secret, Set.copyOf(sources),
        integer(s, "TONGBAN_SHARING_TIMEOUT_MS", 800, 50, 2_500), integer(s, "TONGBAN_SHARING_RETRIES", 1, 0, 3),
        integer(s, "TONGBAN_SHARING_BACKOFF_MS", 100, 0, 1_000),
        integer(s, "TONGBAN_SHARING_BREAKER_FAILURES", 5, 1, 1_000),
        integer(s, "TONGBAN_SHARING_BREAKER_RESET_MS", 30_000, 100, 3_600_000),
        integer(s, "TONGBAN_SHARING_CACHE_SECONDS", 300, 0, 86_400), 10_000);
  }

  private static int integer(Map<String, String> s, String key, int fallback, int min, int max) {
    String v = blankToNull(s.get(key));
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw new IllegalArgumentException(key + " must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number");
    }
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }
}
