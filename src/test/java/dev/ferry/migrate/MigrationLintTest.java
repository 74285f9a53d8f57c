package dev.ferry.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The lint reads statements, not text: comments, quotes and dollar quotes do not fool it. */
class MigrationLintTest {

  @Test
  void destructiveStatementsNameEveryTableTheyTouch() {
    List<MigrationLint.Finding> f = MigrationLint.check("""
        DROP TABLE IF EXISTS Old_Pets, "Audit Log", archive.events CASCADE;
        TRUNCATE ONLY scratch;
        ALTER TABLE Pets DROP COLUMN name;""");
    assertEquals(List.of("old_pets", "Audit Log", "archive.events"), f.get(0).tables());
    assertEquals(List.of("scratch"), f.get(1).tables());
    assertEquals(List.of("pets"), f.get(2).tables());
    assertTrue(f.stream().allMatch(MigrationLint.Finding::destructive));
  }

  @Test
  void commentsStringsAndFunctionBodiesAreNotStatements() {
    List<MigrationLint.Finding> f = MigrationLint.check("""
        -- DROP TABLE pets;
        /* TRUNCATE pets; */
        INSERT INTO notes VALUES ('DROP TABLE pets; it said');
        CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ DELETE FROM pets $$;
        CREATE INDEX CONCURRENTLY pets_name ON pets (name);""");
    assertTrue(f.isEmpty(), () -> f.toString());
  }

  @Test
  void keywordsInsideQuotedNamesAreNames() {
    List<MigrationLint.Finding> f = MigrationLint.check("""
        ALTER TABLE "Parent; DROP TABLE y; --" ADD CONSTRAINT "Parent; DROP TABLE y; --_pkey" PRIMARY KEY ("ID");
        ALTER TABLE "order" ADD CONSTRAINT "order_parent ID_fkey" FOREIGN KEY ("parent ID") REFERENCES "Parent; DROP TABLE y; --"("ID");
        UPDATE "set where" SET "where" = 'WHERE' WHERE "ID" = 1;""");
    assertEquals(1, f.size(), () -> f.toString());
    assertFalse(f.get(0).destructive(), "the foreign key is a warning (no NOT VALID), not a drop");
    assertEquals(List.of("order"), f.get(0).tables());
  }

  @Test
  void lockingStatementsAreWarningsNotRefusals() {
    List<MigrationLint.Finding> f = MigrationLint.check("""
        CREATE INDEX pets_name ON pets (name);
        ALTER TABLE pets ALTER COLUMN name TYPE varchar(50);
        ALTER TABLE pets ALTER COLUMN name SET NOT NULL;
        ALTER TABLE pets ADD CONSTRAINT pets_owner FOREIGN KEY (owner_id) REFERENCES owners (id);
        ALTER TABLE pets ADD CONSTRAINT pets_owner2 FOREIGN KEY (owner_id) REFERENCES owners (id) NOT VALID;""");
    assertEquals(4, f.size(), () -> f.toString());
    assertFalse(f.stream().anyMatch(MigrationLint.Finding::destructive));
  }
}
