package cn.tongban.core.privacy;

import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Administrators' view of the personal-data keys and the rewrap that finishes a rotation (docs/operations.md):
 * configure the new key after the old one on every node, then first, restart node by node, start a rewrap
 * here, and once nothing is left under the old key remove it from the configuration. Nothing stops meanwhile:
 * every configured key opens what it sealed. Key material is never shown.
 */
public final class DataKeyRotation {
  private static final Logger LOG = Logger.getLogger(DataKeyRotation.class.getName());

  private final Pool pool;
  private final PersonalData personal;
  private final Rewrap rewrap;
  private volatile JsonObject job = new JsonObject().put("state", "IDLE");
  private Future<Long> running;

  public DataKeyRotation(Pool pool, PersonalData personal, Rewrap rewrap) {
    this.pool = pool;
    this.personal = personal;
    this.rewrap = rewrap;
  }

  /** The sealing key, the keys that sealed data here, what is still sealed otherwise, and this node's job. */
  public Future<JsonObject> status(Caller caller) {
    if (!caller.has(Role.ADMIN)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "account.forbidden"));
    }
    return pool.query("select key_id, created_at, retired_at from personal_data_key where key_id <> 'index'"
            + " order by created_at, key_id").execute()
        .compose(rows -> rewrap.remaining().map(left -> {
          JsonArray keys = new JsonArray();
          rows.forEach(r -> keys.add(new JsonObject().put("keyId", r.getString("key_id"))
              .put("configured", personal.knows(r.getString("key_id")))
              .put("active", r.getString("key_id").equals(personal.activeKeyId()))
              .put("firstUsedAt", r.getOffsetDateTime("created_at").toString())
              .put("retiredAt", r.getOffsetDateTime("retired_at") == null ? null
                  : r.getOffsetDateTime("retired_at").toString())));
          JsonObject remaining = new JsonObject();
          left.forEach(remaining::put);
          return new JsonObject().put("activeKeyId", personal.activeKeyId()).put("keys", keys)
              .put("remaining", remaining)
              .put("remainingTotal", left.values().stream().mapToLong(Long::longValue).sum())
              .put("rewrap", job.copy());
        }));
  }

  /**
   * Starts a rewrap on this node unless one is running; answers at once with the status (202). Safe on
   * several nodes at once: each batch locks its rows.
   */
  public Future<JsonObject> start(Caller caller) {
    if (!caller.has(Role.ADMIN)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "account.forbidden"));
    }
    synchronized (this) {
      if (running == null || running.isComplete()) {
        String started = OffsetDateTime.now(ZoneOffset.UTC).toString();
        job = new JsonObject().put("state", "RUNNING").put("startedAt", started).put("startedBy", caller.scopeKey());
        running = audit(caller, "data-keys.rewrap-started").compose(v -> rewrap.all());
        running.compose(n -> rewrap.retireOthers().map(retired -> new JsonObject().put("state", "DONE")
                .put("startedAt", started).put("startedBy", caller.scopeKey())
                .put("finishedAt", OffsetDateTime.now(ZoneOffset.UTC).toString()).put("rewrapped", n)
                .put("retiredKeys", retired)))
            .compose(done -> audit(caller, "data-keys.rewrap-finished").map(done))
            .onSuccess(done -> job = done)
            .onFailure(e -> {
              LOG.log(Level.WARNING, "personal-data rewrap failed", e);
              job = new JsonObject().put("state", "FAILED").put("startedAt", started)
                  .put("error", String.valueOf(e.getMessage()));
            });
      }
    }
    return status(caller);
  }

  private Future<Void> audit(Caller caller, String action) {
    return AuditLog.record(pool, caller.scopeKey(), action, "data-key", personal.activeKeyId(), new JsonObject());
  }
}
