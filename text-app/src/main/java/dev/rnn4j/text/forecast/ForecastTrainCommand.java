package dev.rnn4j.text.forecast;

import dev.rnn4j.api.Backend;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.FitState;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.callbacks.EarlyStopping;
import dev.rnn4j.core.io.FileWriteException;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.text.Backends;
import dev.rnn4j.text.ModelAssets;
import dev.rnn4j.text.Pictures;
import dev.rnn4j.text.RunOptions;
import dev.rnn4j.text.RunSession;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains the forecaster on the first 80 % of the series (in time order; its last part validates) and scores it on the
 * last 20 % beside the seasonal naive forecast; writes the run folder with a picture of forecast against actual.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a forecaster (default: US births per"
        + " day) and write the run folder.")
public final class ForecastTrainCommand implements Callable<Integer> {
    static final List<String> OUTPUTS = List.of("model.zip", "history.csv", "history.json", RunSession.RUN_JSON,
            "loss.png", "forecast.png", RunSession.CHECKPOINTS);
    private static final List<String> RUN_SETTINGS = List.of("--csv", "--column", "--date-column", "--holidays",
            "--cell", "--units", "--window", "--horizon", "--season", "--batch-size", "--learning-rate", "--seed",
            "--patience", "--test-fraction", "--validation-fraction", "--out");

    @Mixin
    SeriesOptions source = new SeriesOptions();

    @Option(names = "--holidays", defaultValue = "us", description = "With dates: us flags the United States' federal"
            + " holidays as observed and the days bridging the great ones; none leaves them out (default:"
            + " ${DEFAULT-VALUE}).")
    String holidays;

    @Option(names = "--cell", defaultValue = "lstm", description = "lstm or gru (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--units", defaultValue = "64", description = "Units (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--window", defaultValue = "56", description = "Past steps the model sees (default:"
            + " ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--horizon", defaultValue = "1", description = "Steps forecast at once (default:"
            + " ${DEFAULT-VALUE}).")
    int horizon;

    @Option(names = "--season", defaultValue = "7", description = "The period of the seasonal naive baseline, in"
            + " steps (default: ${DEFAULT-VALUE}: same weekday last week).")
    int season;

    @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.002", description = "Adam's rate (default:"
            + " ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--epochs", defaultValue = "60", description = "Epochs at most (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--patience", defaultValue = "8", description = "Stop when the validation loss has not improved"
            + " for this many epochs, and keep the weights of its best epoch; 0 trains every epoch and keeps the last"
            + " (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "The end of the series held out for the"
            + " test (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--validation-fraction", defaultValue = "0.1", description = "The end of the training part"
            + " that validates each epoch (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights and shuffling (default:"
            + " ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    RunOptions runOptions = new RunOptions();

    @Spec
    CommandSpec spec;

    BooleanSupplier stopRequest = () -> false;

    /** The series and its parts as windows. */
    record Prepared(Series series, Forecaster.Calendar calendar, Forecaster.Scaling scaling, int[] train,
            int[] validation, int[] test, int testStart) {
    }

    @Override
    public Integer call() throws IOException {
        PrintStream console = System.out;
        validate();
        if (runOptions.resume != null) {
            runOptions.refuseSettings(spec, RUN_SETTINGS);
            try (RunSession session = RunSession.reopen(runOptions.resume, "forecast train")) {
                RunOptions.Resumed resumed = runOptions.restore(session, "forecaster", "forecast train", console);
                applySettings(resumed.settings(), spec != null
                        && spec.commandLine().getParseResult().hasMatchedOption("--epochs"));
                runOptions.announce(epochs, resumed, console, "");
                Prepared data = prepare(console);
                session.writeRunJson("running", runValues(resumed.backend(), data, Map.of()));
                return train(session, console, resumed.backend(), data, resumed.restored().model(), resumed.state(),
                        resumed.epochSeconds());
            }
        }
        try (RunSession session = RunSession.create(runOptions.out, "forecast", OUTPUTS, runOptions.overwrite, "forecast train",
                console)) {
            Backend backend = Backends.load();
            console.println(backend.describe());
            Prepared data = prepare(console);
            Sequential model = Forecaster.create(backend, seed, data.calendar.features(),
                    config());
            console.print(model.summary());
            session.writeRunJson("running", runValues(backend, data, Map.of()));
            return train(session, console, backend, data, model, null, List.of());
        }
    }

