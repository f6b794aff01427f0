package cn.tongban.core.intermediary;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.identity.EnterpriseService;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import cn.tongban.plugin.CreditCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * 网上中介超市: administrators and supervisors register intermediary organisations (credit code checked,
 * qualifications with expiry covering the services named in the catalogue); a project owner (a citizen acting
 * for an enterprise) selects one for a service — directly, by a reproducible random draw among the eligible, or
 * by competitive quotes —, records the contract and the result; both sides evaluate; the owners' grades and
 * overdue work make the credit score, and a score below the threshold or a supervisor's decision blacklists.
 * Every change is one transaction with its audit and outbox rows. docs/intermediaries.md.
 */
public final class IntermediaryService {
  /** Who automatic blacklistings and the overdue pass are recorded as. */
  public static final String ACTOR = "system:intermediaries";
  private static final Set<String> METHODS = Set.of("DIRECT", "DRAW", "QUOTES");
  private static final int NAME_MAX = 200;
  private static final int TEXT_MAX = 1000;
  private static final int MAX_ITEMS = 20;
  private static final SecureRandom SEEDS = new SecureRandom();

  private final IntermediaryStore store;
  /** The same store on the background pool: the periodic pass never waits for the requests' connections. */
  private final IntermediaryStore jobs;
  private final EnterpriseService enterprises;
  private final CalendarService calendar;
  private final int blacklistBelow;

  public IntermediaryService(IntermediaryStore store, IntermediaryStore jobs, EnterpriseService enterprises,
      CalendarService calendar, int blacklistBelow) {
    this.store = store;
    this.jobs = jobs;
    this.enterprises = enterprises;
    this.calendar = calendar;
    this.blacklistBelow = blacklistBelow;
  }

  /** The score below which an organisation is blacklisted automatically (0: never). */
  public int blacklistBelow() {
    return blacklistBelow;
  }

  // ------------------------------------------------------------------------------------------- public reads

  /**
   * Public listing (no personal data is stored): organisations by credit score, optionally those offering
   * {@code service} or those a matter ({@code matterCode}) needs, and {@code blacklisted} true/false.
   */
  public Future<JsonObject> list(Map<String, String> query) {
    Optional<Boolean> blacklisted = Optional.ofNullable(query.get("blacklisted")).map("true"::equals);
    Optional<String> service = Optional.ofNullable(query.get("service")).filter(s -> !s.isBlank());
    Optional<String> matter = Optional.ofNullable(query.get("matterCode")).filter(s -> !s.isBlank());
    Future<List<String>> services = matter.isEmpty() ? Future.succeededFuture(service.map(List::of).orElse(List.of()))
        : store.services().map(all -> servicesOf(all, matter.get()).stream()
            .filter(s -> service.isEmpty() || service.get().equals(s)).toList());
    return services.compose(names -> {
      if (matter.isPresent() && names.isEmpty()) {
        return Future.succeededFuture(new JsonObject().put("items", new JsonArray())
            .put("blacklistBelow", blacklistBelow));
      }
      Future<List<JsonObject>> found = names.isEmpty() ? store.list(calendar.today(), Optional.empty(), blacklisted)
          : listAll(names, blacklisted);
      return found.map(items -> new JsonObject().put("items", new JsonArray(new ArrayList<>(items)))
          .put("blacklistBelow", blacklistBelow));
    });
  }

  /** Those offering any of {@code services}, each once, in the listing's order. */
  private Future<List<JsonObject>> listAll(List<String> services, Optional<Boolean> blacklisted) {
    List<Future<List<JsonObject>>> each = services.stream()
        .map(s -> store.list(calendar.today(), Optional.of(s), blacklisted)).toList();
    return Future.all(each).map(x -> {
      Map<String, JsonObject> byId = new HashMap<>();
      each.forEach(f -> f.result().forEach(o -> byId.putIfAbsent(o.getString("id"), o)));
      return byId.values().stream().sorted(Comparator.comparing((JsonObject o) -> -o.getInteger("creditScore"))
          .thenComparing(o -> o.getString("name"))).toList();
    });
  }

  private static List<String> servicesOf(JsonArray catalogue, String matterCode) {
    List<String> out = new ArrayList<>();
    for (Object o : catalogue) {
      JsonObject s = (JsonObject) o;
      if (s.getJsonArray("matters").stream().anyMatch(m -> matterCode.equals(((JsonObject) m).getString("code")))) {
        out.add(s.getString("service"));
      }
    }
    return out;
  }

  /** One organisation, public: qualifications, services, score, blacklist status and its history with reasons. */
  public Future<JsonObject> get(String id) {
    Optional<Long> key = key(id);
    return key.isEmpty() ? notFound() : store.find(store.pool(), key.get(), calendar.today())
        .compose(found -> found.map(Future::succeededFuture).orElseGet(IntermediaryService::notFound));
  }

  /** The catalogue's intermediary services, each with the matters that need it. Public. */
  public Future<JsonArray> services() {
    return store.services();
  }

  // ------------------------------------------------------------------------------------------- registry

