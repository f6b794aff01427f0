package cn.tongban.core.matter;

import cn.tongban.core.form.FormVersion;
import cn.tongban.core.infra.Notices;
import cn.tongban.core.page.Cursor;
import cn.tongban.core.page.Page;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The public matter catalogue: search, and one matter with its published form. What a submission needs (the
 * matter, with its published form and the compiled schema behind it) is kept in memory per matter, and used
 * only while the database says it is still what is published: a change on any node is seen by the very next
 * submission on every node, and the documents themselves are not read and parsed again each time.
 */
public final class MatterService {
  private final MatterStore store;
  /** By matter code; as many entries as matters with a published form that were applied for. */
  private final Map<String, Kept> forSubmission = new ConcurrentHashMap<>();
  /**
   * What the public reads are answered with (catalogue pages, a matter's detail), as they were sent last: kept
   * while this node hears the database's notices ({@link Notices}), dropped at once on every node when a matter,
   * a department or a form version changes (the V74 triggers send {@link Notices#CATALOGUE} at commit), and on
   * this node also as soon as its own change committed. {@code null} notices: nothing is kept.
   */
  private final Notices notices;
  private final Map<ListKey, Listed> pages = new ConcurrentHashMap<>();
  private final Map<String, Shown> details = new ConcurrentHashMap<>();
  /** Moves on every change heard: a read that began before one does not keep what it read. */
  private final AtomicLong changes = new AtomicLong();
  /** A bound for a notice lost without the heartbeat noticing (never seen; a belt to the braces). */
  static final long KEPT_SECONDS = 60;
  private static final int KEPT_MAX = 2_000;

  private record Kept(String stamp, MatterDetail detail) {
  }

  private record ListKey(CatalogueQuery query, int limit) {
  }

  /** A page as read, and the two ways the APIs show it, built once on first use. */
  private static final class Listed {
    final Page<Matter> page;
    final long at;
    volatile JsonObject summaries;
    volatile List<JsonObject> details;

    Listed(Page<Matter> page, long at) {
      this.page = page;
      this.at = at;
    }
  }

  private record Shown(JsonObject json, long at) {
  }

  public MatterService(MatterStore store) {
    this(store, null);
  }

  public MatterService(MatterStore store, Notices notices) {
    this.store = store;
    this.notices = notices;
    if (notices != null) {
      notices.on(Notices.CATALOGUE, payload -> changed());
      notices.onGap(this::changed);
    }
  }

  /**
   * Drops every kept read. Called by the notices of any node's change, and by this node's writers once their
   * change committed (so that a read here after the answer to the change sees it, notice or not).
   */
  public void changed() {
    changes.incrementAndGet();
    pages.clear();
    details.clear();
  }

  /**
   * After a change of the catalogue committed on this node: drops what this node keeps, and answers once every
   * node has dropped it too (the trigger's notice alone could reach another node a moment after the change's
   * answer has reached the author).
   */
  public Future<Void> announceChange() {
    changed();
    return notices == null ? Future.succeededFuture() : notices.tell(Notices.CATALOGUE, "changed");
  }

  /** A matter with the form version applicants fill in now (if one is published). */
  public record MatterDetail(Matter matter, Optional<FormVersion> form) {
    /** The matter as both APIs show it: every element, with its published form when there is one. */
    public io.vertx.core.json.JsonObject toJson() {
      io.vertx.core.json.JsonObject json = matter.toDetailJson();
      form.ifPresent(f -> json.put("form", f.toJson()));
      return json;
    }
  }

