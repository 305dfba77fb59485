package dev.rnn4j.text.forecast;

import dev.rnn4j.text.Backends;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Forecasts the steps after the end of a series. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Forecast the next --horizon steps after"
        + " the end of the series with a model from forecast train.")
public final class ForecastPredictCommand implements Callable<Integer> {
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
        int end = series.length();
        double[] forecast = Forecaster.forecast(saved.model(), series, saved.calendar(), saved.scaling(), new int[] {end},
                saved.window(), saved.horizon())[0];
        for (int h = 0; h < forecast.length; h++) {
            String when = series.hasDates() ? series.dates()[end - 1].plusDays(h + 1).toString() : "step " + (end + h);
            System.out.printf(Locale.ROOT, "%s\t%.2f%n", when, forecast[h]);
        }
        return 0;
    }
}
