package cn.tongban.core.disclosure;

import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.clock.DeadlineWarnings;
import cn.tongban.core.identity.Masking;
import cn.tongban.core.page.Cursor;
import cn.tongban.core.page.Page;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * 双公示: the platform's own public listing of licensing decisions (licences issued for approved cases) and
 * penalty decisions, masked when written; due 7 working days after the decision, a later publication is
 * warned (the one rule, {@link DeadlineWarnings}); every published or changed record is an outbox event.
 */
public final class DisclosureService {
  /** Who the platform's own publications are recorded as. */
  public static final String ACTOR = "system:disclosure";
  /** Working days from a decision to its publication. */
  public static final BigDecimal PUBLISH_WITHIN = BigDecimal.valueOf(7);
  private static final Set<String> KINDS = Set.of("LICENSING", "PENALTY");
  private static final int SCAN_BATCH = 200;

  private final DisclosureStore store;
  /** The same store on the background pool: the periodic pass never waits for the requests' connections. */
  private final DisclosureStore jobs;
  private final CalendarService calendar;

  public DisclosureService(DisclosureStore store, DisclosureStore jobs, CalendarService calendar) {
    this.store = store;
    this.jobs = jobs;
    this.calendar = calendar;
  }

  /** The public listing: searchable by party name, credit code, kind and department. Public. */
  public Future<JsonObject> list(Map<String, String> query, Locale locale) {
    String kind = query.get("kind");
    if (kind != null && !KINDS.contains(kind)) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "penalty.invalid",
          List.of(new Violation("/kind", "enum", Messages.get(locale, "disclosure.kind"))), 1));
    }
    int limit = limit(query.get("limit"));
    Optional<Long> before = Cursor.decode(Optional.ofNullable(query.get("cursor")), 1).map(a -> a.getLong(0));
    DisclosureStore.Filter f = new DisclosureStore.Filter(blank(query.get("party")),
        blank(query.get("creditCode")).map(s -> s.toUpperCase(Locale.ROOT)), Optional.ofNullable(kind),
        blank(query.get("departmentCode")), before, limit);
    return store.list(f).map(rows -> {
      Page<JsonObject> page = Page.of(rows, limit, r -> Cursor.encode(Long.parseLong(r.getString("id"))));
      return new JsonObject().put("items", new JsonArray(new ArrayList<>(page.items())))
          .put("nextCursor", page.nextCursor().orElse(null));
    });
  }

  /** Publishes a penalty decision just recorded, inside its transaction. */
  Future<Void> publishPenalty(SqlClient tx, long penaltyId, PenaltyStore.NewPenalty p, OffsetDateTime now) {
    boolean person = "PERSON".equals(p.partyKind());
    String content = p.facts();
    return publish(tx, new DisclosureStore.Published("PENALTY", String.valueOf(penaltyId), p.penaltyType(),
        p.decisionNumber(), person ? Masking.name(p.partyName()) : p.partyName(), p.partyKind(),
        person ? Optional.empty() : Optional.of(p.partyCode()), p.legalBasis(), Optional.of(content), p.amount(),
        Optional.of(p.departmentCode()), Optional.empty(), p.decisionDate(), due(p.decisionDate()), "IN_FORCE",
        Optional.empty()), now);
  }

  /** A penalty revoked or changed: its published record follows in the same transaction, with an event. */
  Future<Void> followPenalty(SqlClient tx, long penaltyId, String status, String reason, Optional<String> type,
      Optional<String> facts, Optional<BigDecimal> amount, OffsetDateTime now) {
    return store.update(tx, "PENALTY", String.valueOf(penaltyId), status, reason, type, facts, amount, now)
        .compose(id -> id.isEmpty() ? Future.succeededFuture()
            : store.event(tx, id.get(), "REVOKED".equals(status) ? "DisclosureRevoked" : "DisclosureChanged"));
  }

  /**
   * One pass of the job: licences issued for cases since the last pass are published, licences revoked since
   * are marked revoked on the listing. Safe on every node (the unique key and the status guard).
   */
  public Future<JsonObject> scan() {
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return jobs.unpublishedLicences(SCAN_BATCH).compose(found -> jobs.pool().withTransaction(tx -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (DisclosureStore.LicensingDecision l : found) {
        boolean enterprise = "001".equals(l.holderCodeType());
        DisclosureStore.Published p = new DisclosureStore.Published("LICENSING", l.identifier(), l.name(),
            l.number(), enterprise ? l.holderName() : Masking.name(l.holderName()),
            enterprise ? "ORGANISATION" : "PERSON", enterprise ? Optional.of(l.holderCode()) : Optional.empty(),
            l.basis(), Optional.empty(), Optional.empty(), Optional.ofNullable(l.departmentCode()),
            Optional.of(l.applicationNumber()), l.decisionDate(), due(l.decisionDate()),
            "REVOKED".equals(l.status()) ? "REVOKED" : "IN_FORCE", Optional.ofNullable(l.revocationReason()));
        chain = chain.compose(n -> publish(tx, p, now).map(x -> n + 1));
      }
      return chain.compose(published -> jobs.followRevokedLicences(tx, now).compose(revoked -> {
        Future<Void> events = Future.succeededFuture();
        for (long id : revoked) {
          events = events.compose(x -> jobs.event(tx, id, "DisclosureRevoked"));
        }
        return events.map(x -> new JsonObject().put("published", published).put("revoked", revoked.size()));
      }));
    }));
  }

  private Future<Void> publish(SqlClient tx, DisclosureStore.Published p, OffsetDateTime now) {
    LocalDate today = now.atZoneSameInstant(CalendarService.ZONE).toLocalDate();
    return store.insert(tx, p, now).compose(id -> {
      if (id.isEmpty()) {
        return Future.succeededFuture();
      }
      Future<Void> warned = Future.succeededFuture();
      // Published after its due date: the RED card of the one warning rule, on record with the listing.
      if (today.isAfter(p.dueDate())) {
        warned = store.warn(tx, id.get(), DeadlineWarnings.level(p.dueDate(), today), p.dueDate(), today, now)
            .compose(x -> store.event(tx, id.get(), "DisclosureLate"));
      }
      return warned.compose(x -> store.event(tx, id.get(), "DisclosurePublished"));
    });
  }

  private LocalDate due(LocalDate decision) {
    return calendar.calendar().addWorkingDays(decision, PUBLISH_WITHIN).date();
  }

  static int limit(String given) {
    try {
      int n = given == null ? 50 : Integer.parseInt(given);
      return Math.max(1, Math.min(200, n));
    } catch (NumberFormatException e) {
      return 50;
    }
  }

  private static Optional<String> blank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
  }
}
