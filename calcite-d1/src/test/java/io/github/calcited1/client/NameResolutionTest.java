package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NameResolutionTest {
  private static final String SHOP = "11111111-2222-3333-4444-555555555555";
  private static final String SHOP2 = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  private final MockD1 d1 = new MockD1();

  @AfterEach
  void close() {
    d1.close();
  }

  private static String page(int page, int count, int total, String... entries) {
    return "{\"result\":[" + String.join(",", entries) + "],\"result_info\":{\"page\":" + page
        + ",\"per_page\":100,\"count\":" + count + ",\"total_count\":" + total + "},\"success\":true,"
        + "\"errors\":[],\"messages\":[]}";
  }

  private static String db(String uuid, String name) {
    return "{\"uuid\":\"" + uuid + "\",\"name\":\"" + name + "\",\"version\":\"production\",\"num_tables\":3,"
        + "\"file_size\":12288,\"created_at\":\"2026-01-01T00:00:00.000Z\","
        + "\"read_replication\":{\"mode\":\"disabled\"}}";
  }

  @Test
  void uuidIsUsedAsIsWithoutARequest() throws Exception {
    assertEquals(SHOP, d1.client.resolveDatabaseId(SHOP));
    assertEquals(0, d1.server.getRequestCount());
  }

  @Test
  void exactNameMatchAmongLooserOnes() throws Exception {
    d1.answer(200, page(1, 2, 2, db(SHOP2, "shop-archive"), db(SHOP, "shop")));
    assertEquals(SHOP, d1.client.resolveDatabaseId("shop"));
    RecordedRequest r = d1.request();
    assertEquals("GET", r.getMethod());
    assertEquals("/client/v4/accounts/acc0123/d1/database", r.getUrl().encodedPath());
    assertEquals("shop", r.getUrl().queryParameter("name"));
    assertEquals("1", r.getUrl().queryParameter("page"));
    assertEquals("100", r.getUrl().queryParameter("per_page"));
    assertEquals("Bearer " + MockD1.TOKEN, r.getHeaders().get("Authorization"));
  }

  @Test
  void readsEveryPage() throws Exception {
    String[] first = new String[100];
    for (int i = 0; i < 100; i++) {
      first[i] = db(String.format("00000000-0000-0000-0000-%012d", i), "shop-" + i);
    }
    d1.answer(200, page(1, 100, 101, first));
    d1.answer(200, page(2, 1, 101, db(SHOP, "shop")));
    assertEquals(SHOP, d1.client.resolveDatabaseId("shop"));
    d1.request();
    assertEquals("2", d1.request().getUrl().queryParameter("page"));
    assertEquals(2, d1.server.getRequestCount());
  }

  @Test
  void notFoundNamesTheDatabase() {
    d1.answer(200, page(1, 1, 1, db(SHOP2, "shop-archive")));
    D1DatabaseNotFoundException e = assertThrows(D1DatabaseNotFoundException.class,
        () -> d1.client.resolveDatabaseId("shop"));
    assertEquals("3D000", e.getSQLState());
    assertTrue(e.getMessage().startsWith("No D1 database is named 'shop' in account acc0123. Check the name"),
        e.getMessage());
  }

  @Test
  void emptyListIsNotFound() {
    d1.answer(200, page(1, 0, 0));
    assertThrows(D1DatabaseNotFoundException.class, () -> d1.client.resolveDatabaseId("shop"));
    assertEquals(1, d1.server.getRequestCount());
  }

  @Test
  void ambiguousNameListsTheIds() {
    d1.answer(200, page(1, 2, 2, db(SHOP, "shop"), db(SHOP2, "shop")));
    D1Exception e = assertThrows(D1Exception.class, () -> d1.client.resolveDatabaseId("shop"));
    assertTrue(e.getMessage().contains(SHOP) && e.getMessage().contains(SHOP2), e.getMessage());
    assertTrue(e.getMessage().contains("Pass the database id"), e.getMessage());
  }

  @Test
  void listErrorsAreMapped() {
    d1.answer(403, MockD1.errorEnvelope(7403, "The given account is not valid or is not authorized to access this"
        + " service"));
    assertThrows(D1AuthenticationException.class, () -> d1.client.resolveDatabaseId("shop"));
  }

  @Test
  void malformedListIsAProtocolError() {
    d1.answer(200, "{\"result\":[{\"uuid\":\"x\",\"name\":\"shop\"}");
    assertThrows(D1ProtocolException.class, () -> d1.client.resolveDatabaseId("shop"));
  }
}
