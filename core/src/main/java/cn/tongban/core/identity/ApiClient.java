package cn.tongban.core.identity;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.access.Channel;

import java.util.Set;
import java.util.stream.Collectors;

/** A third-party channel (portal, mini-program back end, kiosk) using client credentials. */
public record ApiClient(String clientId, String secretHash, String name, Set<Channel> channels, Set<String> scopes,
    boolean disabled) {

  /** Scope that lets a client exchange a signed-in citizen's token to act for them. */
  public static final String TOKEN_EXCHANGE = "token-exchange";

  public Caller toCaller() {
    return new Caller(Caller.Kind.CLIENT, clientId, Set.of(Role.CHANNEL), java.util.Optional.empty(),
        java.util.Optional.empty(), channels.stream().map(Enum::name).collect(Collectors.toSet()));
  }
}
