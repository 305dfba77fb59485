package dev.rnn4j.text.lm;

import dev.rnn4j.api.Backend;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.FitState;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.callbacks.LearningRateScheduler;
import dev.rnn4j.core.io.AtomicFiles;
import dev.rnn4j.core.io.FileWriteException;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.core.optimizers.ExponentialDecay;
import dev.rnn4j.text.Backends;
import dev.rnn4j.text.ModelAssets;
import dev.rnn4j.text.Pictures;
import dev.rnn4j.text.RunOptions;
import dev.rnn4j.text.RunSession;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains the character language model on the first 90 % of the text and validates on the last 10 % (contiguous, no
 * overlap), both as streams with the states carried; writes the run folder: {@code model.zip} (the vocabulary in its
 * assets), history, learning curve, a sample, {@code run.json}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a character-level language model (default: on Moby Dick) and write the run folder.")
public final class LmTrainCommand implements Callable<Integer> {
    /** What a run writes into its folder. */
    static final List<String> OUTPUTS = List.of("model.zip", "history.csv", "history.json", RunSession.RUN_JSON,
            "bpc.png", "sample.txt", RunSession.CHECKPOINTS);
    /** The options a resumed run keeps from its start. */
    private static final List<String> RUN_SETTINGS = List.of("--text", "--cell", "--layers", "--units",
            "--embedding", "--dropout", "--seq-length", "--batch-size", "--learning-rate", "--lr-decay", "--seed",
            "--validation-fraction",
            "--out");

    @Mixin
    TextOptions source = new TextOptions();

    @Option(names = "--cell", defaultValue = "gru", description = "gru or lstm (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--layers", defaultValue = "2", description = "Recurrent layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--units", defaultValue = "256", description = "Units per layer (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--embedding", defaultValue = "32", description = "Embedding size (default: ${DEFAULT-VALUE}).")
    int embedding;

    @Option(names = "--dropout", defaultValue = "0.25", description = "Dropout on each recurrent layer's outputs"
            + " (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--seq-length", defaultValue = "25",
            description = "Characters per training window (default: ${DEFAULT-VALUE}).")
    int seqLength;

    @Option(names = "--batch-size", defaultValue = "64",
            description = "Streams read side by side (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.004", description = "Adam's rate in the first epoch (default:"
            + " ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--lr-decay", defaultValue = "0.9", description = "The rate's factor per epoch, 1 for a constant"
            + " rate (default: ${DEFAULT-VALUE}).")
    double lrDecay;

