package cn.tongban.gateway.http;

import cn.tongban.core.config.AddressRange;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place that decides a request's client address: what the per-address rates, sign-in throttling and the
 * audit of sign-ins count (docs/security.md, "Client addresses"). It is the connection's peer, unless that peer is
 * a trusted proxy ({@code TONGBAN_TRUSTED_PROXIES}); then it is the right-most address of {@code X-Forwarded-For}
 * that is not a trusted proxy. Each proxy appends the address it got the request from, so everything left of the
 * first untrusted hop was written by the client and may be anything; a header from an untrusted peer is never read.
 */
public final class ClientAddress {
  private final List<AddressRange> trusted;

  public ClientAddress(List<AddressRange> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** The client address of a connection from {@code peer} whose request carried {@code headers}. */
  public String of(SocketAddress peer, MultiMap headers) {
    if (peer == null) {
      return "unknown";
    }
    Optional<byte[]> at = AddressRange.literal(peer.hostAddress());
    if (at.isEmpty()) {
      return peer.hostAddress();
    }
    byte[] client = at.get();
    if (!trusted(client)) {
      return text(client);
    }
    List<String> hops = new ArrayList<>();
    for (String value : headers.getAll("X-Forwarded-For")) {
      hops.addAll(List.of(value.split(",")));
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<byte[]> hop = hop(hops.get(i));
      if (hop.isEmpty()) {
        // Not an address: no proxy wrote it, so nothing left of it is better than the last trusted hop.
        break;
      }
      client = hop.get();
      if (!trusted(client)) {
        break;
      }
    }
    return text(client);
  }

  private boolean trusted(byte[] address) {
    return trusted.stream().anyMatch(r -> r.contains(address));
  }

  /** One hop of the header: an address, possibly with a port ({@code 1.2.3.4:5678}, {@code [2001:db8::1]:80}). */
  private static Optional<byte[]> hop(String text) {
    String t = text.trim();
    if (t.startsWith("[")) {
      int end = t.indexOf(']');
      t = end < 0 ? "" : t.substring(1, end);
    } else if (t.matches("[0-9.]+:\\d+")) {
      t = t.substring(0, t.indexOf(':'));
    }
    return AddressRange.literal(t);
  }

  /** One spelling per address, whichever way it was written (rates count by this text). */
  private static String text(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
