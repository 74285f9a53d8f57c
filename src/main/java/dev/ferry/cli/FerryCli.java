package dev.ferry.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code java -jar ferry.jar <command>}. */
@Command(name = "ferry", mixinStandardHelpOptions = true, version = "ferry 0.1.0",
    description = "Ships a local PostgreSQL database's data to production, safely and in plain sight.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failed or partly failed (connection, table, validation)",
        "2:usage or configuration error (nothing attempted)", "3:refused by a safety rule",
        "130, 143:stopped by Ctrl-C or SIGTERM (the run ends cancelled, tables in progress rolled back)"})
public final class FerryCli implements Runnable {
  /** Every command, in the order the usage lists them (see {@link #commandLine(String...)}). */
  private static final List<Class<?>> COMMANDS = List.of(TestConnectionCommand.class, StatusCommand.class,
      SyncCommand.class, DiffCommand.class, MigrateCommand.class, MigrationsCommand.class, BackupCommands.Take.class,
      BackupCommands.ListAll.class, BackupCommands.Restore.class, BackupCommands.Rollback.class,
      ValidateCommand.class, SetupCommand.class, ServeCommand.class, DemoCommand.class, PullCommand.class,
      RulesCommand.class, CommandLine.HelpCommand.class);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: "
        + String.join(", ", spec.commandLine().getSubcommands().keySet()));
  }

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /**
   * The command line for {@code args}: where they start with a command's name, only that command is modelled.
   * picocli reads every command's options by reflection when it is added (all of them: 0.06 s of a CLI run's CPU);
   * the usage, {@code help} and a mistyped name (for its suggestions) still get them all.
   */
  static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new FerryCli());
    List<Class<?>> named = args.length == 0 ? List.of()
        : COMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(args[0])).toList();
    boolean one = named.size() == 1 && named.get(0) != CommandLine.HelpCommand.class;
    (one ? named : COMMANDS).forEach(cl::addSubcommand);
    cl.setExitCodeExceptionMapper(e -> ExitCode.USAGE);
    // picocli's writers flush on println only: what a command print()s would be lost at exit (picocli issue 2514).
    CommandLine.IExecutionStrategy execute = cl.getExecutionStrategy();
    cl.setExecutionStrategy(parsed -> {
      try {
        return execute.execute(parsed);
      } finally {
        parsed.asCommandLineList().forEach(c -> {
          c.getOut().flush();
          c.getErr().flush();
        });
      }
    });
    cl.setParameterExceptionHandler((ex, a) -> {
      // picocli quotes the arguments it could not place: a URL given without --source would show its password.
      cl.getErr().println("ferry: " + dev.ferry.db.Secrets.none().scrub(problem(ex)));
      // A typo gets the nearest names, not pages of usage.
      if (ex instanceof CommandLine.UnmatchedArgumentException u) {
        var spec = ex.getCommandLine().getCommandSpec();
        // What follows a mistyped command is that command's: only the command gets a suggestion.
        for (String unmatched : mistypedCommand(u) ? u.getUnmatched().subList(0, 1) : u.getUnmatched()) {
          String typed = unmatched.split("=", 2)[0]; // --mdoe=x: the option's name
          List<String> near = Suggestions.nearest(typed,
              typed.startsWith("-") ? spec.optionsMap().keySet() : spec.subcommands().keySet());
          if (!near.isEmpty()) {
            cl.getErr().println("Did you mean " + String.join(" or ", near) + " (not " + typed + ")?");
          }
        }
      }
      String command = ex.getCommandLine().getCommandSpec().qualifiedName();
      cl.getErr().println("See '" + command + " --help'" + (ex.getCommandLine() == cl ? " for the commands." : "."));
      return ExitCode.USAGE;
    });
    return cl;
  }

  /** Whether the first word picocli could not place stands where a command goes (before it, nothing did). */
  private static boolean mistypedCommand(CommandLine.UnmatchedArgumentException u) {
    List<String> unmatched = u.getUnmatched();
    return !u.getCommandLine().getSubcommands().isEmpty() && !unmatched.isEmpty() && !unmatched.get(0).startsWith("-");
  }

  /**
   * picocli's words, except that the value after a mistyped option is not called an option too ("--modee mirror":
   * unknown option '--modee', not options '--modee', 'mirror'), and a mistyped command is called that, whatever
   * follows it ("synk --config f": unknown command 'synk', not unknown option '--config').
   */
  private static String problem(CommandLine.ParameterException ex) {
    if (!(ex instanceof CommandLine.UnmatchedArgumentException u)) {
      return ex.getMessage();
    }
    List<String> unmatched = u.getUnmatched();
    if (mistypedCommand(u)) {
      return "unknown command '" + unmatched.get(0) + "'";
    }
    List<String> options = unmatched.stream().filter(a -> a.startsWith("-")).map(a -> a.split("=", 2)[0])
        .toList();
    if (options.isEmpty()) {
      return ex.getMessage();
    }
    List<String> values = unmatched.stream().filter(a -> !a.startsWith("-")).toList();
    return "unknown option" + (options.size() == 1 ? " '" : "s '") + String.join("', '", options) + "'"
        + (values.isEmpty() ? "" : " (so " + (values.size() == 1 ? "'" + values.get(0) + "' was" : values.size()
            + " arguments after it were") + " not used either)");
  }
}
