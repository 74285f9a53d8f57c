package dev.ferry.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The confirmation rule on its own: which modes need --confirm-destructive, and that a dry run never does. */
class SafetyRulesTest {
  @Test
  void destructiveModesNeedConfirmationUnlessTheyOnlyPreview() {
    for (Mode mode : Mode.values()) {
      SyncOptions options = SyncOptions.defaults().withMode(mode);
      Optional<String> refusal = SafetyRules.confirmation(options);
      assertEquals(mode.alwaysDestructive(), refusal.isPresent(), mode.label());
      refusal.ifPresent(r -> assertTrue(r.contains("--confirm-destructive") && r.contains("--dry-run"), r));
      assertEquals(Optional.empty(), SafetyRules.confirmation(options.withDryRun(true)), mode.label() + " dry run");
      assertEquals(Optional.empty(), SafetyRules.confirmation(options.withConfirm(true)), mode.label() + " confirmed");
    }
    assertTrue(Mode.REBUILD.alwaysDestructive() && Mode.FORCE.alwaysDestructive());
    assertTrue(!Mode.INCREMENTAL.alwaysDestructive());
  }
}
