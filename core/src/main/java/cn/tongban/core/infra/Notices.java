package cn.tongban.core.infra;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Notices every node hears, through PostgreSQL's {@code LISTEN}/{@code NOTIFY} on the database all nodes share:
 * clustered or not, and sent at the commit of the transaction that changed something (a trigger can send them,
 * so no writer can forget to). A node keeps a copy of shared state (published matters, token checks) only while
 * it can trust that it hears them: its listening connection is up and the last heartbeat it heard back (a
 * notice it sends itself every second, through the same ordered stream as every other notice) was sent less
 * than {@value #TRUSTED_MILLIS} ms ago. Whenever that trust lapses or the connection is made again, notices may
 * have been missed: the {@link #onGap} handlers drop what they keep. A change that must hold on every node
 * before its caller hears of it is sent with {@link #tell}, which waits until every node has handled it.
 */
public final class Notices {
  private static final Logger LOG = Logger.getLogger(Notices.class.getName());
  /** Sent by the V74 triggers when a matter, a department or a form version changes. */
  public static final String CATALOGUE = "tongban_catalogue";
  /** Sent when sessions end: a revoked token id, or an account whose token epoch moved. */
  public static final String SESSIONS = "tongban_sessions";
  private static final String HEARTBEAT = "tongban_heartbeat";
  /** Each node's "I have handled this told notice" ({@code <notice id> <node id>}). */
  private static final String HANDLED = "tongban_handled";
  static final long TRUSTED_MILLIS = 3_000;
  private static final String TOLD = "told:";

  /** This node, as its heartbeats name it. */
  private final String node = java.util.UUID.randomUUID().toString();
  /** The nodes whose heartbeats were heard, with when (nanoTime). */
  private final java.util.Map<String, Long> nodes = new java.util.concurrent.ConcurrentHashMap<>();
  /** Told notices waiting for nodes to have handled them, by notice id. */
  private final java.util.Map<String, Waiting> waiting = new java.util.concurrent.ConcurrentHashMap<>();

  private record Waiting(java.util.Set<String> nodes, io.vertx.core.Promise<Void> done) {
  }

  private final Vertx vertx;
  private final PgSubscriber subscriber;
  private final Pool pool;
  private final List<Runnable> gaps = new CopyOnWriteArrayList<>();
  private volatile long lastHeartbeat = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  private volatile boolean trusted;
  private long timer = -1;

  private Notices(Vertx vertx, PgSubscriber subscriber, Pool pool) {
    this.vertx = vertx;
    this.subscriber = subscriber;
    this.pool = pool;
  }

  /**
   * Listens on the database at {@code url}; {@code pool} sends the heartbeat. Handlers of a channel are added
   * with {@link #on} before the first notice can matter: the catalogue and token caches start empty.
   */
  public static Future<Notices> start(Vertx vertx, String url, Pool pool) {
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, PgConnectOptions.fromUri(url))
        // Reconnect for ever, every second: while it is down nothing is trusted, so no read is wrong meanwhile.
        .reconnectPolicy(retries -> 1_000L);
    Notices notices = new Notices(vertx, subscriber, pool);
    subscriber.channel(HANDLED).handler(notices::handledBy);
    subscriber.channel(HEARTBEAT).handler(notices::heartbeat)
        // (Re)subscribed: whatever was sent while the connection was down is lost.
        .subscribeHandler(v -> notices.gap("listening on " + HEARTBEAT));
    return subscriber.connect().map(v -> {
      notices.timer = vertx.setPeriodic(1_000, t -> notices.beat());
      notices.beat();
      return notices;
    });
  }

  /**
   * Calls {@code handler} with each notice's payload on {@code channel} (on a Vert.x thread, in commit order);
   * for a notice sent with {@link #tell}, tells its sender once the handler returned.
   */
  public void on(String channel, Consumer<String> handler) {
    subscriber.channel(channel).handler(payload -> {
      if (!payload.startsWith(TOLD)) {
        handler.accept(payload);
        return;
      }
      int end = payload.indexOf(':', TOLD.length());
      handler.accept(payload.substring(end + 1));
      send(HANDLED, payload.substring(TOLD.length(), end) + " " + node)
          .onFailure(e -> LOG.fine(() -> "handled notice not acknowledged: " + e));
    });
  }

  /**
   * Sends {@code payload} on {@code channel} and answers once every node heard in the last minute has handled
   * it, or once {@value #TRUSTED_MILLIS} ms went by: a node that has not handled it by then has heard no own
   * heartbeat sent since (notices reach a node in commit order, and its later heartbeats after this one), so it
   * has stopped trusting what it keeps. Either way, no node acts on what the notice ends once this answered.
   */
  public Future<Void> tell(String channel, String payload) {
    String id = java.util.UUID.randomUUID().toString();
    // Every node heard within the last minute, not only lately: this node's own hearing may lag (then it has
    // missed others' heartbeats while they still trust what they keep). A node gone costs a wait of 3 s.
    java.util.Set<String> expected = java.util.concurrent.ConcurrentHashMap.newKeySet();
    expected.addAll(nodes.keySet());
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    if (expected.isEmpty()) {
      done.tryComplete();
    } else {
      waiting.put(id, new Waiting(expected, done));
      done.future().onComplete(ar -> waiting.remove(id));
    }
    return send(channel, TOLD + id + ":" + payload).compose(v -> {
      // Counted from now, when the notice is in the queue: every heartbeat a node still trusts was sent before.
      long timer = vertx.setTimer(TRUSTED_MILLIS, t -> done.tryComplete());
      return done.future().onComplete(ar -> vertx.cancelTimer(timer));
    }, e -> {
      done.tryComplete();
      return Future.failedFuture(e);
    });
  }

  private void handledBy(String payload) {
    int space = payload.indexOf(' ');
    Waiting w = space < 0 ? null : waiting.get(payload.substring(0, space));
    if (w != null && w.nodes().remove(payload.substring(space + 1)) && w.nodes().isEmpty()) {
      w.done().tryComplete();
    }
  }

  /** Calls {@code handler} whenever notices may have been missed (connection lost, heartbeat late). */
  public void onGap(Runnable handler) {
    gaps.add(handler);
  }

  /**
   * Whether this node hears every notice now: what it kept while this held is still right, less whatever the
   * notices since told it to drop. Callers check it at each use, not once.
   */
  public boolean listening() {
    if (!trusted) {
      return false;
    }
    if (subscriber.actualConnection() == null
        || System.nanoTime() - lastHeartbeat > TimeUnit.MILLISECONDS.toNanos(TRUSTED_MILLIS)) {
      trusted = false;
      gap("no heartbeat for " + TRUSTED_MILLIS + " ms");
      return false;
    }
    return true;
  }

  /** Sends {@code payload} on {@code channel} when {@code client}'s transaction commits (at once outside one). */
  public static Future<Void> send(SqlClient client, String channel, String payload) {
    return client.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(channel, payload)).mapEmpty();
  }

  /** As {@link #send(SqlClient, String, String)} on this node's pool. */
  public Future<Void> send(String channel, String payload) {
    return send(pool, channel, payload);
  }

  private void beat() {
    // The time it is sent at, not when it comes back, is what it vouches for (see tell).
    send(HEARTBEAT, node + " " + System.nanoTime()).onFailure(e -> LOG.fine(() -> "heartbeat not sent: " + e));
  }

  private void heartbeat(String payload) {
    long now = System.nanoTime();
    int space = payload.indexOf(' ');
    String from = space < 0 ? payload : payload.substring(0, space);
    nodes.put(from, now);
    nodes.values().removeIf(heard -> now - heard > TimeUnit.MINUTES.toNanos(1));
    if (!from.equals(node) || space < 0) {
      return;
    }
    lastHeartbeat = Long.parseLong(payload.substring(space + 1));
    if (!trusted) {
      // Drop before trusting again: what was kept while deaf may be stale.
      gap("heard again");
      trusted = true;
    }
  }

  private void gap(String why) {
    LOG.fine(() -> "notices: " + why + "; dropping what was kept");
    gaps.forEach(Runnable::run);
  }

  public Future<Void> close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return subscriber.close();
  }
}
