package dev.rnn4j.text.classify;

import dev.rnn4j.api.Backend;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.FitState;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.callbacks.EarlyStopping;
import dev.rnn4j.core.data.RecordSet;
import dev.rnn4j.core.data.RecordSource;
import dev.rnn4j.core.io.FileWriteException;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.text.Backends;
import dev.rnn4j.text.ModelAssets;
import dev.rnn4j.text.Pictures;
import dev.rnn4j.text.RunOptions;
import dev.rnn4j.text.RunSession;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains the text classifier: exact duplicates removed, a stratified seeded split into training (80 %) and test
 * (20 %) documents, a validation part held out of the training documents, the vocabulary from the training
 * documents only; then the test figures and pictures, and the run folder.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a text classifier (default: spam or ham on SpamAssassin) and write the run folder.")
public final class ClassifyTrainCommand implements Callable<Integer> {
    static final List<String> OUTPUTS = List.of("model.zip", "history.csv", "history.json", RunSession.RUN_JSON,
            "loss.png", "accuracy.png", "confusion_matrix.png", "roc.png", RunSession.CHECKPOINTS);
    private static final List<String> RUN_SETTINGS = List.of("--data", "--cell", "--units", "--embedding",
            "--dropout", "--vocabulary", "--max-tokens", "--batch-size", "--learning-rate", "--seed", "--patience",
            "--test-fraction", "--validation-fraction", "--out");

    @Mixin
    CorpusOptions corpus = new CorpusOptions();

    @Option(names = "--cell", defaultValue = "gru", description = "gru or lstm (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--units", defaultValue = "64", description = "Units per direction (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--embedding", defaultValue = "64", description = "Embedding size (default: ${DEFAULT-VALUE}).")
    int embedding;

    @Option(names = "--dropout", defaultValue = "0.2", description = "Input dropout of the recurrent layer (default:"
            + " ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--vocabulary", defaultValue = "20000", description = "Most frequent training tokens kept"
            + " (default: ${DEFAULT-VALUE}).")
    int vocabulary;

