package io.github.calcited1.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The demo's data: a small coffee-and-tea web shop, generated deterministically (fixed seed), so every run of
 * {@code ./d1-sqlline --demo} and every test sees the same rows.
 *
 * <ul>
 *   <li>D1 database {@code shop}: {@code customers} (400), {@code products} (60), {@code orders} (1,500),
 *       {@code order_lines} (about 4,500). Unicode names, NULL e-mails/cities/notes/shipping dates, ISO dates
 *       stored as TEXT the way D1 stores them.</li>
 *   <li>CSV directory: {@code countries.csv} (code, name, region, currency, VAT rate) for Calcite's file adapter.</li>
 *   <li>SQLite file {@code inventory.db}: {@code warehouses} and {@code stock} for Calcite's JDBC adapter.</li>
 * </ul>
 */
public final class DemoData {
  public static final long SEED = 20240607L;
  public static final int CUSTOMERS = 400;
  public static final int PRODUCTS = 60;
  public static final int ORDERS = 1500;

  /** Countries: code, name, region, currency, VAT rate. Written to countries.csv, referenced by customers.country. */
  static final String[][] COUNTRIES = {
      {"DE", "Germany", "Europe", "EUR", "0.19"},
      {"FR", "France", "Europe", "EUR", "0.20"},
      {"ES", "Spain", "Europe", "EUR", "0.21"},
      {"PL", "Poland", "Europe", "PLN", "0.23"},
      {"SE", "Sweden", "Europe", "SEK", "0.25"},
      {"GB", "United Kingdom", "Europe", "GBP", "0.20"},
      {"US", "United States", "Americas", "USD", "0.00"},
      {"CA", "Canada", "Americas", "CAD", "0.05"},
      {"BR", "Brazil", "Americas", "BRL", "0.17"},
      {"MX", "Mexico", "Americas", "MXN", "0.16"},
      {"JP", "Japan", "Asia-Pacific", "JPY", "0.10"},
      {"VN", "Vietnam", "Asia-Pacific", "VND", "0.10"},
      {"AU", "Australia", "Asia-Pacific", "AUD", "0.10"},
      {"TR", "Türkiye", "Middle East & Africa", "TRY", "0.20"},
      {"ZA", "South Africa", "Middle East & Africa", "ZAR", "0.15"},
  };

  private static final String[] FIRST = {
      "José", "Zoë", "Søren", "Łukasz", "Chloé", "Mårten", "Ayşe", "Đorđe", "François", "Jürgen", "Renée",
      "Anaïs", "Björn", "Małgorzata", "Ørjan", "Inês", "Nguyễn Văn", "Yuki", "Emma", "Liam", "Olivia", "Noah",
      "Ava", "Mateo", "Sofía", "Lucas", "Mia", "Hiroshi", "Aiko", "Kwame", "Thandiwe", "João", "Ana", "Pedro",
      "Léa", "Hugo", "Élodie", "Şebnem", "Olga", "Ian"};
  private static final String[] LAST = {
      "García", "Müller", "Kowalski", "Dubois", "Johansson", "Øberg", "Yılmaz", "Petrović", "Smith", "Brown",
      "Tanaka", "佐藤", "Nakamura", "Nguyễn", "Trần", "Silva", "Souza", "Martínez", "López", "O'Brien", "Dvořák",
      "Fernández", "Novák", "Lindqvist", "Wójcik", "Schröder", "Taylor", "Mbeki", "Khumalo", "Lefèvre"};
  private static final String[] CITIES_BY_COUNTRY_FALLBACK = {"Capital", "Harbour Town", "Old Town"};
  private static final String[][] CITIES = {
      {"Berlin", "München", "Köln"}, {"Paris", "Lyon", "Besançon"}, {"Madrid", "Sevilla", "A Coruña"},
      {"Kraków", "Łódź", "Gdańsk"}, {"Stockholm", "Göteborg", "Malmö"}, {"London", "Leeds", "Bristol"},
      {"New York", "Portland", "Austin"}, {"Montréal", "Toronto", "Québec"}, {"São Paulo", "Florianópolis", "Recife"},
      {"Ciudad de México", "Mérida", "León"}, {"東京", "大阪", "Sapporo"}, {"Hà Nội", "Đà Nẵng", "Huế"},
      {"Sydney", "Melbourne", "Hobart"}, {"İstanbul", "İzmir", "Ankara"}, {"Cape Town", "Durban", "Soweto"}};

