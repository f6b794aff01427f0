package cn.tongban.core.config;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one typed configuration tree, read from an optional JSON file and {@code TONGBAN_*} environment
 * variables (the environment wins) and validated as a whole at boot. Every option is documented in
 * docs/configuration.md.
 */
public record TongbanConfig(
    int httpPort,
    Path dataDir,
    Optional<String> pgUrl,
    Optional<String> redisUrl,
    boolean demo,
    boolean cluster,
    Clustering clustering,
    int pgPoolSize,
    int submitInFlight,
    long bodyLimitBytes,
    int tokenTtlSeconds,
    int loginMaxFailures,
    int loginLockSeconds,
    String areaCode,
    int scanIntervalSeconds,
    int loginMaxFailuresPerAddress,
    int clientRatePerMinute,
    int relayIntervalMillis,
    int outboxMaxAttempts,
    int outboxBackoffMillis,
    int outboxLeaseSeconds,
    String wechatCode2SessionUrl,
    Optional<String> wechatAppId,
    Optional<String> wechatSecret,
    List<RealNameLevel> realNameLevels,
    long materialLimitBytes,
    int materialValidDays,
    int auditSealIntervalMillis,
    List<String> corsOrigins,
    int hstsMaxAgeSeconds,
    String publicUrl,
    Optional<DataKeys> dataKeys,
    Hall hall,
    Map<String, String> settings,
    Ratings ratings,
    boolean demoSupervision) {

  /**
   * 好差评 settings (docs/ratings.md): how many calendar days after delivery a case may be rated, the grade
   * recorded when it is not, the reasons a bad grade picks from, and the working-day limits of verifying,
   * rectifying (the department picks within min–max) and calling back.
   */
  public record Ratings(int windowDays, int defaultGrade, List<String> reasons, int verifyDays, int rectifyMinDays,
      int rectifyMaxDays, int callbackDays, boolean demoRatings) {
  }

  /**
   * 大厅服务 (docs/hall-services.md): slot length and places of a hall without hours of its own, open bookings per
   * person, how late a booking may change, reminder lead, when an unkept booking is a no-show, how long a
   * pre-registration stays open, the interval of the hall job (0 = off), how long before opening numbers are
   * given (-1: at any time), and the working days within which a door-to-door visit is made.
   */
  public record Hall(int slotMinutes, int slotCapacity, int maxOpenBookings, int changeCutoffMinutes,
      int reminderMinutes, int noShowMinutes, int preRegistrationDays, int jobIntervalSeconds, int ticketLeadMinutes,
      int homeVisitDays) {
  }

  /**
   * The keys that seal personal data at rest ({@code TONGBAN_DATA_KEYS}: {@code id:base64,…} for 32-byte AES
   * keys, {@code id:sm4:base64} for 16-byte SM4 keys, the first one sealing), each key's cipher ({@code AES} or
   * {@code SM4}) and the blind-index key ({@code TONGBAN_DATA_INDEX_KEY}). Never printed.
   */
  public record DataKeys(Map<String, byte[]> keys, byte[] indexKey, Map<String, String> algorithms) {
    @Override
    public String toString() {
      return "DataKeys" + keys.keySet() + " (secrets not shown)";
    }
  }

  /**
   * 12345 work-order limits in working days ({@code TONGBAN_HOTLINE_DEADLINES}): the reply limit of each type
   * and the sign-for limit. Kept in {@link #settings()} rather than as a component of its own, and read from
   * there by {@link #hotlineDeadlines()}; checked at boot with the other options.
   */
  public record HotlineDeadlines(Map<String, Integer> replyDays, int signForDays) {
    public static final List<String> TYPES = List.of("CONSULTATION", "HELP", "COMPLAINT", "REPORT", "SUGGESTION",
        "PRAISE");

    /** {@code TYPE=days,…,SIGN_FOR=days}; every type and SIGN_FOR given, 1–60 working days each. */
    static HotlineDeadlines parse(String text, List<String> problems) {
      Map<String, Integer> days = new LinkedHashMap<>();
      String env = Option.HOTLINE_DEADLINES.env;
      for (String entry : text.split(",")) {
        String[] kv = entry.trim().split("=", 2);
        try {
          int n = Integer.parseInt(kv.length == 2 ? kv[1].trim() : "");
          String key = kv[0].trim();
          if (n < 1 || n > 60 || !(TYPES.contains(key) || key.equals("SIGN_FOR"))) {
            throw new NumberFormatException();
          }
          days.put(key, n);
        } catch (NumberFormatException e) {
          problems.add(env + ": expected TYPE=working days (1-60) for " + String.join(", ", TYPES)
              + " and SIGN_FOR, comma separated, got '" + entry.trim() + "'");
          return null;
        }
      }
      for (String key : TYPES) {
        if (!days.containsKey(key)) {
          problems.add(env + ": no limit for " + key);
        }
      }
      if (!days.containsKey("SIGN_FOR")) {
        problems.add(env + ": no limit for SIGN_FOR");
      }
      Integer signFor = days.remove("SIGN_FOR");
      return signFor == null ? null : new HotlineDeadlines(Map.copyOf(days), signFor);
    }
  }

  /** The 12345 work-order limits (validated at boot, so they parse here). */
  /**
   * The blind index's MAC ({@code TONGBAN_DATA_INDEX_ALGORITHM}: {@code hmac-sha256} or {@code hmac-sm3}, 国密),
   * chosen when a database is first set up: the start-up check refuses another one later (the indexes were
   * built with it).
   */
  public String dataIndexAlgorithm() {
    return settings.getOrDefault(Option.DATA_INDEX_ALGORITHM.env, Option.DATA_INDEX_ALGORITHM.defaultValue);
  }

  /** Hours an idempotency key is kept after its request ({@code TONGBAN_IDEMPOTENCY_RETENTION_HOURS}, 1–8760). */
  public int idempotencyRetentionHours() {
    return Integer.parseInt(settings.getOrDefault(Option.IDEMPOTENCY_RETENTION_HOURS.env,
        Option.IDEMPOTENCY_RETENTION_HOURS.defaultValue).trim());
  }

  /** An upstream OpenID Connect provider that signs citizens in (federation, docs/oidc.md). */
  public record OidcUpstream(String issuer, String clientId, String clientSecret, String name) {
    @Override
    public String toString() {
      return "OidcUpstream[" + issuer + ", " + clientId + " (secret not shown)]";
    }
  }

  /**
   * The settings plugins are given: {@link #settings()} without the platform's own secrets, which no plugin
   * needs (the upstream identity provider's client secret, the metrics token, the WeChat app secret); the
   * data keys are never in the settings at all. A plugin's own secrets ({@code TONGBAN_EXCHANGE_SECRET},
   * {@code TONGBAN_SHARING_APP_SECRET}) stay: the plugin reads them.
   */
  public Map<String, String> pluginSettings() {
    Map<String, String> given = new LinkedHashMap<>(settings);
    for (Option secret : List.of(Option.OIDC_UPSTREAM_CLIENT_SECRET, Option.METRICS_TOKEN, Option.WECHAT_SECRET)) {
      given.remove(secret.env);
    }
    return Map.copyOf(given);
  }

  /**
   * The OpenID Connect issuer ({@code TONGBAN_OIDC_ISSUER}, a trailing {@code /} dropped) when set: behind a
   * proxy, the address portals know the platform by. Unset, each request's own scheme and authority.
   */
  public Optional<String> oidcIssuer() {
    return Optional.ofNullable(settings.get(Option.OIDC_ISSUER.env)).map(String::trim).filter(s -> !s.isEmpty())
        .map(s -> s.replaceAll("/+$", ""));
  }

  /** Hours a sign-in session of the OpenID Connect provider lasts ({@code TONGBAN_OIDC_SESSION_HOURS}, 0 = none). */
  public int oidcSessionHours() {
    return Integer.parseInt(settings.getOrDefault(Option.OIDC_SESSION_HOURS.env,
        Option.OIDC_SESSION_HOURS.defaultValue).trim());
  }

  /**
   * Days a token-signing key signs before the scheduled rotation replaces it
   * ({@code TONGBAN_SIGNING_KEY_MAX_AGE_DAYS}, 0 = only when an administrator rotates).
   */
  public int signingKeyMaxAgeDays() {
    return Integer.parseInt(settings.getOrDefault(Option.SIGNING_KEY_MAX_AGE_DAYS.env,
        Option.SIGNING_KEY_MAX_AGE_DAYS.defaultValue).trim());
  }

  /** The upstream provider when {@code TONGBAN_OIDC_UPSTREAM_ISSUER} is set. */
  public Optional<OidcUpstream> oidcUpstream() {
    String issuer = settings.get(Option.OIDC_UPSTREAM_ISSUER.env);
    return issuer == null ? Optional.empty() : Optional.of(new OidcUpstream(issuer.replaceAll("/+$", ""),
        settings.get(Option.OIDC_UPSTREAM_CLIENT_ID.env), settings.get(Option.OIDC_UPSTREAM_CLIENT_SECRET.env),
        settings.getOrDefault(Option.OIDC_UPSTREAM_NAME.env, Option.OIDC_UPSTREAM_NAME.defaultValue)));
  }

  public HotlineDeadlines hotlineDeadlines() {
    return HotlineDeadlines.parse(settings.getOrDefault(Option.HOTLINE_DEADLINES.env,
        Option.HOTLINE_DEADLINES.defaultValue), new ArrayList<>());
  }

  /**
   * 问责: working days the officer and department head of a red-carded case have to explain it (1–30). Kept in
   * {@link #settings()} like the hotline limits and checked at boot with the other options.
   */
  public int accountabilityExplainDays() {
    return explainDays(settings.getOrDefault(Option.ACCOUNTABILITY_EXPLAIN_DAYS.env,
        Option.ACCOUNTABILITY_EXPLAIN_DAYS.defaultValue), new ArrayList<>());
  }

  private static int explainDays(String value, List<String> problems) {
    try {
      int days = Integer.parseInt(value.trim());
      if (days >= 1 && days <= 30) {
        return days;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(Option.ACCOUNTABILITY_EXPLAIN_DAYS.env + ": 1–30 working days, got '" + value + "'");
    return Integer.parseInt(Option.ACCOUNTABILITY_EXPLAIN_DAYS.defaultValue);
  }

  /**
   * Resource limits (docs/security.md, "Resource limits"): the background jobs' own PostgreSQL connections;
   * per GraphQL operation the aliased fields, the database fetches it may cause (its cost) and how many of them
   * run at once; GraphQL operations a minute per caller and per address; public lookups (licence verification,
   * progress by query code) a minute per address. Kept in {@link #settings()} and checked at boot.
   */
  public record Limits(int backgroundPoolSize, int graphqlMaxAliases, int graphqlMaxFetchCost,
      int graphqlFetchesInFlight, int graphqlRatePerCaller, int graphqlRatePerAddress, int publicLookupRatePerAddress) {
  }

  /**
   * Metrics, logs and traces (docs/operations.md#metrics): {@code metrics} is {@code off}, {@code token} (GET
   * /metrics on the HTTP port with {@code Authorization: Bearer <metricsToken>}) or {@code port} (/metrics on a
   * management server of its own at {@code metricsHost:metricsPort}, no token unless one is set); JSON log
   * lines instead of plain text; one access-log line per request; where spans go by OTLP over HTTP (none when
   * empty: nothing traced, nothing installed). Kept in {@link #settings()}, checked at boot.
   */
  public record Observability(Metrics metrics, Optional<String> metricsToken, int metricsPort, String metricsHost,
      boolean jsonLogs, boolean accessLog, Optional<String> otelEndpoint) {
    /** Where /metrics is served. */
    public enum Metrics { OFF, TOKEN, PORT }
  }

  /** The observability settings (validated at boot, so they parse here). */
  public Observability observability() {
    return observability(new Reader(settings, new ArrayList<>()), new ArrayList<>());
  }

  private static Observability observability(Reader r, List<String> problems) {
    Observability.Metrics metrics = Observability.Metrics.OFF;
    try {
      metrics = Observability.Metrics.valueOf(r.string(Option.METRICS).toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(Option.METRICS.env + ": off, token or port, got '" + r.string(Option.METRICS) + "'");
    }
    Optional<String> token = Optional.ofNullable(r.string(Option.METRICS_TOKEN)).filter(t -> !t.isBlank());
    if (token.isPresent() && token.get().length() < 16) {
      problems.add(Option.METRICS_TOKEN.env + ": at least 16 characters");
    }
    if (metrics == Observability.Metrics.TOKEN && token.isEmpty()) {
      problems.add(Option.METRICS.env + "=token needs " + Option.METRICS_TOKEN.env);
    }
    String format = r.string(Option.LOG_FORMAT);
    if (!format.equals("plain") && !format.equals("json")) {
      problems.add(Option.LOG_FORMAT.env + ": plain or json, got '" + format + "'");
    }
    return new Observability(metrics, token, r.integer(Option.METRICS_PORT, 0, 65535), r.string(Option.METRICS_HOST),
        format.equals("json"), r.bool(Option.ACCESS_LOG), r.url(Option.OTEL_ENDPOINT, "http", "https"));
  }

  /** The resource limits (validated at boot, so they parse here). */
  public Limits limits() {
    return limits(new Reader(settings, new ArrayList<>()));
  }

  private static Limits limits(Reader r) {
    return new Limits(r.integer(Option.PG_BACKGROUND_POOL_SIZE, 1, 64), r.integer(Option.GRAPHQL_MAX_ALIASES, 1, 1000),
        r.integer(Option.GRAPHQL_MAX_FETCH_COST, 1, 100_000), r.integer(Option.GRAPHQL_FETCHES_IN_FLIGHT, 1, 64),
        r.integer(Option.GRAPHQL_RATE_PER_CALLER, 1, 10_000_000), r.integer(Option.GRAPHQL_RATE_PER_ADDRESS, 1, 10_000_000),
        r.integer(Option.PUBLIC_LOOKUP_RATE_PER_ADDRESS, 1, 10_000_000));
  }

  /**
   * The reverse proxies whose {@code X-Forwarded-For} is believed ({@code TONGBAN_TRUSTED_PROXIES}: addresses or
   * CIDR blocks, comma separated; none by default, and then the connection's peer is the client): docs/security.md,
   * "Client addresses". Kept in {@link #settings()} and checked at boot.
   */
  public List<AddressRange> trustedProxies() {
    return trustedProxies(settings.getOrDefault(Option.TRUSTED_PROXIES.env, ""), new ArrayList<>());
  }

  private static List<AddressRange> trustedProxies(String value, List<String> problems) {
    List<AddressRange> out = new ArrayList<>();
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      Optional<AddressRange> range = AddressRange.parse(entry);
      if (range.isEmpty()) {
        problems.add(Option.TRUSTED_PROXIES.env + ": expected IP addresses or CIDR blocks (10.0.0.0/8, fd00::/8),"
            + " comma separated, got '" + entry.trim() + "'");
      } else {
        out.add(range.get());
      }
    }
    return List.copyOf(out);
  }

  /**
   * 中介超市: an organisation whose credit score falls below this (0–100; 0 = never automatically) is put on the
   * blacklist (docs/intermediaries.md). Kept in {@link #settings()} and checked at boot with the other options.
   */
  public int intermediaryBlacklistBelow() {
    return Integer.parseInt(settings.getOrDefault(Option.INTERMEDIARY_BLACKLIST_BELOW.env,
        Option.INTERMEDIARY_BLACKLIST_BELOW.defaultValue).trim());
  }

  /**
   * The allow-list file of production portals' GraphQL operations (docs/api-graphql.md, "Persisted operations"):
   * when set, only operations whose document hash it lists run. Kept in {@link #settings()}.
   */
  public Optional<Path> graphqlAllowList() {
    String file = settings.getOrDefault(Option.GRAPHQL_ALLOWLIST.env, "").trim();
    return file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file).toAbsolutePath().normalize());
  }

  /** One real-name verification level: its rank (1 lowest), the code the province uses, and what it means. */
  public record RealNameLevel(int rank, String code, String name) {
  }

  /**
   * How a clustered node finds the others (TCP/IP {@code members}, or Kubernetes DNS discovery when
   * {@code kubernetesServiceDns} is set) and where it listens: Hazelcast on {@code host:port}, the event bus
   * on {@code host:eventBusPort} (0 = any free port; the cluster learns the one chosen).
   */
  public record Clustering(List<String> members, Optional<String> host, int port, int eventBusPort,
      Optional<String> kubernetesServiceDns) {
  }

  /** Every option: its environment variable, its key in the JSON file, and its default. */
  public enum Option {
    CONFIG_FILE("TONGBAN_CONFIG", null, null),
    HTTP_PORT("TONGBAN_HTTP_PORT", "httpPort", "8080"),
    DATA_DIR("TONGBAN_DATA_DIR", "dataDir", "./data"),
    PG_URL("TONGBAN_PG_URL", "pgUrl", null),
    REDIS_URL("TONGBAN_REDIS_URL", "redisUrl", null),
    DEMO("TONGBAN_DEMO", "demo", null),
    CLUSTER("TONGBAN_CLUSTER", "cluster", "false"),
    CLUSTER_MEMBERS("TONGBAN_CLUSTER_MEMBERS", "clusterMembers", ""),
    CLUSTER_HOST("TONGBAN_CLUSTER_HOST", "clusterHost", null),
    CLUSTER_PORT("TONGBAN_CLUSTER_PORT", "clusterPort", "5701"),
    CLUSTER_EVENTBUS_PORT("TONGBAN_CLUSTER_EVENTBUS_PORT", "clusterEventBusPort", "0"),
    CLUSTER_KUBERNETES_SERVICE_DNS("TONGBAN_CLUSTER_KUBERNETES_SERVICE_DNS", "clusterKubernetesServiceDns", null),
    PG_POOL_SIZE("TONGBAN_PG_POOL_SIZE", "pgPoolSize", "8"),
    SUBMIT_IN_FLIGHT("TONGBAN_SUBMIT_IN_FLIGHT", "submitInFlight", "2"),
    BODY_LIMIT_BYTES("TONGBAN_BODY_LIMIT_BYTES", "bodyLimitBytes", "1048576"),
    TOKEN_TTL_SECONDS("TONGBAN_TOKEN_TTL_SECONDS", "tokenTtlSeconds", "3600"),
    LOGIN_MAX_FAILURES("TONGBAN_LOGIN_MAX_FAILURES", "loginMaxFailures", "5"),
    LOGIN_LOCK_SECONDS("TONGBAN_LOGIN_LOCK_SECONDS", "loginLockSeconds", "900"),
    AREA_CODE("TONGBAN_AREA_CODE", "areaCode", "410183"),
    SCAN_INTERVAL_SECONDS("TONGBAN_SCAN_INTERVAL_SECONDS", "scanIntervalSeconds", "60"),
    LOGIN_MAX_FAILURES_PER_ADDRESS("TONGBAN_LOGIN_MAX_FAILURES_PER_ADDRESS", "loginMaxFailuresPerAddress", "30"),
    CLIENT_RATE_PER_MINUTE("TONGBAN_CLIENT_RATE_PER_MINUTE", "clientRatePerMinute", "1200"),
    RELAY_INTERVAL_MS("TONGBAN_RELAY_INTERVAL_MS", "relayIntervalMillis", "500"),
    OUTBOX_MAX_ATTEMPTS("TONGBAN_OUTBOX_MAX_ATTEMPTS", "outboxMaxAttempts", "8"),
    OUTBOX_BACKOFF_MS("TONGBAN_OUTBOX_BACKOFF_MS", "outboxBackoffMillis", "1000"),
    OUTBOX_LEASE_SECONDS("TONGBAN_OUTBOX_LEASE_SECONDS", "outboxLeaseSeconds", "30"),
    WECHAT_CODE2SESSION_URL("TONGBAN_WECHAT_CODE2SESSION_URL", "wechatCode2SessionUrl",
        "https://api.weixin.qq.com/sns/jscode2session"),
    WECHAT_APPID("TONGBAN_WECHAT_APPID", "wechatAppId", null),
    WECHAT_SECRET("TONGBAN_WECHAT_SECRET", "wechatSecret", null),
    REAL_NAME_LEVELS("TONGBAN_REAL_NAME_LEVELS", "realNameLevels",
        "L1=自助注册,L2=手机号实名,L3=人脸识别或窗口核验,L4=线下现场核验"),
    MATERIAL_LIMIT_BYTES("TONGBAN_MATERIAL_LIMIT_BYTES", "materialLimitBytes", "10485760"),
    MATERIAL_VALID_DAYS("TONGBAN_MATERIAL_VALID_DAYS", "materialValidDays", "365"),
    AUDIT_SEAL_INTERVAL_MS("TONGBAN_AUDIT_SEAL_INTERVAL_MS", "auditSealIntervalMillis", "1000"),
    CORS_ORIGINS("TONGBAN_CORS_ORIGINS", "corsOrigins", ""),
    TRUSTED_PROXIES("TONGBAN_TRUSTED_PROXIES", "trustedProxies", ""),
    HSTS_MAX_AGE_SECONDS("TONGBAN_HSTS_MAX_AGE_SECONDS", "hstsMaxAgeSeconds", "0"),
    // Default http://localhost:<httpPort>, worked out in from(): the default depends on another option.
    PUBLIC_URL("TONGBAN_PUBLIC_URL", "publicUrl", null),
    DATA_KEYS("TONGBAN_DATA_KEYS", "dataKeys", null),
    DATA_INDEX_KEY("TONGBAN_DATA_INDEX_KEY", "dataIndexKey", null),
    DATA_INDEX_ALGORITHM("TONGBAN_DATA_INDEX_ALGORITHM", "dataIndexAlgorithm", "hmac-sha256"),
    IDEMPOTENCY_RETENTION_HOURS("TONGBAN_IDEMPOTENCY_RETENTION_HOURS", "idempotencyRetentionHours", "24"),
    RATING_WINDOW_DAYS("TONGBAN_RATING_WINDOW_DAYS", "ratingWindowDays", "30"),
    RATING_DEFAULT_GRADE("TONGBAN_RATING_DEFAULT_GRADE", "ratingDefaultGrade", "4"),
    RATING_REASONS("TONGBAN_RATING_REASONS", "ratingReasons", "多次跑动,超时办理,态度不好,材料要求不一致,办事指南不清,其他"),
    RATING_VERIFY_DAYS("TONGBAN_RATING_VERIFY_DAYS", "ratingVerifyDays", "3"),
    RATING_RECTIFY_MIN_DAYS("TONGBAN_RATING_RECTIFY_MIN_DAYS", "ratingRectifyMinDays", "5"),
    RATING_RECTIFY_MAX_DAYS("TONGBAN_RATING_RECTIFY_MAX_DAYS", "ratingRectifyMaxDays", "15"),
    RATING_CALLBACK_DAYS("TONGBAN_RATING_CALLBACK_DAYS", "ratingCallbackDays", "3"),
    RATING_DEMO("TONGBAN_RATING_DEMO", "ratingDemo", "true"),
    SUPERVISION_DEMO("TONGBAN_SUPERVISION_DEMO", "supervisionDemo", "true"),
    OIDC_UPSTREAM_ISSUER("TONGBAN_OIDC_UPSTREAM_ISSUER", "oidcUpstreamIssuer", null),
    OIDC_UPSTREAM_CLIENT_ID("TONGBAN_OIDC_UPSTREAM_CLIENT_ID", "oidcUpstreamClientId", null),
    OIDC_UPSTREAM_CLIENT_SECRET("TONGBAN_OIDC_UPSTREAM_CLIENT_SECRET", "oidcUpstreamClientSecret", null),
    OIDC_UPSTREAM_NAME("TONGBAN_OIDC_UPSTREAM_NAME", "oidcUpstreamName", "省统一身份认证"),
    // Default: the address each request reached the gateway at (scheme and authority).
    OIDC_ISSUER("TONGBAN_OIDC_ISSUER", "oidcIssuer", null),
    OIDC_SESSION_HOURS("TONGBAN_OIDC_SESSION_HOURS", "oidcSessionHours", "8"),
    SIGNING_KEY_MAX_AGE_DAYS("TONGBAN_SIGNING_KEY_MAX_AGE_DAYS", "signingKeyMaxAgeDays", "90"),
    HOTLINE_DEADLINES("TONGBAN_HOTLINE_DEADLINES", "hotlineDeadlines",
        "CONSULTATION=3,HELP=5,COMPLAINT=13,REPORT=13,SUGGESTION=15,PRAISE=15,SIGN_FOR=1"),
    HALL_SLOT_MINUTES("TONGBAN_HALL_SLOT_MINUTES", "hallSlotMinutes", "30"),
    HALL_SLOT_CAPACITY("TONGBAN_HALL_SLOT_CAPACITY", "hallSlotCapacity", "4"),
    HALL_MAX_OPEN_BOOKINGS("TONGBAN_HALL_MAX_OPEN_BOOKINGS", "hallMaxOpenBookings", "3"),
    HALL_CHANGE_CUTOFF_MINUTES("TONGBAN_HALL_CHANGE_CUTOFF_MINUTES", "hallChangeCutoffMinutes", "60"),
    HALL_REMINDER_MINUTES("TONGBAN_HALL_REMINDER_MINUTES", "hallReminderMinutes", "1440"),
    HALL_NO_SHOW_MINUTES("TONGBAN_HALL_NO_SHOW_MINUTES", "hallNoShowMinutes", "30"),
    PRE_REGISTRATION_DAYS("TONGBAN_PRE_REGISTRATION_DAYS", "preRegistrationDays", "30"),
    HALL_JOB_INTERVAL_SECONDS("TONGBAN_HALL_JOB_INTERVAL_SECONDS", "hallJobIntervalSeconds", "60"),
    HALL_TICKET_LEAD_MINUTES("TONGBAN_HALL_TICKET_LEAD_MINUTES", "hallTicketLeadMinutes", "60"),
    HOME_VISIT_DAYS("TONGBAN_HOME_VISIT_DAYS", "homeVisitDays", "5"),
    INTERMEDIARY_BLACKLIST_BELOW("TONGBAN_INTERMEDIARY_BLACKLIST_BELOW", "intermediaryBlacklistBelow", "60"),
    ACCOUNTABILITY_EXPLAIN_DAYS("TONGBAN_ACCOUNTABILITY_EXPLAIN_DAYS", "accountabilityExplainDays", "3"),
    PG_BACKGROUND_POOL_SIZE("TONGBAN_PG_BACKGROUND_POOL_SIZE", "pgBackgroundPoolSize", "2"),
    GRAPHQL_MAX_ALIASES("TONGBAN_GRAPHQL_MAX_ALIASES", "graphqlMaxAliases", "30"),
    GRAPHQL_MAX_FETCH_COST("TONGBAN_GRAPHQL_MAX_FETCH_COST", "graphqlMaxFetchCost", "250"),
    GRAPHQL_FETCHES_IN_FLIGHT("TONGBAN_GRAPHQL_FETCHES_IN_FLIGHT", "graphqlFetchesInFlight", "4"),
    GRAPHQL_RATE_PER_CALLER("TONGBAN_GRAPHQL_RATE_PER_CALLER", "graphqlRatePerCaller", "600"),
    GRAPHQL_RATE_PER_ADDRESS("TONGBAN_GRAPHQL_RATE_PER_ADDRESS", "graphqlRatePerAddress", "2400"),
    PUBLIC_LOOKUP_RATE_PER_ADDRESS("TONGBAN_PUBLIC_LOOKUP_RATE_PER_ADDRESS", "publicLookupRatePerAddress", "60"),
    METRICS("TONGBAN_METRICS", "metrics", "off"),
    METRICS_TOKEN("TONGBAN_METRICS_TOKEN", "metricsToken", null),
    METRICS_PORT("TONGBAN_METRICS_PORT", "metricsPort", "9464"),
    METRICS_HOST("TONGBAN_METRICS_HOST", "metricsHost", "0.0.0.0"),
    LOG_FORMAT("TONGBAN_LOG_FORMAT", "logFormat", "plain"),
    ACCESS_LOG("TONGBAN_ACCESS_LOG", "accessLog", "false"),
    OTEL_ENDPOINT("TONGBAN_OTEL_ENDPOINT", "otelEndpoint", null),
    GRAPHQL_ALLOWLIST("TONGBAN_GRAPHQL_ALLOWLIST", "graphqlAllowList", null);

    final String env;
    final String key;
    final String defaultValue;

    Option(String env, String key, String defaultValue) {
      this.env = env;
      this.key = key;
      this.defaultValue = defaultValue;
    }

    public String env() {
      return env;
    }
  }

  /** Reads the configuration from the process environment. */
  public static TongbanConfig fromEnvironment() {
    return from(System.getenv());
  }

  /** Reads the configuration from the given variables (and the file TONGBAN_CONFIG names, if any). */
  public static TongbanConfig from(Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    String file = env.get(Option.CONFIG_FILE.env);
    if (file != null && !file.isBlank()) {
      try {
        JsonObject json = new JsonObject(Files.readString(Path.of(file)));
        for (Option o : Option.values()) {
          if (o.key != null && json.containsKey(o.key) && json.getValue(o.key) != null) {
            values.put(o.env, String.valueOf(json.getValue(o.key)));
          }
        }
      } catch (Exception e) {
        problems.add(Option.CONFIG_FILE.env + ": cannot read " + file + " (" + e.getMessage() + ")");
      }
    }
    for (Option o : Option.values()) {
      String v = env.get(o.env);
      if (v != null && !v.isBlank()) {
        values.put(o.env, v.trim());
      }
    }
    Reader r = new Reader(values, problems);
    int port = r.integer(Option.HTTP_PORT, 0, 65535);
    Path dataDir = Path.of(r.string(Option.DATA_DIR)).toAbsolutePath().normalize();
    Optional<String> pgUrl = r.url(Option.PG_URL, "postgresql", "postgres");
    Optional<String> redisUrl = r.url(Option.REDIS_URL, "redis", "rediss");
    // Demo data never lands in an external database unless asked for explicitly.
    boolean demo = values.containsKey(Option.DEMO.env) ? r.bool(Option.DEMO) : pgUrl.isEmpty();
    boolean cluster = r.bool(Option.CLUSTER);
    List<String> members = new ArrayList<>();
    for (String member : r.string(Option.CLUSTER_MEMBERS).split(",")) {
      String m = member.trim();
      if (m.isEmpty()) {
        continue;
      }
      if (!m.matches("[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        problems.add(Option.CLUSTER_MEMBERS.env + ": expected host[:port], comma separated, got '" + m + "'");
      }
      members.add(m);
    }
    Optional<String> kubernetes = Optional.ofNullable(values.get(Option.CLUSTER_KUBERNETES_SERVICE_DNS.env));
    if (cluster && members.isEmpty() && kubernetes.isEmpty()) {
      problems.add(Option.CLUSTER.env + ": a cluster needs " + Option.CLUSTER_MEMBERS.env + " or "
          + Option.CLUSTER_KUBERNETES_SERVICE_DNS.env);
    }
    Clustering clustering = new Clustering(List.copyOf(members),
        Optional.ofNullable(values.get(Option.CLUSTER_HOST.env)), r.integer(Option.CLUSTER_PORT, 1, 65535),
        r.integer(Option.CLUSTER_EVENTBUS_PORT, 0, 65535), kubernetes);
    int pool = r.integer(Option.PG_POOL_SIZE, 1, 512);
    int submitInFlight = r.integer(Option.SUBMIT_IN_FLIGHT, 1, 512);
    long bodyLimit = r.integer(Option.BODY_LIMIT_BYTES, 1024, Integer.MAX_VALUE);
    int ttl = r.integer(Option.TOKEN_TTL_SECONDS, 60, 86_400);
    int maxFailures = r.integer(Option.LOGIN_MAX_FAILURES, 1, 1000);
    int lockSeconds = r.integer(Option.LOGIN_LOCK_SECONDS, 1, 86_400);
    String area = r.string(Option.AREA_CODE);
    int scanInterval = r.integer(Option.SCAN_INTERVAL_SECONDS, 0, 86_400);
    int perAddress = r.integer(Option.LOGIN_MAX_FAILURES_PER_ADDRESS, 1, 100_000);
    int clientRate = r.integer(Option.CLIENT_RATE_PER_MINUTE, 1, 10_000_000);
    int relayInterval = r.integer(Option.RELAY_INTERVAL_MS, 0, 3_600_000);
    int maxAttempts = r.integer(Option.OUTBOX_MAX_ATTEMPTS, 1, 100);
    int backoff = r.integer(Option.OUTBOX_BACKOFF_MS, 1, 3_600_000);
    int lease = r.integer(Option.OUTBOX_LEASE_SECONDS, 1, 86_400);
    List<RealNameLevel> levels = new ArrayList<>();
    String[] entries = r.string(Option.REAL_NAME_LEVELS).split(",");
    for (int i = 0; i < entries.length; i++) {
      String[] kv = entries[i].split("=", 2);
      if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
        problems.add(Option.REAL_NAME_LEVELS.env + ": expected CODE=name,CODE=name,… from lowest to highest");
        break;
      }
      levels.add(new RealNameLevel(i + 1, kv[0].trim(), kv[1].trim()));
    }
    if (levels.size() != 4 && problems.stream().noneMatch(p -> p.startsWith(Option.REAL_NAME_LEVELS.env))) {
      problems.add(Option.REAL_NAME_LEVELS.env + ": four levels, from lowest to highest");
    }
    long materialLimit = r.integer(Option.MATERIAL_LIMIT_BYTES, 1024, 200 * 1024 * 1024);
    int materialDays = r.integer(Option.MATERIAL_VALID_DAYS, 1, 36_500);
    String wechatUrl = r.string(Option.WECHAT_CODE2SESSION_URL);
    if (!wechatUrl.startsWith("http://") && !wechatUrl.startsWith("https://")) {
      problems.add(Option.WECHAT_CODE2SESSION_URL.env + ": must be an http(s) URL");
    }
    if (!area.matches("\\d{6}")) {
      problems.add(Option.AREA_CODE.env + ": must be a 6-digit administrative division code, got '" + area + "'");
    }
    int sealInterval = r.integer(Option.AUDIT_SEAL_INTERVAL_MS, 0, 3_600_000);
    List<String> corsOrigins = new ArrayList<>();
    for (String origin : r.string(Option.CORS_ORIGINS).split(",")) {
      String o = origin.trim();
      if (o.isEmpty()) {
        continue;
      }
      if (!o.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        problems.add(Option.CORS_ORIGINS.env + ": expected origins like https://portal.example.cn[:port], comma"
            + " separated, got '" + o + "'");
      }
      corsOrigins.add(o);
    }
    int hsts = r.integer(Option.HSTS_MAX_AGE_SECONDS, 0, 63_072_000);
    trustedProxies(r.string(Option.TRUSTED_PROXIES), problems);
    String publicUrl = publicUrl(values.get(Option.PUBLIC_URL.env), port, problems);
    Optional<DataKeys> dataKeys = dataKeys(values, problems);
    if (!List.of("hmac-sha256", "hmac-sm3").contains(r.string(Option.DATA_INDEX_ALGORITHM))) {
      problems.add(Option.DATA_INDEX_ALGORITHM.env + ": expected hmac-sha256 or hmac-sm3");
    }
    r.integer(Option.IDEMPOTENCY_RETENTION_HOURS, 1, 8760);
    Ratings ratings = ratings(r, problems);
    HotlineDeadlines.parse(r.string(Option.HOTLINE_DEADLINES), problems);
    explainDays(r.string(Option.ACCOUNTABILITY_EXPLAIN_DAYS), problems);
    limits(r);
    observability(r, problems);
    r.integer(Option.INTERMEDIARY_BLACKLIST_BELOW, 0, 100);
    String allowList = values.get(Option.GRAPHQL_ALLOWLIST.env);
    if (allowList != null && !Files.isReadable(Path.of(allowList))) {
      problems.add(Option.GRAPHQL_ALLOWLIST.env + ": cannot read " + allowList);
    }
    String upstream = values.get(Option.OIDC_UPSTREAM_ISSUER.env);
    if (upstream != null && (!upstream.matches("https?://[^\\s#?]+") || values.get(Option.OIDC_UPSTREAM_CLIENT_ID.env) == null
        || values.get(Option.OIDC_UPSTREAM_CLIENT_SECRET.env) == null)) {
      problems.add(Option.OIDC_UPSTREAM_ISSUER.env + ": an http(s) issuer URL, with " + Option.OIDC_UPSTREAM_CLIENT_ID.env
          + " and " + Option.OIDC_UPSTREAM_CLIENT_SECRET.env);
    }
    String issuer = values.get(Option.OIDC_ISSUER.env);
    if (issuer != null && !issuer.isBlank() && !issuer.trim().matches("https?://[^\\s#?@]+")) {
      problems.add(Option.OIDC_ISSUER.env + ": an absolute http(s) URL without query, fragment or user info, e.g."
          + " https://sso.example.gov.cn");
    }
    r.integer(Option.OIDC_SESSION_HOURS, 0, 720);
    r.integer(Option.SIGNING_KEY_MAX_AGE_DAYS, 0, 3650);
    Hall hall = new Hall(r.integer(Option.HALL_SLOT_MINUTES, 5, 240), r.integer(Option.HALL_SLOT_CAPACITY, 1, 1000),
        r.integer(Option.HALL_MAX_OPEN_BOOKINGS, 1, 100), r.integer(Option.HALL_CHANGE_CUTOFF_MINUTES, 0, 10_080),
        r.integer(Option.HALL_REMINDER_MINUTES, 0, 10_080), r.integer(Option.HALL_NO_SHOW_MINUTES, 0, 1440),
        r.integer(Option.PRE_REGISTRATION_DAYS, 1, 366), r.integer(Option.HALL_JOB_INTERVAL_SECONDS, 0, 86_400),
        r.integer(Option.HALL_TICKET_LEAD_MINUTES, -1, 720), r.integer(Option.HOME_VISIT_DAYS, 1, 60));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid configuration:\n  - " + String.join("\n  - ", problems));
    }
    return new TongbanConfig(port, dataDir, pgUrl, redisUrl, demo, cluster, clustering, pool, submitInFlight,
        bodyLimit, ttl,
        maxFailures, lockSeconds, area, scanInterval, perAddress, clientRate, relayInterval, maxAttempts, backoff,
        lease, wechatUrl, Optional.ofNullable(values.get(Option.WECHAT_APPID.env)),
        Optional.ofNullable(values.get(Option.WECHAT_SECRET.env)), List.copyOf(levels), materialLimit, materialDays,
        sealInterval, List.copyOf(corsOrigins), hsts, publicUrl, dataKeys, hall, tongbanSettings(env, values, publicUrl),
        ratings, r.bool(Option.SUPERVISION_DEMO));
  }

  private static Ratings ratings(Reader r, List<String> problems) {
    List<String> reasons = new ArrayList<>();
    for (String reason : r.string(Option.RATING_REASONS).split(",")) {
      if (!reason.isBlank() && !reasons.contains(reason.trim())) {
        reasons.add(reason.trim());
      }
    }
    if (reasons.isEmpty()) {
      problems.add(Option.RATING_REASONS.env + ": at least one reason, comma separated");
    }
    int min = r.integer(Option.RATING_RECTIFY_MIN_DAYS, 1, 60);
    int max = r.integer(Option.RATING_RECTIFY_MAX_DAYS, 1, 60);
    if (min > max) {
      problems.add(Option.RATING_RECTIFY_MIN_DAYS.env + " must not exceed " + Option.RATING_RECTIFY_MAX_DAYS.env);
    }
    return new Ratings(r.integer(Option.RATING_WINDOW_DAYS, 1, 366), r.integer(Option.RATING_DEFAULT_GRADE, 1, 5),
        List.copyOf(reasons), r.integer(Option.RATING_VERIFY_DAYS, 1, 30), min, max,
        r.integer(Option.RATING_CALLBACK_DAYS, 1, 30), r.bool(Option.RATING_DEMO));
  }

  /**
   * Where citizens reach the public pages (a licence's QR code points there): an absolute http(s) URL without
   * query or fragment, kept without a trailing slash so paths can be appended.
   */
  private static String publicUrl(String value, int port, List<String> problems) {
    if (value == null) {
      return "http://localhost:" + port;
    }
    try {
      URI uri = new URI(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null || uri.getRawQuery() != null
          || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
        problems.add(Option.PUBLIC_URL.env + ": expected an absolute http(s) URL without query or fragment, e.g."
            + " https://zwfw.example.cn, got '" + value + "'");
      }
    } catch (java.net.URISyntaxException e) {
      problems.add(Option.PUBLIC_URL.env + ": not a URL: '" + value + "'");
    }
    return value.replaceAll("/+$", "");
  }

  /** Both data-key settings or neither; each key well-formed. Problems never quote a key. */
  private static Optional<DataKeys> dataKeys(Map<String, String> values, List<String> problems) {
    String keys = values.get(Option.DATA_KEYS.env);
    String index = values.get(Option.DATA_INDEX_KEY.env);
    if (keys == null && index == null) {
      return Optional.empty();
    }
    if (keys == null || index == null) {
      problems.add(Option.DATA_KEYS.env + " and " + Option.DATA_INDEX_KEY.env + " go together: give both or neither");
      return Optional.empty();
    }
    Map<String, byte[]> parsed = new LinkedHashMap<>();
    Map<String, String> algorithms = new LinkedHashMap<>();
    for (String entry : keys.split(",")) {
      String[] kv = entry.trim().split(":", 3);
      // id:base64 is AES-256 (as before the 国密 option); id:aes:base64 or id:sm4:base64 name the cipher.
      String algorithm = kv.length == 3 ? kv[1].toUpperCase(java.util.Locale.ROOT) : "AES";
      byte[] key = kv.length >= 2 ? base64(kv[kv.length - 1]) : null;
      int size = "SM4".equals(algorithm) ? 16 : 32;
      if (kv.length < 2 || !kv[0].matches("[a-z0-9][a-z0-9-]{0,31}") || !List.of("AES", "SM4").contains(algorithm)
          || key == null || key.length != size) {
        problems.add(Option.DATA_KEYS.env + ": expected id:base64 (AES-256, a 32-byte key) or id:sm4:base64 (SM4, a"
            + " 16-byte key) entries, id in a-z0-9-, comma separated, the sealing key first");
        return Optional.empty();
      }
      if (parsed.put(kv[0], key) != null) {
        problems.add(Option.DATA_KEYS.env + ": key id '" + kv[0] + "' given twice");
      }
      algorithms.put(kv[0], algorithm);
    }
    byte[] indexKey = base64(index);
    if (indexKey == null || indexKey.length < 32) {
      problems.add(Option.DATA_INDEX_KEY.env + ": expected at least 32 bytes, base64");
      return Optional.empty();
    }
    return Optional.of(new DataKeys(java.util.Collections.unmodifiableMap(parsed), indexKey,
        java.util.Collections.unmodifiableMap(algorithms)));
  }

  private static byte[] base64(String s) {
    try {
      return java.util.Base64.getDecoder().decode(s.trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Every TONGBAN_* setting (file and environment), for plugins that read their own (e.g. TONGBAN_EXCHANGE_URL). */
  private static Map<String, String> tongbanSettings(Map<String, String> env, Map<String, String> values,
      String publicUrl) {
    Map<String, String> all = new LinkedHashMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith("TONGBAN_")) {
        all.put(k, v);
      }
    });
    all.putAll(values);
    // The effective public address (given, or derived from the port), for messages that link to the pages.
    if (publicUrl != null) {
      all.put(Option.PUBLIC_URL.env, publicUrl);
    }
    // Plugins never see the keys that seal personal data.
    all.remove(Option.DATA_KEYS.env);
    all.remove(Option.DATA_INDEX_KEY.env);
    return Map.copyOf(all);
  }

  private record Reader(Map<String, String> values, List<String> problems) {
    String string(Option o) {
      return values.getOrDefault(o.env, o.defaultValue);
    }

    int integer(Option o, int min, int max) {
      String v = string(o);
      try {
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
          problems.add(o.env + ": must be between " + min + " and " + max + ", got " + v);
        }
        return n;
      } catch (NumberFormatException e) {
        problems.add(o.env + ": not a number: '" + v + "'");
        return min;
      }
    }

    boolean bool(Option o) {
      String v = string(o);
      if (v == null) {
        return false;
      }
      if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
        problems.add(o.env + ": must be true or false, got '" + v + "'");
      }
      return Boolean.parseBoolean(v);
    }

    Optional<String> url(Option o, String... schemes) {
      String v = values.get(o.env);
      if (v == null) {
        return Optional.empty();
      }
      try {
        URI uri = URI.create(v);
        if (uri.getScheme() == null || !List.of(schemes).contains(uri.getScheme()) || uri.getHost() == null) {
          problems.add(o.env + ": expected " + schemes[0] + "://host[:port]/…, got a URL of another form");
        }
      } catch (IllegalArgumentException e) {
        problems.add(o.env + ": not a URL");
      }
      return Optional.of(v);
    }
  }
}
