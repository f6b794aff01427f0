package cn.tongban.core.audit;

import cn.tongban.core.problem.Messages;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Optional;

/**
 * What a check of the audit chain found: how many links were recomputed and matched, how many events wait
 * for the sealer, the head it checked against, and the first broken link if any.
 */
public record AuditVerification(long verified, long pending, long headSequence, String headHash,
    Optional<BrokenLink> broken) {

  /** Why a link is broken. */
  public enum Reason {
    /** The event's stored columns or its hash no longer give the hash the chain holds. */
    ALTERED,
    /** No event holds this position: it was deleted (or its seal removed). */
    MISSING,
    /** Every link matched, but the chain head records another hash. */
    HEAD_ALTERED,
    /** An event lies among sealed ones but no seal covers it: it was inserted after its place was sealed. */
    INSERTED
  }

  /**
   * The first link that does not hold: its position, and the event found there (for {@code MISSING}, the
   * next event still present, none when the chain's end was cut off; for {@code INSERTED}, the event no seal
   * covers, and the position of the sealed event it was slipped in before).
   */
  public record BrokenLink(long sequence, Reason reason, Long eventId, String entityType, String entityId) {
    /** The case number when the event is about an application (办件). */
    public Optional<String> caseNumber() {
      return "application".equals(entityType) ? Optional.ofNullable(entityId) : Optional.empty();
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("sequence", sequence).put("reason", reason.name());
      if (eventId != null) {
        json.put("eventId", eventId).put("entityType", entityType).put("entityId", entityId);
      }
      caseNumber().ifPresent(n -> json.put("caseNumber", n));
      return json;
    }
  }

  public boolean intact() {
    return broken.isEmpty();
  }

  /** The finding in words, in {@code locale}. */
  public String message(Locale locale) {
    if (broken.isEmpty()) {
      return Messages.get(locale, "audit.intact", String.valueOf(verified), String.valueOf(pending), headHash);
    }
    BrokenLink b = broken.get();
    String seq = String.valueOf(b.sequence());
    return switch (b.reason()) {
      case ALTERED -> Messages.get(locale, "audit.altered", seq, String.valueOf(b.eventId()),
          b.caseNumber().map(n -> Messages.get(locale, "audit.case", n))
              .orElse(b.entityType() + " " + b.entityId()));
      case MISSING -> b.eventId() == null ? Messages.get(locale, "audit.truncated", seq)
          : Messages.get(locale, "audit.missing", seq, String.valueOf(b.eventId()));
      case HEAD_ALTERED -> Messages.get(locale, "audit.headAltered", seq);
      case INSERTED -> Messages.get(locale, "audit.inserted", seq, String.valueOf(b.eventId()),
          b.caseNumber().map(n -> Messages.get(locale, "audit.case", n))
              .orElse(b.entityType() + " " + b.entityId()));
    };
  }

  /** The REST representation. */
  public JsonObject toJson(Locale locale) {
    JsonObject json = new JsonObject().put("intact", intact()).put("verified", verified).put("pending", pending)
        .put("headSequence", headSequence).put("headHash", headHash).put("message", message(locale));
    broken.ifPresent(b -> json.put("brokenLink", b.toJson()));
    return json;
  }
}
