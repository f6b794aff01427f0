package cn.tongban.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 31 item 8: query values are strings, whatever they hold (not JSON to parse); odd requests told plainly. */
class QueryStringSecurityTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void aSearchForJsonLookingTextIsASearch() throws Exception {
    // \  [1]  {"a":1}  "  (URL-encoded as a browser sends them)
    for (String q : new String[] {"%5C", "%5B1%5D", "%7B%22a%22%3A1%7D", "%22", "%E8%80%81%E5%B9%B4"}) {
      HttpResponse<String> r = gateway.send("GET", "/api/v1/matters?q=" + q, null);
      assertEquals(200, r.statusCode(), q + ": " + r.body());
    }
    HttpResponse<String> found = gateway.send("GET", "/api/v1/matters?q=%E8%80%81%E5%B9%B4", null);
    assertEquals(true, found.body().contains("老年"), found.body());
  }

  @Test
  void aPercentSignIsSearchedForNotDecodedTwice() throws Exception {
    // %25 is "%" itself; a bare % is what a hand-typed URL sends. Both were 400 "Can't decode URL value".
    for (String q : new String[] {"%25", "%", "100%25", "%25E8"}) {
      String answer = raw("GET /api/v1/matters?q=" + q + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      assertEquals("HTTP/1.1 200 OK", answer.lines().findFirst().orElse(""), q + ": " + answer);
    }
    // The same in a query parameter of a signed-in read (work orders searched by case number).
    assertEquals(200, gateway.get("hotline", "/api/v1/work-orders?caseNumber=%25").statusCode());
  }

  /** A request as written, for what java.net.http refuses to send (a bare % in a URI). */
  private static String raw(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void aVeryLongFileNameIsToldPlainly() throws Exception {
    HttpResponse<String> r = gateway.upload("citizen", Map.of("kind", "photo"), "名".repeat(5000) + ".pdf",
        "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".getBytes(
            java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("请求无法解析（例如文件名或请求头过长），请检查后重试。",
        new io.vertx.core.json.JsonObject(r.body()).getString("detail"), "not a detail ending in null");
  }
}
