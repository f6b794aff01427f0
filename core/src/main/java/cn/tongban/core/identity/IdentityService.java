package cn.tongban.core.identity;

import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.infra.Redis;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Signing in: people by username (or identity number) and password, third-party channels by client
 * credentials. Repeated failures for one login are throttled in Redis; password checks run on worker threads.
 */
public final class IdentityService {
  private final Vertx vertx;
  private final IdentityStore store;
  private final Redis redis;
  private final int maxFailures;
  private final int lockSeconds;

  public IdentityService(Vertx vertx, IdentityStore store, Redis redis, TongbanConfig config) {
    this.vertx = vertx;
    this.store = store;
    this.redis = redis;
    this.maxFailures = config.loginMaxFailures();
    this.lockSeconds = config.loginLockSeconds();
  }

  /** The caller for a person's credentials; 401 when wrong, 429 after too many failures. */
  public Future<Caller> authenticatePerson(String login, String password) {
    return authenticate("login:fail:person:" + login, password,
        () -> store.findByLogin(login).map(a -> a.filter(x -> !x.disabled()).map(x -> new Known(x.passwordHash(),
            x.toCaller()))), ProblemCode.INVALID_CREDENTIALS, "auth.credentials");
  }

  /** The caller for a client's credentials; 401 when wrong, 429 after too many failures. */
  public Future<Caller> authenticateClient(String clientId, String secret) {
    return authenticate("login:fail:client:" + clientId, secret,
        () -> store.findClient(clientId).map(c -> c.filter(x -> !x.disabled()).map(x -> new Known(x.secretHash(),
            x.toCaller()))), ProblemCode.INVALID_CLIENT, "auth.client");
  }

  /** Who a login names, if anyone: the hash to check against and the caller it becomes. */
  private record Known(String hash, Caller caller) {
  }

  private Future<Caller> authenticate(String throttleKey, String secret, Supplier<Future<Optional<Known>>> lookup,
      ProblemCode wrong, String detailKey) {
    return checkThrottle(throttleKey)
        .compose(v -> lookup.get())
        .compose(known -> verify(secret, known.map(Known::hash))
            .compose(ok -> ok
                ? clearFailures(throttleKey).map(x -> known.get().caller())
                : recordFailure(throttleKey).compose(x -> Future.failedFuture(
                    new DomainException(wrong, detailKey)))));
  }

  public Future<Optional<Account>> account(String id) {
    return store.findById(id);
  }

  private Future<Boolean> verify(String password, Optional<String> hash) {
    return vertx.executeBlocking(() -> PasswordHasher.verify(password, hash.orElse(Dummy.HASH)) && hash.isPresent(),
        false);
  }

  private Future<Void> checkThrottle(String key) {
    return redis.await(redis.commands().get(key)).compose(count -> {
      if (count != null && Integer.parseInt(count) >= maxFailures) {
        return redis.await(redis.commands().ttl(key)).compose(ttl -> Future.failedFuture(
            DomainException.throttled("auth.throttled", (int) Math.max(1, ttl))));
      }
      return Future.succeededFuture();
    });
  }

  private Future<Void> recordFailure(String key) {
    return redis.await(redis.commands().incr(key))
        .compose(n -> n == 1 ? redis.await(redis.commands().expire(key, lockSeconds)).mapEmpty()
            : Future.succeededFuture());
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
