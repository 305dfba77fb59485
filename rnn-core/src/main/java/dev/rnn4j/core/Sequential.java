package dev.rnn4j.core;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BuildContext;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Loss;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.layers.Activation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code Sequential} model: a stack of layers, trained with {@link #compile} and {@link #fit}.
 *
 * <pre>{@code
 * Sequential model = new Sequential(backend).seed(42);
 * model.add(SimpleRNN.builder(256).dropout(0.2).build());
 * model.add(new Dense(10));
 * model.add(new Activation("softmax"));
 * model.build(Shape.of(28, 28));
 * model.compile(new CategoricalCrossentropy(), new SGD(), "accuracy");
 * History history = model.fit(xTrain, yTrain, new FitOptions().epochs(20).batchSize(128));
 * Map<String, Double> scores = model.evaluate(xTest, yTest, 128, 0);
 * }</pre>
 *
 * <p>Reproducibility: one generator, seeded by {@link #seed}, supplies the initial weights (at build), the shuffling
 * and the dropout masks, in a fixed order; the same seed gives the same weights after training. Its state can be read
 * and set in place ({@link #random()}, {@link #restoreRandom}), and {@link FitOptions#resume} continues a run from a
 * {@link FitState}, so a run stopped and resumed from a checkpoint ({@code dev.rnn4j.core.io.Checkpoints}) ends with
 * the same weights, bit for bit, as one never stopped.
 */
public final class Sequential {
    private final Backend backend;
    private final DataType dataType;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, Integer> nameCounts = new HashMap<>();
    /** Final: layers keep it from build on, so a checkpoint restores its state in place (see SeededRandom). */
    private final SeededRandom random = new SeededRandom(0);
    private long seed;
    private Shape inputShape;
    private Loss loss;
    private Optimizer optimizer;
    private List<String> metrics = List.of();
    private final Map<Integer, INDArray[]> batchBuffers = new HashMap<>();

    /**
     * A float32 model.
     *
     * @param backend the compute backend
     */
    public Sequential(Backend backend) {
        this(backend, DataType.FLOAT);
    }

    /**
     * @param backend  the compute backend
     * @param dataType float32 for training; float64 for gradient checks
     */
    public Sequential(Backend backend, DataType dataType) {
        this.backend = Objects.requireNonNull(backend, "backend is null");
        this.dataType = Objects.requireNonNull(dataType, "dataType is null");
        seed(System.nanoTime());
    }

    /**
     * Seeds the generator behind initial weights, shuffling and dropout. Call before {@link #build}.
     *
     * @param seed the seed
     * @return this
     */
    public Sequential seed(long seed) {
        if (isBuilt()) {
            throw new IllegalStateException("seed must be set before the model is built");
        }
        this.seed = seed;
        random.setSeed(seed);
        return this;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /**
     * @return the generator behind weights, shuffling and dropout: one object for the model's life, the one its layers
     * were built with (its state is part of a checkpoint)
     */
    public SeededRandom random() {
        return random;
    }

    /**
     * Sets the generator's state in place, for resuming from a checkpoint: the layers, which keep the generator they
     * were built with, draw their dropout masks from the restored position, and so does fit's shuffling.
     *
     * @param state a state from {@code random().state()}
     */
    public void restoreRandom(SeededRandom.State state) {
        random.restore(state);
    }

    /**
     * Adds a layer on top, naming it as Keras does ({@code simple_rnn}, {@code dense_1}) unless it has a name.
     *
     * @param layer the layer, not built
     * @return this
     */
    public Sequential add(Layer layer) {
        Objects.requireNonNull(layer, "layer is null");
        if (isBuilt()) {
            throw new IllegalStateException("cannot add " + layer.typeName() + ": the model is already built");
        }
        if (layer.name() == null) {
            String base = snakeCase(layer.typeName());
            int count = nameCounts.merge(base, 1, Integer::sum);
            layer.setName(count == 1 ? base : base + "_" + (count - 1));
        }
        for (Layer existing : layers) {
            if (existing.name().equals(layer.name())) {
                throw new IllegalArgumentException("layer name " + layer.name() + " is already used in this model");
            }
        }
        layers.add(layer);
        return this;
    }

    /**
     * Builds every layer for inputs of the given sample shape ({@code (timesteps, features)} for recurrent models).
     *
     * @param inputShape the input's sample shape
     * @return this
     */
    public Sequential build(Shape inputShape) {
        if (isBuilt()) {
            throw new IllegalStateException("the model is already built for input " + this.inputShape);
        }
        if (layers.isEmpty()) {
            throw new IllegalStateException("the model has no layers: add at least one before building");
        }
        Shape shape = inputShape;
        for (Layer layer : layers) {
            shape = layer.outputShape(shape);
        }
        BuildContext context = new BuildContext(backend, dataType, random);
        shape = inputShape;
        for (Layer layer : layers) {
            layer.build(shape, context);
            shape = layer.outputShape(shape);
        }
        this.inputShape = inputShape;
        return this;
    }

    /** @return whether {@link #build} has run */
    public boolean isBuilt() {
        return inputShape != null;
    }

    /** @return the input sample shape, or null before build */
    public Shape inputShape() {
        return inputShape;
    }

    /** @return the output sample shape; requires a built model */
    public Shape outputShape() {
        requireBuilt();
        Shape shape = inputShape;
        for (Layer layer : layers) {
            shape = layer.outputShape(shape);
        }
        return shape;
    }

    /**
     * @param loss      the loss
     * @param optimizer the optimizer
     * @param metrics   metric names; {@code accuracy} (categorical) is supported
     * @return this
     */
    public Sequential compile(Loss loss, Optimizer optimizer, String... metrics) {
        this.loss = Objects.requireNonNull(loss, "loss is null");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer is null");
        for (String metric : metrics) {
            if (!"accuracy".equals(metric)) {
                throw new IllegalArgumentException("metrics: expected 'accuracy', found '" + metric + "'");
            }
        }
        this.metrics = List.of(metrics);
        return this;
    }

    /** @return the layers in order */
    public List<Layer> layers() {
        return List.copyOf(layers);
    }

    /** @return every layer's parameters in order */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.addAll(layer.parameters());
        }
        return all;
    }

    /** @return the backend */
    public Backend backend() {
        return backend;
    }

    /** @return the data type of the model's arrays */
    public DataType dataType() {
        return dataType;
    }

    /** @return the loss given to compile, or null */
    public Loss loss() {
        return loss;
    }

    /** @return the optimizer given to compile, or null */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** @return the metric names given to compile, in order; empty when not compiled */
    public List<String> metrics() {
        return metrics;
    }

    /** @return the total number of parameters; requires a built model */
    public long countParams() {
        requireBuilt();
        long total = 0;
        Shape shape = inputShape;
        for (Layer layer : layers) {
            total += layer.countParams(shape);
            shape = layer.outputShape(shape);
        }
        return total;
    }

    /** @return the summary table in Keras 2's layout, computed from the layers */
    public String summary() {
        requireBuilt();
        int[] stops = {29, 55, 65};
        String rule = "_".repeat(65);
        StringBuilder text = new StringBuilder("Model: \"sequential\"\n").append(rule).append('\n');
        text.append(row(stops, " Layer (type)", "Output Shape", "Param #")).append('\n');
        text.append("=".repeat(65)).append('\n');
        Shape shape = inputShape;
        long total = 0;
        for (Layer layer : layers) {
            long count = layer.countParams(shape);
            total += count;
            shape = layer.outputShape(shape);
            text.append(row(stops, " " + layer.name() + " (" + layer.typeName() + ")", shape.toString(),
                    Long.toString(count))).append('\n');
        }
        text.append("=".repeat(65)).append('\n');
        text.append(String.format(Locale.ROOT, "Total params: %,d%n", total));
        text.append(String.format(Locale.ROOT, "Trainable params: %,d%n", total));
        text.append("Non-trainable params: 0\n");
        text.append(rule).append('\n');
        return text.toString();
    }

    private static String row(int[] stops, String... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            int start = i == 0 ? 0 : stops[i - 1];
            int room = stops[i] - start - (i == fields.length - 1 ? 0 : 2);
            String field = fields[i].length() > room ? fields[i].substring(0, room) : fields[i];
            line.append(field);
            if (i < fields.length - 1) {
                line.append(" ".repeat(stops[i] - line.length()));
            }
        }
        return line.toString();
    }

    /**
     * Trains the model, as Keras's {@code fit(x, y, batch_size, epochs)} with verbose 1.
     *
     * @param x         inputs {@code [samples, ...inputShape]}
     * @param y         one-hot targets {@code [samples, classes]}
     * @param epochs    epochs, at least 0
     * @param batchSize samples per step, at least 1
     * @return the history
     */
    public History fit(INDArray x, INDArray y, int epochs, int batchSize) {
        return fit(x, y, new FitOptions().epochs(epochs).batchSize(batchSize));
    }

    /**
     * Trains the model.
     *
     * @param x       inputs {@code [samples, ...inputShape]}; built from its shape when the model is not built yet
     * @param y       targets {@code [samples, ...outputShape]}
     * @param options epochs, batch size, verbosity, shuffling, validation, listeners
     * @return per-epoch loss, metrics and validation values
     * @throws IllegalArgumentException for data that does not fit the model, before any computation
     * @throws IllegalStateException    when the model is not compiled, or the loss becomes NaN or infinite
     */
    public History fit(INDArray x, INDArray y, FitOptions options) {
        requireCompiled("fit");
        x = prepareInputs("fit", x);
        y = prepareTargets("fit", x, y);
        INDArray trainX = x;
        INDArray trainY = y;
        INDArray validationX = options.validationX == null ? null : prepareInputs("fit validation", options.validationX);
        INDArray validationY = validationX == null ? null
                : prepareTargets("fit validation", validationX, options.validationY);
        if (options.validationSplit > 0.0) {
            long samples = x.size(0);
            long split = (long) (samples * (1.0 - options.validationSplit));
            if (split < 1 || split >= samples) {
                throw new IllegalArgumentException("validation_split " + options.validationSplit + " leaves "
                        + split + " of " + samples + " samples for training; expected at least one in each part");
            }
            trainX = Values.rows(x, 0, split);
            trainY = Values.rows(y, 0, split);
            validationX = Values.rows(x, split, samples);
            validationY = Values.rows(y, split, samples);
        }
        int samples = Math.toIntExact(trainX.size(0));
        int batchSize = Math.min(options.batchSize, samples);
        int steps = (samples + batchSize - 1) / batchSize;
        boolean interactive = options.interactive != null ? options.interactive : ProgressBar.stdoutIsTerminal();
        PrintStream out = options.out;
        FitState resume = options.resume;
        checkResume(resume, samples, batchSize, steps);
        History history = resume != null ? resume.history() : new History();
        int[] order = resume != null ? resume.order() : identity(samples);
        int resumeStep = resume != null ? resume.step() : 0;
        for (int epoch = options.initialEpoch + 1; epoch <= options.epochs; epoch++) {
            if (options.verbose > 0) {
                out.println("Epoch " + epoch + "/" + options.epochs);
            }
            // A run resumed in the middle of an epoch continues that epoch's order, sums and steps.
            boolean continuing = resumeStep > 0;
            if (options.shuffle && !continuing) {
                shuffle(order);
            }
            ProgressBar bar = new ProgressBar(out, options.verbose, interactive, steps);
            double lossSum = continuing ? resume.lossSum() : 0;
            long correct = continuing ? resume.correct() : 0;
            long seen = continuing ? resume.seen() : 0;
            int firstStep = resumeStep;
            resumeStep = 0;
            for (int step = firstStep; step < steps; step++) {
                int from = step * batchSize;
                int count = Math.min(batchSize, samples - from);
                INDArray[] batch = batch(count, trainX, trainY);
                backend.gatherRows(trainX, order, from, batch[0]);
                backend.gatherRows(trainY, order, from, batch[1]);
                StepResult result = trainStep(batch[0], batch[1], batch[2]);
                if (!Double.isFinite(result.loss)) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "fit: the loss became %s at epoch %d, batch %d of %d; lower the learning rate (now %s)"
                                    + " or check the data for NaN or infinite values",
                            result.loss, epoch, step + 1, steps, optimizer.learningRate()));
                }
                lossSum += result.loss * count;
                correct += result.correct;
                seen += count;
                if (step + 1 < steps) {
                    bar.update(step + 1, logs(lossSum / seen, (double) correct / seen));
                    if (options.stopSignal.getAsBoolean()) {
                        if (options.verbose == 1 && interactive) {
                            out.println();
                        }
                        FitState stopped = new FitState(epoch - 1, step + 1, steps, batchSize, order, history,
                                Map.of(), lossSum, correct, seen);
                        for (FitOptions.EpochListener listener : options.listeners) {
                            listener.onStop(this, stopped);
                        }
                        return history;
                    }
                }
            }
            Map<String, Double> logs = logs(lossSum / seen, (double) correct / seen);
            if (validationX != null) {
                Map<String, Double> validation = evaluate(validationX, validationY, batchSize, 0);
                validation.forEach((key, value) -> logs.put("val_" + key, value));
            }
            bar.update(steps, logs);
            history.append(logs);
            FitState ended = new FitState(epoch, 0, steps, batchSize, order, history, logs, 0, 0, 0);
            boolean proceed = true;
            for (FitOptions.EpochListener listener : options.listeners) {
                proceed &= listener.onEpochEnd(this, ended);
            }
            if (!proceed) {
                break;
            }
            if (epoch < options.epochs && options.stopSignal.getAsBoolean()) {
                for (FitOptions.EpochListener listener : options.listeners) {
                    listener.onStop(this, ended);
                }
                break;
            }
        }
        return history;
    }

    /**
     * Computes the loss and fills every parameter's gradient for one batch, without updating weights.
     *
     * @param x        a batch of inputs
     * @param y        its targets
     * @param training whether dropout applies
     * @return the loss
     */
    public double computeGradients(INDArray x, INDArray y, boolean training) {
        requireCompiled("computeGradients");
        x = prepareInputs("computeGradients", x);
        y = prepareTargets("computeGradients", x, y);
        INDArray gradient = backend.zeros(dataType, y.shape());
        INDArray inputs = x;
        INDArray targets = y;
        return backend.runStep(() -> forwardBackward(inputs, targets, gradient, training)).loss;
    }

    private StepResult trainStep(INDArray x, INDArray y, INDArray gradient) {
        return backend.runStep(() -> {
            StepResult result = forwardBackward(x, y, gradient, true);
            optimizer.step(parameters(), backend);
            return result;
        });
    }

    private StepResult forwardBackward(INDArray x, INDArray y, INDArray gradient, boolean training) {
        INDArray output = forward(x, training);
        double value = loss.compute(output, y);
        long correct = metrics.isEmpty() ? 0 : countCorrect(output, y);
        int top = layers.size() - 1;
        Layer last = layers.get(top);
        if (last instanceof Activation activation && loss.fusesWith(activation.function())) {
            loss.gradientBeforeActivation(output, y, gradient);
            top--;
        } else {
            loss.gradient(output, y, gradient);
        }
        INDArray current = gradient;
        for (int i = top; i >= 0; i--) {
            current = layers.get(i).backward(current, i > 0);
        }
        return new StepResult(value, correct);
    }

    /**
     * Runs the layers on one batch, as calling a Keras model: {@code model(x, training)}.
     *
     * @param x        a batch {@code [batch, ...inputShape]}, of the model's data type and C order
     * @param training whether dropout applies
     * @return the output, owned by the last layer and valid until the next call
     */
    public INDArray forward(INDArray x, boolean training) {
        return backend.runStep(() -> {
            INDArray current = x;
            for (Layer layer : layers) {
                current = layer.forward(current, training);
            }
            return current;
        });
    }

    /**
     * Evaluates loss and metrics, as Keras's {@code evaluate}.
     *
     * @param x         inputs
     * @param y         targets
     * @param batchSize samples per step, at least 1
     * @param verbose   0 silent, 1 progress bar, 2 one line
     * @return {@code loss} and each metric, averaged over all samples
     */
    public Map<String, Double> evaluate(INDArray x, INDArray y, int batchSize, int verbose) {
        requireCompiled("evaluate");
        requireBatchSize(batchSize);
        x = prepareInputs("evaluate", x);
        y = prepareTargets("evaluate", x, y);
        int samples = Math.toIntExact(x.size(0));
        int size = Math.min(batchSize, samples);
        int steps = (samples + size - 1) / size;
        ProgressBar bar = new ProgressBar(System.out, verbose, ProgressBar.stdoutIsTerminal(), steps);
        Scores scores = new Scores();
        for (int step = 0; step < steps; step++) {
            long from = (long) step * size;
            long to = Math.min(samples, from + size);
            scores.add(forward(Values.rows(x, from, to), false), Values.rows(y, from, to));
            bar.update(step + 1, scores.logs());
        }
        return scores.logs();
    }

    /**
     * The loss and metrics of outputs this model already produced ({@link #predict}), batch by batch as
     * {@link #evaluate} computes them: the same numbers as {@code evaluate} on the inputs with the same batch size,
     * without running the model again (a caller that needs both the outputs and the scores runs it once).
     *
     * @param outputs   the model's outputs {@code [samples, ...outputShape]}
     * @param y         targets, the same shape
     * @param batchSize samples per step, at least 1
     * @return {@code loss} and each metric, averaged over all samples
     */
    public Map<String, Double> evaluateOutputs(INDArray outputs, INDArray y, int batchSize) {
        requireCompiled("evaluateOutputs");
        requireBatchSize(batchSize);
        Objects.requireNonNull(outputs, "evaluateOutputs: outputs is null");
        if (!hasOutputShape(outputs)) {
            throw new IllegalArgumentException("evaluateOutputs: outputs must have the model's output shape "
                    + outputShape() + ", found " + Arrays.toString(outputs.shape()));
        }
        outputs = contiguous(outputs);
        y = prepareTargets("evaluateOutputs", outputs, y);
        long samples = outputs.size(0);
        Scores scores = new Scores();
        for (long from = 0; from < samples; from += batchSize) {
            long to = Math.min(samples, from + batchSize);
            scores.add(Values.rows(outputs, from, to), Values.rows(y, from, to));
        }
        return scores.logs();
    }

    /** Running sums of the loss and of correct predictions over the batches seen so far. */
    private final class Scores {
        private double lossSum;
        private long correct;
        private long samples;

        void add(INDArray output, INDArray targets) {
            long count = output.size(0);
            lossSum += loss.compute(output, targets) * count;
            correct += countCorrect(output, targets);
            samples += count;
        }

        Map<String, Double> logs() {
            return Sequential.this.logs(lossSum / samples, (double) correct / samples);
        }
    }

    /**
     * Runs the model on inputs, as Keras's {@code predict}.
     *
     * @param x         inputs {@code [samples, ...inputShape]}
     * @param batchSize samples per step, at least 1
     * @return outputs {@code [samples, ...outputShape]}, a new array owned by the caller
     */
    public INDArray predict(INDArray x, int batchSize) {
        requireBatchSize(batchSize);
        x = prepareInputs("predict", x);
        long samples = x.size(0);
        INDArray result = backend.zeros(dataType, outputShape().withBatch(samples));
        for (long from = 0; from < samples; from += batchSize) {
            long to = Math.min(samples, from + batchSize);
            Values.rows(result, from, to).assign(forward(Values.rows(x, from, to), false));
        }
        return result;
    }

    private Map<String, Double> logs(double lossValue, double accuracy) {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", lossValue);
        if (metrics.contains("accuracy")) {
            logs.put("accuracy", accuracy);
        }
        return logs;
    }

    private static long countCorrect(INDArray output, INDArray targets) {
        if (output.rank() != 2) {
            return 0;
        }
        int[] predicted = Categorical.argmax(output);
        int[] expected = Categorical.argmax(targets);
        long correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == expected[i]) {
                correct++;
            }
        }
        return correct;
    }

    private INDArray[] batch(int count, INDArray x, INDArray y) {
        return batchBuffers.computeIfAbsent(count, size -> new INDArray[] {
            backend.zeros(dataType, inputShape.withBatch(size)),
            backend.zeros(dataType, Shape.ofBatch(y.shape()).withBatch(size)),
            backend.zeros(dataType, Shape.ofBatch(y.shape()).withBatch(size))});
    }

    private static int[] identity(int samples) {
        int[] order = new int[samples];
        for (int i = 0; i < samples; i++) {
            order[i] = i;
        }
        return order;
    }

    private static void checkResume(FitState resume, int samples, int batchSize, int steps) {
        if (resume == null) {
            return;
        }
        if (resume.samples() != samples) {
            throw new IllegalArgumentException("fit: the state to resume from was trained on " + resume.samples()
                    + " samples, found " + samples + "; resume with the same training data and validation split");
        }
        if (resume.midEpoch() && (resume.batchSize() != batchSize || resume.stepsPerEpoch() != steps)) {
            throw new IllegalArgumentException("fit: the state to resume from stopped at step " + resume.step()
                    + " of an epoch with batch size " + resume.batchSize() + "; resume it with that batch size, found "
                    + batchSize);
        }
    }

    private void shuffle(int[] order) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }

    private INDArray prepareInputs(String operation, INDArray x) {
        Objects.requireNonNull(x, operation + ": x is null");
        if (x.rank() < 1 || x.size(0) == 0 || x.length() == 0) {
            throw new IllegalArgumentException(operation + ": x is empty (shape " + Arrays.toString(x.shape())
                    + "); expected at least one sample");
        }
        if (!isBuilt()) {
            build(Shape.ofBatch(x.shape()));
        }
        Shape actual = Shape.ofBatch(x.shape());
        if (!actual.equals(inputShape)) {
            throw new IllegalArgumentException(operation + ": " + layers.get(0).name() + " ("
                    + layers.get(0).typeName() + ") expects x of shape " + inputShape + ", found "
                    + Arrays.toString(x.shape()));
        }
        return contiguous(x);
    }

    private INDArray prepareTargets(String operation, INDArray x, INDArray y) {
        Objects.requireNonNull(y, operation + ": y is null");
        if (!hasOutputShape(y)) {
            Layer last = layers.get(layers.size() - 1);
            throw new IllegalArgumentException(operation + ": y must match the output of " + last.name() + " ("
                    + last.typeName() + "), expected shape " + outputShape() + ", found " + Arrays.toString(y.shape()));
        }
        if (y.size(0) != x.size(0)) {
            throw new IllegalArgumentException(operation + ": x has " + x.size(0) + " samples but y has "
                    + y.size(0) + " rows");
        }
        return contiguous(y);
    }

    /** @return whether an array is a batch of the model's outputs: {@code [samples, ...outputShape]} */
    private boolean hasOutputShape(INDArray array) {
        Shape output = outputShape();
        return array.rank() == output.rank() + 1 && Shape.ofBatch(array.shape()).equals(output);
    }

    private INDArray contiguous(INDArray array) {
        INDArray typed = array.dataType() == dataType ? array : array.castTo(dataType);
        return typed.ordering() == 'c' && !typed.isView() ? typed : typed.dup('c');
    }

    private void requireCompiled(String operation) {
        if (loss == null) {
            throw new IllegalStateException(operation + ": the model is not compiled; call compile(loss, optimizer,"
                    + " metrics)");
        }
    }

    private static void requireBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size: expected at least 1, found " + batchSize);
        }
    }

    private void requireBuilt() {
        if (!isBuilt()) {
            throw new IllegalStateException("the model is not built: call build(inputShape) or fit it on data first");
        }
    }

    /**
     * @param className a class name such as {@code SimpleRNN}
     * @return Keras's snake case: {@code simple_rnn}
     */
    public static String snakeCase(String className) {
        String intermediate = className.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return intermediate.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private record StepResult(double loss, long correct) {
    }
}
