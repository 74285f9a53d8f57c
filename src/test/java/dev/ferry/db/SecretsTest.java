package dev.ferry.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The one scrubber, without a database: every kind of secret it must take out of a text. */
class SecretsTest {
  private static final String PASSWORD = "p@ss w/rd";
  private static final String TOKEN = "api-token-0123456789abcdef";
  private static final String HOOK_SECRET = "hook-secret-0123456789abcdef";

  private final DatabaseUrl source = DatabaseUrl.parse("postgresql://app:p%40ss%20w%2Frd@db.example:5432/app", "source");
  private final DatabaseUrl target = DatabaseUrl.parse("postgresql://other:s3cret-target@prod.example/app", "target");
  private final FerryConfig config = TestConfig.of(source, target, new JsonObject().put("api", new JsonObject()
      .put("token", TOKEN)
      .put("webhooks", new JsonObject().put("deploy", new JsonObject().put("secret", HOOK_SECRET)))
      .put("notifications", new JsonArray())));

  @Test
  void takesOutEverySecretTheConfigurationHolds() {
    String text = "connect to postgresql://app:p%40ss%20w%2Frd@db.example/app failed; password " + PASSWORD
        + " rejected; GET /api/v1/events?access_token=" + TOKEN + "&run=1; secret " + HOOK_SECRET
        + "; postgresql://other:s3cret-target@prod.example/app";
    String out = Secrets.of(config).scrub(text);
    for (String secret : new String[] {PASSWORD, "p%40ss%20w%2Frd", TOKEN, HOOK_SECRET, "s3cret-target"}) {
      assertFalse(out.contains(secret), secret + " left in: " + out);
    }
    assertEquals(true, out.contains("access_token=***&run=1"), out);
  }

  @Test
  void withoutAConfigurationUrlPasswordsStillGo() {
    String out = Secrets.none().scrub("bad URL postgresql://u:hunter2@h/db");
    assertFalse(out.contains("hunter2"), out);
    assertEquals(null, Secrets.none().scrub(null));
  }
}
