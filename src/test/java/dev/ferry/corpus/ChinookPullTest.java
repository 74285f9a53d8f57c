package dev.ferry.corpus;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.plan.SyncOptions;
import dev.ferry.pull.SubsetSpec;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.sync.Direction;
import dev.ferry.testing.IndependentCheck;
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
 * `ferry pull` on a schema nobody here wrote: Chinook (see {@link PublicSchemasTest} for its source and licence), its
 * customers' contact details masked. Compared without Ferry: every table equal to production's but the masked
 * columns; a re-pull after a day of the store's changes equal again; a 10% subset with no orphan.
 */
class ChinookPullTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl production;
  private DatabaseUrl local;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    production = dbs.create("chin_prod");
    local = dbs.create("chin_local");
    dbs.execute(production, ChinookScript.postgresql().sql());
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private RunSummary pull(DatabaseUrl into, SyncOptions options, SubsetSpec subset) {
    FerryConfig config = TestConfig.of(into, production, new JsonObject().put("rules", new JsonObject()
        .put("customer.email", "email").put("customer.phone", "phone").put("customer.fax", "phone")
        .put("customer.address", "redact"))).forPull();
    return Pulls.run(vertx, config, options, Direction.pull("chinook-salt", subset));
  }

  /** Production and local, each table's rows as text, compared without Ferry; customer's masked columns left out. */
  private List<String> differencesButMasked() {
    List<String> out = new IndependentCheck(dbs).differences(production, local).stream()
        .filter(d -> !d.startsWith("public.customer:")).toList();
    String unmasked = "SELECT md5(string_agg(c::text, ',' ORDER BY customerid)) FROM (SELECT customerid, firstname,"
        + " lastname, company, city, state, country, postalcode, supportrepid FROM customer) c";
    if (!dbs.text(production, unmasked).equals(dbs.text(local, unmasked))) {
      return java.util.stream.Stream.concat(out.stream(), java.util.stream.Stream.of("customer's unmasked columns differ"))
          .toList();
    }
    return out;
  }

  @Test
  void chinookPulledMaskedThenAgainAfterADayOfChanges() {
    RunSummary first = pull(local, SyncOptions.defaults(), SubsetSpec.ALL);
    assertEquals(RunStatus.SUCCEEDED, first.status(), first::message);
    assertEquals(List.of(), differencesButMasked());
    assertEquals(0, dbs.count(local, "SELECT count(*) FROM customer WHERE email NOT LIKE 'user\\_%@example.invalid'"));

    // A day at the store: a new artist, album and tracks, a price change, a customer's new email.
    dbs.execute(production, "INSERT INTO artist VALUES (276, 'Ferry Quartet'); INSERT INTO album VALUES (348,"
        + " 'Crossings', 276); INSERT INTO track VALUES (3504, 'Low Tide', 348, 1, 1, 'F. Quartet', 215000, 7012345,"
        + " 0.99); UPDATE track SET unitprice = 1.29 WHERE albumid = 1 AND unitprice <> 1.29;"
        + " UPDATE customer SET email = 'new.address@example.com' WHERE customerid = 1");
    RunSummary again = pull(local, SyncOptions.defaults(), SubsetSpec.ALL);
    assertEquals(RunStatus.SUCCEEDED, again.status(), again::message);
    assertEquals(List.of(), differencesButMasked());
    assertTrue(again.rowsWritten() >= 4 && again.rowsWritten() < 50, "only the day's rows: " + again.rowsWritten());
    assertEquals(0, dbs.count(local, "SELECT count(*) FROM customer WHERE email LIKE '%example.com'"));

    // A tenth of every table (playlisttrack's key has two columns: left out), and whatever those rows reference.
    DatabaseUrl sample = dbs.create("chin_sample");
    RunSummary share = pull(sample, SyncOptions.defaults().withExclude(List.of("playlisttrack")),
        SubsetSpec.parse(List.of(), 10, List.of()));
    assertEquals(RunStatus.SUCCEEDED, share.status(), share::message);
    long tracks = dbs.count(sample, "SELECT count(*) FROM track");
    assertTrue(tracks > 300 && tracks < 3504, tracks + " tracks");
    assertEquals(0, dbs.count(sample, "SELECT (SELECT count(*) FROM track t WHERE NOT EXISTS (SELECT 1 FROM album a"
        + " WHERE a.albumid = t.albumid)) + (SELECT count(*) FROM invoiceline l WHERE NOT EXISTS (SELECT 1 FROM invoice"
        + " i WHERE i.invoiceid = l.invoiceid) OR NOT EXISTS (SELECT 1 FROM track t WHERE t.trackid = l.trackid))"
        + " + (SELECT count(*) FROM customer c WHERE c.supportrepid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM employee"
        + " e WHERE e.employeeid = c.supportrepid))"), "no orphan in the sample");
  }
}