  /** Filters of a catalogue search; empty means "any". */
  public record Filter(Optional<String> text, Optional<String> department, Optional<Integer> level,
      Optional<Boolean> sameCity, Optional<String> type, Optional<String> theme, Optional<Integer> starLevel,
      Optional<String> channel) {

    /** No filter: the whole catalogue. */
    public static Filter none() {
      return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  public Future<Page<Matter>> list(Filter filter, int limit, Optional<String> cursor) {
    return query(filter, cursor).compose(q -> read(q, limit)).map(l -> l.page);
  }

  /**
   * A catalogue page as REST shows it ({@code {items: [summary…], nextCursor}}). The object may be shared with
   * other requests: encode it, never change it.
   */
  public Future<JsonObject> listSummaries(Filter filter, int limit, Optional<String> cursor) {
    return query(filter, cursor).compose(q -> read(q, limit)).map(l -> {
      JsonObject json = l.summaries;
      if (json == null) {
        json = l.page.toJson(Matter::toSummaryJson);
        l.summaries = json;
      }
      return json;
    });
  }

  /**
   * A catalogue page with each matter's detail view (without its form), as GraphQL resolves its fields from it.
   * The objects may be shared with other requests: read them, never change them.
   */
  public Future<Page<JsonObject>> listDetails(Filter filter, int limit, Optional<String> cursor) {
    return query(filter, cursor).compose(q -> read(q, limit)).map(l -> {
      List<JsonObject> json = l.details;
      if (json == null) {
        json = l.page.items().stream().map(Matter::toDetailJson).toList();
        l.details = json;
      }
      return new Page<>(json, l.page.cursors(), l.page.nextCursor());
    });
  }

  /**
   * A matter with its published form as both APIs show it ({@link MatterDetail#toJson}); 404 when unknown. May
   * be shared with other requests: encode or read it, never change it.
   */
  public Future<JsonObject> detailJson(String code) {
    Shown shown = details.get(code);
    if (shown != null && fresh(shown.at())) {
      return Future.succeededFuture(shown.json());
    }
    long generation = changes.get();
    return get(code).map(d -> {
      JsonObject json = d.toJson();
      keep(details, code, new Shown(json, System.nanoTime()), generation);
      return json;
    });
  }

  private Future<Listed> read(CatalogueQuery q, int limit) {
    ListKey key = new ListKey(q, limit);
    Listed listed = pages.get(key);
    if (listed != null && fresh(listed.at)) {
      return Future.succeededFuture(listed);
    }
    long generation = changes.get();
    return store.list(q, limit + 1).map(rows -> {
      Listed read = new Listed(Page.of(rows, limit, m -> Cursor.encode(m.sortOrder(), m.code())), System.nanoTime());
      keep(pages, key, read, generation);
      return read;
    });
  }

  /** Whether a kept read may be used now: young enough, and every change since would have been heard. */
  private boolean fresh(long at) {
    return System.nanoTime() - at < TimeUnit.SECONDS.toNanos(KEPT_SECONDS) && notices != null && notices.listening();
  }

  /** Keeps {@code value} unless a change was heard since the read began (it may be older than that change). */
  private <K, V> void keep(Map<K, V> map, K key, V value, long generation) {
    if (notices == null || !notices.listening()) {
      return;
    }
    if (map.size() >= KEPT_MAX) {
      map.clear();
    }
    map.put(key, value);
    if (changes.get() != generation) {
      map.remove(key);
    }
  }

  private Future<CatalogueQuery> query(Filter filter, Optional<String> cursor) {
    Optional<CatalogueQuery.Position> after;
    try {
      after = Cursor.decode(cursor, 2)
          .map(k -> new CatalogueQuery.Position(k.getInteger(0), k.getString(1)));
    } catch (DomainException e) {
      return Future.failedFuture(e);
    } catch (ClassCastException e) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "application.cursor"));
    }
    return Future.succeededFuture(new CatalogueQuery(filter.text().map(String::trim).filter(s -> !s.isEmpty()),
        filter.department(), filter.level(), filter.sameCity(), filter.type(), filter.theme(), filter.starLevel(),
        filter.channel(), after));
  }

  public Future<MatterDetail> get(String code) {
    return store.findWithPublishedForm(code).compose(found -> found
        .map(w -> Future.succeededFuture(new MatterDetail(w.matter(), w.form())))
        .orElseGet(() -> Future.failedFuture(new DomainException(ProblemCode.MATTER_NOT_FOUND, "matter.notFound",
            code))));
  }

  /** The published form applicants must fill in; 409 when the matter has none. */
  public Future<MatterDetail> getForSubmission(String code) {
    return getForSubmission(code, () -> store.publishedFormStamp(code));
  }

  /**
   * As {@link #getForSubmission(String)}, with the stamp ({@link MatterStore#publishedFormStampQuery}) read by
   * the caller along with other things, asked for only when something is kept.
   */
  public Future<MatterDetail> getForSubmission(String code,
      java.util.function.Supplier<Future<Optional<String>>> currentStamp) {
    Kept kept = forSubmission.get(code);
    Future<MatterDetail> current = kept == null ? read(code)
        : currentStamp.get().compose(stamp -> stamp.isPresent() && stamp.get().equals(kept.stamp())
            ? Future.succeededFuture(kept.detail()) : read(code));
    return current.compose(d -> d.form().isPresent() ? Future.succeededFuture(d)
        : Future.failedFuture(new DomainException(ProblemCode.NO_PUBLISHED_FORM, "matter.noForm", code)));
  }

  private Future<MatterDetail> read(String code) {
    return store.findStampedWithPublishedForm(code).compose(found -> {
      if (found.isEmpty()) {
        forSubmission.remove(code);
        return Future.failedFuture(new DomainException(ProblemCode.MATTER_NOT_FOUND, "matter.notFound", code));
      }
      MatterDetail d = new MatterDetail(found.get().found().matter(), found.get().found().form());
      if (d.form().isPresent()) {
        forSubmission.put(code, new Kept(found.get().stamp(), d));
      }
      return Future.succeededFuture(d);
    });
  }
}