    private Prepared prepare(PrintStream console) throws IOException {
        Series series = source.read(console);
        int n = series.length();
        int testStart = Forecaster.testStart(n, testFraction);
        int firstTarget = Forecaster.firstTarget(window, horizon, season);
        int lastTrainTarget = testStart - horizon;
        if (lastTrainTarget < firstTarget || n - horizon < testStart) {
            throw new IllegalArgumentException("--window " + window + ": the series (" + source.describe() + ") has "
                    + n + " values, " + testStart + " of them for training: expected more than --window plus"
                    + " --horizon (" + (firstTarget + horizon) + ") in the training part and --horizon in the test"
                    + " part; give a shorter --window or a longer series");
        }
        int[] all = IntStream.rangeClosed(firstTarget, lastTrainTarget).toArray();
        int validationCount = (int) Math.round(all.length * validationFraction);
        int[] train = java.util.Arrays.copyOf(all, all.length - validationCount);
        int[] validation = java.util.Arrays.copyOfRange(all, all.length - validationCount, all.length);
        int[] test = IntStream.rangeClosed(testStart, n - horizon).toArray();
        Forecaster.Scaling scaling = Forecaster.Scaling.fit(series.values(), testStart, season);
        Forecaster.Calendar calendar = Forecaster.Calendar.of(series.hasDates(), holidays.equals("us"));
        console.printf(Locale.ROOT, "Series: %s, %,d values%s%n", source.describe(), n, series.hasDates()
                ? " from " + series.dates()[0] + " to " + series.dates()[n - 1] + " (weekday and time of year used"
                + (calendar == Forecaster.Calendar.US_HOLIDAYS ? ", US federal holidays flagged)" : ")") : "");
        console.printf(Locale.ROOT, "Windows of %d -> next %d: %,d training, %,d validation (the latest of the"
                + " training part), %,d test (the last %.0f %% of the series, from %s)%n", window, horizon,
                train.length, validation.length, test.length, 100 * testFraction,
                series.hasDates() ? series.dates()[testStart].toString() : "step " + testStart);
        console.printf(Locale.ROOT, "Scaling (training part only): mean %.2f, standard deviation %.2f; targets as"
                + " changes from %d steps before, standard deviation %.2f%n", scaling.mean(), scaling.scale(), season,
                scaling.changeScale());
        return new Prepared(series, calendar, scaling, train, validation, test, testStart);
    }

    private int train(RunSession session, PrintStream console, Backend backend, Prepared data, Sequential model,
            FitState resumeState, List<Double> earlier) throws IOException {
        INDArray[] train = Forecaster.windows(data.series, data.calendar, data.scaling, data.train, window, horizon);
        FitOptions options = new FitOptions().epochs(epochs).batchSize(batchSize).verbose(runOptions.verbose);
        if (data.validation.length > 0) {
            INDArray[] validation = Forecaster.windows(data.series, data.calendar, data.scaling, data.validation, window, horizon);
            options.validationData(validation[0], validation[1]);
            if (patience > 0) {
                // Before the checkpoints, so that a checkpoint after the last epoch holds the best weights.
                options.callbacks(new EarlyStopping().monitor("val_loss").patience(patience)
                        .restoreBestWeights(true));
            }
        }
        if (resumeState != null) {
            options.resume(resumeState);
        }
        Map<String, Object> settings = settings();
        RunSession.Outcome outcome = session.fit(model, options, runOptions.keepCheckpoints,
                () -> Map.of("settings", settings),
                earlier, stopRequest, console, fitOptions -> model.fit(train[0], train[1], fitOptions));
        if (outcome.interrupted()) {
            session.writeRunJson("interrupted", runValues(backend, data, Map.of()));
            return outcome.exitStatus();
        }
        Evaluation evaluation = Evaluation.of(model, data.series, data.calendar, data.scaling, data.test, window, horizon, season);
        evaluation.print(console);
        try {
            ModelFile.save(model, session.path().resolve("model.zip"), ModelAssets.of(asset(data)));
            session.writeHistory(outcome.history(), outcome.epochSeconds());
            Pictures.history("Model loss (mean absolute error, scaled)", "loss", outcome.history().asMap(),
                    List.of("loss", "val_loss"), session.path().resolve("loss.png"));
            evaluation.picture(session.path().resolve("forecast.png"));
            Map<String, Object> results = new LinkedHashMap<>(evaluation.asMap());
            results.put("train_seconds", outcome.trainSeconds());
            results.put("epoch_seconds", outcome.epochSeconds());
            session.writeRunJson("finished", runValues(backend, data, results));
        } catch (FileWriteException failure) {
            throw session.outputsFailed(failure);
        }
        console.printf(Locale.ROOT, "Training time: %.1f s (%.2f s per epoch), run folder: %s%n",
                outcome.trainSeconds(), outcome.trainSeconds() / Math.max(1, outcome.epochSeconds().size()),
                session.path());
        return 0;
    }

