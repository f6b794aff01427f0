package cn.tongban.core.matter;

import cn.tongban.core.form.FormVersion;
import cn.tongban.core.page.Cursor;
import cn.tongban.core.page.Page;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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

  private record Kept(String stamp, MatterDetail detail) {
  }

  public MatterService(MatterStore store) {
    this.store = store;
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
    Optional<CatalogueQuery.Position> after;
    try {
      after = Cursor.decode(cursor, 2)
          .map(k -> new CatalogueQuery.Position(k.getInteger(0), k.getString(1)));
    } catch (DomainException e) {
      return Future.failedFuture(e);
    } catch (ClassCastException e) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "application.cursor"));
    }
    CatalogueQuery q = new CatalogueQuery(filter.text().map(String::trim).filter(s -> !s.isEmpty()),
        filter.department(), filter.level(), filter.sameCity(), filter.type(), filter.theme(), filter.starLevel(),
        filter.channel(), after);
    return store.list(q, limit + 1).map(rows -> Page.of(rows, limit, m -> Cursor.encode(m.sortOrder(), m.code())));
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