    @Option(names = "--max-tokens", defaultValue = "400", description = "Tokens read from the start of each document"
            + " (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.002", description = "Adam's rate (default:"
            + " ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs at most (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--patience", defaultValue = "3", description = "Stop when the validation loss has not improved"
            + " for this many epochs, and keep the weights of its best epoch; 0 trains every epoch and keeps the last"
            + " (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "Share of each class held out for the"
            + " test (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--validation-fraction", defaultValue = "0.1", description = "Share of each class of the"
            + " training documents held out for validation each epoch (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the split, weights, dropout and shuffling"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    RunOptions runOptions = new RunOptions();

    @Spec
    CommandSpec spec;

    BooleanSupplier stopRequest = () -> false;

    /** The split documents, the test part encoded. */
    record Prepared(Documents.Corpus corpus, WordTokenizer tokenizer, List<Documents.Document> train,
            List<Documents.Document> validation, List<Documents.Document> test, List<int[]> testIds) {
    }

    @Override
    public Integer call() throws IOException {
        PrintStream console = System.out;
        validate();
        if (runOptions.resume != null) {
            runOptions.refuseSettings(spec, RUN_SETTINGS);
            try (RunSession session = RunSession.reopen(runOptions.resume, "classify train")) {
                RunOptions.Resumed resumed = runOptions.restore(session, "classifier", "classify train", console);
                applySettings(resumed.settings(), spec != null
                        && spec.commandLine().getParseResult().hasMatchedOption("--epochs"));
                runOptions.announce(epochs, resumed, console, "");
                Prepared data = prepare(console);
                session.writeRunJson("running", runValues(resumed.backend(), data, Map.of()));
                return train(session, console, resumed.backend(), data, resumed.restored().model(), resumed.state(),
                        resumed.epochSeconds());
            }
        }
        try (RunSession session = RunSession.create(runOptions.out, "classify", OUTPUTS, runOptions.overwrite, "classify train",
                console)) {
            Backend backend = Backends.load();
            console.println(backend.describe());
            Prepared data = prepare(console);
            Sequential model = Classifier.create(backend, seed, data.tokenizer.idCount(),
                    data.corpus.classes().size(), config());
            console.print(model.summary());
            session.writeRunJson("running", runValues(backend, data, Map.of()));
            return train(session, console, backend, data, model, null, List.of());
        }
    }

    private Prepared prepare(PrintStream console) throws IOException {
        Documents.Corpus read = corpus.read(console);
        int classes = read.classes().size();
        List<List<Documents.Document>> split = Documents.split(read.documents(), classes, testFraction, seed);
        List<List<Documents.Document>> inner = Documents.split(split.get(0), classes, validationFraction, seed + 1);
        List<Documents.Document> train = inner.get(0);
        List<Documents.Document> validation = inner.get(1);
        List<Documents.Document> test = split.get(1);
        for (String part : List.of("training", "test")) {
            List<Documents.Document> docs = part.equals("training") ? train : test;
            int[] counts = new int[classes];
            docs.forEach(document -> counts[document.label()]++);
            for (int c = 0; c < classes; c++) {
                if (counts[c] == 0) {
                    throw new IllegalArgumentException("--data " + corpus.describe() + ": class " + read.classes()
                            .get(c) + " has too few documents (" + read.counts()[c] + ") for a " + part
                            + " part; expected enough that each part holds one");
                }
            }
        }
        WordTokenizer tokenizer = WordTokenizer.fit(texts(train), vocabulary, 2, maxTokens);
        List<int[]> testIds = encode(tokenizer, test);
        console.printf(Locale.ROOT, "Documents: %s, %,d after removing %,d exact duplicates; classes %s with %s%n",
                corpus.describe(), read.documents().size(), read.duplicates(), read.classes(),
                java.util.Arrays.toString(read.counts()));
        console.printf(Locale.ROOT, "Split (seed %d, stratified): %,d training, %,d validation, %,d test%n", seed,
                train.size(), validation.size(), test.size());
        console.printf(Locale.ROOT, "Vocabulary: %,d tokens from the training documents (+ padding and"
                + " out-of-vocabulary); %.1f %% of the test tokens are out of it; first %d tokens of each document%n",
                tokenizer.tokens().size(), 100 * WordTokenizer.oovRate(testIds), maxTokens);
        return new Prepared(read, tokenizer, train, validation, test, testIds);
    }

    private static List<String> texts(List<Documents.Document> documents) {
        return documents.stream().map(Documents.Document::text).toList();
    }

    private static List<int[]> encode(WordTokenizer tokenizer, List<Documents.Document> documents) {
        return documents.stream().map(document -> tokenizer.encode(document.text())).toList();
    }

    private static int[] labels(List<Documents.Document> documents) {
        return documents.stream().mapToInt(Documents.Document::label).toArray();
    }

    private int train(RunSession session, PrintStream console, Backend backend, Prepared data, Sequential model,
            FitState resumeState, List<Double> earlier) throws IOException {
        RecordSet trainRecords = Classifier.records(encode(data.tokenizer, data.train), labels(data.train));
        RecordSource training = Classifier.training(trainRecords, batchSize, seed);
        FitOptions options = new FitOptions().epochs(epochs).verbose(runOptions.verbose);
        if (!data.validation.isEmpty()) {
            options.validationData(Classifier.training(Classifier.records(encode(data.tokenizer, data.validation),
                    labels(data.validation)), batchSize, seed));
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
                earlier, stopRequest, console, fitOptions -> model.fit(training, fitOptions));
        if (outcome.interrupted()) {
            session.writeRunJson("interrupted", runValues(backend, data, Map.of()));
            return outcome.exitStatus();
        }
        int classes = data.corpus.classes().size();
        double[][] probabilities = Classifier.predict(model, data.testIds, classes, 64);
        Scores scores = Scores.of(labels(data.test), probabilities, classes);
        report(console, scores, data.corpus.classes());
        try {
            ModelFile.save(model, session.path().resolve("model.zip"), ModelAssets.of(asset(data)));
            session.writeHistory(outcome.history(), outcome.epochSeconds());
            Map<String, List<Double>> history = outcome.history().asMap();
            Pictures.history("Model loss", "loss", history, List.of("loss", "val_loss"),
                    session.path().resolve("loss.png"));
            Pictures.history("Model accuracy", "accuracy", history, List.of("accuracy", "val_accuracy"),
                    session.path().resolve("accuracy.png"));
            Pictures.confusionMatrix(scores.confusion(), data.corpus.classes(), String.format(Locale.ROOT,
                    "Confusion matrix (test accuracy %.2f%%)", 100 * scores.accuracy()),
                    session.path().resolve("confusion_matrix.png"));
            if (classes == 2) {
                double[][] roc = scores.roc();
                double[] fpr = new double[roc.length];
                List<Double> tpr = new ArrayList<>();
                for (int i = 0; i < roc.length; i++) {
                    fpr[i] = roc[i][0];
                    tpr.add(roc[i][1]);
                }
                Pictures.lines(String.format(Locale.ROOT, "ROC curve (test AUC %.4f)", scores.auc()),
                        "false positive rate", "true positive rate", fpr, Map.of(data.corpus.classes().get(1), tpr),
                        session.path().resolve("roc.png"));
            }
            Map<String, Object> results = new LinkedHashMap<>(scores.asMap(data.corpus.classes()));
            results.put("train_seconds", outcome.trainSeconds());
            results.put("epoch_seconds", outcome.epochSeconds());
            session.writeRunJson("finished", runValues(backend, data, results));
        } catch (FileWriteException failure) {
            throw session.outputsFailed(failure);
        }
        console.printf(Locale.ROOT, "Training time: %.1f s (%.1f s per epoch), run folder: %s%n",
                outcome.trainSeconds(), outcome.trainSeconds() / Math.max(1, outcome.epochSeconds().size()),
                session.path());
        return 0;
    }

    static void report(PrintStream console, Scores scores, List<String> classes) {
        int positive = classes.size() - 1;
        console.printf(Locale.ROOT, "%nTest accuracy: %.2f%%%n", 100 * scores.accuracy());
        console.printf(Locale.ROOT, "%s: precision %.4f, recall %.4f, F1 %.4f%s%n", classes.get(positive),
                scores.precision(positive), scores.recall(positive), scores.f1(positive),
                classes.size() == 2 ? String.format(Locale.ROOT, ", ROC AUC %.4f", scores.auc()) : "");
        console.println("Confusion matrix (rows: true class, columns: predicted):");
        int width = Math.max(6, classes.stream().mapToInt(String::length).max().orElse(6) + 1);
        StringBuilder header = new StringBuilder(" ".repeat(width));
        classes.forEach(name -> header.append(String.format(Locale.ROOT, "%" + width + "s", name)));
        console.println(header);
        for (int t = 0; t < classes.size(); t++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", classes.get(t)));
            for (int count : scores.confusion()[t]) {
                row.append(String.format(Locale.ROOT, "%" + width + "d", count));
            }
            console.println(row);
        }
    }

    private Map<String, Object> asset(Prepared data) {
        Map<String, Object> asset = new LinkedHashMap<>();
        asset.put("kind", "classifier");
        asset.put("classes", data.corpus.classes());
        asset.put("max_tokens", maxTokens);
        asset.put("seed", seed);
        asset.put("test_fraction", testFraction);
        asset.put("data", corpus.saved());
        asset.put("tokens", data.tokenizer.tokens());
        return asset;
    }

    private Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("kind", "classifier");
        settings.put("data", corpus.saved());
        settings.put("cell", cell);
        settings.put("units", units);
        settings.put("embedding", embedding);
        settings.put("dropout", dropout);
        settings.put("vocabulary", vocabulary);
        settings.put("max_tokens", maxTokens);
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
        run.put("source", corpus.describe());
        run.put("classes", data.corpus.classes());
        run.put("documents", data.corpus.documents().size());
        run.put("duplicates_removed", data.corpus.duplicates());
        run.putAll(settings());
        run.putAll(results);
        return run;
    }

