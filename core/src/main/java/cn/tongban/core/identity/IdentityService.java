package cn.tongban.core.identity;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.infra.Notices;
import cn.tongban.core.infra.Redis;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.Violation;
import cn.tongban.plugin.IdNumber;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Signing in: people by username (or identity number) and password, third-party channels by client
 * credentials. Repeated failures for one login are throttled in Redis; password checks run on worker threads.
 */
public final class IdentityService {
  private final Vertx vertx;
  private final IdentityStore store;
  private final Redis redis;
  /** What a refused sign-in asks the client to wait while Redis is down. */
  private static final int THROTTLE_RETRY_SECONDS = 30;
  private final int maxFailures;
  private final int lockSeconds;
  private final int maxFailuresPerAddress;
  private final int tokenTtlSeconds;
  private final int clientRatePerMinute;

  /** The database's notices, or null (then every check asks Redis). */
  private final Notices notices;
  /**
   * Tokens Redis said were valid, by token id, for {@value #CHECKED_MILLIS} ms at most: used only while this node
   * hears every ended session ({@link Notices#SESSIONS}, sent by {@link #revoke} and {@link #moveEpoch} on any
   * node before they answer), and dropped when one names them. So a token revoked anywhere is refused here at
   * the next request, without a Redis round trip for every request until then.
   */
  private final Map<String, Checked> checked = new ConcurrentHashMap<>();
  /** Moves on every ended session heard: a check that began before one does not keep what Redis said. */
  private final AtomicLong sessionChanges = new AtomicLong();
  static final long CHECKED_MILLIS = 10_000;
  private static final int CHECKED_MAX = 50_000;

  private record Checked(String subject, int epoch, String parent, long at) {
  }

  public IdentityService(Vertx vertx, IdentityStore store, Redis redis, TongbanConfig config) {
    this(vertx, store, redis, config, null);
  }

  public IdentityService(Vertx vertx, IdentityStore store, Redis redis, TongbanConfig config, Notices notices) {
    this.vertx = vertx;
    this.notices = notices;
    if (notices != null) {
      notices.on(Notices.SESSIONS, this::ended);
      notices.onGap(() -> {
        sessionChanges.incrementAndGet();
        checked.clear();
      });
    }
    this.store = store;
    this.redis = redis;
    this.maxFailures = config.loginMaxFailures();
    this.lockSeconds = config.loginLockSeconds();
    this.maxFailuresPerAddress = config.loginMaxFailuresPerAddress();
    this.tokenTtlSeconds = config.tokenTtlSeconds();
    this.clientRatePerMinute = config.clientRatePerMinute();
    vertx.eventBus().<String>consumer(ACCOUNT_CHANGED, m -> forget(m.body()));
    vertx.eventBus().<io.vertx.core.json.JsonObject>consumer(SESSIONS_ENDED, m -> {
      String subject = m.body().getString("subject");
      if (subject != null) {
        forget(subject);
      }
    });
  }

  /** A signed-in caller, and the token epoch its tokens carry (a password change moves it). */
  public record Session(Caller caller, int epoch, Optional<String> derivedFrom) {
    public Session(Caller caller, int epoch) {
      this(caller, epoch, Optional.empty());
    }
  }

  /**
   * The caller for a person's credentials; 401 when wrong, 429 after too many failures for the account (whichever
   * of its logins — username, identity number, phone — was typed) or, for an account that never signed in from
   * there, for the address.
   */
  public Future<Session> authenticatePerson(String login, String password, String address) {
    // What was typed may be an identity number or phone: a login naming no account is counted by its blind index,
    // and the audit names it masked, so neither holds it in plain.
    boolean personal = login.matches("\\d{11,18}[0-9Xx]?");
    String subject = personal ? "index:" + store.personal().index(PersonalData.Kind.ID, login) : login;
    return authenticate(known -> known.map(k -> "login:fail:" + k.session().caller().scopeKey())
            .orElse("login:fail:person:" + subject), personal ? Masking.idNumber(login) : login, address, password,
        () -> store.findByLogin(login).map(a -> a.filter(x -> !x.disabled()).map(x -> new Known(x.passwordHash(),
            new Session(x.toCaller(), x.tokenEpoch())))), ProblemCode.INVALID_CREDENTIALS, "auth.credentials");
  }

