package cn.tongban.core.proactive;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import cn.tongban.plugin.IdNumber;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * 主动提醒 (proactive service): rules, kept as data, that reach out to a citizen before something lapses or
 * when they become entitled — a licence running out ({@code LICENCE_EXPIRY}), an annual certification due
 * ({@code ANNUAL_REVIEW}), an age reached ({@code AGE_REACHED}). The scan records each reminder once per rule,
 * person and occasion, with a {@code ReminderDue} outbox event the notification sink sends on; the citizen
 * reads their reminders and opts out per topic. Administrators keep the rules.
 */
public final class ReminderService {
  private static final Logger LOG = Logger.getLogger(ReminderService.class.getName());
  static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  /** The topics a citizen opts out of, with their names. */
  static final Map<String, String> TOPICS = new LinkedHashMap<>();
  static {
    TOPICS.put("licence-expiry", "证照到期提醒");
    TOPICS.put("annual-review", "年审（资格认证）提醒");
    TOPICS.put("benefit-eligibility", "待遇资格提醒");
  }
  private static final Set<String> KINDS = Set.of("LICENCE_EXPIRY", "ANNUAL_REVIEW", "AGE_REACHED");
  private static final int PAGE = 500;

  private final ReminderStore store;
  /** The same store on the background pool: the periodic pass never waits for the requests' connections. */
  private final ReminderStore jobs;
  private final Clock clock;
  private final String publicUrl;

  public ReminderService(ReminderStore store, ReminderStore jobs, Clock clock, String publicUrl) {
    this.store = store;
    this.jobs = jobs;
    this.clock = clock;
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
  }

  // ------------------------------------------------------------------------------------------- rules

  /** Every rule (administrators). */
  public Future<JsonObject> rules(Caller caller) {
    return Access.require(caller, "reminder.adminOnly", Role.ADMIN)
        .compose(v -> store.rules())
        .map(rules -> new JsonObject().put("items", new JsonArray(rules.stream().map(ReminderStore.Rule::toJson).toList())));
  }

  /** Creates or replaces the rule {@code code} (administrators): 422 with every violation. */
  public Future<JsonObject> putRule(Caller caller, String code, JsonObject body, Locale locale) {
    return Access.require(caller, "reminder.adminOnly", Role.ADMIN)
        .compose(v -> {
          List<Violation> problems = new ArrayList<>();
          ReminderStore.Rule rule = parse(caller, code, body, problems, locale);
          if (!problems.isEmpty()) {
            return invalid(problems);
          }
          return store.matterExists(rule.matterCode()).compose(exists -> {
            if (!exists) {
              return invalid(List.of(new Violation("/matterCode", "enum",
                  Messages.get(locale, "reminder.matterUnknown", rule.matterCode()))));
            }
            return store.pool().withTransaction(tx -> store.put(tx, rule)
                .compose(saved -> AuditLog.record(tx, caller.scopeKey(), "reminderRule.put", "reminderRule", code,
                    saved.toJson()).map(saved)));
          });
        })
        .map(ReminderStore.Rule::toJson);
  }

