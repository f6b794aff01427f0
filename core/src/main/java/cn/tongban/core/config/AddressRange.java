package cn.tongban.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * One address or CIDR block, IPv4 or IPv6 ({@code 10.0.0.0/8}, {@code 192.168.1.10}, {@code fd00::/8}): what
 * {@code TONGBAN_TRUSTED_PROXIES} lists. Only IP literals: a host name is never looked up.
 */
public record AddressRange(byte[] network, int prefix) {
  /** Compiled once: {@link #literal} reads the client address of every request. */
  private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final java.util.regex.Pattern IPV6_CHARACTERS = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]+");

  /** The range a text names, or empty when it is not an address or a block of addresses. */
  public static Optional<AddressRange> parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    Optional<byte[]> address = literal(slash < 0 ? t : t.substring(0, slash));
    if (address.isEmpty()) {
      return Optional.empty();
    }
    int bits = address.get().length * 8;
    if (slash < 0) {
      return Optional.of(new AddressRange(address.get(), bits));
    }
    String length = t.substring(slash + 1);
    if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
      return Optional.empty();
    }
    return Optional.of(new AddressRange(address.get(), Integer.parseInt(length)));
  }

  /** Whether {@code address} (the bytes of an IP address) lies in this range. */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int whole = prefix / 8;
    for (int i = 0; i < whole; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    int mask = (0xff << (8 - rest)) & 0xff;
    return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
  }

  /**
   * The bytes of an IP literal: a dotted IPv4 address, or an IPv6 one (an IPv4-mapped IPv6 address as its IPv4
   * address); empty for anything else.
   */
  public static Optional<byte[]> literal(String text) {
    if (IPV4.matcher(text).matches()) {
      String[] parts = text.split("\\.");
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        int n = Integer.parseInt(parts[i]);
        if (n > 255) {
          return Optional.empty();
        }
        b[i] = (byte) n;
      }
      return Optional.of(b);
    }
    if (text.indexOf(':') < 0 || !IPV6_CHARACTERS.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      // A text with a colon is read as an IPv6 literal (and refused if it is none), never looked up.
      return Optional.of(InetAddress.getByName(text).getAddress());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      return "?/" + prefix;
    }
  }
}