  /** Registers an organisation with its qualifications (administrators and supervisors) → the public view. */
  public Future<JsonObject> register(Caller caller, JsonObject body, Locale locale) {
    return Access.require(caller, "intermediary.registerForbidden", Role.ADMIN, Role.SUPERVISOR)
        .compose(x -> store.services()).compose(catalogue -> {
          Set<String> known = new HashSet<>();
          catalogue.forEach(s -> known.add(((JsonObject) s).getString("service")));
          List<Violation> v = new ArrayList<>();
          String creditCode = body.getValue("creditCode") instanceof String s ? s.strip() : null;
          if (creditCode == null || !CreditCode.isValid(creditCode)) {
            v.add(new Violation("/creditCode", creditCode == null ? "required" : "creditCode",
                Messages.get(locale, "intermediary.creditCode")));
          }
          Optional<String> name = text(body, "/name", "name", NAME_MAX, true, v, locale);
          Optional<String> address = text(body, "/address", "address", NAME_MAX, false, v, locale);
          Optional<String> introduction = text(body, "/introduction", "introduction", TEXT_MAX, false, v, locale);
          List<IntermediaryStore.Qualification> qualifications = qualifications(body, known, v, locale);
          if (!v.isEmpty()) {
            return invalid(v);
          }
          IntermediaryStore.NewIntermediary n = new IntermediaryStore.NewIntermediary(creditCode, name.orElseThrow(),
              address, introduction, qualifications, caller.scopeKey());
          return store.pool().withTransaction(tx -> store.insert(tx, n).compose(id -> {
            if (id.isEmpty()) {
              return Future.failedFuture(new DomainException(ProblemCode.INTERMEDIARY_EXISTS, "intermediary.exists",
                  creditCode));
            }
            JsonObject detail = new JsonObject().put("creditCode", creditCode).put("name", n.name());
            return AuditLog.record(tx, caller.scopeKey(), "intermediary.registered", "intermediary",
                    String.valueOf(id.get()), detail)
                .compose(y -> IntermediaryStore.event(tx, id.get(), "IntermediaryRegistered", detail))
                .compose(y -> store.find(tx, id.get(), calendar.today())).map(Optional::orElseThrow);
          }));
        });
  }

  /**
   * Edits an organisation's own data (administrators and supervisors): {@code name}, {@code address},
   * {@code introduction}, at least one; an empty address or introduction clears it. The credit code names the
   * organisation and stays. Audited with the fields before and after → the public view.
   */
  public Future<JsonObject> update(Caller caller, String id, JsonObject body, Locale locale) {
    return Access.require(caller, "intermediary.registerForbidden", Role.ADMIN, Role.SUPERVISOR).compose(x -> {
      Optional<Long> key = key(id);
      if (key.isEmpty()) {
        return notFound();
      }
      List<Violation> v = new ArrayList<>();
      Optional<String> name = text(body, "/name", "name", NAME_MAX, false, v, locale);
      if (body.containsKey("name") && name.isEmpty() && v.isEmpty()) {
        v.add(new Violation("/name", "required", Messages.get(locale, "violation.required",
            Messages.get(locale, "intermediary.field.name"))));
      }
      Optional<String> address = text(body, "/address", "address", NAME_MAX, false, v, locale);
      Optional<String> introduction = text(body, "/introduction", "introduction", TEXT_MAX, false, v, locale);
      if (v.isEmpty() && !body.containsKey("name") && !body.containsKey("address") && !body.containsKey("introduction")) {
        v.add(new Violation("", "minProperties", Messages.get(locale, "intermediary.updateEmpty")));
      }
      if (!v.isEmpty()) {
        return invalid(v);
      }
      return store.pool().withTransaction(tx -> store.ownFields(tx, key.get()).compose(found -> {
        if (found.isEmpty()) {
          return notFound();
        }
        String[] before = found.get();
        String[] after = {name.orElse(before[0]), body.containsKey("address") ? address.orElse(null) : before[1],
            body.containsKey("introduction") ? introduction.orElse(null) : before[2]};
        JsonObject detail = new JsonObject().put("before", fields(before)).put("after", fields(after));
        return store.update(tx, key.get(), after[0], after[1], after[2])
            .compose(y -> AuditLog.record(tx, caller.scopeKey(), "intermediary.updated", "intermediary", id, detail))
            .compose(y -> IntermediaryStore.event(tx, key.get(), "IntermediaryUpdated", detail.getJsonObject("after")))
            .compose(y -> store.find(tx, key.get(), calendar.today())).map(Optional::orElseThrow);
      }));
    });
  }

  private static JsonObject fields(String[] f) {
    return new JsonObject().put("name", f[0]).put("address", f[1]).put("introduction", f[2]);
  }