  private ReminderStore.Rule parse(Caller caller, String code, JsonObject body, List<Violation> v, Locale locale) {
    if (!code.matches("^[a-z][a-z0-9-]{1,63}$")) {
      v.add(new Violation("/code", "pattern", Messages.get(locale, "reminder.code")));
    }
    String kind = text(body, "kind");
    if (kind == null || !KINDS.contains(kind)) {
      v.add(new Violation("/kind", "enum", Messages.get(locale, "reminder.kind")));
    }
    String topic = text(body, "topic");
    if (topic == null || !TOPICS.containsKey(topic)) {
      v.add(new Violation("/topic", "enum", Messages.get(locale, "reminder.topic", String.join("、", TOPICS.keySet()))));
    }
    for (String field : List.of("title", "message", "matterCode")) {
      if (text(body, field) == null) {
        v.add(new Violation("/" + field, "required", Messages.get(locale, "reminder.required")));
      }
    }
    String licenceType = text(body, "licenceType");
    if ("LICENCE_EXPIRY".equals(kind) && licenceType == null) {
      v.add(new Violation("/licenceType", "required", Messages.get(locale, "reminder.licenceType")));
    }
    Integer age = body.getValue("age") instanceof Integer a ? a : null;
    if ("AGE_REACHED".equals(kind) && (age == null || age < 1 || age > 150)) {
      v.add(new Violation("/age", "range", Messages.get(locale, "reminder.age")));
    }
    List<Integer> days = new ArrayList<>();
    Object given = body.getValue("daysBefore");
    if (given == null) {
      days.addAll(List.of(60, 30));
    } else if (given instanceof JsonArray arr && !arr.isEmpty() && arr.size() <= 5) {
      for (Object o : arr) {
        if (o instanceof Integer d && d >= 0 && d <= 366 && !days.contains(d)) {
          days.add(d);
        } else {
          v.add(new Violation("/daysBefore", "range", Messages.get(locale, "reminder.daysBefore")));
          break;
        }
      }
    } else {
      v.add(new Violation("/daysBefore", "range", Messages.get(locale, "reminder.daysBefore")));
    }
    days.sort(Comparator.reverseOrder());
    boolean enabled = !Boolean.FALSE.equals(body.getValue("enabled"));
    return new ReminderStore.Rule(code, kind, topic, text(body, "title"), text(body, "message"),
        text(body, "matterCode"), Optional.ofNullable("LICENCE_EXPIRY".equals(kind) ? licenceType : null),
        Optional.ofNullable("AGE_REACHED".equals(kind) ? age : null), List.copyOf(days), enabled,
        caller.scopeKey(), OffsetDateTime.now(clock));
  }

  private static String text(JsonObject body, String name) {
    Object value = body.getValue(name);
    return value instanceof String s && !s.isBlank() && s.length() <= 500 ? s.strip() : null;
  }

  // ---------------------------------------------------------------------------------- the citizen's own

  /** The caller's reminders, newest first (citizens). */
  public Future<JsonObject> myReminders(Caller caller) {
    return citizen(caller).compose(v -> store.reminders(caller.subject(), 100))
        .map(items -> new JsonObject().put("items", items));
  }

  /** Every topic and whether the caller opted out of it (citizens). */
  public Future<JsonObject> myTopics(Caller caller) {
    return citizen(caller).compose(v -> store.optOuts(caller.subject())).map(this::topics);
  }

