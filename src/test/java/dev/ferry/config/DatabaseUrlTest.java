package dev.ferry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  /** Each part of a URL, and libpq's defaults where one is left out. */
  @Test
  void everyPartIsReadAndTheDefaultsAreLibpqs() {
    String os = System.getProperty("user.name");
    for (String[] c : new String[][] {
        {"postgresql://u:p@db.example:6543/app?sslmode=require", "db.example", "6543", "app", "u"},
        {"postgres://u@db.example/app", "db.example", "5432", "app", "u"},
        {"postgresql://u@[::1]:5433/app", "::1", "5433", "app", "u"},
        {"postgresql://u@[::1]/app", "::1", "5432", "app", "u"},
        {"postgresql://db.example", "db.example", "5432", os, os},
        {"postgresql:///app", "localhost", "5432", "app", os},
        {"postgresql://a%40b@h/d%2Fx", "h", "5432", "d/x", "a@b"}}) {
      DatabaseUrl url = DatabaseUrl.parse(c[0], "test");
      assertEquals(List.of(c[1], c[2], c[3], c[4]),
          List.of(url.host(), String.valueOf(url.port()), url.database(), url.user()), c[0]);
    }
  }

  @Test
  void percentEncodedPasswordsAreDecodedAndNeverPrinted() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app:p%40ss%2Fw%3Ard@db.example.com:6543/prod?sslmode=require", "--target");
    assertEquals("db.example.com", url.host());
    assertEquals(6543, url.port());
    assertEquals("prod", url.database());
    assertEquals(SslMode.REQUIRE, url.sslMode());
    assertEquals("p@ss/w:rd", url.connectOptions().getPassword());
    assertEquals("postgresql://app:***@db.example.com:6543/prod?sslmode=require", url.redacted());
    assertFalse(url.toString().contains("p@ss"));
    assertEquals("error *** here", url.scrubPassword("error p@ss/w:rd here"));
  }

  @Test
  void badUrlsNameTheirSourceAndHideThePassword() {
    ConfigException e = assertThrows(ConfigException.class, () -> DatabaseUrl.parse("mysql://u:hunter2@h/db", "FERRY_SOURCE_URL"));
    assertTrue(e.getMessage().startsWith("FERRY_SOURCE_URL:"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertThrows(ConfigException.class, () -> DatabaseUrl.parse("postgresql://h/db?sslmode=sometimes", "--target"));
    assertThrows(ConfigException.class, () -> DatabaseUrl.parse("postgresql://h:99999/db", "--target"));
    assertThrows(ConfigException.class, () -> DatabaseUrl.parse("postgresql://h/db?colour=blue", "--target"));
    // Mistakes that used to echo part of the password: no scheme, a JDBC URL, an unencoded '/' or '?' in it.
    for (String bad : List.of("postgres:hunter2@h/db", "jdbc:postgresql://h/db?user=u&password=hunter2",
        "postgresql://u:hunter2/x@h:5432/db", "postgresql://u:hunter2?x@h:5432/db")) {
      ConfigException c = assertThrows(ConfigException.class, () -> DatabaseUrl.parse(bad, "--source"));
      assertFalse(c.getMessage().contains("hunter2"), c.getMessage());
    }
    assertEquals("got 'postgres:***@h/db', password=*** and {\"password\": \"***\"}", DatabaseUrl.scrub(
        "got 'postgres:hunter2@h/db', password=hunter2 and {\"password\": \"hun\\\"ter2\"}"));
    assertEquals("Unknown option: '--source=postgresql://u:***@h:5432/db'",
        DatabaseUrl.scrub("Unknown option: '--source=postgresql://u:hunter2@h:5432/db'"));
    ConfigException verify = assertThrows(ConfigException.class,
        () -> DatabaseUrl.parse("postgresql://h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem", "--target"));
    assertTrue(verify.getMessage().contains("sslrootcert"), verify.getMessage());
  }

  @Test
  void invalidSettingsNameTheKey() {
    ConfigException batch = assertThrows(ConfigException.class,
        () -> FerryConfig.fromJson(new JsonObject().put("sync", new JsonObject().put("batchSize", 0)), Map.of()));
    assertTrue(batch.getMessage().startsWith("sync.batchSize:"), batch.getMessage());
    ConfigException table = assertThrows(ConfigException.class, () -> FerryConfig.fromJson(new JsonObject()
        .put("tables", new JsonObject().put("animals", new JsonObject().put("kee", "x"))), Map.of()));
    assertTrue(table.getMessage().startsWith("tables.animals.kee:"), table.getMessage());
    ConfigException share = assertThrows(ConfigException.class, () -> FerryConfig.fromJson(new JsonObject()
        .put("sync", new JsonObject().put("mirrorMaxDeleteShare", 2)), Map.of()));
    assertTrue(share.getMessage().startsWith("sync.mirrorMaxDeleteShare:"), share.getMessage());
  }
}