  /**
   * Renews a qualification (administrators and supervisors): {@code validUntil} later than the one on record and
   * not in the past; {@code certificateNo}, {@code level}, {@code issuer} when the certificate was reissued.
   * Audited with the expiry before and after → the public view (eligible again for the services it covers).
   */
  public Future<JsonObject> renewQualification(Caller caller, String id, String qualificationId, JsonObject body,
      Locale locale) {
    return Access.require(caller, "intermediary.registerForbidden", Role.ADMIN, Role.SUPERVISOR).compose(x -> {
      Optional<Long> org = key(id);
      Optional<Long> qual = key(qualificationId);
      if (org.isEmpty() || qual.isEmpty()) {
        return notFound();
      }
      List<Violation> v = new ArrayList<>();
      Optional<LocalDate> validUntil = date(body.getValue("validUntil"));
      if (validUntil.isEmpty()) {
        v.add(new Violation("/validUntil", body.getValue("validUntil") == null ? "required" : "format",
            Messages.get(locale, "intermediary.validUntil")));
      }
      Optional<String> number = text(body, "/certificateNo", "certificateNo", NAME_MAX, false, v, locale);
      Optional<String> level = text(body, "/level", "level", NAME_MAX, false, v, locale);
      Optional<String> issuer = text(body, "/issuer", "issuer", NAME_MAX, false, v, locale);
      LocalDate today = calendar.today();
      if (validUntil.isPresent() && validUntil.get().isBefore(today)) {
        v.add(new Violation("/validUntil", "notLater", Messages.get(locale, "intermediary.renewLater",
            today.toString())));
      }
      if (!v.isEmpty()) {
        return invalid(v);
      }
      return store.pool().withTransaction(tx -> store.qualification(tx, org.get(), qual.get()).compose(found -> {
        if (found.isEmpty()) {
          return Future.<JsonObject>failedFuture(new DomainException(ProblemCode.NOT_FOUND,
              "intermediary.qualificationNotFound"));
        }
        Object[] q = found.get();
        LocalDate before = (LocalDate) q[3];
        if (!validUntil.get().isAfter(before)) {
          return invalid(List.of(new Violation("/validUntil", "notLater", Messages.get(locale,
              "intermediary.renewLater", before.toString()))));
        }
        JsonObject detail = new JsonObject().put("qualification", qualificationId)
            .put("validUntilBefore", before.toString()).put("validUntil", validUntil.get().toString())
            .put("certificateNoBefore", q[0]).put("certificateNo", number.orElse((String) q[0]));
        return store.renew(tx, org.get(), qual.get(), number.orElse((String) q[0]), level.orElse((String) q[1]),
                issuer.orElse((String) q[2]), validUntil.get())
            .compose(y -> AuditLog.record(tx, caller.scopeKey(), "intermediary.qualificationRenewed", "intermediary",
                id, detail))
            .compose(y -> IntermediaryStore.event(tx, org.get(), "IntermediaryQualificationRenewed", detail))
            .compose(y -> store.find(tx, org.get(), today)).map(Optional::orElseThrow);
      }));
    });
  }

