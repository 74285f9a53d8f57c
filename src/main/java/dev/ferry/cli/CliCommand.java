package dev.ferry.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A {@code ferry} command. It writes through picocli's streams, never {@code System.out}: results to {@link #out()},
 * progress and diagnostics to {@link #err()}, so whoever runs the command (a terminal, a test) decides where they go.
 */
abstract class CliCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  Console console() {
    return new Console(out(), err());
  }
}
