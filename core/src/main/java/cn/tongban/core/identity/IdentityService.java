package cn.tongban.core.identity;

import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.infra.Redis;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Optional;

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
    String key = "login:fail:person:" + login;
    return checkThrottle(key)
        .compose(v -> store.findByLogin(login))
        .compose(account -> verify(password, account.filter(a -> !a.disabled()).map(Account::passwordHash))
            .compose(ok -> ok
                ? clearFailures(key).map(x -> account.get().toCaller())
                : recordFailure(key).compose(x -> Future.failedFuture(
                    new DomainException(ProblemCode.INVALID_CREDENTIALS, "auth.credentials")))));
  }

  /** The caller for a client's credentials; 401 when wrong, 429 after too many failures. */
  public Future<Caller> authenticateClient(String clientId, String secret) {
    String key = "login:fail:client:" + clientId;
    return checkThrottle(key)
        .compose(v -> store.findClient(clientId))
        .compose(client -> verify(secret, client.filter(c -> !c.disabled()).map(ApiClient::secretHash))
            .compose(ok -> ok
                ? clearFailures(key).map(x -> client.get().toCaller())
                : recordFailure(key).compose(x -> Future.failedFuture(
                    new DomainException(ProblemCode.INVALID_CLIENT, "auth.client")))));
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