    @Option(names = "--epochs", defaultValue = "50", description = "Epochs at most (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--minutes", defaultValue = "15", description = "Training time at most: stops after the epoch"
            + " past which another would not end in time; 0 for no limit (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--validation-fraction", defaultValue = "0.1",
            description = "The end of the text held out for validation (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    RunOptions runOptions = new RunOptions();

    @Spec
    CommandSpec spec;

    /** A second source of stop requests besides Ctrl-C; for tests. */
    BooleanSupplier stopRequest = () -> false;

    @Override
    public Integer call() throws IOException {
        PrintStream console = System.out;
        validate();
        if (runOptions.resume != null) {
            runOptions.refuseSettings(spec, RUN_SETTINGS);
            try (RunSession session = RunSession.reopen(runOptions.resume, "lm train")) {
                RunOptions.Resumed resumed = runOptions.restore(session, "char-lm", "lm train", console);
                applySettings(resumed.settings(), spec != null
                        && spec.commandLine().getParseResult().hasMatchedOption("--epochs"));
                runOptions.announce(epochs, resumed, console, " (the states carried across that epoch's windows"
                        + " restart from zeros)");
                Prepared data = prepare(console, (String) resumed.settings().get("vocabulary"));
                session.writeRunJson("running", runValues(resumed.backend(), data, Map.of()));
                return train(session, console, resumed.backend(), data, resumed.restored().model(), resumed.state(),
                        resumed.epochSeconds());
            }
        }
        try (RunSession session = RunSession.create(runOptions.out, "lm", OUTPUTS, runOptions.overwrite, "lm train",
                console)) {
            Backend backend = Backends.load();
            console.println(backend.describe());
            Prepared data = prepare(console, null);
            Sequential model = CharLm.create(backend, seed, data.vocabulary.size(), config());
            console.print(model.summary());
            console.printf(Locale.ROOT, "Training FLOPs per character: %.2f M%n",
                    config().trainFlopsPerChar(data.vocabulary.size()) / 1e6);
            session.writeRunJson("running", runValues(backend, data, Map.of()));
            return train(session, console, backend, data, model, null, List.of());
        }
    }

    /** The text, its vocabulary and the two parts as streams. */
    record Prepared(TextOptions.Text text, CharVocabulary vocabulary, INDArray[] train, INDArray[] validation,
            int validationBatch) {
    }

    private Prepared prepare(PrintStream console, String savedVocabulary) throws IOException {
        TextOptions.Text text = source.read(console);
        CharVocabulary vocabulary = CharVocabulary.of(text.content());
        if (savedVocabulary != null && !savedVocabulary.equals(vocabulary.characters())) {
            throw new IllegalArgumentException("--resume " + runOptions.resume + ": the text (" + text.source() + ") has other"
                    + " characters than the run was started on (" + vocabulary.size() + " now, "
                    + savedVocabulary.codePointCount(0, savedVocabulary.length()) + " then); resume on the same text");
        }
        int[] ids = vocabulary.encode(text.content(), text.source());
        int split = (int) Math.round(ids.length * (1 - validationFraction));
        INDArray[] train = CharLm.streams(ids, 0, split, batchSize, seqLength, "the training part of "
                + text.source());
        // The validation part may be too short for as many streams as training has: then fewer streams read it.
        int validationBatch = Math.max(1, Math.min(batchSize, (ids.length - split - 1) / seqLength));
        INDArray[] validation = CharLm.streams(ids, split, ids.length, validationBatch, seqLength,
                "the validation part of " + text.source());
        console.printf(Locale.ROOT, "Text: %s, %,d characters, %d distinct%n", text.source(), ids.length,
                vocabulary.size());
        console.printf(Locale.ROOT, "Training: the first %,d characters as %d streams of %,d windows of %d%n", split,
                batchSize, train[0].size(0) / batchSize, seqLength);
        console.printf(Locale.ROOT, "Validation: the last %,d characters as %d streams of %,d windows, states"
                + " carried%n", ids.length - split, validationBatch, validation[0].size(0) / validationBatch);
        return new Prepared(text, vocabulary, train, validation, validationBatch);
    }

    private int train(RunSession session, PrintStream console, Backend backend, Prepared data, Sequential model,
            FitState resumeState, List<Double> earlier) throws IOException {
        TimeBudget budget = new TimeBudget(minutes, earlier, console);
        FitOptions options = new FitOptions().epochs(epochs).batchSize(batchSize).shuffle(false)
                .verbose(runOptions.verbose).callbacks(new StatefulValidation(model, data.validation, data.validationBatch), budget,
                        new LearningRateScheduler(new ExponentialDecay(learningRate, lrDecay, 1, false)));
        if (resumeState != null) {
            options.resume(resumeState);
        }
        Map<String, Object> settings = settings(data.vocabulary);
        RunSession.Outcome outcome = session.fit(model, options, runOptions.keepCheckpoints,
                () -> Map.of("settings", settings), earlier, stopRequest, console,
                fitOptions -> model.fit(data.train[0], data.train[1], fitOptions));
        if (outcome.interrupted()) {
            session.writeRunJson("interrupted", runValues(backend, data, Map.of()));
            return outcome.exitStatus();
        }
        // The last epoch's validation (StatefulValidation) is the trained model's: scored again only without one.
        List<Double> validated = outcome.history().get("val_loss");
        double nats = validated.isEmpty()
                ? StatefulValidation.score(model, data.validation, data.validationBatch)
                : validated.get(validated.size() - 1);
        List<Double> seconds = outcome.epochSeconds();
        long trainedChars = data.train[0].length() * seconds.size();
        double charsPerSecond = trainedChars / outcome.trainSeconds();
        console.printf(Locale.ROOT, "%nValidation: %.4f nats per character, %.3f bits per character, perplexity"
                + " %.2f%n", nats, nats / Math.log(2), Math.exp(nats));
        String prompt = samplePrompt(data.text.content(), data.vocabulary);
        String sample = prompt + Sampler.generate(model, data.vocabulary, prompt, 400, 0.8, 0, seed).text();
        console.println("Sample (temperature 0.8):");
        console.println(sample);
        try {
            ModelFile.save(model, session.path().resolve("model.zip"), ModelAssets.of(asset(data.vocabulary)));
            session.writeHistory(outcome.history(), seconds);
            Pictures.history("Bits per character", "bits per character", outcome.history().asMap(),
                    List.of("bpc", "val_bpc"), session.path().resolve("bpc.png"));
            AtomicFiles.writeString(session.path().resolve("sample.txt"), sample + "\n");
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("val_loss", nats);
            results.put("val_bpc", nats / Math.log(2));
            results.put("val_perplexity", Math.exp(nats));
            results.put("epochs_trained", seconds.size());
            results.put("train_seconds", outcome.trainSeconds());
            results.put("epoch_seconds", seconds);
            results.put("chars_per_second", charsPerSecond);
            session.writeRunJson("finished", runValues(backend, data, results));
        } catch (FileWriteException failure) {
            throw session.outputsFailed(failure);
        }
        console.printf(Locale.ROOT, "%d epochs in %.1f s (%.1f s per epoch, %,.0f characters per second),"
                + " run folder: %s%n", seconds.size(), outcome.trainSeconds(),
                outcome.trainSeconds() / Math.max(1, seconds.size()), charsPerSecond, session.path());
        return 0;
    }

    /** @return "The " where the text has those characters, else the text's first word */
    static String samplePrompt(String text, CharVocabulary vocabulary) {
        try {
            vocabulary.encode("The ", "prompt");
            return "The ";
        } catch (IllegalArgumentException unknown) {
            int[] points = text.codePoints().limit(12).toArray();
            int end = 1;
            while (end < points.length && !Character.isWhitespace(points[end])) {
                end++;
            }
            return new String(points, 0, end);
        }
    }

    /** @return the model file's asset: what generate and evaluate need to use the model */
    private Map<String, Object> asset(CharVocabulary vocabulary) {
        Map<String, Object> asset = new LinkedHashMap<>();
        asset.put("kind", "char-lm");
        asset.put("vocabulary", vocabulary.characters());
        asset.put("seq_length", seqLength);
        asset.put("batch_size", batchSize);
        asset.put("validation_fraction", validationFraction);
        return asset;
    }

    private Map<String, Object> settings(CharVocabulary vocabulary) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("kind", "char-lm");
        settings.put("text", source.describe());
        settings.put("cell", cell);
        settings.put("layers", layers);
        settings.put("units", units);
        settings.put("embedding", embedding);
        settings.put("dropout", dropout);
        settings.put("seq_length", seqLength);
        settings.put("batch_size", batchSize);
        settings.put("learning_rate", learningRate);
        settings.put("lr_decay", lrDecay);
        settings.put("epochs", epochs);
        settings.put("validation_fraction", validationFraction);
        settings.put("seed", seed);
        settings.put("vocabulary", vocabulary.characters());
        return settings;
    }