  private static final String[][] CATEGORIES = {
      {"Coffee", "Ethiopia Yirgacheffe", "Colombia Huila", "Brazil Cerrado", "Kenya AA", "Guatemala Antigua",
          "Sumatra Mandheling", "Espresso Blend", "Decaf Swiss Water", "Costa Rica Tarrazú", "Panamá Geisha",
          "Rwanda Nyamasheke", "Yemen Mokha"},
      {"Tea", "Sencha", "Gyokuro", "Darjeeling First Flush", "Assam Breakfast", "Earl Grey", "Rooibos",
          "Oolong Tieguanyin", "Matcha Ceremonial", "Pu-erh 2015", "Chai Masala", "Genmaicha", "Lapsang Souchong"},
      {"Equipment", "Pour-over Dripper", "French Press 1 l", "Burr Grinder", "Gooseneck Kettle", "Espresso Tamper",
          "Moka Pot 6 cups", "Cold Brew Jar", "Scale 0.1 g", "Milk Frother", "AeroPress", "Siphon Brewer",
          "Tea Kettle Tetsubin"},
      {"Accessories", "Paper Filters ×100", "Ceramic Mug", "Travel Tumbler", "Tea Infuser", "Canister 500 g",
          "Cleaning Tablets", "Knock Box", "Latte Art Jug", "Chasen Whisk", "Tea Towel", "Cupping Spoon",
          "Coaster Set"},
      {"Books", "The World Atlas of Coffee", "Tea: History, Terroirs", "Café Culture", "The Professional Barista",
          "L'Art du Thé", "Kaffee für Anfänger", "Coffee Roasting at Home", "Water for Coffee", "The Tea Book",
          "Brew Ratio Handbook", "Über Kaffee", "Matcha Stories"}};

  private static final String[] STATUSES = {"delivered", "delivered", "delivered", "shipped", "processing",
      "cancelled"};
  private static final String[] NOTES = {"Gift wrap, please", "Leave at the door", "Ring twice",
      "Deliver after 18:00", "Rechnung an die Firma", "Sans emballage plastique", "請放在門口"};

  private final List<String> d1Statements = new ArrayList<>();

  private DemoData() {
  }

  /** The statements that create and fill the D1 database (DDL first, then multi-row INSERTs, each < 100 KB). */
  public static List<String> d1Statements() {
    DemoData d = new DemoData();
    d.generate();
    return d.d1Statements;
  }

  private void generate() {
    Random r = new Random(SEED);
    d1Statements.add("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, "
        + "country TEXT NOT NULL, city TEXT, signup_date TEXT NOT NULL, vip INTEGER NOT NULL DEFAULT 0)");
    d1Statements.add("CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, name TEXT NOT NULL, "
        + "category TEXT NOT NULL, price REAL NOT NULL, description TEXT, discontinued INTEGER NOT NULL DEFAULT 0)");
    d1Statements.add("CREATE TABLE orders (id INTEGER PRIMARY KEY, "
        + "customer_id INTEGER NOT NULL REFERENCES customers(id), "
        + "order_date TEXT NOT NULL, status TEXT NOT NULL, shipped_date TEXT, note TEXT)");
    d1Statements.add("CREATE TABLE order_lines (order_id INTEGER NOT NULL REFERENCES orders(id), "
        + "line_no INTEGER NOT NULL, product_id INTEGER NOT NULL REFERENCES products(id), "
        + "quantity INTEGER NOT NULL, unit_price REAL NOT NULL, PRIMARY KEY (order_id, line_no))");
    d1Statements.add("CREATE INDEX orders_customer ON orders(customer_id)");
    d1Statements.add("CREATE INDEX order_lines_product ON order_lines(product_id)");

    // customers
    List<String> rows = new ArrayList<>();
    LocalDate[] signup = new LocalDate[CUSTOMERS + 1];
    LocalDate start = LocalDate.of(2021, 1, 1);
    for (int id = 1; id <= CUSTOMERS; id++) {
      String first = FIRST[r.nextInt(FIRST.length)];
      String last = LAST[r.nextInt(LAST.length)];
      int ci = r.nextInt(COUNTRIES.length);
      String country = COUNTRIES[ci][0];
      String[] cities = ci < CITIES.length ? CITIES[ci] : CITIES_BY_COUNTRY_FALLBACK;
      String city = r.nextInt(12) == 0 ? null : cities[r.nextInt(cities.length)];
      String email = r.nextInt(8) == 0 ? null
          : ascii(first).toLowerCase(Locale.ROOT) + "." + ascii(last).toLowerCase(Locale.ROOT) + id + "@example.com";
      signup[id] = start.plusDays(r.nextInt(1200));
      int vip = r.nextInt(10) == 0 ? 1 : 0;
      rows.add("(" + id + ", " + q(first + " " + last) + ", " + q(email) + ", " + q(country) + ", " + q(city)
          + ", " + q(signup[id].toString()) + ", " + vip + ")");
    }
    insert("customers", "id, name, email, country, city, signup_date, vip", rows);

    // products
    rows = new ArrayList<>();
    double[] price = new double[PRODUCTS + 1];
    int id = 0;
    for (String[] cat : CATEGORIES) {
      for (int k = 1; k < cat.length; k++) {
        id++;
        double base = switch (cat[0]) {
          case "Equipment" -> 25 + r.nextInt(180);
          case "Books" -> 14 + r.nextInt(30);
          case "Accessories" -> 3 + r.nextInt(25);
          default -> 7 + r.nextInt(30);
        };
        price[id] = base + (r.nextInt(4) == 0 ? 0.5 : 0.99);
        String sku = cat[0].substring(0, 3).toUpperCase(Locale.ROOT) + "-" + (1000 + id);
        String description = r.nextInt(3) == 0 ? null : cat[0] + ": " + cat[k] + " — our " + (k % 2 == 0
            ? "bestseller" : "house pick");
        int discontinued = r.nextInt(12) == 0 ? 1 : 0;
        rows.add("(" + id + ", " + q(sku) + ", " + q(cat[k]) + ", " + q(cat[0]) + ", " + price[id] + ", "
            + q(description) + ", " + discontinued + ")");
      }
    }
    insert("products", "id, sku, name, category, price, description, discontinued", rows);

    // orders and lines
    List<String> orderRows = new ArrayList<>();
    List<String> lineRows = new ArrayList<>();
    for (int o = 1; o <= ORDERS; o++) {
      int customer = 1 + r.nextInt(CUSTOMERS);
      LocalDate date = signup[customer].plusDays(r.nextInt(400));
      String status = STATUSES[r.nextInt(STATUSES.length)];
      String shipped = status.equals("delivered") || status.equals("shipped")
          ? date.plusDays(1 + r.nextInt(5)).toString() : null;
      String note = r.nextInt(9) == 0 ? NOTES[r.nextInt(NOTES.length)] : null;
      orderRows.add("(" + o + ", " + customer + ", " + q(date.toString()) + ", " + q(status) + ", " + q(shipped)
          + ", " + q(note) + ")");
      int lines = 1 + r.nextInt(5);
      for (int l = 1; l <= lines; l++) {
        int product = 1 + r.nextInt(PRODUCTS);
        int quantity = 1 + r.nextInt(4);
        double unit = r.nextInt(10) == 0 ? Math.round(price[product] * 90) / 100.0 : price[product];
        lineRows.add("(" + o + ", " + l + ", " + product + ", " + quantity + ", " + unit + ")");
      }
    }
    insert("orders", "id, customer_id, order_date, status, shipped_date, note", orderRows);
    insert("order_lines", "order_id, line_no, product_id, quantity, unit_price", lineRows);
  }

