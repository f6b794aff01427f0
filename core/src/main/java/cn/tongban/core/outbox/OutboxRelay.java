package cn.tongban.core.outbox;

import cn.tongban.core.access.Role;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Access;
import cn.tongban.core.application.Application;
import cn.tongban.core.application.ApplicationStatus;
import cn.tongban.core.application.ApplicationStore;
import cn.tongban.core.application.LifecycleService;
import cn.tongban.core.licence.LicenceService;
import cn.tongban.core.matter.MatterStore;
import cn.tongban.core.plugin.PluginHost;
import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.Trace;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Delivers every event written in a change's transaction, after commit, at least once: to the event bus
 * (address {@value #ADDRESS}), to every configured event sink (e.g. the exchange platform) and to the
 * side-effect hooks of the handlers the case's form binds. Safe on
 * every node at once: a pass claims its events with one row in {@code outbox_claim} (claims taken one at a time
 * across the nodes; an event another node's running claim lists is not taken), and an event waits while an earlier
 * one of the same case is pending, so each case's events go out in order. A failure retries with
 * exponential backoff; after the last try the event is dead, listed and retried by administrators. A
 * failed side effect never touches the case.
 */
public final class OutboxRelay {
  /** Where delivered events are published. */
  public static final String ADDRESS = "tongban.events";
  private static final Logger LOG = Logger.getLogger(OutboxRelay.class.getName());
  private static final Map<String, PluginHost.Hook> HOOKS = Map.of(
      "ApplicationSubmitted", PluginHost.Hook.SUBMIT,
      "ApplicationAccept", PluginHost.Hook.ACCEPT,
      "ApplicationRequestCorrection", PluginHost.Hook.CORRECTION,
      "ApplicationReviewReturn", PluginHost.Hook.CORRECTION,
      "ApplicationApprove", PluginHost.Hook.APPROVE,
      "ApplicationDeny", PluginHost.Hook.REJECT,
      "ApplicationNotAccept", PluginHost.Hook.REJECT);

  /**
   * Events claimed per pass. A pass reads the pending events from the oldest until it has picked this many,
   * so a larger batch reads each pending event fewer times (with 50, the relay read ~7 pending rows per
   * event it delivered under load).
   */
  public static final int BATCH = 200;
  /** Pending events read per page while a claim looks for due ones. */
  static final int PAGE = 500;
  private final Vertx vertx;
  private final Pool pool;
  private final OutboxStore store;
  private final ApplicationStore applications;
  private final MatterStore matters;
  private final PluginHost plugins;
  private final PluginHost.Reads reads;
  private final LicenceService licences;
  private final LifecycleService lifecycle;
  private final int maxAttempts;
  private final long backoffMillis;
  private final int leaseSeconds;
  private final java.util.function.Function<String, Future<Optional<String>>> phoneOf;

  /**
   * {@code leaseSeconds}: how long a claimed event is this node's; if the node dies, another node delivers it
   * after that. Renewed every third of it while a pass runs: a node stalled for longer (a long GC pause) can
   * lose its claim, and the events it had in hand are delivered again, under the same ids. Everything the
   * relay reads and writes goes through {@code pool}: the stores and services it is given, and the handlers'
   * reads ({@code reads}), are on the same pool, so that deliveries never wait for the requests' connections.
   */
  public OutboxRelay(Vertx vertx, Pool pool, ApplicationStore applications, MatterStore matters, PluginHost plugins,
      PluginHost.Reads reads, LicenceService licences, LifecycleService lifecycle, int maxAttempts,
      long backoffMillis, int leaseSeconds, java.util.function.Function<String, Future<Optional<String>>> phoneOf) {
    this.reads = reads;
    this.leaseSeconds = leaseSeconds;
    this.phoneOf = phoneOf;
    this.licences = licences;
    this.lifecycle = lifecycle;
    this.vertx = vertx;
    this.pool = pool;
    this.store = new OutboxStore(pool);
    this.applications = applications;
    this.matters = matters;
    this.plugins = plugins;
    this.maxAttempts = maxAttempts;
    this.backoffMillis = backoffMillis;
  }

  /**
   * One pass: claims up to {@value #BATCH} due events and delivers each, as long as the lease lasts; returns
   * how many were delivered.
   */
  public Future<Integer> relay() {
    long leasedAt = System.nanoTime();
    return store.claim(this::pick, leaseSeconds).compose(claimed -> {
      if (claimed.isEmpty()) {
        return Future.succeededFuture(0);
      }
      Lease lease = new Lease(claimed.get().id(), leasedAt);
      List<OutboxStore.Leased> rows = claimed.get().events();
      List<OutboxStore.Leased> events = new ArrayList<>(rows);
      events.sort((a, b) -> Long.compare(a.seq(), b.seq()));
      // The batch's cases are read in one query. A batch holds at most one event per case (an event waits
      // while an earlier one of its case is pending), so no delivery in it changes another one's case.
      List<String> numbers = events.stream().filter(e -> "application".equals(e.aggregateType()))
          .map(OutboxStore.Leased::aggregateId).distinct().toList();
      if (numbers.isEmpty()) {
        return deliverAll(lease, events, Map.of(), Map.of()).andThen(ar -> lease.end());
      }
      // First which form each case is on (nothing personal read); then the whole cases, opened, only for the
      // events whose deliveries look at them: a sink, a handler's hook or decision, a licence to issue. Most
      // events (a submission whose form's handlers only check and prefill, no sink configured) need none.
      return applications.formsOf(numbers).compose(forms -> needed(events, forms).compose(needed -> {
        Future<Map<String, Application>> cases = needed.isEmpty() ? Future.succeededFuture(Map.of())
            : applications.findByNumbers(needed);
        return cases.compose(found -> {
          needed.stream().filter(n -> !found.containsKey(n)).forEach(forms::remove); // gone meanwhile: fails
          return deliverAll(lease, events, forms, found);
        });
      })).andThen(ar -> lease.end());
    });
  }

  /**
   * A claim while its pass runs, renewed every third of the lease: a pass that stops starting deliveries at
   * half its lease may still be finishing one (a slow sink, a stalled node) or marking the batch when the
   * lease would have run out, and another node would then deliver again what this one delivered. Renewal
   * only extends a claim that has not run out; one that has (this node stalled longer than two thirds of
   * the lease) is lost: no delivery starts on it (its events may be in another node's hands), and marking
   * the batch logs it.
   */
  private final class Lease {
    private final long claim;
    private final long claimedAt;
    private final long timer;
    private volatile boolean lost;

    Lease(long claim, long claimedAt) {
      this.claim = claim;
      this.claimedAt = claimedAt;
      this.timer = vertx.setPeriodic(Math.max(1, leaseSeconds * 1000L / 3), id -> store.renew(claim, leaseSeconds)
          .onSuccess(held -> lost |= !held));
    }

    /**
     * Whether a delivery may start: not once half the lease is gone (slow sinks), so that a delivery never
     * starts on a claim that could run out while it is in hand even if this node stalled and renewed nothing.
     */
    boolean mayDeliver() {
      return !lost && System.nanoTime() - claimedAt <= leaseSeconds * 1_000_000_000L / 2;
    }

    void end() {
      vertx.cancelTimer(timer);
    }
  }

  /** The cases whose events' deliveries look at them (see {@link #looksAtCase}). */
  private Future<List<String>> needed(List<OutboxStore.Leased> events,
      Map<String, ApplicationStore.CaseForm> forms) {
    List<Future<Boolean>> looks = new ArrayList<>();
    List<String> numbers = new ArrayList<>();
    for (OutboxStore.Leased e : events) {
      ApplicationStore.CaseForm form = forms.get(e.aggregateId());
      if ("application".equals(e.aggregateType()) && form != null) {
        numbers.add(e.aggregateId());
        looks.add(looksAtCase(e, form));
      }
    }
    return Future.all(looks).map(all -> {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < numbers.size(); i++) {
        if (looks.get(i).result()) {
          out.add(numbers.get(i));
        }
      }
      return out;
    });
  }

  /**
   * Whether delivering a case's event needs the case itself: for the sinks (which tell the applicant), a
   * handler's hook or 即办件 decision that does something, or a licence to issue on approval.
   */
  private Future<Boolean> looksAtCase(OutboxStore.Leased e, ApplicationStore.CaseForm form) {
    if (plugins.hasSinks() || approved(e)) {
      return Future.succeededFuture(true);
    }
    Optional<PluginHost.Hook> hook = Optional.ofNullable(HOOKS.get(e.eventType()));
    boolean submitted = "ApplicationSubmitted".equals(e.eventType());
    if (hook.isEmpty() && !submitted) {
      return Future.succeededFuture(false);
    }
    String key = form.matterCode() + "@" + form.formVersion();
    return matters.handlers(pool, form.matterCode(), form.formVersion()).map(handlers ->
        hook.isPresent() && plugins.acts(hook, key, handlers) || submitted && plugins.acts(Optional.empty(), key,
            handlers)).otherwise(true); // a form version not found: its delivery fails as it always has
  }

  /**
   * Picks up to {@link #BATCH} due events, at most one per aggregate, none behind an earlier pending one, none
   * that another node's claim holds ({@code taken}).
   */
  private Future<List<UUID>> pick(OutboxStore.Pages pages, Set<UUID> taken) {
    List<UUID> picked = new ArrayList<>();
    return walk(pages, 0L, new HashSet<>(), taken, picked).map(picked);
  }

  /** Reads pending events after {@code afterSeq} a page at a time until a batch is picked or none are left. */
  private Future<Void> walk(OutboxStore.Pages pages, long afterSeq, Set<String> seen, Set<UUID> taken,
      List<UUID> picked) {
    return pages.after(afterSeq).compose(page -> {
      long last = afterSeq;
      for (OutboxStore.Pending r : page) {
        last = r.seq();
        boolean first = seen.add(r.aggregateType() + '\u0000' + r.aggregateId());
        if (first && r.due() && !taken.contains(r.id())) {
          picked.add(r.id());
          if (picked.size() == BATCH) {
            return Future.succeededFuture();
          }
        }
      }
      return page.size() < PAGE ? Future.succeededFuture() : walk(pages, last, seen, taken, picked);
    });
  }

  private Future<Integer> deliverAll(Lease lease, List<OutboxStore.Leased> events,
      Map<String, ApplicationStore.CaseForm> forms, Map<String, Application> cases) {
    // Failures are settled one by one (each its own backoff); deliveries are marked, and the claim ended, in
    // one statement at the end of the batch (a crash before it only means those events go out again, once the
    // claim has run out). Once half the lease is gone (slow sinks), the rest of the batch is left alone and
    // freed with the claim's end: had this node stalled instead, another one could take them once the claim
    // ran out, and must not find them being delivered here as well. The claim is renewed meanwhile (Lease),
    // so that the delivery in hand and the marking finish before another node may take the batch.
    List<String> delivered = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (OutboxStore.Leased e : events) {
      chain = chain.compose(v -> !lease.mayDeliver() ? Future.succeededFuture()
          : deliver(e, forms, cases).transform(ar -> ar.succeeded()
          ? Future.succeededFuture(delivered.add(e.id())).<Void>mapEmpty()
          : settle(e, ar.cause()).<Void>mapEmpty()));
    }
    return chain.compose(v -> store.delivered(lease.claim, delivered).map(held -> {
      if (!held) {
        LOG.warning(() -> "outbox claim " + lease.claim + " ran out before its pass ended (this node stalled for"
            + " over two thirds of its " + leaseSeconds + " s lease?): another node may have delivered its events"
            + " again");
      }
      return delivered.size();
    }));
  }

  private Future<Void> deliver(OutboxStore.Leased e, Map<String, ApplicationStore.CaseForm> forms,
      Map<String, Application> cases) {
    // A span continuing the request that produced the event, when spans are exported (nothing otherwise).
    Trace.Span span = Trace.span("outbox " + e.eventType(), e.traceparent());
    return deliverNow(e, forms, cases).andThen(ar -> span.end(ar.cause()));
  }

  private Future<Void> deliverNow(OutboxStore.Leased e, Map<String, ApplicationStore.CaseForm> forms,
      Map<String, Application> cases) {
    JsonObject published = new JsonObject().put("id", e.id()).put("seq", e.seq())
        .put("aggregateType", e.aggregateType()).put("aggregateId", e.aggregateId())
        .put("type", e.eventType()).put("payload", e.payload());
    vertx.eventBus().publish(ADDRESS, published);
    // The sinks get the trace of the request that produced the event (not the subscribers: a client's business).
    String traceparent = e.traceparent();
    JsonObject event = traceparent == null ? published : published.copy().put("traceparent", traceparent);
    if (!"application".equals(e.aggregateType())) {
      // An event for a person who is no case's applicant (a booking's reminder, a visit's time): the sinks get
      // their phone as `recipient`, read now and never stored in the outbox.
      String account = e.payload() instanceof JsonObject p ? p.getString("accountId") : null;
      return account == null ? plugins.deliverToSinks(event, Optional.empty(), reads)
          : phoneOf.apply(account).compose(phone -> plugins.deliverToSinks(phone.isEmpty() ? event
              : event.copy().put("recipient", new JsonObject().put("phone", phone.get())), Optional.empty(), reads));
    }
    if (!forms.containsKey(e.aggregateId())) {
      return Future.failedFuture(new IllegalStateException("no case " + e.aggregateId()));
    }
    Application a = cases.get(e.aggregateId());
    if (a == null) {
      return Future.succeededFuture(); // nothing of this delivery looks at the case: no sink, hook or decision
    }
    var view = PluginHost.view(Optional.of(a.number()), a.matterCode(), a.formVersion(), a.data(), a.applicant(),
        a.status().name());
    PluginHost.Hook hook = HOOKS.get(e.eventType());
    // The sinks (which tell the applicant) also get the query code, so a message can open the case's progress;
    // form handlers' hooks do not.
    var told = PluginHost.view(Optional.of(a.number()), a.matterCode(), a.formVersion(), a.data(), a.applicant(),
        a.status().name(), Optional.of(a.queryCode()));
    return plugins.deliverToSinks(event, Optional.of(told), reads)
        .compose(v -> hook == null ? Future.succeededFuture() : runHook(hook, a, view))
        .compose(v -> approved(e) ? issue(a, view) : Future.succeededFuture())
        .compose(v -> "ApplicationSubmitted".equals(e.eventType()) ? decide(a, view)
            : Future.succeededFuture());
  }

  private Future<Void> runHook(PluginHost.Hook hook, Application a, CaseView view) {
    return matters.handlers(pool, a.matterCode(), a.formVersion()).compose(handlers -> plugins.run(hook,
        a.matterCode() + "@" + a.formVersion(), handlers, view, reads));
  }

  /** 即办件 rules: the first decision of the form's handlers takes the case on by itself. */
  private Future<Void> decide(Application a, CaseView view) {
    return matters.handlers(pool, a.matterCode(), a.formVersion()).compose(handlers -> plugins.decide(
            a.matterCode() + "@" + a.formVersion(), handlers, view, reads))
        .compose(decision -> decision.isEmpty() ? Future.succeededFuture()
            : matters.find(a.matterCode()).compose(m -> lifecycle.decideAutomatically(a.number(), decision.get(),
                m.map(x -> x.document().getInteger("caseType", 2) == 1).orElse(false))).mapEmpty());
  }

  /** The transition into APPROVED, however it came (a decision, the last consent, deemed consent). */
  private static boolean approved(OutboxStore.Leased e) {
    JsonObject p = (JsonObject) e.payload();
    return "APPROVED".equals(p.getString("status")) && !"APPROVED".equals(p.getString("from"));
  }

  /**
   * A licence for an approved case whose result is one (once, however often this runs), then the
   * handlers' {@code onIssue} with the licence's identifier in the view's data under {@code /_licence}.
   */
  private Future<Void> issue(Application a, CaseView view) {
    if (a.status() != ApplicationStatus.APPROVED && a.status() != ApplicationStatus.DELIVERED) {
      return Future.succeededFuture();
    }
    return licences.issueFor(new LicenceService.ApprovedCase(a.number(), a.matterCode(), a.departmentCode(),
        a.applicant(), a.data())).compose(issued -> issued.isEmpty() ? Future.succeededFuture()
        : runHook(PluginHost.Hook.ISSUE, a, PluginHost.view(Optional.of(a.number()), a.matterCode(), a.formVersion(),
            a.data().copy().put("_licence", new JsonObject().put("identifier", issued.get().identifier())
                .put("typeName", issued.get().typeName()).put("number", issued.get().number())),
            a.applicant(), view.status())));
  }

  /** Schedules a failed event's next try (dead after the last). */
  private Future<Boolean> settle(OutboxStore.Leased e, Throwable failure) {
    int attempts = e.attempts();
    boolean dead = attempts >= maxAttempts;
    long delay = Math.min(3_600_000L, backoffMillis * (1L << Math.min(20, attempts - 1)));
    LOG.warning(() -> "event " + e.id() + " (" + e.eventType() + ") failed, try " + attempts
        + (dead ? ", now dead" : ", next in " + delay + " ms") + ": " + failure.getMessage());
    return store.failed(e.id(), dead, String.valueOf(failure.getMessage()), delay).map(false);
  }

  /**
   * Passes until the backlog is worked off (a pass that delivered a full batch is followed by another at
   * once, rather than after the timer's interval); returns how many were delivered.
   */
  public Future<Integer> relayAll() {
    return relay().compose(n -> n < BATCH ? Future.succeededFuture(n) : relayAll().map(m -> n + m));
  }

  /** Events waiting to go out and dead letters, counted for the metrics ({@code pending}, {@code dead}). */
  public Future<long[]> backlog() {
    return store.backlog();
  }

  /** {@link #dead(int)} for an administrator. */
  public Future<List<OutboxStore.Dead>> dead(Caller caller, int limit) {
    return Access.require(caller, "account.forbidden", Role.ADMIN).compose(v -> dead(limit));
  }

  /** {@link #retry(String)} for an administrator. */
  public Future<Boolean> retry(Caller caller, String id) {
    return Access.require(caller, "account.forbidden", Role.ADMIN).compose(v -> retry(id));
  }

  private Future<List<OutboxStore.Dead>> dead(int limit) {
    return store.dead(limit);
  }

  /** Puts a dead event back in line; false when there is no dead event with this id. */
  private Future<Boolean> retry(String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException notAnId) {
      return Future.succeededFuture(false);
    }
    return store.retry(uuid);
  }
}
