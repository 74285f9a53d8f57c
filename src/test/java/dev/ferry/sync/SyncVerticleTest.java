package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.testing.RescueDogPair;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A sync's verticle is undeployed once its run has ended: that must not raise the run's cancel flag, which the
 * server shows as "cancelling" until the run is released (a cluster test read "cancelling" for a run that had
 * succeeded).
 */
class SyncVerticleTest {
  @Test
  void undeployingARunThatHasEndedLeavesItUncancelled() {
    RescueDogPair pair = new RescueDogPair("sv");
    try {
      AtomicBoolean cancel = new AtomicBoolean();
      // runOnce deploys the verticle, waits for the run's result, then undeploys it.
      RunSummary s = await(Syncs.runOnce(pair.vertx, pair.config, SyncOptions.defaults(), Syncs.newRunId(), cancel));
      assertEquals(RunStatus.SUCCEEDED, s.status(), () -> describe(s));
      assertFalse(cancel.get(), "undeploying the ended run raised its cancel flag");
    } finally {
      pair.close();
    }
  }
}
