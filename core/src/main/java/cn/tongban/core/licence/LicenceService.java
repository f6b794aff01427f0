package cn.tongban.core.licence;

import cn.tongban.core.event.Outbox;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * 电子证照库: issues a licence when a case whose result is a licence type is approved, signs it with the
 * issuer key (SM2/SM3), lets its holder and the departments that need it read it, its issuing department
 * revoke it, and anyone holding it verify it. Keys are generated on first start and kept in PostgreSQL;
 * a rotation retires the signing key but keeps it for verifying what it signed.
 */
public final class LicenceService {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(LicenceService.class.getName());
  private final Vertx vertx;
  private final LicenceStore store;
  private final CalendarService calendar;
  private final String areaCode;
  private final PersonalData personal;
  private final Map<String, byte[]> publicKeys = new ConcurrentHashMap<>();
  private final String publicUrl;

  /** {@code publicUrl}: where the public pages are (TONGBAN_PUBLIC_URL); a QR code points at its verify page. */
  public LicenceService(Vertx vertx, Pool pool, CalendarService calendar, String areaCode, PersonalData personal,
      String publicUrl) {
    this.personal = personal;
    this.publicUrl = publicUrl;
    this.vertx = vertx;
    this.store = new LicenceStore(pool, personal);
    this.calendar = calendar;
    this.areaCode = areaCode;
  }

  /** Makes sure a signing key exists: the first start generates one (on a worker thread). */
  public Future<Void> ensureKey() {
    return store.hasSigningKey().compose(has -> has ? Future.succeededFuture()
        : vertx.executeBlocking(Sm2::generate).compose(pair -> store.insertFirstKey(newKeyId(), pair)));
  }

  /** The licence signing keys' sealed private halves, for a rewrap. */
  public static final SealedTable SEALED_KEYS = LicenceStore.SEALED_KEYS;

  /** How this service seals holders' codes and surfaces. */
  public PersonalData personal() {
    return personal;
  }

