package dev.ferry.mask;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.catalog.CatalogReader;
import dev.ferry.catalog.TableInfo;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.MaskRule;
import dev.ferry.db.Database;
import dev.ferry.db.Side;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules' SQL on a real server: each keeps its column's type and shape, NULL stays NULL and '' stays '', the same
 * value masks the same way in two tables, another salt masks it differently, and no original value comes out.
 */
class MaskSqlTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl db;
  private TableInfo people;
  private TableInfo contacts;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    db = dbs.create("mask");
    dbs.execute(db, """
        CREATE TABLE people (id int PRIMARY KEY, email text, phone varchar(40), full_name text, handle text,
          notes text, born date, seen timestamptz, tier text);
        INSERT INTO people VALUES
          (1, 'ada@lovelace.org', '+44 (20) 7946-0018', 'Ada Lovelace', 'AdaL_1815', 'Wrote the first program.',
           '1815-12-10', '2026-01-02 03:04:05+00', 'gold'),
          (2, 'alan@turing.uk', '020 7946 0999', 'Alan', 'turing42', '', '1912-06-23', NULL, 'silver'),
          (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        CREATE TABLE contacts (id int PRIMARY KEY, email text);
        INSERT INTO contacts VALUES (10, 'ada@lovelace.org');
        """);
    salt("first salt");
    Database d = Database.open(vertx, Side.SOURCE, db, 1, 5, true);
    var catalog = await(CatalogReader.read(d.pool()));
    people = catalog.tables().values().stream().filter(t -> t.name().name().equals("people")).findFirst().orElseThrow();
    contacts = catalog.tables().values().stream().filter(t -> t.name().name().equals("contacts")).findFirst().orElseThrow();
    await(d.close());
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  /** New sessions get the salt, as Ferry's production sessions do (set_config on connect). */
  private void salt(String salt) {
    dbs.execute(db, "ALTER DATABASE " + db.database() + " SET " + MaskSql.SALT_SETTING + " = '" + salt + "'");
  }

  private static Map<String, MaskRule> rules() {
    Map<String, MaskRule> r = new LinkedHashMap<>();
    r.put("email", new MaskRule(MaskRule.Kind.EMAIL, null, List.of(), false));
    r.put("phone", new MaskRule(MaskRule.Kind.PHONE, null, List.of(), false));
    r.put("full_name", new MaskRule(MaskRule.Kind.NAME, null, List.of(), false));
    r.put("handle", new MaskRule(MaskRule.Kind.TEXT, null, List.of(), false));
    r.put("notes", new MaskRule(MaskRule.Kind.REDACT, null, List.of(), false));
    r.put("born", new MaskRule(MaskRule.Kind.SHIFT, "30", List.of(), false));
    r.put("seen", new MaskRule(MaskRule.Kind.SHIFT, "7", List.of(), false));
    r.put("tier", new MaskRule(MaskRule.Kind.FAKE, null, List.of("bronze", "silver", "gold"), false));
    return r;
  }

  /** Every row of the masked relation, each column as text (NULL as null), in id order. */
  private List<List<String>> masked(TableInfo table, Map<String, MaskRule> rules) {
    List<List<String>> out = new ArrayList<>();
    String cols = String.join(", ", table.columns().stream().map(c -> "m." + c.sql() + "::text").toList());
    for (Row r : dbs.execute(db, "SELECT " + cols + " FROM " + MaskSql.relation(table.fromSql(), table.columns(), rules)
        + " m ORDER BY m.id")) {
      List<String> row = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        row.add(r.getString(i));
      }
      out.add(row);
    }
    return out;
  }

  @Test
  void eachRuleKeepsTypeAndShapeAndNoOriginalComesOut() {
    List<List<String>> rows = masked(people, rules());
    List<String> ada = rows.get(0);
    assertEquals("1", ada.get(0), "the key is kept");
    assertTrue(ada.get(1).matches("user_[0-9a-f]{16}@example\\.invalid"), ada.get(1));
    assertTrue(ada.get(2).matches("\\+\\d\\d \\(\\d\\d\\) \\d{4}-\\d{4}"), "phone keeps its format: " + ada.get(2));
    assertTrue(ada.get(3).matches("[A-Z][a-z]+ [A-Z][a-z]+"), "a first and a last name: " + ada.get(3));
    assertTrue(ada.get(4).matches("[A-Z][a-z]{2}[A-Z]_\\d{4}"), "same shape: " + ada.get(4));
    assertEquals("xxxxx xxx xxxxx xxxxxxx.", ada.get(5));
    long days = java.time.temporal.ChronoUnit.DAYS.between(java.time.LocalDate.parse("1815-12-10"),
        java.time.LocalDate.parse(ada.get(6)));
    assertTrue(Math.abs(days) <= 30, "shifted by at most 30 days: " + days);
    assertTrue(List.of("bronze", "silver", "gold").contains(ada.get(8)), ada.get(8));
    List<String> alan = rows.get(1);
    assertTrue(alan.get(3).matches("[A-Z][a-z]+"), "one name stays one name: " + alan.get(3));
    assertEquals("", alan.get(5), "'' stays ''");
    assertEquals(null, alan.get(7), "NULL stays NULL");
    rows.get(2).subList(1, 9).forEach(v -> assertEquals(null, v, "a NULL row stays NULL"));

    String all = rows.toString();
    for (String original : List.of("lovelace", "Lovelace", "7946", "Ada", "AdaL", "Wrote", "1815-12-10", "turing", "Alan")) {
      assertFalse(all.contains(original), original + " came out: " + all);
    }
    assertEquals("date", dbs.text(db, "SELECT pg_typeof(m.born)::text FROM " + MaskSql.relation(people.fromSql(),
        people.columns(), rules()) + " m LIMIT 1"));
  }

  @Test
  void theSameValueMasksTheSameEverywhereAndAnotherSaltDifferently() {
    Map<String, MaskRule> email = Map.of("email", new MaskRule(MaskRule.Kind.EMAIL, null, List.of(), false));
    String inPeople = masked(people, email).get(0).get(1);
    assertEquals(inPeople, masked(contacts, email).get(0).get(1), "a masked key still joins");
    assertEquals(masked(people, rules()), masked(people, rules()), "deterministic");
    salt("another salt");
    assertNotEquals(inPeople, masked(people, email).get(0).get(1));
  }
}
