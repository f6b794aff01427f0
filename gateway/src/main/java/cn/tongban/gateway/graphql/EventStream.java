package cn.tongban.gateway.graphql;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a GraphQL subscription returns: the messages published on an event-bus address (from every node
 * when clustered) from the moment of subscribing, each passed through {@code select} (which may drop it), in
 * order, as the subscriber asks for them. A subscriber that falls {@value #BUFFER} events behind is ended
 * with an error rather than buffered without limit. Each subscription lives on one Vert.x context: demand
 * and cancellation from other threads are handed to it.
 */
final class EventStream implements Publisher<JsonObject> {
  static final int BUFFER = 256;
  private final Vertx vertx;
  private final String address;
  private final Function<JsonObject, Future<Optional<JsonObject>>> select;

  EventStream(Vertx vertx, String address, Function<JsonObject, Future<Optional<JsonObject>>> select) {
    this.vertx = vertx;
    this.address = address;
    this.select = select;
  }

  @Override
  public void subscribe(Subscriber<? super JsonObject> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    Feed feed = new Feed(subscriber, vertx.getOrCreateContext());
    subscriber.onSubscribe(feed);
    feed.context.runOnContext(v -> feed.listen());
  }

  private final class Feed implements Subscription {
    private final Subscriber<? super JsonObject> subscriber;
    private final Context context;
    private final Deque<JsonObject> ready = new ArrayDeque<>();
    private MessageConsumer<JsonObject> consumer;
    /** The selection of the previous event: selections run one after the other, so order is kept. */
    private Future<Void> previous = Future.succeededFuture();
    private long demand;
    private boolean done;
    private boolean draining;

    Feed(Subscriber<? super JsonObject> subscriber, Context context) {
      this.subscriber = subscriber;
      this.context = context;
    }

    void listen() {
      if (!done) {
        consumer = vertx.eventBus().consumer(address, m -> arrived(m.body()));
      }
    }

    private void arrived(JsonObject event) {
      previous = previous.compose(v -> select.apply(event).transform(ar -> {
        if (ar.succeeded() && ar.result().isPresent()) {
          context.runOnContext(x -> offer(ar.result().get()));
        }
        return Future.<Void>succeededFuture();
      }));
    }

    private void offer(JsonObject item) {
      if (done) {
        return;
      }
      if (ready.size() >= BUFFER) {
        end();
        subscriber.onError(new IllegalStateException("the subscriber fell " + BUFFER + " events behind"));
        return;
      }
      ready.add(item);
      drain();
    }

    private void drain() {
      if (draining) {
        return;
      }
      draining = true;
      try {
        while (!done && demand > 0 && !ready.isEmpty()) {
          demand--;
          subscriber.onNext(ready.poll());
        }
      } finally {
        draining = false;
      }
    }

    @Override
    public void request(long n) {
      context.runOnContext(v -> requested(n));
    }

    private void requested(long n) {
      if (done) {
        return;
      }
      if (n <= 0) {
        end();
        subscriber.onError(new IllegalArgumentException("§3.9: request a positive number, got " + n));
        return;
      }
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      drain();
    }

    @Override
    public void cancel() {
      context.runOnContext(v -> end());
    }

    private void end() {
      done = true;
      ready.clear();
      if (consumer != null) {
        consumer.unregister();
        consumer = null;
      }
    }
  }
}