  private void insert(String table, String columns, List<String> rows) {
    for (int i = 0; i < rows.size(); i += 250) {
      d1Statements.add("INSERT INTO " + table + " (" + columns + ") VALUES "
          + String.join(", ", rows.subList(i, Math.min(rows.size(), i + 250))));
    }
  }

  /** Writes {@code countries.csv} (Calcite file adapter header syntax: {@code NAME:type}). */
  public static Path writeCsv(Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder sb = new StringBuilder("code:string,name:string,region:string,currency:string,vat_rate:double\n");
    for (String[] c : COUNTRIES) {
      sb.append(c[0]).append(',').append(csv(c[1])).append(',').append(csv(c[2])).append(',').append(c[3])
          .append(',').append(c[4]).append('\n');
    }
    Path file = dir.resolve("countries.csv");
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    return file;
  }

  /** Creates the SQLite file reached through Calcite's JDBC adapter: warehouses and per-product stock. */
  public static Path writeInventory(Path file) throws SQLException {
    Random r = new Random(SEED + 1);
    try (Connection c =
             new org.sqlite.JDBC().connect("jdbc:sqlite:" + file.toAbsolutePath(), new java.util.Properties());
         Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("CREATE TABLE warehouses (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL)");
      s.execute("INSERT INTO warehouses VALUES (1, 'Hamburg Hafen', 'Hamburg'), (2, 'Rotterdam Noord', 'Rotterdam'),"
          + " (3, 'Newark East', 'Newark')");
      s.execute("CREATE TABLE stock (product_id INTEGER NOT NULL, warehouse_id INTEGER NOT NULL, "
          + "on_hand INTEGER NOT NULL, reorder_level INTEGER NOT NULL, PRIMARY KEY (product_id, warehouse_id))");
      StringBuilder sb = new StringBuilder("INSERT INTO stock VALUES ");
      for (int p = 1; p <= PRODUCTS; p++) {
        for (int w = 1; w <= 3; w++) {
          if (p > 1 || w > 1) {
            sb.append(", ");
          }
          sb.append('(').append(p).append(", ").append(w).append(", ").append(r.nextInt(120)).append(", ")
              .append(10 + r.nextInt(20)).append(')');
        }
      }
      s.execute(sb.toString());
      c.commit();
    }
    return file;
  }

  static String q(String s) {
    return s == null ? "NULL" : "'" + s.replace("'", "''") + "'";
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  private static String ascii(String s) {
    String n = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    n = n.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O").replace("đ", "d")
        .replace("Đ", "D").replace("ı", "i").replace("'", "").replace(" ", "");
    n = n.replaceAll("[^A-Za-z]", "");
    return n.isEmpty() ? "customer" : n;
  }
}