  /** Whether a client was granted {@code scope}. */
  public Future<Boolean> clientHasScope(String clientId, String scope) {
    return store.findClient(clientId).map(c -> c.map(x -> x.scopes().contains(scope)).orElse(false));
  }

  /** The caller for a client's credentials; 401 when wrong, 429 after too many failures. */
  public Future<Session> authenticateClient(String clientId, String secret, String address) {
    return authenticate(known -> "login:fail:client:" + clientId, clientId, address, secret,
        () -> store.findClient(clientId).map(c -> c.filter(x -> !x.disabled()).map(x -> new Known(x.secretHash(),
            new Session(x.toCaller(), 0)))), ProblemCode.INVALID_CLIENT, "auth.client");
  }

  /**
   * RFC 8693 token exchange, the rule: a client granted {@link ApiClient#TOKEN_EXCHANGE} presents a still
   * valid citizen's token ({@code subject}, its token id and epoch, whose signature the caller has checked) and
   * gets a session acting for that citizen, limited to the client's own channels. Only an original token may
   * be exchanged (400 for an exchanged one: no chains of fresh hours); the derived session names the token it
   * came from ({@link Session#derivedFrom}), so {@link #tokenValid} ends it with that token (logout) and the
   * epoch ends it with the account (password change, disabling). Its issuer caps its lifetime at the subject's.
   */
  public Future<Session> exchange(String clientId, String secret, String address, Session subject, String subjectTokenId) {
    return authenticateClient(clientId, secret, address)
        .compose(client -> clientHasScope(clientId, ApiClient.TOKEN_EXCHANGE).compose(granted -> granted
            ? Future.succeededFuture(client)
            : Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "auth.scope", ApiClient.TOKEN_EXCHANGE))))
        .compose(client -> subject.derivedFrom().isPresent()
            ? Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "auth.subjectTokenExchanged"))
            : Future.succeededFuture(client))
        .compose(client -> tokenValid(subjectTokenId, Optional.empty(), subject.caller().subject(), subject.epoch())
            .compose(valid -> {
          if (!valid || subject.caller().kind() != Caller.Kind.CITIZEN) {
            return Future.failedFuture(new DomainException(ProblemCode.INVALID_CREDENTIALS, "auth.subjectToken"));
          }
          Caller citizen = subject.caller();
          return Future.succeededFuture(new Session(new Caller(Caller.Kind.CITIZEN, citizen.subject(), citizen.roles(),
              citizen.departmentCode(), citizen.hallCode(), client.caller().channels()), subject.epoch(),
              Optional.of(subjectTokenId)));
        }));
  }

  /** Who a login names, if anyone: the hash to check against and the caller it becomes. */
  private record Known(String hash, Session session) {
  }

  /**
   * Checks a secret against what {@code lookup} finds, counting failures per account ({@code throttleKey} of what
   * was found) and per address. The address's limit is the softer one: once an address is over it, only accounts
   * that have signed in from it before (within {@value #KNOWN_ADDRESS_SECONDS} s) may still try — so one person
   * guessing behind a shared address (an office, a hall's network) does not lock out the others who work there,
   * while guesses spread over many accounts from it stop.
   */
  private Future<Session> authenticate(Function<Optional<Known>, String> throttleKey, String who, String address,
      String secret, Supplier<Future<Optional<Known>>> lookup, ProblemCode wrong, String detailKey) {
    String addressKey = "login:fail:address:" + address;
    return lookup.get().compose(known -> {
      String key = throttleKey.apply(known);
      Optional<String> knownHere = known.map(k -> "login:known:" + address + ":" + k.session().caller().scopeKey());
      return checkThrottle(key, maxFailures)
          .compose(v -> checkAddress(addressKey, knownHere))
          // Fails closed: without the failure counters nobody signs in, rather than unlimited guesses.
          .recover(e -> Future.failedFuture(e instanceof DomainException ? e
              : DomainException.unavailable("auth.throttleUnavailable", THROTTLE_RETRY_SECONDS)))
          .compose(v -> verify(secret, known.map(Known::hash)))
          .compose(ok -> ok
              ? clearFailures(key).compose(x -> remember(knownHere.orElseThrow()))
                  .compose(x -> auditLogin("auth.login", address, known.get().session().caller().scopeKey()))
                  .map(x -> known.get().session())
              : recordFailure(key).compose(x -> recordFailure(addressKey))
                  .compose(x -> auditLogin("auth.login-failed", address, who))
                  .compose(x -> Future.failedFuture(new DomainException(wrong, detailKey))));
    });
  }

  /** How long an address counts as one an account signs in from (30 days). */
  private static final int KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600;

  /** The address's failures: over its limit, only an account known at the address ({@code knownHere}) may try. */
  private Future<Void> checkAddress(String addressKey, Optional<String> knownHere) {
    return redis.await(redis.commands().mget(addressKey, knownHere.orElse(addressKey))).compose(values -> {
      boolean over = values.get(0).hasValue() && Integer.parseInt(values.get(0).getValue()) >= maxFailuresPerAddress;
      if (!over || knownHere.isPresent() && values.get(1).hasValue()) {
        return Future.succeededFuture();
      }
      return redis.await(redis.commands().ttl(addressKey)).compose(ttl -> Future.failedFuture(
          DomainException.throttled("auth.throttled", (int) Math.max(1, ttl))));
    });
  }

  private Future<Void> remember(String knownHere) {
    return redis.await(redis.commands().setex(knownHere, KNOWN_ADDRESS_SECONDS, "1")).<Void>mapEmpty()
        // A sign-in that succeeded stands even if this note is lost; the account is merely not known there.
        .recover(e -> Future.succeededFuture());
  }

  /**
   * The account, as every submission needs it (the applicant's name, identity number, real-name level): kept
   * for {@value #ACCOUNT_TTL_SECONDS} s, dropped on every node when its real-name level or token epoch moves.
   * A read that raced with such a change is not kept.
   */
  public Future<Optional<Account>> account(String id) {
    Cached cached = accounts.get(id);
    if (cached != null && cached.until() - System.nanoTime() > 0) {
      return Future.succeededFuture(Optional.of(cached.account()));
    }
    long generation = accountChanges.get();
    return store.findById(id).onSuccess(found -> found.ifPresent(a -> {
      if (accountChanges.get() == generation) {
        if (accounts.size() >= ACCOUNT_CACHE_MAX) {
          accounts.clear();
        }
        accounts.put(id, new Cached(a, System.nanoTime() + TimeUnit.SECONDS.toNanos(ACCOUNT_TTL_SECONDS)));
      }
    }));
  }

  /** Published (every node) with an account id when what {@link #account} keeps of it changed. */
  public static final String ACCOUNT_CHANGED = "tongban.accounts.changed";
  static final int ACCOUNT_TTL_SECONDS = 30;
  private static final int ACCOUNT_CACHE_MAX = 20_000;
  private final Map<String, Cached> accounts = new ConcurrentHashMap<>();
  private final AtomicLong accountChanges = new AtomicLong();

  private record Cached(Account account, long until) {
  }

  private void forget(String accountId) {
    accountChanges.incrementAndGet();
    accounts.remove(accountId);
  }

  /** What a citizen registers with. */
  public record Registration(String idNumber, String name, String phone, String password) {
  }

  /**
   * 一号申请: a citizen registers with their identity number (GB 11643 check), name, phone and a password;
   * every problem is reported at once. Self-registration gives real-name level L1.
   */
  public Future<Account> register(Registration r, Locale locale) {
    List<Violation> v = new ArrayList<>();
    if (!IdNumber.isValid(r.idNumber())) {
      v.add(new Violation("/idNumber", "idNumber", Messages.get(locale, "citizen.idNumber")));
    }
    if (r.name() == null || r.name().isBlank() || r.name().length() < 2 || r.name().length() > 50) {
      v.add(new Violation("/name", "length", Messages.get(locale, "citizen.name")));
    }
    if (r.phone() == null || !r.phone().matches("1[3-9]\\d{9}")) {
      v.add(new Violation("/phone", "pattern", Messages.get(locale, "citizen.phone")));
    }
    PasswordRules.problem(r.password(), r.idNumber(), r.phone())
        .ifPresent(key -> v.add(new Violation("/password", "password", Messages.get(locale, key))));
    if (!v.isEmpty()) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid",
          v, v.size()));
    }
    return store.citizenExists(r.idNumber(), r.phone()).compose(exists -> exists
        ? Future.failedFuture(new DomainException(ProblemCode.ACCOUNT_EXISTS, "citizen.exists"))
        : vertx.executeBlocking(() -> PasswordHasher.hash(r.password()), false)
            .compose(hash -> store.insertAccountIfAbsent(store.client(), new Account(null,
                // The login name is not the identity number (that is stored only sealed); citizens sign in
                // with their identity number or phone, found by blind index.
                "id-" + store.personal().index(PersonalData.Kind.ID, r.idNumber()), hash,
                Caller.Kind.CITIZEN, r.name(), Set.of(Role.APPLICANT), Optional.empty(), Optional.empty(),
                Optional.of(r.idNumber()), Optional.of(r.phone()), false, 1, 0)))
            .compose(inserted -> inserted ? store.findByLogin(r.idNumber()).map(Optional::orElseThrow)
                : Future.failedFuture(new DomainException(ProblemCode.ACCOUNT_EXISTS, "citizen.exists"))));
  }

  /**
   * Registers a citizen an upstream identity provider vouched for (federation, docs/oidc.md): its identity number,
   * name and real-name level, with no password of ours (a random one nobody knows: they sign in upstream). Answers the account under that identity number, new or, when a racing sign-in
   * registered it first, that one.
   */
  public Future<Account> registerFederated(String idNumber, String name, int level) {
    String unusable = java.util.UUID.randomUUID() + "-" + java.util.UUID.randomUUID();
    return vertx.executeBlocking(() -> PasswordHasher.hash(unusable), false)
        .compose(hash -> store.insertAccountIfAbsent(store.client(), new Account(null,
            "id-" + store.personal().index(PersonalData.Kind.ID, idNumber), hash, Caller.Kind.CITIZEN, name,
            Set.of(Role.APPLICANT), Optional.empty(), Optional.empty(), Optional.of(idNumber), Optional.empty(), false,
            level, 0)))
        .compose(inserted -> citizenByIdNumber(idNumber))
        .map(found -> found.orElseThrow(() -> new DomainException(ProblemCode.ACCOUNT_EXISTS, "citizen.exists")));
  }

  /** Changes a person's password; every token issued before stops working. Returns the new epoch. */
  public Future<Integer> changePassword(Caller caller, String current, String next, Locale locale) {
    return store.findById(caller.subject()).compose(found -> {
      Account a = found.orElseThrow(() -> new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken"));
      Optional<String> rule = PasswordRules.problem(next, a.idNumber().orElse(null), a.phone().orElse(null));
      if (rule.isPresent()) {
        return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid",
            List.of(new Violation("/newPassword", "password", Messages.get(locale, rule.get()))), 1));
      }
      return verify(current, Optional.of(a.passwordHash())).compose(ok -> ok
          ? vertx.executeBlocking(() -> PasswordHasher.hash(next), false)
              .compose(hash -> store.changePassword(a.id(), hash))
              .compose(epoch -> moveEpoch(a.id(), epoch).map(epoch))
          : Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid",
              List.of(new Violation("/currentPassword", "wrong", Messages.get(locale, "password.wrong"))), 1)));
    });
  }

  /**
   * Published on the event bus (every node of a cluster) when sessions end: {@code {tokenId}} for a logout,
   * {@code {subject, epoch}} when every token of an account before {@code epoch} stops working. Open
   * connections that outlive a request (GraphQL subscriptions) close on it.
   */
  public static final String SESSIONS_ENDED = "tongban.sessions.ended";

  /** Makes tokens issued before {@code epoch} stop working (password change, disabled account). */
  public Future<Void> moveEpoch(String accountId, int epoch) {
    return storeEpoch(accountId, epoch).compose(v -> tell("epoch:" + accountId));
  }

  private Future<Void> storeEpoch(String accountId, int epoch) {
    return redis.await(redis.commands().setex("token:epoch:" + accountId, tokenTtlSeconds, String.valueOf(epoch)))
        .onSuccess(v -> vertx.eventBus().publish(SESSIONS_ENDED, new io.vertx.core.json.JsonObject()
            .put("subject", accountId).put("epoch", epoch)))
        .mapEmpty();
  }

  /** Revokes one token (logout) until it would have expired anyway. */
  public Future<Void> revoke(String tokenId, long secondsLeft) {
    return redis.await(redis.commands().setex("token:revoked:" + tokenId, Math.max(1, secondsLeft), "1"))
        .onSuccess(v -> vertx.eventBus().publish(SESSIONS_ENDED, new io.vertx.core.json.JsonObject()
            .put("tokenId", tokenId)))
        .compose(v -> tell("token:" + tokenId));
  }

  /**
   * Drops what this node keeps of the ended sessions at once, then tells every node, and answers once every node
   * has dropped them ({@link Notices#tell}): no node takes an ended session after its caller learnt it ended.
   */
  private Future<Void> tell(String ended) {
    ended(ended);
    return notices == null ? Future.succeededFuture() : notices.tell(Notices.SESSIONS, ended);
  }

  /** A notice of ended sessions: {@code token:<id>} (and tokens exchanged for it) or {@code epoch:<account>}. */
  private void ended(String notice) {
    sessionChanges.incrementAndGet();
    if (notice.startsWith("token:")) {
      String id = notice.substring("token:".length());
      checked.remove(id);
      checked.values().removeIf(c -> c.parent().equals(id));
    } else if (notice.startsWith("epoch:")) {
      String subject = notice.substring("epoch:".length());
      checked.values().removeIf(c -> c.subject().equals(subject));
    } else {
      checked.clear();
    }
  }

  /**
   * Whether a token still counts: not revoked, and issued at the subject's current epoch (a password
   * change moves the epoch). One Redis round trip, no database.
   */
  public Future<Boolean> tokenValid(String tokenId, String subject, int epoch) {
    return tokenValid(tokenId, Optional.empty(), subject, epoch);
  }

  /**
   * {@link #tokenValid(String, String, int)} for a token that may be derived (token exchange): it also ends
   * when the token it was exchanged for was revoked (the citizen logged out).
   */
  public Future<Boolean> tokenValid(String tokenId, Optional<String> derivedFrom, String subject, int epoch) {
    // The subject's own token id stands in for "not derived" so the reply always has three values.
    String parentId = derivedFrom.orElse(tokenId);
    Checked known = checked.get(tokenId);
    if (known != null && known.epoch() == epoch && known.subject().equals(subject) && known.parent().equals(parentId)
        && System.nanoTime() - known.at() < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(CHECKED_MILLIS)
        && notices.listening()) {
      return Future.succeededFuture(true);
    }
    long generation = sessionChanges.get();
    String parent = "token:revoked:" + parentId;
    return redis.await(redis.commands().mget("token:revoked:" + tokenId, "token:epoch:" + subject, parent))
        .onSuccess(values -> {
          boolean valid = !values.get(0).hasValue() && !values.get(2).hasValue() && values.get(1).hasValue()
              && epoch >= Integer.parseInt(values.get(1).getValue());
          if (valid && notices != null && notices.listening()) {
            if (checked.size() >= CHECKED_MAX) {
              checked.clear();
            }
            checked.put(tokenId, new Checked(subject, epoch, parentId, System.nanoTime()));
            // A session ended while Redis answered: what it said may be from before.
            if (sessionChanges.get() != generation) {
              checked.remove(tokenId);
            }
          }
        })
        .transform(ar -> {
      if (ar.failed()) {
        // Redis down: the database still knows password changes and disabled accounts (logouts wait for Redis).
        return store.epoch(subject).map(current -> epoch >= current.orElse(0));
      }
      var values = ar.result();
      if (values.get(0).hasValue() || values.get(2).hasValue()) {
        return Future.succeededFuture(false);
      }
      if (values.get(1).hasValue()) {
        return Future.succeededFuture(epoch >= Integer.parseInt(values.get(1).getValue()));
      }
      // Not cached (first use, or Redis lost its data): the database knows, once per token lifetime.
      return currentEpoch(subject).map(current -> epoch >= current);
    });
  }

  /** The account's token epoch from the database, cached in Redis; a disabled account has none valid. */
  private Future<Integer> currentEpoch(String subject) {
    return store.epoch(subject).compose(e -> {
      int value = e.orElse(0);
      return storeEpoch(subject, value).map(value);
    });
  }

  /** Counts a client's call in this minute; 429 with the seconds left when over its rate. */
  public Future<Void> countClientCall(String clientId) {
    long now = System.currentTimeMillis() / 1000;
    String key = "rate:client:" + clientId + ":" + now / 60;
    // The rate protects capacity, not secrets: while Redis is down, clients go uncounted rather than refused.
    return redis.count(key, 61).map(Redis.Count::n).recover(e -> Future.succeededFuture(0L))
        .compose(n -> n > clientRatePerMinute
            ? Future.failedFuture(DomainException.throttled("rate.client", (int) (60 - now % 60)))
            : Future.succeededFuture());
  }

  /**
   * The name a person registered with, when they have a citizen account under this identity number (to
   * check a name someone else records for them); empty when they have none.
   */
  public Future<Optional<String>> registeredName(String idNumber) {
    return store.findByLogin(idNumber).map(a -> a.filter(x -> x.kind() == Caller.Kind.CITIZEN)
        .filter(x -> x.idNumber().filter(idNumber::equals).isPresent()).map(Account::displayName));
  }

  /** The citizen account registered under this identity number, if any (to link an upstream identity to it). */
  public Future<Optional<Account>> citizenByIdNumber(String idNumber) {
    return store.findByLogin(idNumber).map(a -> a.filter(x -> x.kind() == Caller.Kind.CITIZEN)
        .filter(x -> x.idNumber().filter(idNumber::equals).isPresent()));
  }

  /**
   * Sets the real-name level an upstream identity provider asserts for a citizen it signed in (federation,
   * docs/oidc.md); the provider, not a member of staff, vouches for it.
   */
  public Future<Void> assertedRealNameLevel(String idNumber, int level) {
    return store.setRealNameLevel(idNumber, level).map(found -> {
      found.ifPresent(id -> {
        forget(id);
        vertx.eventBus().publish(ACCOUNT_CHANGED, id);
      });
      return null;
    });
  }

  /** Raises (or sets) a citizen's real-name level after checking their identity at a window. */
  public Future<Void> setRealNameLevel(Caller caller, String idNumber, int level) {
    if (!caller.has(Role.CLERK) && !caller.has(Role.ADMIN)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "realname.forbidden"));
    }
    return store.setRealNameLevel(idNumber, level).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "citizen.notFound"));
      }
      forget(found.get());
      vertx.eventBus().publish(ACCOUNT_CHANGED, found.get());
      return Future.<Void>succeededFuture();
    });
  }

  private Future<Boolean> verify(String password, Optional<String> hash) {
    return vertx.executeBlocking(() -> PasswordHasher.verify(password, hash.orElse(Dummy.HASH)) && hash.isPresent(),
        false);
  }

  /** Every sign-in and every failed one is on the audit trail, with the address it came from. */
  private Future<Void> auditLogin(String action, String address, String who) {
    return AuditLog.record(store.client(), "address:" + address, action, "account", who,
        new io.vertx.core.json.JsonObject().put("address", address));
  }

  private Future<Void> checkThrottle(String key, int max) {
    return redis.await(redis.commands().get(key)).compose(count -> {
      if (count != null && Integer.parseInt(count) >= max) {
        return redis.await(redis.commands().ttl(key)).compose(ttl -> Future.failedFuture(
            DomainException.throttled("auth.throttled", (int) Math.max(1, ttl))));
      }
      return Future.succeededFuture();
    });
  }

  private Future<Void> recordFailure(String key) {
    // Counted and given its expiry in one step: a counter can never be left locking an account for ever.
    return redis.count(key, lockSeconds).mapEmpty();
  }

  private Future<Void> clearFailures(String key) {
    return redis.await(redis.commands().del(key)).mapEmpty();
  }

  // Verified against when the login is unknown, so a wrong username costs as long as a wrong password.
  // A holder class, so the hash is computed on the worker thread that first needs it.
  private static final class Dummy {
    static final String HASH = PasswordHasher.hash("tongban-dummy-password");
  }
}
