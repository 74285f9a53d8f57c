package dev.ferry.pull;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.sync.Direction;
import dev.ferry.testing.Pulls;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Subset pulls over a schema with a cycle (teams ↔ people) and a self-reference (people.mentor_id): the roots, every
 * row they reference (the closure ends), children only where asked and capped, and never an orphan locally.
 */
class SubsetPullTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl production;
  private DatabaseUrl local;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    production = dbs.create("sub_prod");
    local = dbs.create("sub_local");
    dbs.execute(production, """
        CREATE TABLE teams (id int PRIMARY KEY, name text, captain_id int);
        CREATE TABLE people (id int PRIMARY KEY, team_id int REFERENCES teams, mentor_id int REFERENCES people,
          email text);
        ALTER TABLE teams ADD FOREIGN KEY (captain_id) REFERENCES people DEFERRABLE INITIALLY DEFERRED;
        BEGIN;
        SET CONSTRAINTS ALL DEFERRED;
        INSERT INTO teams SELECT g, 'team ' || g, g * 10 FROM generate_series(1, 50) g;
        INSERT INTO people SELECT g, (g - 1) / 10 + 1, CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 37) % 500 + 1 END,
          'p' || g || '@example.org' FROM generate_series(1, 500) g;
        COMMIT;
        """);
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private RunSummary pull(SubsetSpec subset) {
    FerryConfig config = TestConfig.of(local, production, new JsonObject()
        .put("rules", new JsonObject().put("*.email", "email"))).forPull();
    return Pulls.run(vertx, config, SyncOptions.defaults().withMode(Mode.MIRROR).withConfirm(true),
        Direction.pull("salt", subset));
  }

  /** Rows pointing at a row the local database does not have: there must never be any. */
  private long orphans() {
    return dbs.count(local, "SELECT (SELECT count(*) FROM people p WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE t.id ="
        + " p.team_id)) + (SELECT count(*) FROM people p WHERE p.mentor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
        + " people m WHERE m.id = p.mentor_id)) + (SELECT count(*) FROM teams t WHERE t.captain_id IS NOT NULL AND NOT"
        + " EXISTS (SELECT 1 FROM people p WHERE p.id = t.captain_id))");
  }

  @Test
  void rootsThenEveryReferencedRowAndNoOrphanThroughACycleAndASelfReference() {
    RunSummary roots = pull(SubsetSpec.parse(List.of("teams: id <= 2"), null, List.of()));
    assertEquals(RunStatus.SUCCEEDED, roots.status(), roots::message);
    assertEquals(0, orphans());
    long teams = dbs.count(local, "SELECT count(*) FROM teams");
    long people = dbs.count(local, "SELECT count(*) FROM people");
    assertTrue(teams >= 2 && teams < 50 && people > 0 && people < 500, teams + " teams, " + people + " people");
    assertEquals(2, dbs.count(local, "SELECT count(*) FROM teams WHERE id <= 2"));
    // Exactly the closure: every local person is a captain of a local team or someone a local person points at.
    assertEquals(0, dbs.count(local, "SELECT count(*) FROM people p WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE"
        + " t.captain_id = p.id) AND NOT EXISTS (SELECT 1 FROM people q WHERE q.mentor_id = p.id)"), "no extra rows");

    // Children on request, capped: up to 15 more people of the chosen teams.
    RunSummary children = pull(SubsetSpec.parse(List.of("teams: id <= 2"), null, List.of("people:15")));
    assertEquals(RunStatus.SUCCEEDED, children.status(), children::message);
    assertEquals(0, orphans());
    assertTrue(dbs.count(local, "SELECT count(*) FROM people WHERE team_id <= 2") >= 15);

    // A share of every table, the same rows each time, plus what they reference.
    RunSummary share = pull(SubsetSpec.parse(List.of(), 10, List.of()));
    assertEquals(RunStatus.SUCCEEDED, share.status(), share::message);
    assertEquals(0, orphans());
    String rows = "SELECT string_agg(id::text, ',' ORDER BY id) FROM people";
    String first = dbs.text(local, rows);
    assertEquals(RunStatus.SUCCEEDED, pull(SubsetSpec.parse(List.of(), 10, List.of())).status());
    assertEquals(first, dbs.text(local, rows), "the same share each time");
    assertEquals(0, dbs.count(local, "SELECT count(*) FROM people WHERE email LIKE '%@example.org'"), "masked as well");
  }
}