    private Map<String, Object> asset(Prepared data) {
        Map<String, Object> asset = new LinkedHashMap<>();
        asset.put("kind", "forecaster");
        asset.put("column", data.series.name());
        asset.put("calendar", data.series.hasDates());
        asset.put("holidays", data.calendar == Forecaster.Calendar.US_HOLIDAYS ? "us" : "none");
        asset.put("window", window);
        asset.put("horizon", horizon);
        asset.put("season", season);
        asset.put("test_fraction", testFraction);
        asset.put("mean", data.scaling.mean());
        asset.put("scale", data.scaling.scale());
        asset.put("change_scale", data.scaling.changeScale());
        return asset;
    }

    private Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("kind", "forecaster");
        settings.put("csv", source.savedCsv());
        settings.put("column", source.column);
        settings.put("date_column", source.dateColumn);
        settings.put("holidays", holidays);
        settings.put("cell", cell);
        settings.put("units", units);
        settings.put("window", window);
        settings.put("horizon", horizon);
        settings.put("season", season);
        settings.put("batch_size", batchSize);
        settings.put("learning_rate", learningRate);
        settings.put("epochs", epochs);
        settings.put("patience", patience);
        settings.put("test_fraction", testFraction);
        settings.put("validation_fraction", validationFraction);
        settings.put("seed", seed);
        return settings;
    }

    private Map<String, Object> runValues(Backend backend, Prepared data, Map<String, Object> results) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("backend", backend.describe());
        run.put("source", source.describe());
        run.put("values", data.series.length());
        run.putAll(settings());
        run.putAll(results);
        return run;
    }

    private void applySettings(Map<?, ?> settings, boolean epochsGiven) {
        source.restore(settings.get("csv"), settings.get("column"), settings.get("date_column"));
        // Runs started before --holidays existed had none.
        holidays = settings.get("holidays") instanceof String saved ? saved : "none";
        cell = String.valueOf(settings.get("cell"));
        units = (int) RunOptions.number(settings.get("units"));
        window = (int) RunOptions.number(settings.get("window"));
        horizon = (int) RunOptions.number(settings.get("horizon"));
        season = (int) RunOptions.number(settings.get("season"));
        batchSize = (int) RunOptions.number(settings.get("batch_size"));
        learningRate = RunOptions.number(settings.get("learning_rate"));
        testFraction = RunOptions.number(settings.get("test_fraction"));
        validationFraction = RunOptions.number(settings.get("validation_fraction"));
        seed = (long) RunOptions.number(settings.get("seed"));
        patience = (int) RunOptions.number(settings.get("patience"));
        if (!epochsGiven) {
            epochs = (int) RunOptions.number(settings.get("epochs"));
        }
        validate();
    }

    Forecaster.Config config() {
        return new Forecaster.Config(cell, units, window, horizon, learningRate);
    }

    private void validate() {
        config();
        if (!holidays.equals("us") && !holidays.equals("none")) {
            throw new IllegalArgumentException("--holidays: expected us or none, found " + holidays);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("--patience: expected 0 or more, found " + patience);
        }
        if (season < 1 || batchSize < 1 || epochs < 1) {
            throw new IllegalArgumentException("--season, --batch-size and --epochs: expected at least 1, found "
                    + season + ", " + batchSize + " and " + epochs);
        }
        if (!(testFraction > 0 && testFraction < 1) || !(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction and --validation-fraction: expected fractions in"
                    + " (0, 1) and [0, 1), found " + testFraction + " and " + validationFraction);
        }
        runOptions.validate();
    }
}
