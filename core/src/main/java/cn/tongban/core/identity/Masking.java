package cn.tongban.core.identity;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.plugin.IdNumber;
import io.vertx.core.json.JsonObject;

/**
 * One rule set for personal data shown to someone who does not need it in full (DOMAIN.md §7): names to
 * their first character, phones to {@code 138****1234}, identity numbers without the birth date, addresses
 * only down to the township or street.
 */
public final class Masking {
  private static final String[] AREA_ENDINGS = {"街道", "镇", "乡", "办事处"};

  private Masking() {
  }

  /**
   * THE masking policy: whether a caller sees other people's personal data masked. 12345 hotline staff
   * answer questions about a case (its status, steps, deadlines) and never need the applicant's identity,
   * licences or files; every read path a hotline caller reaches (case, materials, licences on a case,
   * notices, receipts, downloads) asks this one question.
   */
  public static boolean masks(Caller caller) {
    return caller.kind() == Caller.Kind.STAFF && caller.has(Role.HOTLINE);
  }

  /** {@link #masks(Caller)} for a case: a hotline caller who submitted it themselves (by phone) sees it in full. */
  public static boolean masks(Caller caller, String submittedBy) {
    return masks(caller) && !caller.scopeKey().equals(submittedBy);
  }

  /**
   * The applicant of a case (submitted by {@code submittedBy}) as this caller may see them: masked by
   * {@link #person} when {@link #masks(Caller, String)} says so, otherwise as recorded. Every view and notice
   * of a case names its applicant through this.
   */
  public static JsonObject applicant(Caller caller, String submittedBy, JsonObject applicant) {
    return masks(caller, submittedBy) ? person(applicant) : applicant;
  }

  /**
   * A licence as a masked caller may see it: what it is, its status and validity, the holder masked; no
   * surface data (names, identity numbers, birth dates, addresses) and no verification payload (which
   * carries the holder's code).
   */
  public static JsonObject licence(JsonObject l) {
    JsonObject m = new JsonObject();
    for (String key : new String[] {"identifier", "typeCode", "typeName", "name", "number", "holderCodeType",
        "issuerName", "issuerCode", "issueDate", "jurisdiction", "validFrom", "validUntil", "status", "keyId",
        "departmentCode", "applicationNumber", "revokedAt", "revocationReason"}) {
      if (l.containsKey(key)) {
        m.put(key, l.getValue(key));
      }
    }
    boolean enterprise = "001".equals(l.getString("holderCodeType"));
    m.put("holderName", enterprise ? l.getString("holderName") : name(l.getString("holderName")));
    m.put("holderCode", enterprise ? l.getString("holderCode") : idNumber(l.getString("holderCode")));
    m.put("surface", new JsonObject());
    return m;
  }

  public static String name(String name) {
    return name == null || name.isEmpty() ? name : name.charAt(0) + "*".repeat(Math.max(1, name.length() - 1));
  }

  public static String phone(String phone) {
    return phone == null || phone.length() < 7 ? phone
        : phone.substring(0, 3) + "****" + phone.substring(phone.length() - 4);
  }

  public static String idNumber(String id) {
    return IdNumber.mask(id);
  }

  /** The address up to its township or street (e.g. 新密市青屏街街道***); otherwise its first six characters. */
  public static String address(String address) {
    if (address == null || address.isEmpty()) {
      return address;
    }
    int cut = -1;
    for (String ending : AREA_ENDINGS) {
      int at = address.indexOf(ending);
      if (at >= 0 && (cut < 0 || at + ending.length() < cut)) {
        cut = at + ending.length();
      }
    }
    if (cut < 0) {
      cut = Math.min(6, address.length());
    }
    return address.substring(0, cut) + "***";
  }

  /** A person (or enterprise) record with every personal field masked; enterprise names stay, they are public. */
  public static JsonObject person(JsonObject p) {
    JsonObject m = p.copy();
    if (!"ENTERPRISE".equals(m.getString("kind"))) {
      m.put("name", name(m.getString("name")));
    }
    if (m.containsKey("phone")) {
      m.put("phone", phone(m.getString("phone")));
    }
    if (m.containsKey("idNumber")) {
      m.put("idNumber", idNumber(m.getString("idNumber")));
    }
    if (m.containsKey("address")) {
      m.put("address", address(m.getString("address")));
    }
    if (m.getValue("agent") instanceof JsonObject agent) {
      m.put("agent", person(agent));
    }
    return m;
  }
}
