package dev.rnn4j.mnist;

import dev.rnn4j.core.io.IoErrors;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The MNIST notebook as a command-line program. {@code train} (the default) runs the notebook's experiment; the other
 * commands use a saved model or describe the setup.
 */
@Command(name = "mnist-app", mixinStandardHelpOptions = true, version = "rnn4j mnist-app 0.1.0",
        description = "The Keras notebook 'RNN for MNIST digits classification' on rnn4j.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
            InfoCommand.class, BenchCommand.class, BenchDataCommand.class})
public final class Main implements Runnable {
    /** Exit status for bad input or a failed run. */
    static final int EXIT_ERROR = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "choose a command");
    }

    /**
     * @param args the command line; without a command, {@code train} runs
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args));
    }

    /**
     * @param args the command line
     * @return the exit status
     */
    static int run(String... args) {
        return run(CommandLine.defaultFactory(), args);
    }

    /**
     * @param factory makes the command objects (tests hand in prepared ones)
     * @param args    the command line
     * @return the exit status
     */
    static int run(CommandLine.IFactory factory, String... args) {
        String[] effective = args;
        if (args.length == 0 || (args[0].startsWith("-") && !isRootOption(args[0]))) {
            effective = new String[args.length + 1];
            effective[0] = "train";
            System.arraycopy(args, 0, effective, 1, args.length);
        }
        boolean debug = Arrays.asList(effective).contains("--debug");
        CommandLine commandLine = new CommandLine(new Main(), factory);
        commandLine.setExecutionExceptionHandler((failure, line, parsed) -> {
            line.getErr().println("error: " + message(failure));
            if (debug) {
                failure.printStackTrace(line.getErr());
            }
            return EXIT_ERROR;
        });
        commandLine.setParameterExceptionHandler((failure, arguments) -> {
            java.io.PrintWriter err = failure.getCommandLine().getErr();
            err.println("error: " + failure.getMessage() + " (run with --help for the options)");
            return EXIT_ERROR;
        });
        try {
            return commandLine.execute(effective);
        } catch (OutOfMemoryError exhausted) {
            commandLine.getErr().println("error: " + message(exhausted));
            return EXIT_ERROR;
        }
    }

    private static boolean isRootOption(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("--version") || arg.equals("-V");
    }

    private static String message(Throwable failure) {
        return IoErrors.oneLine(failure);
    }
}
