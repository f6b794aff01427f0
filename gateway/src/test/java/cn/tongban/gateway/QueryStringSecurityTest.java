package cn.tongban.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 31 item 8: query values are strings, whatever characters they hold (not JSON to be parsed). */
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
}