    private Map<String, Object> runValues(Backend backend, Prepared data, Map<String, Object> results) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("backend", backend.describe());
        run.put("text_source", data.text.source());
        run.put("minutes", minutes);
        run.putAll(settings(data.vocabulary));
        run.putAll(results);
        return run;
    }

    private void applySettings(Map<?, ?> settings, boolean epochsGiven) {
        Object text = settings.get("text");
        source.text = text instanceof String path ? Path.of(path) : null;
        cell = String.valueOf(settings.get("cell"));
        layers = (int) RunOptions.number(settings.get("layers"));
        units = (int) RunOptions.number(settings.get("units"));
        embedding = (int) RunOptions.number(settings.get("embedding"));
        dropout = RunOptions.number(settings.get("dropout"));
        seqLength = (int) RunOptions.number(settings.get("seq_length"));
        batchSize = (int) RunOptions.number(settings.get("batch_size"));
        learningRate = RunOptions.number(settings.get("learning_rate"));
        lrDecay = RunOptions.number(settings.get("lr_decay"));
        validationFraction = RunOptions.number(settings.get("validation_fraction"));
        seed = (long) RunOptions.number(settings.get("seed"));
        if (!epochsGiven) {
            epochs = (int) RunOptions.number(settings.get("epochs"));
        }
        validate();
    }

    CharLm.Config config() {
        return new CharLm.Config(cell, layers, units, embedding, dropout, learningRate);
    }

    private void validate() {
        config();
        if (!(lrDecay > 0 && lrDecay <= 1)) {
            throw new IllegalArgumentException("--lr-decay: expected a factor in (0, 1], found " + lrDecay);
        }
        if (seqLength < 1 || batchSize < 1) {
            throw new IllegalArgumentException("--seq-length and --batch-size: expected at least 1, found "
                    + seqLength + " and " + batchSize);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs: expected at least 1, found " + epochs);
        }
        if (!(minutes >= 0) || Double.isInfinite(minutes)) {
            throw new IllegalArgumentException("--minutes: expected 0 (no limit) or more, found " + minutes);
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("--validation-fraction: expected a fraction in (0, 1), found "
                    + validationFraction);
        }
        runOptions.validate();
        Objects.requireNonNull(cell);
    }
}
