package dev.rnn4j.text.forecast;

import dev.rnn4j.core.Sequential;
import dev.rnn4j.text.Pictures;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The model's test forecasts beside the seasonal naive forecast's. */
final class Evaluation {
    private final Series series;
    private final int[] targets;
    private final double[][] forecasts;
    private final Errors model;
    private final Errors baseline;
    private final Errors modelNextStep;
    private final int horizon;
    private final int season;

    private Evaluation(Series series, int[] targets, double[][] forecasts, Errors model, Errors baseline,
            Errors modelNextStep, int horizon, int season) {
        this.series = series;
        this.targets = targets;
        this.forecasts = forecasts;
        this.model = model;
        this.baseline = baseline;
        this.modelNextStep = modelNextStep;
        this.horizon = horizon;
        this.season = season;
    }

    static Evaluation of(Sequential network, Series series, Forecaster.Calendar calendar, Forecaster.Scaling scaling,
            int[] targets, int window, int horizon, int season) {
        double[][] forecasts = Forecaster.forecast(network, series, calendar, scaling, targets, window, horizon);
        double[][] naive = Errors.seasonalNaive(series, targets, horizon, season);
        return new Evaluation(series, targets, forecasts, Errors.of(series, targets, forecasts, horizon),
                Errors.of(series, targets, naive, horizon), Errors.of(series, targets, forecasts, 1), horizon, season);
    }

    void print(PrintStream console) {
        String span = horizon == 1 ? "next step" : "next " + horizon + " steps";
        console.printf(Locale.ROOT, "%nTest (%,d forecasts of the %s):%n", targets.length, span);
        console.printf(Locale.ROOT, "  model:          %s%n", model.describe());
        console.printf(Locale.ROOT, "  seasonal naive: %s (each step as %d steps before)%n", baseline.describe(),
                season);
        if (horizon > 1) {
            console.printf(Locale.ROOT, "  model, first step only: %s%n", modelNextStep.describe());
        }
        console.printf(Locale.ROOT, "  MAPE %.1f %% of the baseline's%n", 100 * model.mape() / baseline.mape());
    }

    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("test_forecasts", targets.length);
        map.put("test_mae", model.mae());
        map.put("test_mape", model.mape());
        map.put("baseline_mae", baseline.mae());
        map.put("baseline_mape", baseline.mape());
        map.put("test_mae_first_step", modelNextStep.mae());
        map.put("test_mape_first_step", modelNextStep.mape());
        return map;
    }

    /** Writes the first step's forecast against the actual values over the test part. */
    void picture(Path png) throws IOException {
        double[] x = new double[targets.length];
        List<Double> actual = new ArrayList<>();
        List<Double> forecast = new ArrayList<>();
        for (int n = 0; n < targets.length; n++) {
            x[n] = n + 1;
            actual.add(series.values()[targets[n]]);
            forecast.add(forecasts[n][0]);
        }
        Map<String, List<Double>> lines = new LinkedHashMap<>();
        lines.put("actual", actual);
        lines.put("forecast", forecast);
        String from = series.hasDates() ? " from " + series.dates()[targets[0]] : "";
        Pictures.lines(String.format(Locale.ROOT, "Test forecast, next step (MAPE %.2f %%, seasonal naive %.2f %%)",
                modelNextStep.mape(), Errors.of(series, targets, Errors.seasonalNaive(series, targets, 1, season), 1)
                        .mape()), "test step" + from, series.name(), x, lines, png);
    }
}
