package dev.ferry.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A table's column differences from two described tables, no database: what each kind of drift becomes. */
class SchemaDiffTest {
  private static DbSchema.Column col(String name, String type, boolean notNull, String dflt, String collation) {
    return new DbSchema.Column(name, type, notNull, dflt, "", null, collation);
  }

  private static DbSchema.Table table(DbSchema.Column... columns) {
    Map<String, DbSchema.Column> byName = new LinkedHashMap<>();
    for (DbSchema.Column c : columns) {
      byName.put(c.name(), c);
    }
    return new DbSchema.Table("public", "dogs", "public.dogs", null, null, null, null, byName, Map.of(), Map.of());
  }

  private static Change only(List<Change> changes) {
    assertEquals(1, changes.size(), changes::toString);
    return changes.get(0);
  }

  @Test
  void sameColumnsMeanNoChange() {
    DbSchema.Table t = table(col("id", "integer", true, null, null), col("name", "text", false, null, "\"default\""));
    assertEquals(List.of(), SchemaDiff.columns(t, t));
  }

  @Test
  void aColumnOnlyOnTheSourceIsAddedAndANotNullOneWithoutDefaultIsFlagged() {
    DbSchema.Table target = table(col("id", "integer", true, null, null));
    Change nullable = only(SchemaDiff.columns(table(col("id", "integer", true, null, null),
        col("note", "text", false, null, null)), target));
    assertEquals("ALTER TABLE public.dogs ADD COLUMN note text", nullable.sql());
    assertFalse(nullable.destructive());
    Change strict = only(SchemaDiff.columns(table(col("id", "integer", true, null, null),
        col("chip", "bigint", true, null, null)), target));
    assertTrue(strict.description().contains("NOT NULL without a default"), strict.description());
  }

  @Test
  void aLongerVarcharIsSafeAndAnyOtherTypeChangeIsDestructiveWithACast() {
    Change widen = only(SchemaDiff.columns(table(col("n", "character varying(40)", true, null, null)),
        table(col("n", "character varying(10)", true, null, null))));
    assertEquals("ALTER TABLE public.dogs ALTER COLUMN n TYPE character varying(40)", widen.sql());
    assertFalse(widen.destructive(), "no rewrite, every value fits");
    Change rewrite = only(SchemaDiff.columns(table(col("n", "bigint", true, null, null)),
        table(col("n", "integer", true, null, null))));
    assertTrue(rewrite.destructive() && rewrite.sql().endsWith("USING n::bigint"), "integer → bigint rewrites: "
        + rewrite.sql());
    Change narrow = only(SchemaDiff.columns(table(col("n", "integer", true, null, null)),
        table(col("n", "text", true, null, null))));
    assertTrue(narrow.destructive());
    assertTrue(narrow.sql().endsWith("USING n::integer"), narrow.sql());
  }

  @Test
  void aCollationChangeRewritesTheTypeWithItsCollation() {
    Change c = only(SchemaDiff.columns(table(col("name", "text", false, null, "\"C\"")),
        table(col("name", "text", false, null, "\"default\""))));
    assertEquals("ALTER TABLE public.dogs ALTER COLUMN name TYPE text COLLATE \"C\"", c.sql());
  }
}
