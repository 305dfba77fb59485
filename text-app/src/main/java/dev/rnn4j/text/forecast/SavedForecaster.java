package dev.rnn4j.text.forecast;

import dev.rnn4j.api.Backend;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.text.ModelAssets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A saved forecaster with its window, horizon and scaling. */
record SavedForecaster(Sequential model, int window, int horizon, int season, Forecaster.Calendar calendar,
        double testFraction, Forecaster.Scaling scaling) {
    static SavedForecaster load(Path file, Backend backend) throws IOException {
        Map<String, Object> asset = ModelAssets.read(file, "forecaster", "forecast train", "its window and scaling",
                saved -> saved.get("window") instanceof Number && saved.get("horizon") instanceof Number
                        && saved.get("mean") instanceof Number && saved.get("scale") instanceof Number
                        && saved.get("change_scale") instanceof Number);
        int season = asset.get("season") instanceof Number s ? s.intValue() : 7;
        double fraction = asset.get("test_fraction") instanceof Number f ? f.doubleValue() : 0.2;
        Forecaster.Calendar calendar = Forecaster.Calendar.of(Boolean.TRUE.equals(asset.get("calendar")),
                "us".equals(asset.get("holidays")));
        return new SavedForecaster(ModelFile.load(file, backend), number(asset, "window").intValue(),
                number(asset, "horizon").intValue(), season, calendar, fraction,
                new Forecaster.Scaling(number(asset, "mean").doubleValue(), number(asset, "scale").doubleValue(), season,
                        number(asset, "change_scale").doubleValue()));
    }

    private static Number number(Map<String, Object> asset, String key) {
        return (Number) asset.get(key);
    }

    void check(Series series, String source) {
        boolean dates = calendar != Forecaster.Calendar.NONE;
        if (series.hasDates() != dates) {
            throw new IllegalArgumentException(source + ": the model was trained " + (dates ? "with" : "without")
                    + " dates (weekday and time of year); expected a series " + (dates ? "with --date-column"
                    : "without --date-column"));
        }
        if (series.length() < window + 1) {
            throw new IllegalArgumentException(source + ": expected more than the model's window of " + window
                    + " values, found " + series.length());
        }
    }
}
