package cn.tongban.core.disclosure;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.page.Cursor;
import cn.tongban.core.page.Page;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import cn.tongban.plugin.CreditCode;
import cn.tongban.plugin.IdNumber;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * 行政处罚 and 行政强制 decisions: a department records its own decisions (one by one, or a CSV or xlsx file,
 * all rows or none), revokes or changes them; each is published on the 双公示 listing in the same transaction.
 */
public final class PenaltyService {
  /** The fields of a decision, in the order of an import file's columns, with their Chinese headers. */
  public static final Map<String, String> COLUMNS = columns();
  static final int IMPORT_MAX_ROWS = 5000;
  private static final Role[] DEPARTMENT_ROLES = {Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_ADMIN};
  private static final Set<String> KINDS = Set.of("PENALTY", "ENFORCEMENT");
  private static final Set<String> PARTY_KINDS = Set.of("PERSON", "ORGANISATION");
  private static final Map<String, String> ALIASES = Map.of("行政处罚", "PENALTY", "行政强制", "ENFORCEMENT",
      "自然人", "PERSON", "个人", "PERSON", "法人及其他组织", "ORGANISATION", "法人", "ORGANISATION", "组织",
      "ORGANISATION");

  private final PenaltyStore store;
  private final DisclosureService disclosures;
  private final CalendarService calendar;

  public PenaltyService(PenaltyStore store, DisclosureService disclosures, CalendarService calendar) {
    this.store = store;
    this.disclosures = disclosures;
    this.calendar = calendar;
  }

