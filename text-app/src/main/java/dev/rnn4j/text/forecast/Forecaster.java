package dev.rnn4j.text.forecast;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.losses.MeanAbsoluteError;
import dev.rnn4j.core.optimizers.Adam;
import java.time.LocalDate;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forecaster: windows of the past {@code window} values, each step {@code (scaled value at t, calendar of day
 * t + 1)} when the series has dates ({@link Calendar}: weekday, time of year, last year's holidays, this year's), into
 * {@code LSTM|GRU(H) -> Dense(horizon)}: the next {@code horizon} values as changes from the seasonal naive forecast
 * ({@link Scaling}). Mean absolute error on the scaled changes.
 */
public final class Forecaster {
    /** What each step holds besides the scaled value. */
    public enum Calendar {
        /** Nothing: the series has no dates. */
        NONE(0),
        /**
         * 7 weekdays one-hot, sine and cosine of the day of the year, and how far the day's value a year before stood
         * from its neighbours (same date, 365 days back, against the week around it; same weekday, 364 days back,
         * against the same weekday a week before and after): last year's holidays.
         */
        DAYS(11),
        /** {@link #DAYS} and two flags: a US federal holiday as observed, a day bridging one ({@link UsHolidays}). */
        US_HOLIDAYS(13);

        private final int features;

        Calendar(int features) {
            this.features = features;
        }

        /** @return features per step, the value included */
        public int features() {
            return 1 + features;
        }

        /** @return the calendar of a series with or without dates, with or without the US holidays */
        static Calendar of(boolean dates, boolean usHolidays) {
            return !dates ? NONE : usHolidays ? US_HOLIDAYS : DAYS;
        }
    }

    private Forecaster() {
    }

