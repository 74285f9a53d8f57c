package dev.ferry.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.cli.ExitCode;
import dev.ferry.config.ConfigException;
import dev.ferry.db.DatabaseException;
import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;
import dev.ferry.result.PhaseOutcome;
import dev.ferry.result.RunStatus;
import dev.ferry.result.TableResult;
import org.junit.jupiter.api.Test;

/** Every error code has one meaning on every surface: a table, a phase, a run, an exit code. No database. */
class FailuresTest {
  @Test
  void refusalsAndCancelsAreNotFailures() {
    FerryException refused = Failures.refused("the schemas differ");
    assertEquals(TableResult.Outcome.REFUSED, Failures.table(refused));
    assertEquals(PhaseOutcome.REFUSED, Failures.phase(refused));
    assertEquals(RunStatus.REFUSED, Failures.run(refused));
    assertEquals(ExitCode.REFUSED, ExitCode.of(refused.code()));

    FerryException cancelled = Failures.cancelled();
    assertEquals(TableResult.Outcome.SKIPPED, Failures.table(cancelled), "a cancelled table rolled back, not failed");
    assertEquals(RunStatus.CANCELLED, Failures.run(cancelled));
    assertEquals(ExitCode.FAILED, ExitCode.of(cancelled.code()));
  }

  @Test
  void databaseAndUnexpectedErrorsFail() {
    for (Throwable err : new Throwable[] {new DatabaseException("target: connection refused", null),
        new IllegalStateException("a bug")}) {
      assertEquals(TableResult.Outcome.FAILED, Failures.table(err), err::toString);
      assertEquals(PhaseOutcome.FAILED, Failures.phase(err), err::toString);
      assertEquals(RunStatus.FAILED, Failures.run(err), err::toString);
    }
    assertEquals(ExitCode.FAILED, ExitCode.of(ErrorCode.DATABASE));
  }

  @Test
  void badConfigurationIsAUsageError() {
    ConfigException e = new ConfigException("sync.batchSize", "must be at least 1");
    assertEquals(ErrorCode.CONFIG, e.code());
    assertEquals(ExitCode.USAGE, ExitCode.of(e.code()));
    assertEquals(ExitCode.USAGE, ExitCode.of(ErrorCode.BAD_REQUEST));
    assertEquals(ExitCode.USAGE, ExitCode.of(ErrorCode.NOT_FOUND), "`ferry restore 99` names a backup that is not there");
  }
}