  private static Map<String, String> columns() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("decisionNumber", "决定书文号");
    c.put("kind", "类别");
    c.put("partyKind", "当事人类型");
    c.put("partyName", "当事人名称");
    c.put("partyCode", "证件号码");
    c.put("facts", "违法事实");
    c.put("legalBasis", "处罚依据");
    c.put("penaltyType", "处罚类型");
    c.put("amount", "罚款金额");
    c.put("decisionDate", "决定日期");
    return c;
  }

  /** 录入: one decision of the caller's department; 201 with the decision and its published record. */
  public Future<JsonObject> record(Caller caller, JsonObject body, Locale locale) {
    return department(caller).compose(dept -> {
      List<Violation> v = new ArrayList<>();
      PenaltyStore.NewPenalty p = check(body, "", dept, v, locale);
      if (!v.isEmpty()) {
        return invalid(v);
      }
      OffsetDateTime now = OffsetDateTime.now(calendar.clock());
      return store.pool().withTransaction(tx -> store.insert(tx, p, caller.scopeKey(), now).compose(id -> {
        if (id.isEmpty()) {
          return invalid(List.of(new Violation("/decisionNumber", "duplicate",
              Messages.get(locale, "penalty.duplicate", p.decisionNumber()))));
        }
        return recorded(tx, caller, id.get(), p, now, "penalty.record")
            .compose(x -> store.find(tx, id.get(), false)).map(Optional::orElseThrow);
      }));
    });
  }

  /**
   * 批量导入: a CSV file, or the first sheet of an Excel workbook (base64 in {@code content}, format
   * {@code xlsx}), read into the same rows and checked by the same code (header row, then one decision a row). Every bad row is named (violations at
   * {@code /rows/<line>/<field>}, the line as the file numbers it, the header being line 1) and nothing is
   * imported unless every row is good.
   */
  public Future<JsonObject> importFile(Caller caller, JsonObject body, Locale locale) {
    return department(caller).compose(dept -> {
      String format = body.getString("format", "csv");
      if (!"csv".equals(format) && !"xlsx".equals(format)) {
        return invalid(List.of(new Violation("/format", "enum", Messages.get(locale, "penalty.importFormat"))));
      }
      List<List<String>> lines;
      try {
        lines = "csv".equals(format) ? Csv.parse(body.getString("content", ""))
            : Xlsx.read(Base64.getMimeDecoder().decode(body.getString("content", "")), IMPORT_MAX_ROWS + 1);
      } catch (IllegalArgumentException e) {
        return invalid(List.of(new Violation("/content", "format", Messages.get(locale,
            "csv".equals(format) ? "penalty.csvBroken" : "penalty.xlsxBroken", e.getMessage()))));
      }
      if (lines.size() < 2) {
        return invalid(List.of(new Violation("/content", "required", Messages.get(locale, "penalty.importEmpty"))));
      }
      if (lines.size() - 1 > IMPORT_MAX_ROWS) {
        return invalid(List.of(new Violation("/content", "maxItems", Messages.get(locale, "penalty.importTooMany",
            IMPORT_MAX_ROWS))));
      }
      Map<Integer, String> header = new HashMap<>();
      List<String> head = lines.get(0);
      for (int i = 0; i < head.size(); i++) {
        String name = head.get(i).trim().replace("\uFEFF", "");
        for (Map.Entry<String, String> c : COLUMNS.entrySet()) {
          if (c.getKey().equalsIgnoreCase(name) || c.getValue().equals(name)) {
            header.put(i, c.getKey());
          }
        }
      }
      List<Violation> v = new ArrayList<>();
      for (String required : List.of("decisionNumber", "partyKind", "partyName", "partyCode", "facts", "legalBasis",
          "penaltyType", "decisionDate")) {
        if (!header.containsValue(required)) {
          v.add(new Violation("/rows/1/" + required, "required", Messages.get(locale, "penalty.importColumn",
              COLUMNS.get(required), required)));
        }
      }
      if (!v.isEmpty()) {
        return invalid(v);
      }
      List<PenaltyStore.NewPenalty> rows = new ArrayList<>();
      List<Integer> lineNumbers = new ArrayList<>();
      Map<String, Integer> seen = new HashMap<>();
      for (int n = 1; n < lines.size(); n++) {
        List<String> cells = lines.get(n);
        if (cells.stream().allMatch(String::isBlank)) {
          continue;
        }
        JsonObject row = new JsonObject();
        header.forEach((i, field) -> {
          if (i < cells.size() && !cells.get(i).isBlank()) {
            row.put(field, cells.get(i).trim());
          }
        });
        int line = n + 1;
        PenaltyStore.NewPenalty p = check(row, "/rows/" + line, dept, v, locale);
        if (p != null) {
          Integer first = seen.putIfAbsent(p.decisionNumber(), line);
          if (first != null) {
            v.add(new Violation("/rows/" + line + "/decisionNumber", "duplicate",
                Messages.get(locale, "penalty.duplicateInFile", p.decisionNumber(), first)));
          } else {
            rows.add(p);
            lineNumbers.add(line);
          }
        }
      }
      if (rows.isEmpty() && v.isEmpty()) {
        return invalid(List.of(new Violation("/content", "required", Messages.get(locale, "penalty.importEmpty"))));
      }
      OffsetDateTime now = OffsetDateTime.now(calendar.clock());
      return store.pool().withTransaction(tx -> store.existingNumbers(tx,
          rows.stream().map(PenaltyStore.NewPenalty::decisionNumber).toList()).compose(taken -> {
            for (int i = 0; i < rows.size(); i++) {
              if (taken.contains(rows.get(i).decisionNumber())) {
                v.add(new Violation("/rows/" + lineNumbers.get(i) + "/decisionNumber", "duplicate",
                    Messages.get(locale, "penalty.duplicate", rows.get(i).decisionNumber())));
              }
            }
            if (!v.isEmpty()) {
              v.sort(java.util.Comparator.comparingInt(PenaltyService::lineOf));
              return invalid(v);
            }
            JsonArray report = new JsonArray();
            Future<Void> chain = Future.succeededFuture();
            for (int i = 0; i < rows.size(); i++) {
              PenaltyStore.NewPenalty p = rows.get(i);
              int line = lineNumbers.get(i);
              chain = chain.compose(x -> store.insert(tx, p, caller.scopeKey(), now).compose(id -> id.isEmpty()
                  ? invalid(List.of(new Violation("/rows/" + line + "/decisionNumber", "duplicate",
                      Messages.get(locale, "penalty.duplicate", p.decisionNumber()))))
                  : recorded(tx, caller, id.get(), p, now, "penalty.import").map(y -> {
                    report.add(new JsonObject().put("row", line).put("decisionNumber", p.decisionNumber())
                        .put("id", String.valueOf(id.get())));
                    return null;
                  })));
            }
            return chain.map(x -> new JsonObject().put("imported", rows.size()).put("rows", report));
          }));
    });
  }

  private static int lineOf(Violation v) {
    String[] parts = v.pointer().split("/");
    try {
      return parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** 撤销 or 变更: the decision's department only; the published record follows in the same transaction. */
  public Future<JsonObject> changeStatus(Caller caller, String id, JsonObject body, Locale locale) {
    Optional<Long> key = parseId(id);
    return department(caller).compose(dept -> key.isEmpty() ? notFound(id)
        : store.pool().withTransaction(tx -> store.find(tx, key.get(), true).compose(found -> {
          if (found.isEmpty() || !found.get().getString("departmentCode").equals(dept)) {
            return notFound(id);
          }
          List<Violation> v = new ArrayList<>();
          String status = body.getString("status");
          if (!"REVOKED".equals(status) && !"CHANGED".equals(status)) {
            v.add(new Violation("/status", "enum", Messages.get(locale, "penalty.status")));
          }
          Optional<String> reason = text(body, "reason", "", 1000, true, v, locale);
          Optional<String> penaltyType = text(body, "penaltyType", "", 50, false, v, locale);
          Optional<String> facts = text(body, "facts", "", 2000, false, v, locale);
          Optional<BigDecimal> amount = amount(body.getValue("amount"), "/amount", v, locale);
          if (!v.isEmpty()) {
            return invalid(v);
          }
          OffsetDateTime now = OffsetDateTime.now(calendar.clock());
          return store.changeStatus(tx, key.get(), status, reason.orElseThrow(), penaltyType, amount, facts, now)
              .compose(x -> AuditLog.record(tx, caller.scopeKey(), "penalty." + status.toLowerCase(Locale.ROOT),
                  "penalty", id, new JsonObject().put("reason", reason.get())))
              .compose(x -> disclosures.followPenalty(tx, key.get(), status, reason.get(), penaltyType, facts,
                  amount, now))
              .compose(x -> store.find(tx, key.get(), false)).map(Optional::orElseThrow);
        })));
  }

  /** The decisions a department recorded (its own), or all of them for supervisors and administrators. */
  public Future<JsonObject> list(Caller caller, Map<String, String> query, Locale locale) {
    Optional<String> scope;
    if (caller.has(Role.SUPERVISOR) || caller.has(Role.ADMIN)) {
      scope = Optional.ofNullable(query.get("departmentCode"));
    } else if (caller.kind() == Caller.Kind.STAFF && caller.departmentCode().isPresent()
        && java.util.Arrays.stream(DEPARTMENT_ROLES).anyMatch(caller::has)) {
      scope = caller.departmentCode();
    } else {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "penalty.forbidden"));
    }
    int limit = DisclosureService.limit(query.get("limit"));
    Optional<Long> before = Cursor.decode(Optional.ofNullable(query.get("cursor")), 1).map(a -> a.getLong(0));
    Optional<String> status = Optional.ofNullable(query.get("status"));
    return store.list(scope, status, before, limit).map(rows -> {
      Page<JsonObject> page = Page.of(rows, limit, r -> Cursor.encode(Long.parseLong(r.getString("id"))));
      return new JsonObject().put("items", new JsonArray(new ArrayList<>(page.items())))
          .put("nextCursor", page.nextCursor().orElse(null));
    });
  }

  private Future<Void> recorded(SqlClient tx, Caller caller, long id, PenaltyStore.NewPenalty p, OffsetDateTime now,
      String action) {
    return AuditLog.record(tx, caller.scopeKey(), action, "penalty", String.valueOf(id),
            new JsonObject().put("decisionNumber", p.decisionNumber()).put("departmentCode", p.departmentCode()))
        .compose(x -> disclosures.publishPenalty(tx, id, p, now));
  }

  /** The caller's department, when the caller is department staff who may record decisions. */
  private static Future<String> department(Caller caller) {
    if (caller.kind() != Caller.Kind.STAFF || caller.departmentCode().isEmpty()) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "penalty.forbidden"));
    }
    return Access.require(caller, "penalty.forbidden", DEPARTMENT_ROLES).map(x -> caller.departmentCode().get());
  }

  /** The checked decision, or null with the violations added (each pointer under {@code prefix}). */
  private PenaltyStore.NewPenalty check(JsonObject b, String prefix, String dept, List<Violation> v, Locale locale) {
    int before = v.size();
    Optional<String> number = text(b, "decisionNumber", prefix, 64, true, v, locale);
    String kind = alias(b.getValue("kind"), "PENALTY");
    if (!KINDS.contains(kind)) {
      v.add(new Violation(prefix + "/kind", "enum", Messages.get(locale, "penalty.kind")));
    }
    String partyKind = alias(b.getValue("partyKind"), null);
    if (partyKind == null || !PARTY_KINDS.contains(partyKind)) {
      v.add(new Violation(prefix + "/partyKind", partyKind == null ? "required" : "enum",
          Messages.get(locale, "penalty.partyKind")));
    }
    Optional<String> partyName = text(b, "partyName", prefix, 200, true, v, locale);
    Optional<String> partyCode = text(b, "partyCode", prefix, 18, true, v, locale)
        .map(s -> s.toUpperCase(Locale.ROOT));
    if (partyCode.isPresent() && "PERSON".equals(partyKind) && !IdNumber.isValid(partyCode.get())) {
      v.add(new Violation(prefix + "/partyCode", "format", Messages.get(locale, "penalty.idNumber")));
    } else if (partyCode.isPresent() && "ORGANISATION".equals(partyKind) && !CreditCode.isValid(partyCode.get())) {
      v.add(new Violation(prefix + "/partyCode", "format", Messages.get(locale, "penalty.creditCode")));
    }
    Optional<String> facts = text(b, "facts", prefix, 2000, true, v, locale);
    Optional<String> basis = text(b, "legalBasis", prefix, 1000, true, v, locale);
    Optional<String> type = text(b, "penaltyType", prefix, 50, true, v, locale);
    Optional<BigDecimal> amount = amount(b.getValue("amount"), prefix + "/amount", v, locale);
    if (type.isPresent() && type.get().contains("罚款") && amount.isEmpty()
        && v.stream().noneMatch(x -> x.pointer().equals(prefix + "/amount"))) {
      v.add(new Violation(prefix + "/amount", "required", Messages.get(locale, "penalty.amountRequired")));
    }
    LocalDate date = null;
    Object d = b.getValue("decisionDate");
    if (!(d instanceof String s) || s.isBlank()) {
      v.add(new Violation(prefix + "/decisionDate", "required", Messages.get(locale, "penalty.date")));
    } else {
      try {
        date = LocalDate.parse(s.trim().replace('/', '-'));
        if (date.isAfter(calendar.today())) {
          v.add(new Violation(prefix + "/decisionDate", "range", Messages.get(locale, "penalty.dateFuture")));
        }
      } catch (DateTimeParseException e) {
        v.add(new Violation(prefix + "/decisionDate", "format", Messages.get(locale, "penalty.date")));
      }
    }
    if (v.size() > before) {
      return null;
    }
    return new PenaltyStore.NewPenalty(number.orElseThrow(), kind, partyKind, partyName.orElseThrow(),
        partyCode.orElseThrow(), facts.orElseThrow(), basis.orElseThrow(), type.orElseThrow(), amount, date, dept);
  }

  private static String alias(Object value, String fallback) {
    if (!(value instanceof String s) || s.isBlank()) {
      return fallback;
    }
    return ALIASES.getOrDefault(s.trim(), s.trim().toUpperCase(Locale.ROOT));
  }

  private static Optional<String> text(JsonObject b, String field, String prefix, int max, boolean required,
      List<Violation> v, Locale locale) {
    Object value = b.getValue(field);
    String label = COLUMNS.getOrDefault(field, "reason".equals(field) ? "理由" : field);
    if (value == null || value instanceof String s && s.isBlank()) {
      if (required) {
        v.add(new Violation(prefix + "/" + field, "required", Messages.get(locale, "penalty.required", label)));
      }
      return Optional.empty();
    }
    if (!(value instanceof String s)) {
      v.add(new Violation(prefix + "/" + field, "type", Messages.get(locale, "penalty.text", label)));
      return Optional.empty();
    }
    if (s.trim().length() > max) {
      v.add(new Violation(prefix + "/" + field, "maxLength", Messages.get(locale, "penalty.tooLong", label, max)));
      return Optional.empty();
    }
    return Optional.of(s.trim());
  }

  private static Optional<BigDecimal> amount(Object value, String pointer, List<Violation> v, Locale locale) {
    if (value == null || value instanceof String s && s.isBlank()) {
      return Optional.empty();
    }
    try {
      BigDecimal a = new BigDecimal(String.valueOf(value).trim().replace(",", ""));
      if (a.signum() < 0 || a.scale() > 2 || a.compareTo(new BigDecimal("999999999999.99")) > 0) {
        throw new NumberFormatException();
      }
      return Optional.of(a);
    } catch (NumberFormatException e) {
      v.add(new Violation(pointer, "format", Messages.get(locale, "penalty.amount")));
      return Optional.empty();
    }
  }

  static Optional<Long> parseId(String id) {
    try {
      return Optional.of(Long.parseLong(id));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static <T> Future<T> invalid(List<Violation> v) {
    return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "penalty.invalid", v,
        v.size()));
  }

  private static <T> Future<T> notFound(String id) {
    return Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "penalty.notFound", id));
  }

}