  /** Opts the caller out of a topic, or back in (citizens); 404 for a topic that does not exist. */
  public Future<JsonObject> setOptOut(Caller caller, String topic, JsonObject body, Locale locale) {
    return citizen(caller).compose(v -> {
      if (!TOPICS.containsKey(topic)) {
        return Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "reminder.topicUnknown", topic));
      }
      if (!(body.getValue("optedOut") instanceof Boolean optedOut)) {
        return invalid(List.of(new Violation("/optedOut", "required", Messages.get(locale, "reminder.optedOut"))));
      }
      return store.pool().withTransaction(tx -> store.setOptOut(tx, caller.subject(), topic, optedOut)
              .compose(x -> AuditLog.record(tx, caller.scopeKey(), optedOut ? "reminder.optOut" : "reminder.optIn",
                  "account", caller.subject(), new JsonObject().put("topic", topic))))
          .map(x -> new JsonObject().put("topic", topic).put("name", TOPICS.get(topic)).put("optedOut", optedOut));
    });
  }

  private JsonObject topics(Set<String> optedOut) {
    JsonArray items = new JsonArray();
    TOPICS.forEach((t, name) -> items.add(new JsonObject().put("topic", t).put("name", name)
        .put("optedOut", optedOut.contains(t))));
    return new JsonObject().put("items", items);
  }

  private static Future<Void> citizen(Caller caller) {
    return caller.kind() == Caller.Kind.CITIZEN ? Future.succeededFuture()
        : Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "reminder.citizensOnly"));
  }

  // ------------------------------------------------------------------------------------------- the scan

  /**
   * One pass of every enabled rule: finds who is due and records (and so sends) what was not sent before.
   * Safe on every node at once and after restarts: the reminder's unique key decides, not this pass.
   */
  public Future<Integer> scan() {
    LocalDate today = LocalDate.now(clock.withZone(ZONE));
    return jobs.rules().compose(rules -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (ReminderStore.Rule rule : rules) {
        if (rule.enabled()) {
          chain = chain.compose(sum -> scan(rule, today).map(n -> sum + n));
        }
      }
      return chain;
    }).onSuccess(n -> {
      if (n > 0) {
        LOG.info(() -> "reminders sent: " + n);
      }
    });
  }

  private Future<Integer> scan(ReminderStore.Rule rule, LocalDate today) {
    int horizon = rule.daysBefore().get(0);
    return switch (rule.kind()) {
      case "LICENCE_EXPIRY" -> jobs.expiringLicences(rule.licenceType().orElseThrow(), today,
              today.plusDays(horizon))
          .compose(found -> jobs.record(found.stream().map(s -> {
            long left = ChronoUnit.DAYS.between(today, s.date());
            // The nearest threshold reached: a licence first seen 25 days out is told "30", not "60" and "30".
            int threshold = rule.daysBefore().stream().filter(d -> left <= d).min(Integer::compare).orElse(horizon);
            return due(rule, s.accountId(), s.occasionKey() + "@" + threshold, s.date(),
                Map.of("licence", s.name(), "days", String.valueOf(left)));
          }).toList()));
      case "ANNUAL_REVIEW" -> jobs.approvals(rule.matterCode())
          .compose(found -> jobs.record(found.stream().flatMap(s -> {
            LocalDate next = s.date().plusYears(1);
            while (next.isBefore(today)) {
              next = next.plusYears(1);
            }
            long left = ChronoUnit.DAYS.between(today, next);
            return left <= horizon ? java.util.stream.Stream.of(due(rule, s.accountId(), "review-" + next, next,
                Map.of("days", String.valueOf(left)))) : java.util.stream.Stream.empty();
          }).toList()));
      case "AGE_REACHED" -> ageReached(rule, today, "", 0);
      default -> Future.succeededFuture(0);
    };
  }

  /** Citizens page by page (their birth date is only in the sealed identity number). */
  private Future<Integer> ageReached(ReminderStore.Rule rule, LocalDate today, String after, int sent) {
    int age = rule.age().orElseThrow();
    return jobs.citizensWithout(rule.matterCode(), after, PAGE).compose(page -> {
      List<ReminderStore.Due> due = new ArrayList<>();
      for (ReminderStore.Subject s : page) {
        birthDate(s.occasionKey()).map(b -> b.plusYears(age))
            // Told once: from daysBefore ahead of the birthday until a year after it.
            .filter(reached -> !reached.isAfter(today.plusDays(rule.daysBefore().get(0)))
                && reached.isAfter(today.minusYears(1)))
            .ifPresent(reached -> due.add(due(rule, s.accountId(), "age-" + age, reached,
                Map.of("age", String.valueOf(age), "days",
                    String.valueOf(Math.max(0, ChronoUnit.DAYS.between(today, reached)))))));
      }
      return jobs.record(due).compose(n -> page.size() < PAGE ? Future.succeededFuture(sent + n)
          : ageReached(rule, today, page.get(page.size() - 1).accountId(), sent + n));
    });
  }

  /** The birth date a valid 18-digit identity number carries (GB 11643), if it is one. */
  static Optional<LocalDate> birthDate(String idNumber) {
    if (idNumber == null || !IdNumber.isValid(idNumber) || idNumber.length() != 18) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.of(Integer.parseInt(idNumber.substring(6, 10)),
          Integer.parseInt(idNumber.substring(10, 12)), Integer.parseInt(idNumber.substring(12, 14))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private ReminderStore.Due due(ReminderStore.Rule rule, String accountId, String occasion, LocalDate dueOn,
      Map<String, String> values) {
    String text = rule.message().replace("{date}", dueOn.toString());
    for (Map.Entry<String, String> e : values.entrySet()) {
      text = text.replace("{" + e.getKey() + "}", e.getValue());
    }
    return new ReminderStore.Due(rule.code(), accountId, occasion, rule.topic(), rule.title(), text,
        link(rule.matterCode()), rule.matterCode(), dueOn);
  }

  /** The public page that opens the matter's form, prefilled for the signed-in citizen. */
  String link(String matterCode) {
    return publicUrl + "/public/apply.html?code=" + URLEncoder.encode(matterCode, StandardCharsets.UTF_8)
        + "&from=reminder";
  }

  private static <T> Future<T> invalid(List<Violation> v) {
    return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "reminder.invalid", v,
        v.size()));
  }
}
