package dev.rnn4j.text.forecast;

import java.util.Locale;

/** Forecast errors over the test targets: mean absolute error and mean absolute percentage error. */
public record Errors(double mae, double mape, long count) {
    /**
     * @param series    the series
     * @param targets   each window's first target index
     * @param forecasts {@code [n][horizon]}, in the series' units
     * @param horizon   steps per forecast scored (targets past the series are skipped)
     * @return the errors; MAPE skips actual values of 0
     */
    static Errors of(Series series, int[] targets, double[][] forecasts, int horizon) {
        double absolute = 0;
        double percent = 0;
        long count = 0;
        long percentCount = 0;
        double[] values = series.values();
        for (int n = 0; n < targets.length; n++) {
            for (int h = 0; h < horizon && targets[n] + h < values.length; h++) {
                double actual = values[targets[n] + h];
                double error = Math.abs(actual - forecasts[n][h]);
                absolute += error;
                count++;
                if (actual != 0) {
                    percent += error / Math.abs(actual);
                    percentCount++;
                }
            }
        }
        return new Errors(absolute / count, percentCount == 0 ? Double.NaN : 100 * percent / percentCount, count);
    }

    /**
     * The seasonal naive forecast: each day as the same day {@code season} steps (a week) before, the latest one
     * known when the forecast is made.
     */
    static double[][] seasonalNaive(Series series, int[] targets, int horizon, int season) {
        double[][] forecasts = new double[targets.length][horizon];
        for (int n = 0; n < targets.length; n++) {
            for (int h = 0; h < horizon; h++) {
                int back = season * (h / season + 1);
                forecasts[n][h] = series.values()[targets[n] + h - back];
            }
        }
        return forecasts;
    }

    String describe() {
        return String.format(Locale.ROOT, "MAE %.1f, MAPE %.3f %%", mae, mape);
    }
}
