package dev.rnn4j.text.forecast;

import dev.rnn4j.text.Backends;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Scores a trained forecaster on the last part of a series, beside the seasonal naive forecast. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Score a model from forecast train on"
        + " the test part (the same last share of the series as in training) beside the seasonal naive forecast.")
public final class ForecastEvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "model.zip of a forecast train"
            + " run.")
    Path model;

    @Mixin
    SeriesOptions source = new SeriesOptions();

    @Override
    public Integer call() throws IOException {
        SavedForecaster saved = SavedForecaster.load(model, Backends.load());
        Series series = source.read(System.err);
        saved.check(series, source.describe());
        int n = series.length();
        int first = Math.max(Forecaster.testStart(n, saved.testFraction()),
                Forecaster.firstTarget(saved.window(), saved.horizon(), saved.season()));
        if (n - saved.horizon() < first) {
            throw new IllegalArgumentException(source.describe() + ": expected at least " + (first + saved.horizon())
                    + " values for a test part, found " + n);
        }
        int[] targets = IntStream.rangeClosed(first, n - saved.horizon()).toArray();
        Evaluation.of(saved.model(), series, saved.calendar(), saved.scaling(), targets, saved.window(), saved.horizon(),
                saved.season()).print(System.out);
        return 0;
    }
}
