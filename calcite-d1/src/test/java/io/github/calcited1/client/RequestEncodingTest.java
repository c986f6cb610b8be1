package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exact bytes, path and headers the client sends. */
class RequestEncodingTest {
  private static final String OK = MockD1.localEnvelope("[]", "[]");
  private final MockD1 d1 = new MockD1();

  @AfterEach
  void close() {
    d1.close();
  }

  @Test
  void singleStatementGoesToRawWithBearerToken() throws Exception {
    d1.answer(200, OK);
    d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1"));
    RecordedRequest r = d1.request();
    assertEquals("POST", r.getMethod());
    assertEquals("/client/v4/accounts/acc0123/d1/database/" + MockD1.DB + "/raw", r.getUrl().encodedPath());
    assertEquals("Bearer " + MockD1.TOKEN, r.getHeaders().get("Authorization"));
    assertEquals("application/json; charset=utf-8", r.getHeaders().get("Content-Type"));
    assertEquals("calcite-d1-test", r.getHeaders().get("User-Agent"));
    assertEquals("{\"sql\":\"SELECT 1\"}", r.getBody().utf8());
  }

  @Test
  void everyParamTypeIsEncodedAsDocumented() throws Exception {
    d1.answer(200, OK);
    d1.client.execute(MockD1.DB, D1Statement.of("INSERT INTO t VALUES (?)",
        null, "héllo \"q\"", 9007199254740993L, Long.MIN_VALUE, 42, (short) -7, (byte) 3,
        new BigInteger("123456789012345678901234567890"), true, false,
        1.5d, 0.1f, -0.0d, 1e300, new BigDecimal("12.50"), new BigDecimal("1E+3"),
        new byte[] {0, -1, 1, -128, 127}, new byte[0]));
    assertEquals("{\"sql\":\"INSERT INTO t VALUES (?)\",\"params\":[null,\"héllo \\\"q\\\"\","
        + "\"9007199254740993\",\"-9223372036854775808\",\"42\",\"-7\",\"3\","
        + "\"123456789012345678901234567890\",\"1\",\"0\","
        + "1.5,0.1,-0.0,1.0E300,\"12.50\",\"1000\","
        + "[0,255,1,128,127],[]]}", d1.request().getBody().utf8());
  }

  @Test
  void batchBodyListsEveryStatement() throws Exception {
    String two = "{\"result\":[{\"results\":{\"columns\":[],\"rows\":[]},\"success\":true,\"meta\":{}},"
        + "{\"results\":{\"columns\":[],\"rows\":[]},\"success\":true,\"meta\":{}}],\"success\":true,"
        + "\"errors\":[],\"messages\":[]}";
    d1.answer(200, two);
    d1.client.batch(MockD1.DB, List.of(
        D1Statement.of("INSERT INTO t (a) VALUES (CAST(? AS INTEGER))", 5L),
        D1Statement.of("DELETE FROM t")));
    RecordedRequest r = d1.request();
    assertEquals("/client/v4/accounts/acc0123/d1/database/" + MockD1.DB + "/raw", r.getUrl().encodedPath());
    assertEquals("{\"batch\":[{\"sql\":\"INSERT INTO t (a) VALUES (CAST(? AS INTEGER))\",\"params\":[\"5\"]},"
        + "{\"sql\":\"DELETE FROM t\"}]}", r.getBody().utf8());
  }

  @Test
  void emptyBatchSendsNothing() throws Exception {
    assertTrue(d1.client.batch(MockD1.DB, List.of()).isEmpty());
    assertEquals(0, d1.server.getRequestCount());
  }

  @Test
  void pathSegmentsAreEncoded() throws Exception {
    d1.answer(200, OK);
    d1.client.execute("a/b c", D1Statement.of("SELECT 1"));
    assertEquals("/client/v4/accounts/acc0123/d1/database/a%2Fb%20c/raw", d1.request().getUrl().encodedPath());
  }

  @Test
  void baseUrlTrailingSlashIsIgnored() throws Exception {
    D1Client client = new D1Client(d1.config().baseUrl(d1.server.url("/client/v4/").toString()).build());
    d1.answer(200, OK);
    client.execute(MockD1.DB, D1Statement.of("SELECT 1"));
    assertEquals("/client/v4/accounts/acc0123/d1/database/" + MockD1.DB + "/raw", d1.request().getUrl().encodedPath());
  }
}
