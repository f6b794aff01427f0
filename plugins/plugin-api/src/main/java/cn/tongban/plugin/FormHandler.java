package cn.tongban.plugin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * What a form handler may do at each point of a case's life. Every hook is optional (a no-op by default),
 * returns a Vert.x {@link Future}, and is given a time limit by the platform. Validation hooks run first
 * and every violation of every handler is collected; side-effect hooks run only after the change they
 * follow has been committed. A handler gets an immutable view of the case and the platform's services,
 * never a database connection.
 */
public interface FormHandler {

  /** Fills in what the platform already knows (一次提交、多次复用): returns fields to merge into the form data. */
  default Future<JsonObject> prefill(HandlerContext context, CaseView draft) {
    return Future.succeededFuture(new JsonObject());
  }

  /**
   * Where the value {@link #prefill} put in top-level field {@code field} came from, e.g. the shared-data
   * source {@code gongan-population}; the case records it (which data came from where). Empty: the handler
   * itself is the source (the applicant's profile, an e-licence).
   */
  default java.util.Optional<String> sourceOf(String field) {
    return java.util.Optional.empty();
  }

  /** Adds a violation, with a JSON pointer into the form data, for everything wrong. */
  default Future<Void> validate(HandlerContext context, CaseView view, Violations violations) {
    return Future.succeededFuture();
  }

  /** After the case was stored. */
  default Future<Void> onSubmit(HandlerContext context, CaseView view) {
    return Future.succeededFuture();
  }

  /** After the case was accepted (受理). */
  default Future<Void> onAccept(HandlerContext context, CaseView view) {
    return Future.succeededFuture();
  }

  /** After a correction was requested (补正). */
  default Future<Void> onCorrection(HandlerContext context, CaseView view) {
    return Future.succeededFuture();
  }

  /** After the case was approved. */
  default Future<Void> onApprove(HandlerContext context, CaseView view) {
    return Future.succeededFuture();
  }

  /** After the case was refused. */
  default Future<Void> onReject(HandlerContext context, CaseView view) {
    return Future.succeededFuture();
  }

  /** After a result (e.g. an e-licence) was issued. */
  default Future<Void> onIssue(HandlerContext context, CaseView view) {
    return Future.succeededFuture();
  }

  /**
   * After a submission is stored: a decision the platform then takes on its own (即办件 rules), or empty to
   * leave the case to people. Runs after commit, through the outbox; the first handler with a decision wins.
   */
  default Future<Optional<Decision>> decide(HandlerContext context, CaseView submitted) {
    return Future.succeededFuture(Optional.empty());
  }
}
