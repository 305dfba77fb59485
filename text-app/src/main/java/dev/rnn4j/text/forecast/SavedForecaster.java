package dev.rnn4j.text.forecast;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.rnn4j.api.Backend;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.ModelFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A saved forecaster with its window, horizon and scaling. */
record SavedForecaster(Sequential model, int window, int horizon, int season, boolean calendar, double testFraction,
        Forecaster.Scaling scaling) {
    static SavedForecaster load(Path file, Backend backend) throws IOException {
        String json = ModelFile.readAssets(file).get(ForecastTrainCommand.ASSET);
        Map<String, Object> asset = null;
        try {
            asset = json == null ? null : new Gson().fromJson(json, new TypeToken<Map<String, Object>>() { }.getType());
        } catch (JsonParseException malformed) {
            asset = null;
        }
        if (asset == null || !"forecaster".equals(asset.get("kind")) || !(asset.get("window") instanceof Number w)
                || !(asset.get("horizon") instanceof Number h) || !(asset.get("mean") instanceof Number mean)
                || !(asset.get("scale") instanceof Number scale)
                || !(asset.get("change_scale") instanceof Number changeScale)) {
            throw new IllegalArgumentException("--model " + file + ": expected a model written by text-app forecast"
                    + " train (its window and scaling in assets/" + ForecastTrainCommand.ASSET + "), found "
                    + (json == null ? "no such asset" : "another kind of asset"));
        }
        int season = asset.get("season") instanceof Number s ? s.intValue() : 7;
        double fraction = asset.get("test_fraction") instanceof Number f ? f.doubleValue() : 0.2;
        return new SavedForecaster(ModelFile.load(file, backend), w.intValue(), h.intValue(), season,
                Boolean.TRUE.equals(asset.get("calendar")), fraction,
                new Forecaster.Scaling(mean.doubleValue(), scale.doubleValue(), season, changeScale.doubleValue()));
    }

    void check(Series series, String source) {
        if (series.hasDates() != calendar) {
            throw new IllegalArgumentException(source + ": the model was trained " + (calendar ? "with" : "without")
                    + " dates (weekday and time of year); expected a series " + (calendar ? "with --date-column"
                    : "without --date-column"));
        }
        if (series.length() < window + 1) {
            throw new IllegalArgumentException(source + ": expected more than the model's window of " + window
                    + " values, found " + series.length());
        }
    }
}
