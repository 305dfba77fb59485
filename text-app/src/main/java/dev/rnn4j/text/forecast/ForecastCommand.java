package dev.rnn4j.text.forecast;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The forecaster's commands. */
@Command(name = "forecast", mixinStandardHelpOptions = true,
        description = "Time-series forecasting (prediction problems): US births, or a column of any CSV.",
        subcommands = {ForecastTrainCommand.class, ForecastEvaluateCommand.class, ForecastPredictCommand.class})
public final class ForecastCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: train, evaluate or predict");
    }
}
