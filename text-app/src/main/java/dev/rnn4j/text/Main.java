package dev.rnn4j.text;

import dev.rnn4j.core.io.IoErrors;
import dev.rnn4j.text.classify.ClassifyCommand;
import dev.rnn4j.text.forecast.ForecastCommand;
import dev.rnn4j.text.lm.LmCommand;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The seed's applications on real data: {@code lm} (a character language model and text generation),
 * {@code classify} (many-to-one text classification), {@code forecast} (time series); errors are one line.
 */
@Command(name = "text-app", mixinStandardHelpOptions = true, version = "rnn4j text-app 0.1.0",
        description = "Recurrent networks on real data: language modelling and text generation, text classification,"
                + " time-series forecasting.",
        subcommands = {LmCommand.class, ClassifyCommand.class, ForecastCommand.class})
public final class Main implements Runnable {
    /** Exit status for bad input or a failed run. */
    static final int EXIT_ERROR = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: lm, classify or forecast");
    }

    /** @param args the command line */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args));
    }

    /**
     * @param args the command line
     * @return the exit status
     */
    public static int run(String... args) {
        return run(CommandLine.defaultFactory(), args);
    }

    /**
     * @param factory makes the command objects (tests hand in prepared ones)
     * @param args    the command line
     * @return the exit status
     */
    static int run(CommandLine.IFactory factory, String... args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        CommandLine commandLine = new CommandLine(new Main(), factory);
        commandLine.setExecutionExceptionHandler((failure, line, parsed) -> {
            line.getErr().println("error: " + IoErrors.oneLine(failure));
            if (debug) {
                failure.printStackTrace(line.getErr());
            }
            return EXIT_ERROR;
        });
        commandLine.setParameterExceptionHandler((failure, arguments) -> {
            failure.getCommandLine().getErr().println("error: " + failure.getMessage()
                    + " (run with --help for the options)");
            return EXIT_ERROR;
        });
        try {
            return commandLine.execute(args);
        } catch (OutOfMemoryError exhausted) {
            commandLine.getErr().println("error: " + IoErrors.oneLine(exhausted));
            return EXIT_ERROR;
        }
    }
}
