package dev.rnn4j.mnist;

import com.google.gson.GsonBuilder;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Categorical;
import dev.rnn4j.core.Callback;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.FitState;
import dev.rnn4j.core.History;
import dev.rnn4j.core.InterruptSignal;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.AtomicFiles;
import dev.rnn4j.core.io.Checkpoints;
import dev.rnn4j.core.io.FileWriteException;
import dev.rnn4j.core.io.RunFolder;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.mnist.report.Charts;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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
 * The notebook's cells in order: data, labels, model summary, fit, evaluate; then the run folder. After every epoch a
 * checkpoint goes into {@code <run>/checkpoints} (docs/checkpoints.md); Ctrl-C or SIGTERM finishes the step in
 * progress, writes a checkpoint and exits with status 130 or 143; {@code --resume <run>} continues from the latest
 * checkpoint, bit for bit as if the run had not stopped. The run holds its folder ({@link RunFolder}) while it runs.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the notebook's model on MNIST and write the model, history and pictures.")
final class TrainCommand implements Callable<Integer> {
    /** The folder of a run's checkpoints. */
    static final String CHECKPOINTS = "checkpoints";
    /** The run's settings, state and results. */
    static final String RUN_JSON = "run.json";

    @Mixin
    CommonOptions data = new CommonOptions();

