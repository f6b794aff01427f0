package cn.tongban.core.identity;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import java.util.Optional;
import java.util.Set;

/** A person who signs in: a citizen, or a member of staff in a department or hall. */
public record Account(
    String id,
    String username,
    String passwordHash,
    Caller.Kind kind,
    String displayName,
    Set<Role> roles,
    Optional<String> departmentCode,
    Optional<String> hallCode,
    Optional<String> idNumber,
    Optional<String> phone,
    boolean disabled,
    int realNameLevel,
    int tokenEpoch) {

  /** The caller this account acts as once signed in. */
  public Caller toCaller() {
    return new Caller(kind, id, roles, departmentCode, hallCode, Set.of());
  }
}
