package cn.tongban.core.access;

import java.util.Optional;
import java.util.Set;

/**
 * Who is acting: a person (citizen, enterprise user or staff) or a third-party client. Built from a
 * verified access token, so reading it costs no database round trip.
 */
public record Caller(
    Kind kind,
    String subject,
    Set<Role> roles,
    Optional<String> departmentCode,
    Optional<String> hallCode,
    Set<String> channels) {

  /** The kinds of caller. */
  public enum Kind { CITIZEN, STAFF, CLIENT }

  public Caller {
    roles = Set.copyOf(roles);
    channels = Set.copyOf(channels);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** The key that scopes idempotency keys and "my submissions" to this caller. */
  public String scopeKey() {
    return (kind == Kind.CLIENT ? "client:" : "account:") + subject;
  }
}