  /** Administrators: a new signing key; the old one is retired and still verifies its licences. */
  public Future<JsonObject> rotateKey(Caller caller) {
    if (!caller.has(Role.ADMIN)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "account.forbidden"));
    }
    String id = newKeyId();
    return vertx.executeBlocking(Sm2::generate).compose(pair -> store.pool().withTransaction(tx -> store
        .rotateKey(tx, id, pair)
        .map(retired -> new JsonObject().put("keyId", id).put("retired", retired.orElse(null)))
        .compose(out -> audit(tx, caller.scopeKey(), "licence.key-rotated", id, out).map(out))));
  }

  private static String newKeyId() {
    return "sm2-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** What a licence is issued with; the platform adds identifier, number, key and signature. */
  public record IssueRequest(LicenceTypes.Type type, String name, String holderName, String holderCode,
      String holderCodeType, String issuerName, String issuerCode, Optional<String> departmentCode,
      LocalDate validFrom, Optional<LocalDate> validUntil, JsonObject surface, Optional<String> applicationNumber) {
  }

  /** What issuing needs of an approved (or delivered) case: its number, matter, department, applicant and data. */
  public record ApprovedCase(String number, String matterCode, String departmentCode, JsonObject applicant,
      JsonObject data) {
  }

  /**
   * The licence of an approved case, issued once: empty when the matter's result is not a licence. Safe to
   * call again (the outbox relay may): a case never gets a second licence.
   */
  public Future<Optional<Licence>> issueFor(ApprovedCase approved) {
    String applicationNumber = approved.number();
    return store.issueContext(applicationNumber, approved.matterCode(), approved.departmentCode()).compose(found -> {
          if (found.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
          }
          LicenceStore.IssueContext r = found.get();
          if (r.issued().isPresent()) {
            return find(r.issued().get());
          }
          JsonObject result = r.result();
          Optional<LicenceTypes.Type> type = Optional.ofNullable(result).map(x -> x.getString("licenceType"))
              .flatMap(LicenceTypes::byName);
          if (type.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
          }
          if (r.issuerCode().isEmpty()) {
            // No code derived or guessed: the licence waits for the department's real code, and 电子监察
            // warns when it is not issued within 10 working days of the approval (LICENCE_DUE).
            LOG.warning(() -> "case " + applicationNumber + ": no licence issued, department " + approved.departmentCode()
                + " has no unified social credit code recorded");
            return Future.succeededFuture(Optional.empty());
          }
          JsonObject applicant = approved.applicant();
          boolean enterprise = "ENTERPRISE".equals(applicant.getString("kind"));
          LocalDate today = calendar.today();
          int years = result.getInteger("validityYears", type.get().validityYears());
          String dept = approved.departmentCode();
          IssueRequest req = new IssueRequest(type.get(), result.getString("name", type.get().name()),
              applicant.getString("name"), enterprise ? applicant.getString("creditCode") : applicant.getString("idNumber"),
              enterprise ? "001" : "111", r.departmentName(), r.issuerCode().get(),
              Optional.of(dept), today, years > 0 ? Optional.of(today.plusYears(years).minusDays(1)) : Optional.empty(),
              approved.data(), Optional.of(applicationNumber));
          return store.pool().withTransaction(tx -> issue(tx, req, "system")).map(Optional::of);
        });
  }

  /** Issues a licence inside the caller's transaction, with its audit and outbox events. */
  public Future<Licence> issue(SqlClient tx, IssueRequest req, String actor) {
    LocalDate today = calendar.today();
    return store.nextSigning(tx)
        .compose(found -> {
          if (found.isEmpty()) {
            return Future.failedFuture(new IllegalStateException("no licence signing key"));
          }
          LicenceStore.Signing r = found.get();
          String number = areaCode + today.getYear() + String.format("%08d", r.serial());
          String identifier = LicenceIdentifier.of(req.type().code(), req.issuerCode(), number, 1);
          Licence unsigned = new Licence(identifier, req.type().code(), req.type().name(), req.name(), number,
              req.holderName(), req.holderCode(), req.holderCodeType(), req.issuerName(), req.issuerCode(),
              req.departmentCode(), today, areaCode, req.validFrom(), req.validUntil(), req.surface(),
              req.applicationNumber(), r.keyId(), new byte[0], "ACTIVE", Optional.empty(),
              Optional.empty());
          byte[] signature = Sm2.sign(r.privateKey(), unsigned.signedBytes());
          Licence l = new Licence(identifier, unsigned.typeCode(), unsigned.typeName(), unsigned.name(), number,
              unsigned.holderName(), unsigned.holderCode(), unsigned.holderCodeType(), unsigned.issuerName(),
              unsigned.issuerCode(), unsigned.departmentCode(), today, areaCode, unsigned.validFrom(),
              unsigned.validUntil(), unsigned.surface(), unsigned.applicationNumber(), unsigned.keyId(), signature,
              "ACTIVE", Optional.empty(), Optional.empty());
          return store.insert(tx, l)
              .compose(v -> audit(tx, actor, "licence.issued", identifier, new JsonObject()
                  .put("typeName", l.typeName()).put("applicationNumber", l.applicationNumber().orElse(null))))
              .compose(v -> outbox(tx, "LicenceIssued", l))
              .map(l);
        });
  }

  public Future<Optional<Licence>> find(String identifier) {
    return store.find(store.pool(), identifier);
  }

  /** The caller's own licences (and their enterprises'), newest first; {@code typeName} narrows them. */
  public Future<List<JsonObject>> mine(Caller caller, Optional<String> typeName) {
    if (caller.kind() == Caller.Kind.CLIENT) {
      return Future.succeededFuture(List.of());
    }
    return store.ofAccount(caller.subject(), typeName).map(licences -> {
      LocalDate today = calendar.today();
      List<JsonObject> out = new ArrayList<>();
      licences.forEach(l -> out.add(toJson(l, today)));
      return out;
    });
  }

  /** One licence, to its holder, its issuing department and oversight; anyone else gets 404. */
  public Future<Licence> get(Caller caller, String identifier) {
    return find(identifier).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(notFound(identifier));
      }
      Licence l = found.get();
      if (caller.kind() == Caller.Kind.STAFF && (caller.has(Role.ADMIN) || caller.has(Role.SUPERVISOR)
          || caller.departmentCode().isPresent() && caller.departmentCode().equals(l.departmentCode()))) {
        return Future.succeededFuture(l);
      }
      if (caller.kind() == Caller.Kind.CLIENT) {
        return Future.failedFuture(notFound(identifier));
      }
      return store.answersFor(caller.subject(), l).compose(holder -> holder ? Future.succeededFuture(l)
          : Future.failedFuture(notFound(identifier)));
    });
  }

  public LocalDate today() {
    return calendar.today();
  }

  public JsonObject toJson(Licence l) {
    return toJson(l, calendar.today());
  }

  private JsonObject toJson(Licence l, LocalDate today) {
    return l.toJson(today).put("verificationUrl", verificationUrl(l));
  }

  /**
   * The public verification page with the QR payload in the fragment ({@code #TBL2.…}, {@link Licence#qrPayload}):
   * any phone camera opens it, and the fragment never reaches a server or proxy log.
   */
  public String verificationUrl(Licence l) {
    return publicUrl + "/public/verify.html#" + l.qrPayload();
  }

  /**
   * The payload inside what a reader sends: the raw {@code TBL1.…} (older QR codes), or a verification URL
   * carrying it in its fragment or in a {@code p} query parameter.
   */
  private static final java.util.regex.Pattern PAYLOAD_PARAMETER = java.util.regex.Pattern.compile("[?&]p=([^&]*)");

  static String payloadOf(String text) {
    String t = text.trim();
    int hash = t.indexOf('#');
    if (hash >= 0) {
      t = t.substring(hash + 1);
    } else if (t.startsWith("http://") || t.startsWith("https://")) {
      java.util.regex.Matcher m = PAYLOAD_PARAMETER.matcher(t);
      t = m.find() ? m.group(1) : t;
    }
    // A payload is base64url and dots; a percent sign means someone's app escaped it on the way.
    return t.contains("%") ? java.net.URLDecoder.decode(t, StandardCharsets.UTF_8).trim() : t.trim();
  }

  /** The issuing department's approver (or an administrator) revokes a licence, with a reason. */
  public Future<JsonObject> revoke(Caller caller, String identifier, String reason, Locale locale) {
    if (reason == null || reason.isBlank()) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "licence.invalid",
          List.of(new Violation("/reason", "required", Messages.get(locale, "violation.required",
              Messages.isEnglish(locale) ? "reason" : "撤销原因"))), 1));
    }
    return get(caller, identifier).compose(l -> {
      boolean issuer = caller.kind() == Caller.Kind.STAFF && (caller.has(Role.ADMIN) || caller.has(Role.APPROVER)
          && caller.departmentCode().isPresent() && caller.departmentCode().equals(l.departmentCode()));
      if (!issuer) {
        return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "licence.revokeForbidden"));
      }
      OffsetDateTime now = OffsetDateTime.now(calendar.clock());
      return store.pool().withTransaction(tx -> store.revoke(tx, identifier, now, caller.scopeKey(), reason)
          .compose(revoked -> !revoked
              ? Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "licence.alreadyRevoked"))
              : audit(tx, caller.scopeKey(), "licence.revoked", identifier, new JsonObject().put("reason", reason)))
          .compose(v -> store.find(tx, identifier).map(Optional::orElseThrow))
          .compose(revoked -> outbox(tx, "LicenceRevoked", revoked).map(revoked)))
          .map(this::toJson);
    });
  }

  /**
   * Public verification of what a licence's QR code carries ({@code payload}) or of a printed identifier:
   * VALID, EXPIRED, REVOKED, or TAMPERED when the signature or the library's record does not match.
   */
  public Future<JsonObject> verify(Optional<String> payload, Optional<String> identifier, Locale locale) {
    Optional<String> claimedId;
    JsonObject claimed = null;
    if (payload.isPresent()) {
      try {
        String text = payloadOf(payload.get());
        String[] qr = text.split("\\.", 3);
        if (qr.length == 3 && Licence.QR_PREFIX.equals(qr[0])) {
          return qrCode(qr[2], qr[1], locale);
        }
        String[] parts = text.split("\\.");
        if (parts.length != 3 || !Licence.PAYLOAD_PREFIX.equals(parts[0])) {
          return Future.succeededFuture(tampered(locale, "licence.verify.unreadable", null));
        }
        byte[] signedBytes = Base64.getUrlDecoder().decode(parts[1]);
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        claimed = new JsonObject(new String(signedBytes, StandardCharsets.UTF_8));
        JsonObject c = claimed;
        return key(claimed.getString("keyId")).compose(key -> {
          if (key.isEmpty() || !Sm2.verify(key.get(), signedBytes, signature)) {
            return Future.succeededFuture(tampered(locale, "licence.verify.badSignature", null));
          }
          return checkRecord(c.getString("identifier"), Optional.of(c), locale);
        });
      } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
        return Future.succeededFuture(tampered(locale, "licence.verify.unreadable", null));
      }
    }
    claimedId = identifier.map(String::trim);
    if (claimedId.isEmpty()) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "licence.invalid",
          List.of(new Violation("/payload", "required", Messages.get(locale, "violation.required",
              Messages.isEnglish(locale) ? "payload or identifier" : "核验信息或证照标识"))), 1));
    }
    if (!LicenceIdentifier.isValid(claimedId.get())) {
      return Future.succeededFuture(tampered(locale, "licence.verify.badCheck", null));
    }
    return checkRecord(claimedId.get(), Optional.empty(), locale);
  }

  /** A QR code's {@code TBL2.<fingerprint>.<identifier>}: the licence's record, if the fingerprint is its signature's. */
  private Future<JsonObject> qrCode(String identifier, String fingerprint, Locale locale) {
    if (!LicenceIdentifier.isValid(identifier)) {
      return Future.succeededFuture(tampered(locale, "licence.verify.badCheck", null));
    }
    return find(identifier).compose(found -> found.isPresent() && java.security.MessageDigest.isEqual(
            Licence.fingerprint(found.get().signature()).getBytes(StandardCharsets.US_ASCII),
            fingerprint.getBytes(StandardCharsets.US_ASCII))
        ? checkRecord(identifier, Optional.empty(), locale)
        : Future.succeededFuture(tampered(locale, found.isPresent() ? "licence.verify.badSignature"
            : "licence.verify.unknown", null)));
  }

  private Future<JsonObject> checkRecord(String identifier, Optional<JsonObject> claimed, Locale locale) {
    return find(identifier).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(tampered(locale, "licence.verify.unknown", null));
      }
      Licence l = found.get();
      return key(l.keyId()).map(key -> {
        boolean recordIntact = key.isPresent() && Sm2.verify(key.get(), l.signedBytes(), l.signature());
        if (!recordIntact || claimed.isPresent() && !claimed.get().equals(l.signed())) {
          return tampered(locale, "licence.verify.recordMismatch", l);
        }
        String status = l.statusOn(calendar.today());
        String code = status.toLowerCase(Locale.ROOT);
        JsonObject out = new JsonObject().put("valid", "VALID".equals(status)).put("status", status)
            .put("reason", Messages.get(locale, REASON + code,
                l.validUntil().map(Object::toString).orElse(""), l.revocationReason().orElse("")))
            .put("reasonCode", code)
            .put("licence", l.toPublicJson());
        l.revokedAt().ifPresent(t -> out.put("revokedAt", t.toString()));
        l.revocationReason().ifPresent(r -> out.put("revocationReason", r));
        return out;
      });
    });
  }

  /** Verdict reasons are messages under this prefix; the rest of the key is the machine-readable reasonCode. */
  private static final String REASON = "licence.verify.";

  private static JsonObject tampered(Locale locale, String reasonKey, Licence l) {
    JsonObject out = new JsonObject().put("valid", false).put("status", "TAMPERED")
        .put("reason", Messages.get(locale, reasonKey)).put("reasonCode", reasonKey.substring(REASON.length()));
    if (l != null) {
      out.put("licence", new JsonObject().put("identifier", l.identifier()));
    }
    return out;
  }

  /** A key's public half; keys never change once written, so they are cached. */
  private Future<Optional<byte[]>> key(String keyId) {
    if (keyId == null) {
      return Future.succeededFuture(Optional.empty());
    }
    byte[] cached = publicKeys.get(keyId);
    if (cached != null) {
      return Future.succeededFuture(Optional.of(cached));
    }
    return store.publicKey(keyId).map(found -> {
      found.ifPresent(k -> publicKeys.put(keyId, k));
      return found;
    });
  }

  /**
   * A holder's (identity number or credit code) valid licences of one type, newest first, each as its holder
   * reads it: what form handlers are answered ({@code PluginHost}'s {@code LicenceLookup}, wired in Platform).
   */
  public Future<List<JsonObject>> validOf(String holderCode, String typeName) {
    LocalDate today = calendar.today();
    return store.valid(holderCode, typeName, today).map(licences -> {
      List<JsonObject> out = new ArrayList<>();
      licences.forEach(l -> out.add(l.toJson(today)));
      return out;
    });
  }

  /**
   * Licences of a case's applicant of the given types (what a department looks up when the case needs
   * them), valid ones first.
   */
  public Future<List<Licence>> ofHolders(List<String> holderCodes, List<String> typeNames) {
    return store.ofHolders(holderCodes, typeNames);
  }

  /** The QR code (PNG) that carries a licence's verification URL, drawn on a worker thread. */
  public Future<Buffer> qrPng(Licence l) {
    return vertx.executeBlocking(() -> Buffer.buffer(QrCodes.png(verificationUrl(l), 6)));
  }

  private static Future<Void> audit(SqlClient tx, String actor, String action, String identifier, JsonObject detail) {
    return AuditLog.record(tx, actor, action, "licence", identifier, detail);
  }

  private static Future<Void> outbox(SqlClient tx, String type, Licence l) {
    return Outbox.append(tx, "licence", l.identifier(), type, new JsonObject().put("identifier", l.identifier())
        .put("typeName", l.typeName()).put("typeCode", l.typeCode()).put("status", l.status())
        .put("applicationNumber", l.applicationNumber().orElse(null))
        .put("departmentCode", l.departmentCode().orElse(null)));
  }

  private static DomainException notFound(String identifier) {
    return new DomainException(ProblemCode.LICENCE_NOT_FOUND, "licence.notFound", identifier);
  }
}