    private void applySettings(Map<?, ?> settings, boolean epochsGiven) {
        corpus.data = settings.get("data") instanceof String path ? Path.of(path) : null;
        cell = String.valueOf(settings.get("cell"));
        units = (int) RunOptions.number(settings.get("units"));
        embedding = (int) RunOptions.number(settings.get("embedding"));
        dropout = RunOptions.number(settings.get("dropout"));
        vocabulary = (int) RunOptions.number(settings.get("vocabulary"));
        maxTokens = (int) RunOptions.number(settings.get("max_tokens"));
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

    Classifier.Config config() {
        return new Classifier.Config(cell, units, embedding, dropout, learningRate);
    }

    private void validate() {
        config();
        if (vocabulary < 1 || maxTokens < 1 || batchSize < 1 || epochs < 1) {
            throw new IllegalArgumentException("--vocabulary, --max-tokens, --batch-size and --epochs: expected at"
                    + " least 1, found " + vocabulary + ", " + maxTokens + ", " + batchSize + " and " + epochs);
        }
        if (!(testFraction > 0 && testFraction < 1) || !(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction and --validation-fraction: expected fractions in"
                    + " (0, 1) and [0, 1), found " + testFraction + " and " + validationFraction);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("--patience: expected 0 or more, found " + patience);
        }
        runOptions.validate();
    }
}