    /** The model's settings. */
    public record Config(String cell, int units, int window, int horizon, double learningRate) {
        public Config {
            if (!cell.equals("lstm") && !cell.equals("gru")) {
                throw new IllegalArgumentException("--cell: expected lstm or gru, found " + cell);
            }
            if (units < 1 || window < 1 || horizon < 1) {
                throw new IllegalArgumentException("--units, --window and --horizon: expected at least 1, found "
                        + units + ", " + window + " and " + horizon);
            }
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("--learning-rate: expected a positive number, found "
                        + learningRate);
            }
        }
    }

    /**
     * The scaling fitted on the training part: inputs {@code (y - mean) / scale}; targets the change from the
     * seasonal naive forecast, {@code (y[t] - y[t - season]) / changeScale}, so that an output of 0 is that forecast
     * and the network learns what it misses (holidays, trends).
     */
    public record Scaling(double mean, double scale, int season, double changeScale) {
        static Scaling fit(double[] values, int end, int season) {
            double sum = 0;
            for (int i = 0; i < end; i++) {
                sum += values[i];
            }
            double mean = sum / end;
            double squares = 0;
            double changes = 0;
            for (int i = 0; i < end; i++) {
                squares += (values[i] - mean) * (values[i] - mean);
                if (i >= season) {
                    changes += (values[i] - values[i - season]) * (values[i] - values[i - season]);
                }
            }
            double sd = Math.sqrt(squares / end);
            double changeSd = end > season ? Math.sqrt(changes / (end - season)) : 0;
            return new Scaling(mean, sd > 0 ? sd : 1, season, changeSd > 0 ? changeSd : 1);
        }

        double apply(double value) {
            return (value - mean) / scale;
        }

        /** @return the seasonal naive forecast of step {@code t + h} made after step {@code t - 1} */
        double naive(double[] values, int t, int h) {
            return values[t + h - season * (h / season + 1)];
        }
    }

    /** @return the compiled model for inputs of {@code features} per step */
    public static Sequential create(Backend backend, long seed, int features, Config config) {
        Sequential model = new Sequential(backend).seed(seed);
        model.add(config.cell().equals("gru") ? GRU.builder(config.units()).build()
                : LSTM.builder(config.units()).build());
        model.add(new Dense(config.horizon()));
        model.build(Shape.of(config.window(), features));
        model.compile(new MeanAbsoluteError(), new Adam(config.learningRate()));
        return model;
    }

    /** @return the first step a window can forecast: one with a whole window and the baseline's season before it */
    static int firstTarget(int window, int horizon, int season) {
        return Math.max(window, season * ((horizon - 1) / season + 1));
    }

    /** @return the first step of the test part: the last {@code testFraction} of {@code n} steps */
    static int testStart(int n, double testFraction) {
        return (int) Math.round(n * (1 - testFraction));
    }

    /**
     * @param series   the series
     * @param calendar what each step holds besides the value; not {@link Calendar#NONE} only with dates
     * @param scaling  its scaling
     * @param targets the first target index of each window: the window is {@code [t - window, t)}, the targets
     *                {@code t .. t + horizon - 1} (those past the series are left 0)
     * @return {@code {x [n, window, features], y [n, horizon]}} scaled
     */
    static INDArray[] windows(Series series, Calendar calendar, Scaling scaling, int[] targets, int window,
            int horizon) {
        int features = calendar.features();
        float[] x = new float[targets.length * window * features];
        float[] y = new float[targets.length * horizon];
        double[] values = series.values();
        for (int n = 0; n < targets.length; n++) {
            int t = targets[n];
            for (int s = 0; s < window; s++) {
                int at = t - window + s;
                int base = (n * window + s) * features;
                x[base] = (float) scaling.apply(values[at]);
                if (calendar != Calendar.NONE) {
                    LocalDate day = dayAfter(series, at);
                    days(day, x, base + 1);
                    // Only values before the window's end: the day after step s is at + 1 <= t.
                    x[base + 10] = anomaly(values, at + 1 - 365, 1, 3);
                    x[base + 11] = anomaly(values, at + 1 - 364, 7, 1);
                    if (calendar == Calendar.US_HOLIDAYS) {
                        x[base + 12] = UsHolidays.isHoliday(day) ? 1 : 0;
                        x[base + 13] = UsHolidays.isBridge(day) ? 1 : 0;
                    }
                }
            }
            for (int h = 0; h < horizon && t + h < values.length; h++) {
                y[n * horizon + h] = (float) ((values[t + h] - scaling.naive(values, t, h)) / scaling.changeScale());
            }
        }
        return new INDArray[] {Nd4j.create(x, new long[] {targets.length, window, features}),
            Nd4j.create(y, new long[] {targets.length, horizon})};
    }

    private static LocalDate dayAfter(Series series, int index) {
        LocalDate[] dates = series.dates();
        return index + 1 < dates.length ? dates[index + 1] : dates[index].plusDays(1);
    }

    private static void days(LocalDate day, float[] into, int offset) {
        into[offset + day.getDayOfWeek().getValue() - 1] = 1;
        double angle = 2 * Math.PI * (day.getDayOfYear() - 1) / day.lengthOfYear();
        into[offset + 7] = (float) Math.sin(angle);
        into[offset + 8] = (float) Math.cos(angle);
    }

    /** @return the value at {@code index} relative to the mean of those at {@code index + k * step}, minus 1 */
    private static float anomaly(double[] values, int index, int step, int reach) {
        if (index - reach * step < 0 || index + reach * step >= values.length) {
            return 0;
        }
        double sum = 0;
        for (int k = -reach; k <= reach; k++) {
            sum += values[index + k * step];
        }
        double mean = sum / (2 * reach + 1);
        return mean == 0 ? 0 : (float) (values[index] / mean - 1);
    }

    /**
     * @return {@code [n][horizon]} forecasts in the series' units, for windows ending before each target
     */
    static double[][] forecast(Sequential model, Series series, Calendar calendar, Scaling scaling, int[] targets,
            int window, int horizon) {
        INDArray out = model.predict(windows(series, calendar, scaling, targets, window, horizon)[0], 256);
        double[][] values = new double[targets.length][];
        for (int n = 0; n < values.length; n++) {
            double[] row = out.getRow(n).toDoubleVector();
            for (int h = 0; h < row.length; h++) {
                row[h] = scaling.naive(series.values(), targets[n], h) + row[h] * scaling.changeScale();
            }
            values[n] = row;
        }
        return values;
    }
}