    @Option(names = "--epochs", defaultValue = "20", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--learning-rate", defaultValue = "0.01", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    /**
     * A fixed default makes the notebook's run reproducible: the same command gives the same weights and accuracy
     * (seed 1: 97.88 %; seeds measured so far span 97.32-98.16 %, docs/mnist.md).
     */
    @Option(names = "--seed", defaultValue = "1",
            description = "Seed for weights, dropout and shuffling (default: ${DEFAULT-VALUE}); same seed, same run.")
    Long seed;

    @Option(names = "--verbose", defaultValue = "1",
            description = "0 silent, 1 progress bar, 2 one line per epoch (default: ${DEFAULT-VALUE}).")
    int verbose;

    @Option(names = "--validation-split", defaultValue = "0",
            description = "Fraction of the training data held out for validation (default: ${DEFAULT-VALUE}).")
    double validationSplit;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/<timestamp>); a new or"
            + " empty folder unless --overwrite.")
    Path out;

    @Option(names = "--overwrite", description = "Replace the run in --out: its outputs and checkpoints are deleted"
            + " first (files that a run does not write are never deleted).")
    boolean overwrite;

    @Option(names = "--keep-checkpoints", defaultValue = "2", paramLabel = "K",
            description = "Checkpoints kept in <run>/checkpoints, written after every epoch and on Ctrl-C;"
                    + " 0 writes none and leaves Ctrl-C as it is (default: ${DEFAULT-VALUE}).")
    int keepCheckpoints;

    @Option(names = "--resume", paramLabel = "RUN_FOLDER",
            description = "Continue an interrupted run from the latest checkpoint in RUN_FOLDER/checkpoints, with the"
                    + " run's settings; --epochs may change the total.")
    Path resume;

    @Spec
    CommandSpec spec;

    /** A second source of stop requests besides Ctrl-C, checked after every step; for tests. */
    BooleanSupplier stopRequest = () -> false;

    /** Runs after training, before the outputs are written; for tests (a disk that fills up there). */
    Runnable beforeOutputs = () -> { };

    /** The options that define a run: a resumed run keeps its own. */
    private static final List<String> RUN_SETTINGS = List.of("--batch-size", "--cell", "--layers", "--units",
            "--dropout", "--learning-rate", "--seed", "--validation-split", "--classes", "--out");

    /** What a run writes into its folder: all {@code --overwrite} deletes, and all it deletes. */
    static final List<String> OUTPUTS = List.of("model.zip", "history.csv", "history.json", RUN_JSON, "model.png",
            "loss.png", "accuracy.png", "confusion_matrix.png", CHECKPOINTS);

    @Override
    public Integer call() throws IOException {
        PrintStream console = System.out;
        validate();
        if (resume != null) {
            return resumeRun(console);
        }
        Path runFolder = out != null ? out : newDefaultFolder();
        try (RunFolder folder = lock(runFolder, "--out")) {
            prepareNewRun(folder, console);
            return startRun(console, runFolder);
        }
    }

    private int startRun(PrintStream console, Path runFolder) throws IOException {
        NotebookModel.Cell recurrentCell = modelOptions.cell();
        Backend backend = Backends.load();
        console.println(backend.describe());
        MnistData mnist = MnistData.load(data.dataDir, data.mirrors, console, data.classes);
        data.classes = mnist.classes;

        console.println("x_train shape: " + shape(mnist.xTrain) + ", y_train shape: (" + mnist.yTrain.size(0) + ",)");
        console.println("x_test shape: " + shape(mnist.xTest) + ", y_test shape: (" + mnist.yTest.size(0) + ",)");
        int[] labels = mnist.dataset.train().labels();
        long distinct = IntStream.of(labels).distinct().count();
        console.println("num_labels: " + distinct);
        console.println("y_train[:10]: " + java.util.Arrays.toString(java.util.Arrays.copyOf(labels, 10)));
        console.println("to_categorical(y_train)[:10]:");
        float[][] oneHot = mnist.yTrain.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0,
                Math.min(10, mnist.yTrain.size(0))), org.nd4j.linalg.indexing.NDArrayIndex.all()).toFloatMatrix();
        for (float[] row : oneHot) {
            StringBuilder line = new StringBuilder(" [");
            for (int i = 0; i < row.length; i++) {
                line.append(i == 0 ? "" : " ").append(row[i] == 1f ? "1." : "0.");
            }
            console.println(line.append(']'));
        }

        long usedSeed = seed;
        console.println("seed: " + usedSeed);
        Shape input = Shape.of(mnist.dataset.rows(), mnist.dataset.cols());
        Sequential model = NotebookModel.create(backend, usedSeed, input, recurrentCell, modelOptions.layers,
                modelOptions.units, modelOptions.dropout, data.classes, learningRate);
        console.print(model.summary());

        writeRunJson(runFolder, "running", backend, usedSeed, Map.of());
        Charts.writeModelDiagram(NotebookModel.diagram(model), runFolder.resolve("model.png"));
        return train(console, backend, mnist, model, runFolder, usedSeed, null, List.of(), 0.0, 0.0);
    }

    /** @return {@code runs/<timestamp>}, with {@code -2}, {@code -3}, ... when a run of the same second has it */
    private static Path newDefaultFolder() {
        Path base = Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path folder = base;
        for (int suffix = 2; Files.exists(folder); suffix++) {
            folder = Path.of(base + "-" + suffix);
        }
        return folder;
    }

    /** Takes the run folder's lock for the whole run; a second writer fails at once, naming the holder. */
    private static RunFolder lock(Path runFolder, String option) throws IOException {
        if (Files.exists(runFolder) && !Files.isDirectory(runFolder)) {
            throw new IllegalArgumentException(option + " " + runFolder + ": a file of that name is in the way;"
                    + " expected a run folder");
        }
        RunFolder folder;
        try {
            folder = RunFolder.lock(runFolder);
        } catch (RunFolder.LockedException locked) {
            throw new IllegalArgumentException(option + " " + runFolder + ": another run (process "
                    + (locked.holder() > 0 ? locked.holder() : "unknown") + ") is writing to this folder; wait for"
                    + " it to end, or choose another " + (option.equals("--out") ? "--out" : "run"));
        }
        try {
            folder.removeLeftovers(CHECKPOINTS);
        } catch (IOException | RuntimeException failure) {
            folder.close();
            throw failure;
        }
        return folder;
    }

    /** A new run's folder: empty, or an earlier run's that {@code --overwrite} clears first. */
    private void prepareNewRun(RunFolder folder, PrintStream console) throws IOException {
        // An empty folder left (a checkpoints folder whose leftovers were removed) holds nothing of a run.
        List<String> present = folder.entries().stream().filter(name -> !isEmptyFolder(folder.path().resolve(name)))
                .toList();
        if (present.isEmpty()) {
            return;
        }
        Path runFolder = folder.path();
        List<String> foreign = present.stream().filter(name -> !OUTPUTS.contains(name)).toList();
        if (!foreign.isEmpty()) {
            throw new IllegalArgumentException("--out " + runFolder + ": the folder holds files that a run does not"
                    + " write (" + listed(foreign) + "); rnn4j never deletes them: choose a new or empty folder");
        }
        if (!overwrite) {
            boolean resumable = Checkpoints.latest(runFolder.resolve(CHECKPOINTS)).isPresent()
                    && !"finished".equals(readRunJson(runFolder).get("status"));
            throw new IllegalArgumentException("--out " + runFolder + ": the folder holds a run already ("
                    + listed(present) + "); " + (resumable ? "continue it with --resume " + runFolder + ", " : "")
                    + "replace it with --overwrite, or choose another --out");
        }
        folder.clear(present);
        console.println("--overwrite: deleted the earlier run in " + runFolder + " (" + listed(present) + ")");
    }

    private static boolean isEmptyFolder(Path path) throws UncheckedIOException {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    private static String listed(List<String> names) {
        return names.size() <= OUTPUTS.size() ? String.join(", ", names)
                : String.join(", ", names.subList(0, OUTPUTS.size())) + " and " + (names.size() - OUTPUTS.size())
                        + " more";
    }

    /** {@code --resume}: the latest checkpoint of the run, the run's settings, then training as usual. */
    private int resumeRun(PrintStream console) throws IOException {
        for (String option : RUN_SETTINGS) {
            if (spec != null && spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " cannot be used with --resume: a resumed run keeps the"
                        + " settings it was started with (only --epochs, --verbose, --keep-checkpoints, --data-dir and"
                        + " --mirror may be given)");
            }
        }
        if (!Files.exists(resume)) {
            throw new IllegalArgumentException("--resume " + resume + ": no such run folder");
        }
        try (RunFolder held = lock(resume, "--resume")) {
            return resumeLocked(console);
        }
    }

    private int resumeLocked(PrintStream console) throws IOException {
        Path folder = resume.resolve(CHECKPOINTS);
        Path latest = Checkpoints.latest(folder).orElseThrow(() -> new IllegalArgumentException("--resume " + resume
                + ": no checkpoint in " + folder + "; nothing to resume (a run writes one after every epoch unless"
                + " --keep-checkpoints 0)"));
        Map<String, Object> run = readRunJson(resume);
        Backend backend = Backends.load();
        console.println(backend.describe());
        Checkpoints.Restored restored = Checkpoints.restore(latest, backend);
        Object settings = restored.metadata().get("settings");
        if (!(settings instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(latest + ": no mnist-app settings in its trainer.json (was it written"
                    + " by another program?); resume it from Java with Checkpoints.restore");
        }
        checkSameRun(latest, map, run, restored.model(), backend);
        boolean epochsGiven = spec != null && spec.commandLine().getParseResult().hasMatchedOption("--epochs");
        applySettings(map, epochsGiven);
        if (data.dataDir == null && map.get("data_dir") instanceof String dataDir) {
            data.dataDir = Path.of(dataDir);
        }
        FitState state = restored.state();
        if (epochs < state.epoch() || (state.midEpoch() && epochs == state.epoch())) {
            throw new IllegalArgumentException("--epochs " + epochs + ": " + resume + " has trained " + state.epoch()
                    + " epochs already" + (state.midEpoch() ? " and stopped in epoch " + (state.epoch() + 1) : "")
                    + " (" + latest.getFileName() + "); to train on, give more");
        }
        if (!state.midEpoch() && state.epoch() == epochs) {
            if ("finished".equals(run.get("status")) && Files.exists(resume.resolve("model.zip"))) {
                console.println("Nothing to resume: " + resume + " finished all " + state.epoch() + " epochs and wrote"
                        + " its outputs; to train on, add --epochs N with N above " + state.epoch());
                return 0;
            }
            console.println("Resuming " + resume + ": all " + state.epoch() + " epochs are trained ("
                    + latest.getFileName() + "); writing the outputs again");
        } else {
            console.println("Resuming " + resume + " from epoch " + (state.epoch() + 1) + "/" + epochs
                    + (state.midEpoch() ? ", step " + (state.step() + 1) + "/" + state.stepsPerEpoch() : "")
                    + " (" + latest.getFileName() + ")");
        }
        MnistData mnist = MnistData.load(data.dataDir, data.mirrors, console, data.classes,
                "the resumed run's " + data.classes + " classes");
        long usedSeed = restored.model().seed();
        console.println("seed: " + usedSeed);
        writeRunJson(resume, "running", backend, usedSeed, Map.of());
        return train(console, backend, mnist, restored.model(), resume, usedSeed, state,
                doubles(restored.metadata().get("epoch_seconds")), number(restored.metadata().get("train_seconds")),
                number(restored.metadata().get("epoch_in_progress_seconds")));
    }

    /**
     * A checkpoint resumes only the run its folder describes: its settings are those of the folder's run.json, and its
     * model is the one those settings build.
     */
    private static void checkSameRun(Path checkpoint, Map<?, ?> settings, Map<String, Object> run,
            Sequential model, Backend backend) {
        List<String> differences = new ArrayList<>();
        if (!run.isEmpty()) {
            if (run.get("seed") != null && !comparable(run.get("seed")).equals(comparable(model.seed()))) {
                differences.add("seed " + model.seed() + " in the checkpoint, " + plain(run.get("seed")) + " in "
                        + RUN_JSON);
            }
            for (String key : COMPARED_SETTINGS) {
                Object inCheckpoint = settings.get(key);
                Object inRun = run.get(key);
                if (!java.util.Objects.equals(comparable(inCheckpoint), comparable(inRun))) {
                    differences.add(key + " " + plain(inCheckpoint) + " in the checkpoint, " + plain(inRun) + " in "
                            + RUN_JSON);
                }
            }
        }
        if (differences.isEmpty()) {
            ModelOptions described = new ModelOptions();
            described.restoreFrom(settings, TrainCommand::number);
            Sequential expected = NotebookModel.create(backend, model.seed(), model.inputShape(), described.cell(),
                    described.layers, described.units, described.dropout, model.outputShape().last(),
                    number(settings.get("learning_rate")));
            if (!expected.summary().equals(model.summary())) {
                differences.add("its model is not the one its settings describe (cell " + described.cell().option()
                        + ", " + described.layers + " layers of " + described.units + " units)");
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("--resume " + checkpoint.getParent().getParent() + ": the latest"
                    + " checkpoint, " + checkpoint.getFileName() + ", is not of this run: " + String.join("; ",
                    differences) + ". Start the run again with --out " + checkpoint.getParent().getParent()
                    + " --overwrite");
        }
    }

    /** The settings a checkpoint and its run folder's run.json must agree on. */
    private static final List<String> COMPARED_SETTINGS = List.of("cell", "layers", "units", "dropout", "batch_size",
            "learning_rate", "validation_split", "classes");

    /** @return a setting as the user typed it: 6, not the 6.0 JSON reading makes of it */
    private static String plain(Object value) {
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                && Math.abs(number.doubleValue()) < 1e15) {
            return Long.toString(number.longValue());
        }
        return String.valueOf(value);
    }

    private static Object comparable(Object value) {
        return value instanceof Number number ? (Object) number.doubleValue() : value;
    }

    private void applySettings(Map<?, ?> settings, boolean epochsGiven) {
        if (!epochsGiven) {
            epochs = (int) number(settings.get("epochs"));
        }
        batchSize = (int) number(settings.get("batch_size"));
        modelOptions.restoreFrom(settings, TrainCommand::number);
        learningRate = number(settings.get("learning_rate"));
        validationSplit = number(settings.get("validation_split"));
        data.classes = (int) number(settings.get("classes"));
        validate();
    }

    private static double number(Object value) {
        return value instanceof Number number ? number.doubleValue() : 0.0;
    }

    private static List<Double> doubles(Object value) {
        List<Double> values = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                values.add(number(item));
            }
        }
        return values;
    }

    /**
     * Trains (or goes on training) with checkpoints and Ctrl-C handling, then writes the run folder's outputs.
     *
     * @return 0, or {@link InterruptSignal#EXIT_INTERRUPTED} ({@link InterruptSignal#EXIT_TERMINATED} after SIGTERM)
     *         when training was stopped
     */
    private int train(PrintStream console, Backend backend, MnistData mnist, Sequential model, Path runFolder,
            long usedSeed, FitState resumeState, List<Double> earlierEpochSeconds, double earlierTrainSeconds,
            double epochInProgressSeconds) throws IOException {
        long start = System.nanoTime();
        List<Double> epochSeconds = new ArrayList<>(earlierEpochSeconds);
        long[] epochStart = {start - (long) (epochInProgressSeconds * 1e9)};
        FitOptions options = new FitOptions().epochs(epochs).batchSize(batchSize).verbose(verbose)
                .validationSplit(validationSplit)
                // Before the checkpoints, so that a checkpoint holds the time of its own epoch.
                .callbacks(Callback.atEpochEnd((epoch, logs) -> {
                    long now = System.nanoTime();
                    epochSeconds.add((now - epochStart[0]) / 1e9);
                    epochStart[0] = now;
                }));
        if (resumeState != null) {
            options.resume(resumeState);
        }
        Checkpoints checkpoints = null;
        FitState[] stoppedAt = {null};
        if (keepCheckpoints > 0) {
            checkpoints = new Checkpoints(runFolder.resolve(CHECKPOINTS), keepCheckpoints).metadata(() -> {
                long now = System.nanoTime();
                Map<String, Object> metadata = new LinkedHashMap<>();
                metadata.put("settings", settings());
                metadata.put("seed", usedSeed);
                metadata.put("epoch_seconds", List.copyOf(epochSeconds));
                metadata.put("train_seconds", earlierTrainSeconds + (now - start) / 1e9);
                metadata.put("epoch_in_progress_seconds", (now - epochStart[0]) / 1e9);
                return metadata;
            });
            options.callbacks(checkpoints);
        }
        options.callbacks(new Callback() {
            @Override
            public void onInterrupt(FitState state) {
                stoppedAt[0] = state;
            }
        });
        History history;
        int stopStatus;
        try (InterruptSignal interrupt = keepCheckpoints > 0 ? InterruptSignal.install(console) : null) {
            options.stopSignal(() -> (interrupt != null && interrupt.requested()) || stopRequest.getAsBoolean());
            history = model.fit(mnist.xTrain, mnist.yTrain, options);
            stopStatus = interrupt != null ? interrupt.exitStatus() : InterruptSignal.EXIT_INTERRUPTED;
        } catch (UncheckedIOException failure) {
            // A checkpoint could not be written: training stopped there; the ones written before are intact.
            Path last = checkpoints == null ? null : checkpoints.lastWritten();
            throw new IOException(failure.getMessage() + "; training stopped" + (last == null
                    ? " before any checkpoint was written" : ", and " + last + " is intact: --resume " + runFolder
                            + " continues from it"), failure.getCause());
        }
        if (stoppedAt[0] != null) {
            FitState state = stoppedAt[0];
            String where = state.midEpoch() ? "at epoch " + (state.epoch() + 1) + "/" + epochs + ", step "
                    + state.step() + "/" + state.stepsPerEpoch() : "after epoch " + state.epoch() + "/" + epochs;
            console.println(checkpoints == null ? "Interrupted " + where + " (no checkpoint: --keep-checkpoints 0)"
                    : "Interrupted " + where + ": checkpoint written to " + checkpoints.lastWritten()
                    + "; resume with: java -jar mnist-app/target/mnist-app.jar train --resume " + runFolder);
            writeRunJson(runFolder, "interrupted", backend, usedSeed, Map.of());
            return stopStatus;
        }
        double trainSeconds = earlierTrainSeconds + (System.nanoTime() - start) / 1e9;
        // The test set through the model once: the scores (as evaluate gives them) and the confusion matrix.
        INDArray testOutputs = model.predict(mnist.xTest, batchSize);
        Map<String, Double> scores = model.evaluateOutputs(testOutputs, mnist.yTest, batchSize);
        console.printf(Locale.ROOT, "%nTest accuracy: %.1f%%%n", 100.0 * scores.get("accuracy"));

        beforeOutputs.run();
        try {
            ModelFile.save(model, runFolder.resolve("model.zip"));
            writeHistory(history, epochSeconds, runFolder);
            Charts.writeHistoryCurves(history.asMap(), runFolder.resolve("loss.png"),
                    runFolder.resolve("accuracy.png"));
            int[][] confusion = confusion(testOutputs, mnist);
            List<String> classNames = IntStream.range(0, data.classes).mapToObj(Integer::toString).toList();
            Charts.writeConfusionMatrix(confusion, classNames, runFolder.resolve("confusion_matrix.png"));
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("test_loss", scores.get("loss"));
            results.put("test_accuracy", scores.get("accuracy"));
            results.put("train_seconds", trainSeconds);
            results.put("epoch_seconds", epochSeconds);
            writeRunJson(runFolder, "finished", backend, usedSeed, results);
        } catch (FileWriteException failure) {
            Path last = checkpoints == null ? null : checkpoints.lastWritten();
            throw new IOException(failure.getMessage() + "; " + (last == null
                    ? "no checkpoint holds the trained weights (--keep-checkpoints 0)"
                    : "the weights of epoch " + epochs + " are safe in " + last + ", and --resume " + runFolder
                            + " writes the outputs again" + (failure.outOfSpace() ? " once there is room" : "")),
                    failure);
        }
        console.printf(Locale.ROOT, "Test loss: %.4f, training time: %.1f s (%.2f s per epoch), run folder: %s%n",
                scores.get("loss"), trainSeconds, epochs == 0 ? 0.0 : trainSeconds / epochs, runFolder);
        return 0;
    }

    /** @return the settings that define the run, as a checkpoint stores them for {@code --resume} */
    private Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("epochs", epochs);
        settings.put("batch_size", batchSize);
        modelOptions.putInto(settings);
        settings.put("learning_rate", learningRate);
        settings.put("validation_split", validationSplit);
        settings.put("classes", data.classes);
        if (data.dataDir != null) {
            settings.put("data_dir", data.dataDir.toAbsolutePath().toString());
        }
        return settings;
    }

    private void validate() {
        if (out != null && out.toString().isEmpty()) {
            throw new IllegalArgumentException("--out: expected a folder, found an empty path");
        }
        if (resume != null && resume.toString().isEmpty()) {
            throw new IllegalArgumentException("--resume: expected a run folder, found an empty path");
        }
        if (overwrite && resume != null) {
            throw new IllegalArgumentException("--overwrite cannot be used with --resume: one replaces a run, the"
                    + " other continues it");
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("--epochs: expected at least 0, found " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size: expected at least 1, found " + batchSize);
        }
        modelOptions.validate();
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("--learning-rate: expected a positive number, found " + learningRate);
        }
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("--verbose: expected 0, 1 or 2, found " + verbose);
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("--validation-split: expected a fraction in [0, 1), found "
                    + validationSplit);
        }
        if (data.classes != null && data.classes < 2) {
            throw new IllegalArgumentException("--classes: expected at least 2, found " + data.classes);
        }
        if (keepCheckpoints < 0) {
            throw new IllegalArgumentException("--keep-checkpoints: expected at least 0, found " + keepCheckpoints);
        }
    }

    static int[][] confusion(INDArray testOutputs, MnistData mnist) {
        int classes = Math.toIntExact(mnist.yTest.size(1));
        int[][] counts = new int[classes][classes];
        int[] predicted = Categorical.argmax(testOutputs);
        int[] expected = mnist.dataset.test().labels();
        for (int i = 0; i < predicted.length; i++) {
            counts[expected[i]][predicted[i]]++;
        }
        return counts;
    }

    private static void writeHistory(History history, List<Double> epochSeconds, Path folder) throws IOException {
        Map<String, List<Double>> series = history.asMap();
        StringBuilder csv = new StringBuilder("epoch");
        series.keySet().forEach(key -> csv.append(',').append(key));
        csv.append(",seconds\n");
        for (int epoch = 0; epoch < history.epochs(); epoch++) {
            csv.append(epoch + 1);
            for (List<Double> values : series.values()) {
                csv.append(',').append(epoch < values.size() ? values.get(epoch) : "");
            }
            csv.append(',').append(epoch < epochSeconds.size() ? String.format(Locale.ROOT, "%.3f",
                    epochSeconds.get(epoch)) : "").append('\n');
        }
        AtomicFiles.writeString(folder.resolve("history.csv"), csv.toString());
        Map<String, Object> json = new LinkedHashMap<>(series);
        json.put("seconds", epochSeconds);
        AtomicFiles.writeString(folder.resolve("history.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(json));
    }

    /**
     * Writes {@code run.json}: the run's settings and state ({@code running}, {@code interrupted}, {@code finished}),
     * and its results once finished. {@code --resume} checks a checkpoint against it.
     */
    private void writeRunJson(Path folder, String status, Backend backend, long usedSeed, Map<String, Object> results)
            throws IOException {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("status", status);
        run.put("backend", backend.describe());
        run.put("seed", usedSeed);
        run.putAll(settings());
        run.putAll(results);
        AtomicFiles.writeString(folder.resolve(RUN_JSON), new GsonBuilder().setPrettyPrinting().create().toJson(run));
    }

    /**
     * @param folder a run folder
     * @return its {@code run.json}, or an empty map where there is none (a run of an earlier version of rnn4j)
     * @throws IOException when it cannot be read, or is not a JSON object
     */
    static Map<String, Object> readRunJson(Path folder) throws IOException {
        Path file = folder.resolve(RUN_JSON);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            Map<String, Object> run = new com.google.gson.Gson().fromJson(Files.readString(file),
                    new com.google.gson.reflect.TypeToken<Map<String, Object>>() { }.getType());
            if (run == null) {
                throw new com.google.gson.JsonParseException("empty");
            }
            return run;
        } catch (com.google.gson.JsonParseException | IllegalStateException malformed) {
            throw new IOException(file + ": not the JSON object train writes (" + malformed.getMessage()
                    + "); start the run again with --overwrite", malformed);
        }
    }

    private static String shape(INDArray array) {
        StringBuilder text = new StringBuilder("(");
        long[] shape = array.shape();
        for (int i = 0; i < shape.length; i++) {
            text.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return text.append(')').toString();
    }
}
