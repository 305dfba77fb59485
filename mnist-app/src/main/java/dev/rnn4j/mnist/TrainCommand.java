package dev.rnn4j.mnist;

import com.google.gson.GsonBuilder;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Categorical;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.History;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.mnist.report.Charts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The notebook's cells in order: data, labels, model summary, fit, evaluate; then the run folder. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the notebook's model on MNIST and write the model, history and pictures.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions data = new CommonOptions();

    @Option(names = "--epochs", defaultValue = "20", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--cell", defaultValue = "simple",
            description = "Recurrent cell: simple (SimpleRNN), lstm or gru (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--layers", defaultValue = "1",
            description = "Recurrent layers, stacked; all but the last return sequences (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--units", defaultValue = "256",
            description = "Units of each recurrent layer (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--dropout", defaultValue = "0.2",
            description = "Input dropout of each recurrent layer (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--learning-rate", defaultValue = "0.01", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--seed", description = "Seed for weights, dropout and shuffling (default: random, printed).")
    Long seed;

    @Option(names = "--verbose", defaultValue = "1",
            description = "0 silent, 1 progress bar, 2 one line per epoch (default: ${DEFAULT-VALUE}).")
    int verbose;

    @Option(names = "--validation-split", defaultValue = "0",
            description = "Fraction of the training data held out for validation (default: ${DEFAULT-VALUE}).")
    double validationSplit;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/<timestamp>).")
    Path out;

    @Override
    public Integer call() throws IOException {
        PrintStream console = System.out;
        validate();
        NotebookModel.Cell recurrentCell = NotebookModel.Cell.fromOption(cell);
        Backend backend = Backends.load();
        console.println(backend.describe());
        MnistData mnist = MnistData.load(data.dataDir, data.mirrors, console, data.classes);

        console.println("x_train shape: " + shape(mnist.xTrain) + ", y_train shape: (" + mnist.yTrain.size(0) + ",)");
        console.println("x_test shape: " + shape(mnist.xTest) + ", y_test shape: (" + mnist.yTest.size(0) + ",)");
        int[] labels = mnist.dataset.train().labels();
        long distinct = IntStream.of(labels).distinct().count();
        console.println("num_labels: " + distinct);
        console.println("y_train[:10]: " + java.util.Arrays.toString(java.util.Arrays.copyOf(labels, 10)));
        console.println("to_categorical(y_train)[:10]:");
        float[][] oneHot = mnist.yTrain.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).toFloatMatrix();
        for (float[] row : oneHot) {
            StringBuilder line = new StringBuilder(" [");
            for (int i = 0; i < row.length; i++) {
                line.append(i == 0 ? "" : " ").append(row[i] == 1f ? "1." : "0.");
            }
            console.println(line.append(']'));
        }

        long usedSeed = seed != null ? seed : System.currentTimeMillis();
        console.println("seed: " + usedSeed);
        Shape input = Shape.of(mnist.dataset.rows(), mnist.dataset.cols());
        Sequential model = NotebookModel.create(backend, usedSeed, input, recurrentCell, layers, units, dropout,
                data.classes, learningRate);
        console.print(model.summary());

        Path runFolder = out != null ? out : Path.of("runs",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(runFolder);
        Charts.writeModelDiagram(NotebookModel.diagram(model), runFolder.resolve("model.png"));

        long start = System.nanoTime();
        List<Double> epochSeconds = new ArrayList<>();
        long[] epochStart = {System.nanoTime()};
        FitOptions options = new FitOptions().epochs(epochs).batchSize(batchSize).verbose(verbose)
                .validationSplit(validationSplit)
                .listener((epoch, logs) -> {
                    long now = System.nanoTime();
                    epochSeconds.add((now - epochStart[0]) / 1e9);
                    epochStart[0] = now;
                    return true;
                });
        History history = model.fit(mnist.xTrain, mnist.yTrain, options);
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> scores = model.evaluate(mnist.xTest, mnist.yTest, batchSize, 0);
        console.printf(Locale.ROOT, "%nTest accuracy: %.1f%%%n", 100.0 * scores.get("accuracy"));

        ModelFile.save(model, runFolder.resolve("model.zip"));
        writeHistory(history, epochSeconds, runFolder);
        Charts.writeHistoryCurves(history.asMap(), runFolder.resolve("loss.png"), runFolder.resolve("accuracy.png"));
        int[][] confusion = confusion(model, mnist, batchSize);
        List<String> classNames = IntStream.range(0, data.classes).mapToObj(Integer::toString).toList();
        Charts.writeConfusionMatrix(confusion, classNames, runFolder.resolve("confusion_matrix.png"));
        writeSummary(runFolder, usedSeed, scores, trainSeconds, epochSeconds, backend);
        console.printf(Locale.ROOT, "Test loss: %.4f, training time: %.1f s (%.2f s per epoch), run folder: %s%n",
                scores.get("loss"), trainSeconds, epochs == 0 ? 0.0 : trainSeconds / epochs, runFolder);
        return 0;
    }

    private void validate() {
        if (epochs < 0) {
            throw new IllegalArgumentException("--epochs: expected at least 0, found " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size: expected at least 1, found " + batchSize);
        }
        NotebookModel.Cell.fromOption(cell);
        if (layers < 1) {
            throw new IllegalArgumentException("--layers: expected at least 1, found " + layers);
        }
        if (units < 1) {
            throw new IllegalArgumentException("--units: expected at least 1, found " + units);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("--dropout: expected a rate in [0, 1), found " + dropout);
        }
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
        if (data.classes < 2) {
            throw new IllegalArgumentException("--classes: expected at least 2, found " + data.classes);
        }
    }

    static int[][] confusion(Sequential model, MnistData mnist, int batchSize) {
        int classes = Math.toIntExact(mnist.yTest.size(1));
        int[][] counts = new int[classes][classes];
        int[] predicted = Categorical.argmax(model.predict(mnist.xTest, batchSize));
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
        writeAtomically(folder.resolve("history.csv"), csv.toString());
        Map<String, Object> json = new LinkedHashMap<>(series);
        json.put("seconds", epochSeconds);
        writeAtomically(folder.resolve("history.json"), new GsonBuilder().setPrettyPrinting().create().toJson(json));
    }

    private void writeSummary(Path folder, long usedSeed, Map<String, Double> scores, double trainSeconds,
            List<Double> epochSeconds, Backend backend) throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("backend", backend.describe());
        summary.put("seed", usedSeed);
        summary.put("epochs", epochs);
        summary.put("batch_size", batchSize);
        summary.put("cell", NotebookModel.Cell.fromOption(cell).option());
        summary.put("layers", layers);
        summary.put("units", units);
        summary.put("dropout", dropout);
        summary.put("learning_rate", learningRate);
        summary.put("validation_split", validationSplit);
        summary.put("test_loss", scores.get("loss"));
        summary.put("test_accuracy", scores.get("accuracy"));
        summary.put("train_seconds", trainSeconds);
        summary.put("epoch_seconds", epochSeconds);
        writeAtomically(folder.resolve("run.json"), new GsonBuilder().setPrettyPrinting().create().toJson(summary));
    }

    static void writeAtomically(Path target, String text) throws IOException {
        Path temporary = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException unsupported) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
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
