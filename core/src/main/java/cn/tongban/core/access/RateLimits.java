package cn.tongban.core.access;

import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.infra.Redis;
import cn.tongban.core.problem.DomainException;
import io.vertx.core.Future;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Request rates that protect capacity (docs/security.md, "Resource limits"): GraphQL operations a minute per
 * caller and per address, and the public lookups anyone may make without signing in (licence verification,
 * progress by query code) a minute per address — each lookup counts, so a GraphQL operation asking for many
 * aliases of one counts as many. Fixed one-minute windows in Redis, counted and given their expiry in one
 * script. While Redis is down nothing is counted (these protect capacity, not secrets).
 *
 * <p>A key far below its rate is counted on this node and its count sent to Redis with the next request that
 * goes there, instead of a Redis round trip per request: while the window's last known count plus what this
 * node has counted since stays within {@link #LOCAL_SHARE} of the rate, and for at most {@link #LOCAL_FOR_NANOS}
 * after the last answer from Redis. Past that share every request goes to Redis and its answer decides, so the
 * request over the rate is refused exactly as before on one node; several nodes can together let through at
 * most one share per node more than the rate within a second of each other, a slack these limits (capacity,
 * not secrets) accept.
 */
public final class RateLimits {
  private static final int WINDOW_SECONDS = 60;
  /** The part of a rate a node may count on its own between two answers from Redis. */
  static final double LOCAL_SHARE = 0.5;
  /** How long an answer from Redis lets a node count on its own. */
  static final long LOCAL_FOR_NANOS = 1_000_000_000L;
  /** Keys kept; past this many (an address scan) they are forgotten and start again from Redis. */
  private static final int MAX_KEYS = 100_000;
  private final Redis redis;
  private final TongbanConfig.Limits limits;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

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

  /**
   * This node's view of one key's window: the count Redis last answered, what was counted here since, and what
   * was sent to Redis and is not answered yet.
   */
  private static final class Window {
    long known;
    long pending;
    long sent;
    long syncedAt;
    long endsAt;
  }

  private Future<Void> count(String key, int max, String detailKey) {
    if (windows.size() > MAX_KEYS) {
      windows.clear();
    }
    Window w = windows.computeIfAbsent(key, k -> new Window());
    long now = System.nanoTime();
    long take;
    synchronized (w) {
      if (w.syncedAt != 0 && now - w.syncedAt < LOCAL_FOR_NANOS && now - w.endsAt < 0
          && w.known + w.sent + w.pending + 1 <= (long) (max * LOCAL_SHARE)) {
        w.pending++;
        return Future.succeededFuture();
      }
      take = w.pending + 1;
      w.pending = 0;
      w.sent += take;
    }
    return redis.count(key, WINDOW_SECONDS, take)
        .onFailure(e -> {
          synchronized (w) {
            w.sent -= take;
          }
        })
        .<Optional<Redis.Count>>map(c -> {
          long at = System.nanoTime();
          long endsAt = at + c.secondsLeft() * 1_000_000_000L;
          synchronized (w) {
            w.sent -= take;
            // A later end by more than a second is a new window; within one, the highest count is the latest.
            w.known = endsAt - w.endsAt > 1_000_000_000L || w.syncedAt == 0 ? c.n() : Math.max(w.known, c.n());
            w.endsAt = endsAt;
            w.syncedAt = at;
          }
          return Optional.of(c);
        })
        .recover(e -> Future.succeededFuture(Optional.empty()))
        .compose(c -> c.isPresent() && c.get().n() > max
            ? Future.failedFuture(DomainException.throttled(detailKey, c.get().secondsLeft()))
            : Future.succeededFuture());
  }
}
