package cn.tongban.core.identity;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Optional;
import java.util.Set;

/**
 * Who the caller is, as a console shows it: kind, login, name, roles and where they work (department and
 * hall, with names). A client's profile has only its id and roles.
 */
public record Profile(
    Caller.Kind kind,
    String subject,
    Optional<String> username,
    Optional<String> displayName,
    Set<Role> roles,
    Optional<String> departmentCode,
    Optional<String> departmentName,
    Optional<String> hallCode,
    Optional<String> hallName,
    int realNameLevel) {

  public Profile {
    roles = Set.copyOf(roles);
  }

  /** The JSON both APIs answer with (field names as in the contract's {@code Profile}). */
  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("kind", kind.name()).put("subject", subject)
        .put("roles", new JsonArray(roles.stream().map(Role::name).sorted().toList()))
        .put("realNameLevel", realNameLevel);
    username.ifPresent(v -> o.put("username", v));
    displayName.ifPresent(v -> o.put("displayName", v));
    departmentCode.ifPresent(v -> o.put("departmentCode", v));
    departmentName.ifPresent(v -> o.put("departmentName", v));
    hallCode.ifPresent(v -> o.put("hallCode", v));
    hallName.ifPresent(v -> o.put("hallName", v));
    return o;
  }
}
