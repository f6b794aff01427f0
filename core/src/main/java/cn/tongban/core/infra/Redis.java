package cn.tongban.core.infra;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Redis through Lettuce. Lettuce completes on its own Netty threads, so every result is brought
 * back to the caller's Vert.x context.
 */
public final class Redis {
  private final Vertx vertx;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  /** Lettuce's resources made for the metrics, or null (then the client's own). */
  private final ClientResources resources;

  private Redis(Vertx vertx, RedisClient client, StatefulRedisConnection<String, String> connection,
      ClientResources resources) {
    this.vertx = vertx;
    this.resources = resources;
    this.client = client;
    this.connection = connection;
  }

  /** Connects to the Redis at {@code url}. */
  public static Future<Redis> connect(Vertx vertx, String url) {
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(Duration.ofSeconds(2));
    // With metrics on, Lettuce times every command (per command type) into the platform's registry: count, sum
    // and max only (no histogram, no client-side percentiles), the cheapest it records.
    ClientResources resources = Meters.enabled() ? DefaultClientResources.builder()
        .commandLatencyRecorder(new MicrometerCommandLatencyRecorder(Meters.registry(), MicrometerOptions.builder()
            .histogram(false).targetPercentiles(new double[0]).build())).build() : null;
    RedisClient client = resources == null ? RedisClient.create() : RedisClient.create(resources);
    // While disconnected, commands fail at once instead of queueing until their timeout; the
    // connection keeps reconnecting in the background.
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(10_000)
        .build());
    Context ctx = vertx.getOrCreateContext();
    return Future.fromCompletionStage(client.connectAsync(StringCodec.UTF8, uri), ctx)
        .map(conn -> new Redis(vertx, client, conn, resources))
        .onFailure(e -> client.shutdownAsync().thenRun(() -> {
          if (resources != null) {
            resources.shutdown();
          }
        }));
  }

  /** The async command set; wrap its results with {@link #await}. */
  public RedisAsyncCommands<String, String> commands() {
    return connection.async();
  }

  /** Brings a Lettuce result back onto the current Vert.x context. */
  public <T> Future<T> await(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }

  /**
   * One more in the fixed window {@code key} (INCR), returning the count and the seconds the window has left.
   * One Lua script, so the expiry is set in the same step as the first count: a key can never be left counting
   * without one (INCR then EXPIRE as two commands could, if the second never ran).
   */
  public Future<Count> count(String key, int windowSeconds) {
    return count(key, windowSeconds, 1);
  }

  /** {@link #count(String, int)} by {@code n} at once (INCRBY): counts kept on a node, sent together. */
  public Future<Count> count(String key, int windowSeconds, long n) {
    return await(commands().<java.util.List<Long>>eval(COUNT, io.lettuce.core.ScriptOutputType.MULTI,
        new String[] {key}, String.valueOf(windowSeconds), String.valueOf(n)))
        .map(r -> new Count(r.get(0), Math.max(1, r.get(1).intValue())));
  }

  /** A fixed-window count and the seconds until the window ends. */
  public record Count(long n, int secondsLeft) {
  }

  private static final String COUNT = """
      local n = redis.call('INCRBY', KEYS[1], ARGV[2])
      local ttl = redis.call('TTL', KEYS[1])
      if ttl < 0 then
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        ttl = tonumber(ARGV[1])
      end
      return {n, ttl}""";

  public Future<String> ping() {
    return await(commands().ping());
  }

  public Future<Void> close() {
    // Resources given to a client are not the client's to shut down: they go after it.
    return await(connection.closeAsync()).compose(v -> await(client.shutdownAsync())).andThen(v -> {
      if (resources != null) {
        resources.shutdown();
      }
    }).mapEmpty();
  }
}
