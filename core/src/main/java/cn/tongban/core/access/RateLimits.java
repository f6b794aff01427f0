package cn.tongban.core.access;

import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.infra.Redis;
import cn.tongban.core.problem.DomainException;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * Request rates that protect capacity (docs/security.md, "Resource limits"): GraphQL operations a minute per
 * caller and per address, and the public lookups anyone may make without signing in (licence verification,
 * progress by query code) a minute per address — each lookup counts, so a GraphQL operation asking for many
 * aliases of one counts as many. Fixed one-minute windows in Redis, counted and given their expiry in one
 * script. While Redis is down nothing is counted (these protect capacity, not secrets).
 */
public final class RateLimits {
  private static final int WINDOW_SECONDS = 60;
  private final Redis redis;
  private final TongbanConfig.Limits limits;

  public RateLimits(Redis redis, TongbanConfig.Limits limits) {
    this.redis = redis;
    this.limits = limits;
  }

  /** One GraphQL operation by {@code caller} (empty: anonymous) from {@code address}; 429 when over either rate. */
  public Future<Void> graphql(Optional<Caller> caller, String address) {
    Future<Void> byAddress = count("rate:graphql:address:" + address, limits.graphqlRatePerAddress(), "rate.graphql");
    // Both counts at once: one Redis round trip's wait per operation, not two in a row.
    return caller.isEmpty() ? byAddress
        : Future.all(byAddress, count("rate:graphql:caller:" + caller.get().scopeKey(), limits.graphqlRatePerCaller(),
            "rate.graphql")).mapEmpty();
  }

  /** One public lookup (a licence verification or a progress query) from {@code address}; 429 when over. */
  public Future<Void> publicLookup(String address) {
    return count("rate:lookup:address:" + address, limits.publicLookupRatePerAddress(), "rate.lookup");
  }

  private Future<Void> count(String key, int max, String detailKey) {
    return redis.count(key, WINDOW_SECONDS).<Optional<Redis.Count>>map(Optional::of)
        .recover(e -> Future.succeededFuture(Optional.empty()))
        .compose(c -> c.isPresent() && c.get().n() > max
            ? Future.failedFuture(DomainException.throttled(detailKey, c.get().secondsLeft()))
            : Future.succeededFuture());
  }
}