  private List<IntermediaryStore.Qualification> qualifications(JsonObject body, Set<String> known,
      List<Violation> v, Locale locale) {
    List<IntermediaryStore.Qualification> out = new ArrayList<>();
    if (!(body.getValue("qualifications") instanceof JsonArray list) || list.isEmpty() || list.size() > MAX_ITEMS) {
      v.add(new Violation("/qualifications", "minItems", Messages.get(locale, "intermediary.qualifications",
          MAX_ITEMS)));
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      String at = "/qualifications/" + i;
      if (!(list.getValue(i) instanceof JsonObject q)) {
        v.add(new Violation(at, "type", Messages.get(locale, "intermediary.qualifications", MAX_ITEMS)));
        continue;
      }
      Optional<String> name = text(q, at + "/name", "qualificationName", NAME_MAX, true, v, locale);
      Optional<String> number = text(q, at + "/certificateNo", "certificateNo", NAME_MAX, true, v, locale);
      Optional<String> level = text(q, at + "/level", "level", NAME_MAX, false, v, locale);
      Optional<String> issuer = text(q, at + "/issuer", "issuer", NAME_MAX, false, v, locale);
      Optional<LocalDate> validUntil = date(q.getValue("validUntil"));
      if (validUntil.isEmpty()) {
        v.add(new Violation(at + "/validUntil", q.getValue("validUntil") == null ? "required" : "format",
            Messages.get(locale, "intermediary.validUntil")));
      }
      List<String> services = new ArrayList<>();
      if (!(q.getValue("services") instanceof JsonArray s) || s.isEmpty() || s.size() > MAX_ITEMS) {
        v.add(new Violation(at + "/services", "minItems", Messages.get(locale, "intermediary.services",
            String.join("、", known.stream().sorted().toList()))));
      } else {
        for (int j = 0; j < s.size(); j++) {
          Object service = s.getValue(j);
          if (!(service instanceof String text) || !known.contains(text)) {
            v.add(new Violation(at + "/services/" + j, "enum", Messages.get(locale, "intermediary.serviceUnknown",
                String.valueOf(service), String.join("、", known.stream().sorted().toList()))));
          } else if (!services.contains(text)) {
            services.add(text);
          }
        }
      }
      if (name.isPresent() && number.isPresent() && validUntil.isPresent() && !services.isEmpty()) {
        out.add(new IntermediaryStore.Qualification(name.get(), number.get(), level, issuer, validUntil.get(),
            services));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------- selection

  /**
   * 选取: a project owner — a citizen acting for the enterprise {@code ownerCreditCode} (its legal representative
   * or agent) — selects an organisation for a service of a project → 201 the selection. {@code DIRECT} names it,
   * {@code DRAW} draws among the eligible ({@link IntermediaryRules#draw}, the seed and candidates on record),
   * {@code QUOTES} takes the lowest of at least two quotes from eligible organisations. Never a blacklisted one,
   * nor one without a valid qualification for the service.
   */
  public Future<JsonObject> select(Caller caller, JsonObject body, Locale locale) {
    if (caller.kind() != Caller.Kind.CITIZEN) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "intermediary.selectForbidden"));
    }
    return store.services().compose(catalogue -> {
      List<Violation> v = new ArrayList<>();
      String service = body.getValue("service") instanceof String s ? s.strip() : null;
      JsonObject entry = null;
      for (Object o : catalogue) {
        if (((JsonObject) o).getString("service").equals(service)) {
          entry = (JsonObject) o;
        }
      }
      if (entry == null) {
        v.add(new Violation("/service", service == null ? "required" : "enum",
            Messages.get(locale, "intermediary.serviceUnknown", String.valueOf(service), String.join("、",
                catalogue.stream().map(o -> ((JsonObject) o).getString("service")).toList()))));
      }
      Optional<String> project = text(body, "/projectCode", "projectCode", 64, true, v, locale);
      Optional<String> matter = text(body, "/matterCode", "matterCode", 64, false, v, locale);
      if (matter.isPresent() && entry != null && entry.getJsonArray("matters").stream()
          .noneMatch(m -> matter.get().equals(((JsonObject) m).getString("code")))) {
        v.add(new Violation("/matterCode", "enum", Messages.get(locale, "intermediary.matterNeedsNot", matter.get(),
            service)));
      }
      String owner = body.getValue("ownerCreditCode") instanceof String s ? s.strip() : null;
      if (owner == null || !CreditCode.isValid(owner)) {
        v.add(new Violation("/ownerCreditCode", owner == null ? "required" : "creditCode",
            Messages.get(locale, "intermediary.creditCode")));
      }
      String method = body.getValue("method") instanceof String s ? s : null;
      if (method == null || !METHODS.contains(method)) {
        v.add(new Violation("/method", method == null ? "required" : "enum",
            Messages.get(locale, "intermediary.method")));
      }
      Optional<Long> direct = Optional.empty();
      Optional<Long> seed = Optional.empty();
      List<Quote> quotes = new ArrayList<>();
      if ("DIRECT".equals(method)) {
        direct = key(body.getValue("intermediaryId"));
        if (direct.isEmpty()) {
          v.add(new Violation("/intermediaryId", "required", Messages.get(locale, "intermediary.idRequired")));
        }
      } else if ("DRAW".equals(method)) {
        Object given = body.getValue("seed");
        if (given != null) {
          seed = given instanceof Number n && !(given instanceof Double || given instanceof Float)
              ? Optional.of(n.longValue())
              : given instanceof String s && s.matches("-?\\d{1,18}") ? Optional.of(Long.parseLong(s)) : Optional.empty();
          if (seed.isEmpty()) {
            v.add(new Violation("/seed", "type", Messages.get(locale, "intermediary.seed")));
          }
        }
      } else if ("QUOTES".equals(method)) {
        quotes = quotes(body, v, locale);
      }
      if (!v.isEmpty()) {
        return invalid(v);
      }
      Optional<Long> drawSeed = "DRAW".equals(method) ? Optional.of(seed.orElseGet(SEEDS::nextLong)) : seed;
      Optional<Long> named = direct;
      List<Quote> offered = quotes;
      return enterprises.actingFor(caller, owner).compose(acting -> {
        if (acting.isEmpty()) {
          return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "intermediary.notOwner", owner));
        }
        return store.pool().withTransaction(tx -> store.offers(tx, service).compose(offers -> {
          LocalDate today = calendar.today();
          List<Long> eligible = IntermediaryRules.candidates(offers, today);
          long chosen;
          Optional<List<Long>> candidates = Optional.empty();
          Optional<JsonArray> quoteRecord = Optional.empty();
          List<Violation> late = new ArrayList<>();
          switch (method) {
            case "DIRECT" -> {
              chosen = named.orElseThrow();
              if (!eligible.contains(chosen)) {
                late.add(new Violation("/intermediaryId", "not-eligible", Messages.get(locale,
                    "intermediary.notEligible", String.valueOf(chosen), service)));
              }
            }
            case "DRAW" -> {
              if (eligible.isEmpty()) {
                late.add(new Violation("/service", "no-candidates", Messages.get(locale, "intermediary.noCandidates",
                    service)));
                chosen = 0;
              } else {
                chosen = IntermediaryRules.draw(drawSeed.orElseThrow(), eligible);
                candidates = Optional.of(eligible);
              }
            }
            default -> {
              for (int i = 0; i < offered.size(); i++) {
                if (!eligible.contains(offered.get(i).intermediaryId())) {
                  late.add(new Violation("/quotes/" + i + "/intermediaryId", "not-eligible", Messages.get(locale,
                      "intermediary.notEligible", String.valueOf(offered.get(i).intermediaryId()), service)));
                }
              }
              Quote best = offered.stream().min(Comparator.comparing(Quote::amount)
                  .thenComparing(Quote::days).thenComparing(Quote::intermediaryId)).orElseThrow();
              chosen = best.intermediaryId();
              JsonArray record = new JsonArray();
              offered.forEach(q -> record.add(new JsonObject().put("intermediaryId", String.valueOf(q.intermediaryId()))
                  .put("amount", q.amount().toPlainString()).put("days", q.days())
                  .put("chosen", q == best)));
              quoteRecord = Optional.of(record);
            }
          }
          if (!late.isEmpty()) {
            return invalid(late);
          }
          IntermediaryStore.NewSelection n = new IntermediaryStore.NewSelection(service, project.orElseThrow(), matter,
              owner, acting.get().name(), method, "DRAW".equals(method) ? drawSeed : Optional.empty(), candidates,
              quoteRecord, chosen, caller.scopeKey());
          return store.insertSelection(tx, n).compose(id -> {
            JsonObject detail = new JsonObject().put("service", service).put("projectCode", n.projectCode())
                .put("ownerCreditCode", owner).put("method", method).put("intermediaryId", String.valueOf(chosen));
            n.seed().ifPresent(s -> detail.put("seed", String.valueOf(s)));
            n.candidates().ifPresent(c -> detail.put("candidates", new JsonArray(c.stream().map(String::valueOf)
                .toList())));
            return AuditLog.record(tx, caller.scopeKey(), "intermediary.selected", "intermediary-selection",
                    String.valueOf(id), detail)
                .compose(y -> IntermediaryStore.event(tx, chosen, "IntermediarySelected",
                    detail.copy().put("selectionId", String.valueOf(id))))
                .compose(y -> store.selection(tx, id, false)).map(Optional::orElseThrow);
          });
        }));
      });
    });
  }

  private record Quote(long intermediaryId, BigDecimal amount, int days) {
  }

  private static List<Quote> quotes(JsonObject body, List<Violation> v, Locale locale) {
    List<Quote> out = new ArrayList<>();
    if (!(body.getValue("quotes") instanceof JsonArray list) || list.size() < 2 || list.size() > MAX_ITEMS) {
      v.add(new Violation("/quotes", "minItems", Messages.get(locale, "intermediary.quotes")));
      return out;
    }
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "/quotes/" + i;
      JsonObject q = list.getValue(i) instanceof JsonObject o ? o : new JsonObject();
      Optional<Long> id = key(q.getValue("intermediaryId"));
      if (id.isEmpty() || !seen.add(id.get())) {
        v.add(new Violation(at + "/intermediaryId", id.isEmpty() ? "required" : "uniqueItems",
            Messages.get(locale, "intermediary.quoteOrganisation")));
      }
      BigDecimal amount = amount(q.getValue("amount"));
      if (amount == null) {
        v.add(new Violation(at + "/amount", "exclusiveMinimum", Messages.get(locale, "intermediary.amount")));
      }
      Object d = q.getValue("days");
      int days = d instanceof Integer n ? n : d == null ? 0 : -1;
      if (days < 0 || days > 3650) {
        v.add(new Violation(at + "/days", "range", Messages.get(locale, "intermediary.days")));
      }
      if (id.isPresent() && amount != null && days >= 0 && days <= 3650) {
        out.add(new Quote(id.get(), amount, days));
      }
    }
    return out;
  }

  /** A selection, to its owner's people, the selected organisation's people, supervisors and administrators. */
  public Future<JsonObject> selection(Caller caller, String id) {
    Optional<Long> key = key(id);
    return key.isEmpty() ? selectionNotFound() : store.selection(store.pool(), key.get(), false)
        .compose(found -> found.isEmpty() ? selectionNotFound() : side(caller, found.get())
            .compose(side -> side.isPresent() ? Future.succeededFuture(found.get()) : selectionNotFound()));
  }

  /**
   * The selections of the owners the caller acts for (a citizen: the enterprises they represent or act for, or
   * the one {@code ownerCreditCode} of them — another → 403), or every owner's (supervisors, administrators);
   * optionally of one {@code projectCode}; newest first, at most 100 → {items}. Others → 403.
   */
  public Future<JsonObject> selections(Caller caller, Map<String, String> query) {
    Optional<String> owner = Optional.ofNullable(query.get("ownerCreditCode")).map(String::strip);
    Optional<String> project = Optional.ofNullable(query.get("projectCode")).map(String::strip);
    Future<List<JsonObject>> found;
    if (caller.kind() == Caller.Kind.STAFF && (caller.has(Role.SUPERVISOR) || caller.has(Role.ADMIN))) {
      found = store.selections(owner.map(List::of).orElse(List.of()), owner.isEmpty(), project, 100);
    } else if (caller.kind() == Caller.Kind.CITIZEN) {
      found = enterprises.mine(caller).compose(mine -> {
        List<String> codes = mine.stream().map(o -> (JsonObject) o)
            .filter(e -> "VERIFIED".equals(e.getString("status"))).map(e -> e.getString("creditCode")).toList();
        if (owner.isPresent() && !codes.contains(owner.get())) {
          return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "intermediary.notOwner",
              owner.get()));
        }
        return store.selections(owner.map(List::of).orElse(codes), false, project, 100);
      });
    } else {
      found = Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "intermediary.selectForbidden"));
    }
    return found.map(items -> new JsonObject().put("items", new JsonArray(items)));
  }

  /** The caller's side of a selection: OWNER, INTERMEDIARY, OVERSIGHT (supervisor, administrator) or none. */
  private Future<Optional<String>> side(Caller caller, JsonObject selection) {
    if (caller.kind() == Caller.Kind.STAFF && (caller.has(Role.SUPERVISOR) || caller.has(Role.ADMIN))) {
      return Future.succeededFuture(Optional.of("OVERSIGHT"));
    }
    if (caller.kind() != Caller.Kind.CITIZEN) {
      return Future.succeededFuture(Optional.empty());
    }
    return enterprises.actingFor(caller, selection.getJsonObject("owner").getString("creditCode"))
        .compose(owner -> owner.isPresent() ? Future.succeededFuture(Optional.of("OWNER"))
            : enterprises.actingFor(caller, selection.getJsonObject("intermediary").getString("creditCode"))
                .map(org -> org.map(x -> "INTERMEDIARY")));
  }

  /**
   * The owner records the contract ({@code CONTRACT}: {@code contractNo}, {@code amount}, {@code promisedOn}) and
   * then the result ({@code COMPLETE}: {@code result}, {@code completedOn} — today if absent); finishing after the
   * promised day counts as overdue in the organisation's score. Others who see it → 403, the rest 404.
   */
  public Future<JsonObject> actOnSelection(Caller caller, String id, JsonObject body, Locale locale) {
    Optional<Long> key = key(id);
    if (key.isEmpty()) {
      return selectionNotFound();
    }
    return store.selection(store.pool(), key.get(), false).compose(found -> found.isEmpty() ? selectionNotFound()
        : side(caller, found.get()).compose(side -> {
          if (side.isEmpty()) {
            return selectionNotFound();
          }
          if (!"OWNER".equals(side.get())) {
            return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "intermediary.ownerOnly"));
          }
          return act(caller, key.get(), body, locale);
        }));
  }

  private Future<JsonObject> act(Caller caller, long id, JsonObject body, Locale locale) {
    String action = body.getValue("action") instanceof String s ? s : "";
    List<Violation> v = new ArrayList<>();
    LocalDate today = calendar.today();
    if ("CONTRACT".equals(action)) {
      Optional<String> number = text(body, "/contractNo", "contractNo", 64, true, v, locale);
      BigDecimal amount = amount(body.getValue("amount"));
      if (amount == null) {
        v.add(new Violation("/amount", "exclusiveMinimum", Messages.get(locale, "intermediary.amount")));
      }
      Optional<LocalDate> promised = date(body.getValue("promisedOn"));
      if (promised.isEmpty()) {
        v.add(new Violation("/promisedOn", body.getValue("promisedOn") == null ? "required" : "format",
            Messages.get(locale, "intermediary.promisedOn")));
      }
      if (!v.isEmpty()) {
        return invalid(v);
      }
      return change(caller, id, "SELECTED", tx -> store.contract(tx, id, number.get(), amount, promised.get())
          .map(x -> new JsonObject().put("contractNo", number.get()).put("amount", amount.toPlainString())
              .put("promisedOn", promised.get().toString())), "intermediary.contracted", "IntermediaryContracted");
    }
    if ("COMPLETE".equals(action)) {
      Optional<String> result = text(body, "/result", "result", TEXT_MAX, true, v, locale);
      Object given = body.getValue("completedOn");
      Optional<LocalDate> completed = given == null ? Optional.of(today) : date(given);
      if (completed.isEmpty() || completed.get().isAfter(today)) {
        v.add(new Violation("/completedOn", "format", Messages.get(locale, "intermediary.completedOn")));
      }
      if (!v.isEmpty()) {
        return invalid(v);
      }
      return change(caller, id, "CONTRACTED", tx -> store.selection(tx, id, false).compose(s -> {
        boolean overdue = completed.get().isAfter(LocalDate.parse(s.orElseThrow().getString("promisedOn")));
        return store.complete(tx, id, completed.get(), result.get(), overdue)
            .map(x -> new JsonObject().put("completedOn", completed.get().toString()).put("overdue", overdue));
      }), "intermediary.completed", "IntermediaryWorkCompleted");
    }
    v.add(new Violation("/action", "enum", Messages.get(locale, "intermediary.action")));
    return invalid(v);
  }

  /** Moves a selection from {@code from} (409 otherwise), records it and recomputes the organisation's score. */
  private Future<JsonObject> change(Caller caller, long id, String from,
      java.util.function.Function<SqlClient, Future<JsonObject>> step, String audit, String event) {
    return store.pool().withTransaction(tx -> store.selection(tx, id, true).compose(found -> {
      JsonObject s = found.orElseThrow();
      if (!from.equals(s.getString("status"))) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "intermediary.selectionState",
            s.getString("status")));
      }
      long org = Long.parseLong(s.getJsonObject("intermediary").getString("id"));
      return step.apply(tx).compose(detail -> AuditLog.record(tx, caller.scopeKey(), audit, "intermediary-selection",
              String.valueOf(id), detail)
          .compose(x -> IntermediaryStore.event(tx, org, event, detail.copy().put("selectionId", String.valueOf(id))))
          .compose(x -> rescore(tx, org)))
          .compose(x -> store.selection(tx, id, false)).map(Optional::orElseThrow);
    }));
  }

  // ------------------------------------------------------------------------------------------- evaluation

  /**
   * 评价 of a completed selection, once per side: the owner's people grade the organisation (1–5; the grade
   * feeds its credit score and may blacklist it), the organisation's people grade the owner. → 201 the
   * selection with its evaluations. Not a party → 403; a selection of another organisation → 404.
   */
  public Future<JsonObject> evaluate(Caller caller, String intermediaryId, JsonObject body, Locale locale) {
    Optional<Long> org = key(intermediaryId);
    Optional<Long> selectionId = key(body.getValue("selectionId"));
    List<Violation> v = new ArrayList<>();
    if (selectionId.isEmpty()) {
      v.add(new Violation("/selectionId", "required", Messages.get(locale, "intermediary.selectionRequired")));
    }
    Object g = body.getValue("grade");
    int grade = g instanceof Integer i ? i : 0;
    if (grade < 1 || grade > 5) {
      v.add(new Violation("/grade", g == null ? "required" : "range", Messages.get(locale, "intermediary.grade")));
    }
    Optional<String> comment = text(body, "/comment", "comment", TEXT_MAX, false, v, locale);
    if (org.isEmpty()) {
      return notFound();
    }
    if (!v.isEmpty()) {
      return invalid(v);
    }
    return store.selection(store.pool(), selectionId.get(), false).compose(found -> {
      if (found.isEmpty()
          || !String.valueOf(org.get()).equals(found.get().getJsonObject("intermediary").getString("id"))) {
        return selectionNotFound();
      }
      return side(caller, found.get()).compose(side -> {
        if (side.isEmpty() || "OVERSIGHT".equals(side.get())) {
          return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "intermediary.partiesOnly"));
        }
        long id = selectionId.get();
        return store.pool().withTransaction(tx -> store.selection(tx, id, true).compose(locked -> {
          if (!"COMPLETED".equals(locked.orElseThrow().getString("status"))) {
            return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION,
                "intermediary.evaluateNotCompleted"));
          }
          return store.evaluate(tx, id, side.get(), grade, comment, caller.scopeKey()).compose(added -> {
            if (!added) {
              return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION,
                  "intermediary.evaluatedAlready"));
            }
            JsonObject detail = new JsonObject().put("selectionId", String.valueOf(id)).put("side", side.get())
                .put("grade", grade);
            return AuditLog.record(tx, caller.scopeKey(), "intermediary.evaluated", "intermediary-selection",
                    String.valueOf(id), detail)
                .compose(x -> IntermediaryStore.event(tx, org.get(), "IntermediaryEvaluated", detail))
                .compose(x -> "OWNER".equals(side.get()) ? rescore(tx, org.get()) : Future.succeededFuture())
                .compose(x -> store.selection(tx, id, false)).map(Optional::orElseThrow);
          });
        }));
      });
    });
  }

  /**
   * Recomputes the organisation's credit score ({@link IntermediaryRules#score}) under its row lock and, when it
   * falls below the threshold, blacklists it automatically with the reason on record.
   */
  private Future<Void> rescore(SqlClient tx, long org) {
    return store.scoreFacts(tx, org, calendar.today()).compose(facts -> {
      int score = IntermediaryRules.score(facts.grades(), facts.overdue());
      Future<Void> saved = score == facts.score() ? Future.succeededFuture()
          : store.setScore(tx, org, score).compose(x -> AuditLog.record(tx, ACTOR, "intermediary.scored",
              "intermediary", String.valueOf(org), new JsonObject().put("from", facts.score()).put("to", score)
                  .put("grades", new JsonArray(new ArrayList<>(facts.grades()))).put("overdue", facts.overdue())));
      if (blacklistBelow <= 0 || score >= blacklistBelow || facts.blacklisted()) {
        return saved;
      }
      String reason = Messages.get(Locale.SIMPLIFIED_CHINESE, "intermediary.autoReason", score, blacklistBelow);
      return saved.compose(x -> blacklistChange(tx, org, true, reason, true, ACTOR));
    });
  }

  // ------------------------------------------------------------------------------------------- blacklist

  /**
   * A supervisor's or administrator's decision: {@code BLACKLIST} puts the organisation on the blacklist, {@code
   * LIFT} takes it off, each with a {@code reason} on record → the public view. Twice the same → 409.
   */
  public Future<JsonObject> setBlacklist(Caller caller, String id, JsonObject body, Locale locale) {
    return Access.require(caller, "intermediary.blacklistForbidden", Role.SUPERVISOR, Role.ADMIN).compose(x -> {
      Optional<Long> key = key(id);
      if (key.isEmpty()) {
        return notFound();
      }
      List<Violation> v = new ArrayList<>();
      String action = body.getValue("action") instanceof String s ? s : "";
      if (!"BLACKLIST".equals(action) && !"LIFT".equals(action)) {
        v.add(new Violation("/action", "enum", Messages.get(locale, "intermediary.blacklistAction")));
      }
      Optional<String> reason = text(body, "/reason", "reason", TEXT_MAX, true, v, locale);
      if (!v.isEmpty()) {
        return invalid(v);
      }
      boolean on = "BLACKLIST".equals(action);
      return store.pool().withTransaction(tx -> store.brief(tx, key.get()).compose(found -> {
        if (found.isEmpty()) {
          return notFound();
        }
        return store.scoreFacts(tx, key.get(), calendar.today()).compose(facts -> {
          if (facts.blacklisted() == on) {
            return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION,
                on ? "intermediary.blacklistedAlready" : "intermediary.notBlacklisted"));
          }
          return blacklistChange(tx, key.get(), on, reason.get(), false, caller.scopeKey())
              .compose(y -> store.find(tx, key.get(), calendar.today())).map(Optional::orElseThrow);
        });
      }));
    });
  }

  private Future<Void> blacklistChange(SqlClient tx, long org, boolean on, String reason, boolean automatic,
      String by) {
    JsonObject detail = new JsonObject().put("reason", reason).put("automatic", automatic);
    return store.blacklist(tx, org, on, reason, automatic, by)
        .compose(x -> AuditLog.record(tx, by, on ? "intermediary.blacklisted" : "intermediary.lifted", "intermediary",
            String.valueOf(org), detail))
        .compose(x -> IntermediaryStore.event(tx, org, on ? "IntermediaryBlacklisted" : "IntermediaryBlacklistLifted",
            detail));
  }

  // ------------------------------------------------------------------------------------------- overdue pass

  /**
   * The periodic pass: contracted work still open past its promised day is marked overdue once and the
   * organisation rescored (which may blacklist it). Row locks keep two nodes from counting it twice.
   */
  public Future<Void> scan() {
    LocalDate today = calendar.today();
    return jobs.overdueUncounted(today).compose(orgs -> {
      Future<Void> chain = Future.succeededFuture();
      for (long org : orgs) {
        chain = chain.compose(x -> jobs.pool().withTransaction(tx -> jobs.scoreFacts(tx, org, today)
            .compose(f -> jobs.markOverdue(tx, org, today))
            .compose(marked -> marked == 0 ? Future.<Void>succeededFuture()
                : AuditLog.record(tx, ACTOR, "intermediary.overdue", "intermediary", String.valueOf(org),
                    new JsonObject().put("selections", marked)).compose(y -> rescore(tx, org)))));
      }
      return chain;
    });
  }

  // ------------------------------------------------------------------------------------------- helpers

  private static Optional<String> text(JsonObject body, String pointer, String field, int max, boolean required,
      List<Violation> v, Locale locale) {
    Object value = body.getValue(pointer.substring(pointer.lastIndexOf('/') + 1));
    String label = Messages.get(locale, "intermediary.field." + field);
    if (value == null || value instanceof String s && s.isBlank()) {
      if (required) {
        v.add(new Violation(pointer, "required", Messages.get(locale, "violation.required", label)));
      }
      return Optional.empty();
    }
    if (!(value instanceof String s) || s.strip().length() > max) {
      v.add(new Violation(pointer, "maxLength", Messages.get(locale, "violation.maxLength", label, max)));
      return Optional.empty();
    }
    return Optional.of(s.strip());
  }

  private static Optional<LocalDate> date(Object value) {
    if (!(value instanceof String s) || !s.matches("\\d{4}-\\d{2}-\\d{2}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(s));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static BigDecimal amount(Object value) {
    try {
      BigDecimal a = value instanceof Number n ? new BigDecimal(n.toString())
          : value instanceof String s ? new BigDecimal(s.strip()) : null;
      return a != null && a.signum() > 0 && a.scale() <= 2 && a.precision() - a.scale() <= 12 ? a : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Optional<Long> key(Object id) {
    if (id instanceof Integer || id instanceof Long) {
      long n = ((Number) id).longValue();
      return n > 0 ? Optional.of(n) : Optional.empty();
    }
    return id instanceof String s && s.matches("[1-9]\\d{0,17}") ? Optional.of(Long.parseLong(s)) : Optional.empty();
  }

  private static <T> Future<T> invalid(List<Violation> v) {
    return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "intermediary.invalid",
        v, v.size()));
  }

  private static <T> Future<T> notFound() {
    return Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "intermediary.notFound"));
  }

  private static <T> Future<T> selectionNotFound() {
    return Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "intermediary.selectionNotFound"));
  }
}
