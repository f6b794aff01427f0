package cn.tongban.core.material;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** What a file is, told by its first bytes, never by its name: the types a case may carry. */
public final class MediaTypes {
  private MediaTypes() {
  }

  /** PDF, OFD (the national fixed-layout format, a zip with {@code OFD.xml}), JPEG or PNG; empty otherwise. */
  public static Optional<String> sniff(byte[] b) {
    if (startsWith(b, "%PDF-".getBytes(StandardCharsets.US_ASCII))) {
      return Optional.of("application/pdf");
    }
    if (startsWith(b, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})) {
      return Optional.of("image/png");
    }
    if (startsWith(b, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) {
      return Optional.of("image/jpeg");
    }
    if (startsWith(b, new byte[] {'P', 'K', 3, 4}) && contains(b, "OFD.xml".getBytes(StandardCharsets.US_ASCII))) {
      return Optional.of("application/ofd");
    }
    return Optional.empty();
  }

  /** The file name extension that goes with a media type. */
  public static String extension(String mediaType) {
    return switch (mediaType) {
      case "application/pdf" -> ".pdf";
      case "image/png" -> ".png";
      case "image/jpeg" -> ".jpg";
      default -> ".ofd";
    };
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static boolean contains(byte[] b, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= b.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
