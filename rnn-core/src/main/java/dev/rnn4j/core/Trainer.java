package dev.rnn4j.core;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Loss;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.data.ArraySource;
import dev.rnn4j.core.data.Batch;
import dev.rnn4j.core.data.BatchIterator;
import dev.rnn4j.core.data.BatchSource;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.metrics.Metric;
import dev.rnn4j.core.metrics.Metrics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link Sequential} and {@link Model} share: the compiled loss, optimizer and metrics, {@code fit}'s loop
 * (epochs, shuffling, batches, progress, validation, listeners, stopping and resuming), {@code evaluate}'s loop, the
 * loss's gradient (fused with a softmax output) and the running scores. A model gives its own checks and passes
 * through {@link Network}; every array list holds one array per model input or output, in order.
 *
 * <p>With several outputs, as in Keras, the loss is the sum of the loss of each output, and the logs hold
 * {@code loss} (the sum), then {@code <output>_loss} and {@code <output>_accuracy} per output, named by the layer
 * that makes the output.
 */
final class Trainer {
    private final Backend backend;
    private final DataType dataType;
    private final SeededRandom random;
    private Loss loss;
    private Optimizer optimizer;
    private List<String> metrics = List.of();
    /** Per shape of the inputs (the batch size, and lengths that vary): the outputs' gradients, reused. */
    private final ShapeCache<List<INDArray>> gradientBuffers = new ShapeCache<>();

    /** What a model gives the loops. */
    interface Network {
        /**
         * Checks the inputs (count, shapes, samples) and builds the model from them when it is not built yet.
         *
         * @param operation the operation, for messages
         * @param x         one array per input, or null elements the check reports
         * @return the inputs, contiguous in the model's data type
         * @throws IllegalArgumentException naming the input, what was expected and what was found
         */
        List<INDArray> prepareInputs(String operation, List<INDArray> x);

        /**
         * @param operation the operation, for messages
         * @param x         prepared inputs
         * @param y         one target array per output
         * @return the targets, contiguous in the model's data type
         * @throws IllegalArgumentException naming the output, what was expected and what was found
         */
        List<INDArray> prepareTargets(String operation, List<INDArray> x, List<INDArray> y);

        /**
         * @param x        one batch per input
         * @param mask     the inputs' mask {@code [batch, timesteps]} (a padded batch's), or null
         * @param training whether training-only behaviour applies
         * @return one array per output, owned by the layers
         * @throws IllegalArgumentException when the model cannot take the mask
         */
        List<INDArray> forward(List<INDArray> x, INDArray mask, boolean training);

        /**
         * @param output an output's index
         * @return the activation layer that makes this output and whose backward pass the loss may replace
         *         ({@link Loss#gradientBeforeActivation}), or null
         */
        Activation outputActivation(int output);

        /**
         * The backward pass of the last forward pass: fills every parameter's gradient.
         *
         * @param gradients        one gradient per output; where {@code beforeActivation} is set, the gradient of the
         *                         input of that output's {@link #outputActivation}
         * @param beforeActivation per output, whether its activation's backward pass is to be skipped
         */
        void backward(List<INDArray> gradients, boolean[] beforeActivation);

        /**
         * @return one mask per output of the last forward pass ({@code [batch, timesteps]}, Keras's
         *         {@code compute_mask} carried to the output), null where an output has none
         */
        List<INDArray> outputMasks();

        /** @return the outputs' sample shapes, in order; a dimension each batch sets stays {@link Shape#ANY} */
        List<Shape> outputShapes();

        /**
         * @param x prepared inputs ({@link #prepareInputs})
         * @return the outputs' sample shapes for these inputs, every dimension known
         */
        List<Shape> outputShapes(List<INDArray> x);

        /** @return the parameters the optimizer updates, in a fixed order */
        List<Parameter> parameters();

        /** @return the layers' regularization losses at the current weights, summed (Keras's sum of model.losses) */
        double regularizationLoss();

        /** Adds the gradients of {@link #regularizationLoss()} to the parameters' gradients, after a backward pass. */
        void addRegularizationGradients();

        /** @return the outputs' names in logs (the layers that make them) */
        List<String> outputNames();

        /** @return the model, as callbacks see it */
        Trainable model();
    }

    Trainer(Backend backend, DataType dataType, SeededRandom random) {
        this.backend = backend;
        this.dataType = dataType;
        this.random = random;
    }

    void compile(Loss loss, Optimizer optimizer, String... metrics) {
        Objects.requireNonNull(loss, "loss is null");
        Objects.requireNonNull(optimizer, "optimizer is null");
        for (String metric : metrics) {
            Metrics.check(metric);
        }
        if (new java.util.HashSet<>(List.of(metrics)).size() != metrics.length) {
            throw new IllegalArgumentException("metrics: expected each name once, found " + List.of(metrics));
        }
        this.loss = loss;
        this.optimizer = optimizer;
        this.metrics = List.of(metrics);
    }

    Loss loss() {
        return loss;
    }

    Optimizer optimizer() {
        return optimizer;
    }

    List<String> metrics() {
        return metrics;
    }

    /**
     * Checks a target array against an output and the compiled loss.
     *
     * @param operation   the operation, for messages
     * @param what        the target, for messages ({@code y}, {@code y[1]})
     * @param output      the output's sample shape
     * @param outputLabel the output, for messages
     * @param samples     the inputs' sample count
     * @param y           the targets
     * @throws IllegalArgumentException naming the target, what was expected and what was found
     */
    void checkTargets(String operation, String what, Shape output, String outputLabel, long samples, INDArray y) {
        boolean fits = loss == null ? y.rank() == output.rank() + 1 && y.length() > 0
                && Shape.ofBatch(y.shape()).equals(output) : Scoring.fits(loss, output, y);
        if (!fits) {
            throw new IllegalArgumentException(operation + ": " + what + " must match " + outputLabel
                    + (loss == null || loss.targetShapes(output).size() == 1 ? "" : " and " + loss.name())
                    + ": expected shape " + (loss == null ? output.toString() : Scoring.expectedTargets(loss, output))
                    + ", found " + java.util.Arrays.toString(y.shape()));
        }
        if (y.size(0) != samples) {
            throw new IllegalArgumentException(operation + ": x has " + samples + " samples but " + what + " has "
                    + y.size(0) + " rows");
        }
    }

    History fit(Network network, List<INDArray> x, List<INDArray> y, FitOptions options) {
        requireCompiled("fit");
        x = network.prepareInputs("fit", x);
        y = network.prepareTargets("fit", x, y);
        INDArray weights = sampleWeights(network, options, x, y);
        List<INDArray> trainX = x;
        List<INDArray> trainY = y;
        INDArray trainWeights = weights;
        INDArray validationWeights = null;
        List<INDArray> validationX = options.validationX == null ? null
                : network.prepareInputs("fit validation", options.validationX);
        List<INDArray> validationY = validationX == null ? null
                : network.prepareTargets("fit validation", validationX, options.validationY);
        if (options.validationSplit > 0.0) {
            long samples = x.get(0).size(0);
            long split = (long) (samples * (1.0 - options.validationSplit));
            if (split < 1 || split >= samples) {
                throw new IllegalArgumentException("validation_split " + options.validationSplit + " leaves "
                        + split + " of " + samples + " samples for training; expected at least one in each part");
            }
            trainX = rows(x, 0, split);
            trainY = rows(y, 0, split);
            validationX = rows(x, split, samples);
            validationY = rows(y, split, samples);
            if (weights != null) {
                trainWeights = Values.rows(weights, 0, split);
                validationWeights = Values.rows(weights, split, samples);
            }
        }
        int samples = Math.toIntExact(trainX.get(0).size(0));
        int batchSize = Math.min(options.batchSize, samples);
        // The in-memory path is one more source: the model's generator shuffles it, the backend gathers its rows.
        ArraySource.Builder builder = ArraySource.builder(trainX, trainY).batchSize(batchSize)
                .sampleWeight(trainWeights).gatherWith(backend, dataType).reuseBatchArrays();
        if (options.shuffle) {
            builder.shuffle(random);
        }
        ArraySource source = builder.build();
        checkResume(options.resume, samples, batchSize, source.batchesPerEpoch());
        List<INDArray> checkedX = validationX;
        List<INDArray> checkedY = validationY;
        INDArray checkedWeights = validationWeights;
        Validation validation = checkedX != null
                ? () -> evaluate(network, checkedX, checkedY, checkedWeights, batchSize, 0)
                : validationSource(network, options);
        return loop(network, source, validation, batchSize, null, options);
    }

    /**
     * {@code fit} on a source of batches: {@code batchSize}, {@code shuffle}, {@code validationSplit},
     * {@code sampleWeight} do not apply (the source decides them); {@code classWeight} weighs each batch's targets.
     */
    History fit(Network network, BatchSource source, FitOptions options) {
        requireCompiled("fit");
        Objects.requireNonNull(source, "fit: source is null");
        if (options.validationSplit > 0.0) {
            throw new IllegalArgumentException("fit: validation_split " + options.validationSplit + " needs arrays;"
                    + " with a source, give validationData(source) instead (as Keras)");
        }
        if (options.sampleWeight != null) {
            throw new IllegalArgumentException("fit: sample_weight needs arrays; with a source, each batch carries"
                    + " its own sampleWeight");
        }
        int steps = source.batchesPerEpoch();
        if (steps < 1) {
            throw new IllegalArgumentException("fit: the source has " + steps + " batches per epoch, expected at"
                    + " least 1");
        }
        FitState resume = options.resume;
        if (resume != null && resume.stepsPerEpoch() != steps) {
            throw new IllegalArgumentException("fit: the state to resume from has " + resume.stepsPerEpoch()
                    + " batches per epoch, the source " + steps + "; resume with the same source and settings");
        }
        if (source instanceof ArraySource arrays) {
            if (resume != null && resume.samples() != arrays.samples()) {
                throw new IllegalArgumentException("fit: the state to resume from was trained on " + resume.samples()
                        + " samples, the source has " + arrays.samples());
            }
        } else if (resume != null && resume.samples() != 0) {
            throw new IllegalArgumentException("fit: the state to resume from was trained on " + resume.samples()
                    + " samples in memory; resume it with those arrays, not a source");
        }
        BatchSource checked = source instanceof ArraySource ? source : source.checked();
        return loop(network, checked, validationSource(network, options), 0, options.classWeight,
                options);
    }

    /** The validation after each epoch: logs without the {@code val_} prefix. */
    private interface Validation {
        Map<String, Double> run();
    }

    private Validation validationSource(Network network, FitOptions options) {
        BatchSource validation = options.validationSource;
        return validation == null ? null : () -> evaluate(network, validation.checked(), 0, "fit validation");
    }

    /**
     * The epochs of {@code fit}.
     *
     * @param batchSize the batch size a {@link FitState} records: the arrays' batch size, or 0 to record the rows of
     *                  the first batch of a source
     * @param classWeight Keras's {@code class_weight} for each batch's targets, or null
     */
    private History loop(Network network, BatchSource source, Validation validation, int batchSize,
            Map<Integer, Double> classWeight, FitOptions options) {
        int steps = source.batchesPerEpoch();
        ArraySource arrays = source instanceof ArraySource array ? array : null;
        boolean interactive = options.interactive != null ? options.interactive : ProgressBar.stdoutIsTerminal();
        PrintStream out = options.out;
        FitState resume = options.resume;
        History history = resume != null ? resume.history() : new History();
        if (resume != null && arrays != null) {
            // The order the checkpoint saw: the epoch in progress's, or at an epoch's end the finished epoch's.
            arrays.restore(resume.midEpoch() ? resume.epoch() : resume.epoch() - 1, resume.order());
        }
        int resumeStep = resume != null ? resume.step() : 0;
        int[] recordedBatch = {resume != null ? resume.batchSize() : batchSize};
        List<String> names = network.outputNames();
        List<Shape> outputShapes = network.outputShapes();
        FitContext context = new FitContext(network.model(), options.epochs, steps, options.verbose, out);
        List<Callback> callbacks = options.callbacks;
        for (Callback callback : callbacks) {
            callback.setContext(context);
        }
        for (Callback callback : callbacks) {
            callback.onTrainBegin(new LinkedHashMap<>());
        }
        Map<String, Double> lastLogs = new LinkedHashMap<>();
        for (int epoch = options.initialEpoch + 1; epoch <= options.epochs; epoch++) {
            if (options.verbose > 0) {
                out.println("Epoch " + epoch + "/" + options.epochs);
            }
            for (Callback callback : callbacks) {
                callback.onEpochBegin(epoch - 1, new LinkedHashMap<>());
            }
            // A run resumed in the middle of an epoch continues that epoch's batches, sums and steps.
            boolean continuing = resumeStep > 0;
            ProgressBar bar = new ProgressBar(out, options.verbose, interactive, steps);
            Scores scores = new Scores(names, outputShapes);
            if (continuing) {
                scores.restore(resume.running());
            }
            int firstStep = resumeStep;
            resumeStep = 0;
            try (BatchIterator batches = source.open(epoch - 1, firstStep)) {
                for (int step = firstStep; step < steps; step++) {
                    for (Callback callback : callbacks) {
                        callback.onBatchBegin(step, new LinkedHashMap<>());
                    }
                    if (!batches.hasNext()) {
                        throw new IllegalStateException("fit: epoch " + epoch + ": the source promised " + steps
                                + " batches, found " + step);
                    }
                    Step batch = step(network, "fit (epoch " + epoch + ", batch " + (step + 1) + ")",
                            batches.next(), classWeight);
                    if (recordedBatch[0] == 0) {
                        recordedBatch[0] = batch.rows();
                    }
                    double[] losses = trainStep(network, batch, scores);
                    scores.add(losses, batch.rows());
                    Map<String, Double> batchLogs = scores.logs();
                    for (Callback callback : callbacks) {
                        callback.onBatchEnd(step, batchLogs);
                    }
                    if (!Double.isFinite(total(losses)) && !context.stopRequested()) {
                        throw new IllegalStateException(String.format(Locale.ROOT,
                                "fit: the loss became %s at epoch %d, batch %d of %d; lower the learning rate (now"
                                        + " %s) or check the data for NaN or infinite values (TerminateOnNaN stops"
                                        + " instead)", total(losses), epoch, step + 1, steps,
                                optimizer.learningRate()));
                    }
                    if (context.stopRequested()) {
                        break;
                    }
                    if (step + 1 < steps) {
                        bar.update(step + 1, batchLogs);
                        if (options.stopSignal.getAsBoolean()) {
                            if (options.verbose == 1 && interactive) {
                                out.println();
                            }
                            FitState stopped = new FitState(epoch - 1, step + 1, steps, recordedBatch[0],
                                    order(arrays), history, Map.of(), scores.running());
                            for (Callback callback : callbacks) {
                                callback.onInterrupt(stopped);
                            }
                            return history;
                        }
                    }
                }
            }
            Map<String, Double> logs = scores.logs();
            if (validation != null) {
                validation.run().forEach((key, value) -> logs.put("val_" + key, value));
            }
            int done = epoch;
            int[] order = order(arrays);
            // Built when asked, so that it holds what the callbacks before the asking one added to the logs.
            context.state(() -> new FitState(done, 0, steps, recordedBatch[0], order, withEpoch(history, logs),
                    logs, Map.of()));
            for (Callback callback : callbacks) {
                callback.onEpochEnd(epoch - 1, logs);
            }
            FitState ended = context.state();
            context.state(null);
            bar.update(steps, logs);
            history.append(logs);
            lastLogs = logs;
            if (context.stopRequested()) {
                break;
            }
            if (epoch < options.epochs && options.stopSignal.getAsBoolean()) {
                for (Callback callback : callbacks) {
                    callback.onInterrupt(ended);
                }
                return history;
            }
        }
        for (Callback callback : callbacks) {
            callback.onTrainEnd(lastLogs);
        }
        return history;
    }

    /** @return the order a {@link FitState} records: the arrays' current order, none for other sources */
    private static int[] order(ArraySource arrays) {
        return arrays == null ? new int[0] : arrays.order();
    }


    private static History withEpoch(History history, Map<String, Double> logs) {
        History copy = history.copy();
        copy.append(logs);
        return copy;
    }

    double computeGradients(Network network, List<INDArray> x, List<INDArray> y, boolean training) {
        requireCompiled("computeGradients");
        List<INDArray> inputs = network.prepareInputs("computeGradients", x);
        List<INDArray> targets = network.prepareTargets("computeGradients", inputs, y);
        List<INDArray> gradients = new ArrayList<>();
        long samples = inputs.get(0).size(0);
        for (Shape shape : network.outputShapes(inputs)) {
            gradients.add(backend.zeros(dataType, shape.withBatch(samples)));
        }
        return total(backend.runStep(() -> forwardBackward(network, new Step(inputs, targets, null, null,
                gradients), training, null)));
    }

    /**
     * The loss of one batch as training computes it (masks and the regularization losses included), without
     * gradients: what a gradient check perturbs.
     *
     * @param network the model
     * @param x       one batch per input
     * @param y       one target batch per output
     * @return the loss, summed over the outputs, plus the regularization losses
     */
    double computeLoss(Network network, List<INDArray> x, List<INDArray> y) {
        requireCompiled("computeLoss");
        List<INDArray> inputs = network.prepareInputs("computeLoss", x);
        List<INDArray> targets = network.prepareTargets("computeLoss", inputs, y);
        return backend.runStep(() -> {
            List<INDArray> outputs = network.forward(inputs, null, false);
            List<INDArray> masks = network.outputMasks();
            List<String> names = network.outputNames();
            double total = 0;
            for (int i = 0; i < outputs.size(); i++) {
                total += loss.compute(outputs.get(i), targets.get(i),
                        Scoring.lossWeights(outputs.get(i), masks.get(i), null, names.get(i)));
            }
            return total + network.regularizationLoss();
        });
    }

    private double[] trainStep(Network network, Step batch, Scores scores) {
        return backend.runStep(() -> {
            double[] losses = forwardBackward(network, batch, true, scores);
            optimizer.step(network.parameters(), backend);
            return losses;
        });
    }

    /**
     * @return the loss of each output, then the regularization losses as one more entry ({@link #total} of it is the
     *         loss training minimises, as Keras adds {@code model.losses}); the metrics of {@code scores} (when not
     *         null) updated with the outputs
     */
    private double[] forwardBackward(Network network, Step batch, boolean training, Scores scores) {
        List<INDArray> y = batch.y();
        INDArray sampleWeights = batch.weights();
        List<INDArray> gradients = batch.gradients();
        List<INDArray> outputs = network.forward(batch.x(), batch.mask(), training);
        List<INDArray> masks = network.outputMasks();
        List<String> names = network.outputNames();
        int count = outputs.size();
        double[] losses = new double[count + 1];
        boolean[] beforeActivation = new boolean[count];
        for (int i = 0; i < count; i++) {
            INDArray output = outputs.get(i);
            // null without masks and sample weights: the unweighted sums, to the last bit
            INDArray weights = Scoring.lossWeights(output, masks.get(i), sampleWeights, names.get(i));
            losses[i] = loss.compute(output, y.get(i), weights);
            if (scores != null) {
                scores.update(i, output, y.get(i), masks.get(i));
            }
            Activation activation = network.outputActivation(i);
            if (activation != null && loss.fusesWith(activation.function())) {
                loss.gradientBeforeActivation(output, y.get(i), weights, gradients.get(i));
                beforeActivation[i] = true;
            } else {
                loss.gradient(output, y.get(i), weights, gradients.get(i));
            }
        }
        network.backward(gradients, beforeActivation);
        network.addRegularizationGradients();
        losses[count] = network.regularizationLoss(); // at the weights of this pass, before the optimizer's step
        return losses;
    }

    /** @return the model's loss: the sum of the entries, each output's and the regularization losses */
    private static double total(double[] losses) {
        double sum = 0;
        for (double value : losses) {
            sum += value;
        }
        return sum;
    }

    /**
     * @return fit's sample weights ({@code [samples]} or {@code [samples, timesteps]}), from {@code sampleWeight} or
     *         {@code classWeight}; null for none
     */
    private INDArray sampleWeights(Network network, FitOptions options, List<INDArray> x, List<INDArray> y) {
        if (options.sampleWeight != null && options.classWeight != null) {
            throw new IllegalArgumentException("fit: give sample_weight or class_weight, not both (as Keras)");
        }
        List<Shape> shapes = network.outputShapes(x);
        if (options.classWeight != null) {
            if (y.size() != 1) {
                throw new IllegalArgumentException("fit: class_weight needs a model with one output, found "
                        + y.size() + "; give sample_weight instead");
            }
            return Scoring.classWeights(options.classWeight, loss, shapes.get(0), y.get(0));
        }
        if (options.sampleWeight == null) {
            return null;
        }
        return Scoring.checkSampleWeights(options.sampleWeight, shapes.get(0), y.get(0).size(0));
    }

    Map<String, Double> evaluate(Network network, List<INDArray> x, List<INDArray> y, int batchSize, int verbose) {
        return evaluate(network, x, y, null, batchSize, verbose);
    }

    private Map<String, Double> evaluate(Network network, List<INDArray> x, List<INDArray> y, INDArray weights,
            int batchSize, int verbose) {
        requireCompiled("evaluate");
        requireBatchSize(batchSize);
        x = network.prepareInputs("evaluate", x);
        y = network.prepareTargets("evaluate", x, y);
        int samples = Math.toIntExact(x.get(0).size(0));
        int size = Math.min(batchSize, samples);
        int steps = (samples + size - 1) / size;
        ProgressBar bar = new ProgressBar(System.out, verbose, ProgressBar.stdoutIsTerminal(), steps);
        Scores scores = new Scores(network.outputNames(), network.outputShapes());
        for (int step = 0; step < steps; step++) {
            long from = (long) step * size;
            long to = Math.min(samples, from + size);
            List<INDArray> outputs = network.forward(rows(x, from, to), null, false);
            scores.add(outputs, rows(y, from, to), network.outputMasks(),
                    weights == null ? null : Values.rows(weights, from, to), network.regularizationLoss());
            bar.update(step + 1, scores.logs());
        }
        return scores.logs();
    }

    /**
     * {@code evaluate} on a source: epoch 0 of it, every batch, the batches' masks and sample weights applied.
     *
     * @param operation the operation, for messages
     */
    Map<String, Double> evaluate(Network network, BatchSource source, int verbose, String operation) {
        requireCompiled(operation);
        Objects.requireNonNull(source, operation + ": source is null");
        int steps = source.batchesPerEpoch();
        ProgressBar bar = new ProgressBar(System.out, verbose, ProgressBar.stdoutIsTerminal(), Math.max(steps, 1));
        Scores scores = new Scores(network.outputNames(), network.outputShapes());
        try (BatchIterator batches = source.open(0, 0)) {
            for (int step = 0; batches.hasNext(); step++) {
                Step batch = step(network, operation + " (batch " + (step + 1) + ")", batches.next(), null);
                List<INDArray> outputs = network.forward(batch.x(), batch.mask(), false);
                scores.add(outputs, batch.y(), network.outputMasks(), batch.weights(),
                        network.regularizationLoss());
                bar.update(step + 1, scores.logs());
            }
        }
        if (scores.seen == 0) {
            throw new IllegalArgumentException(operation + ": the source yielded no batches; expected at least one");
        }
        return scores.logs();
    }

    /**
     * {@code predict} on a source: the outputs of every batch of its epoch 0, in order, given to {@code each}.
     *
     * @param each receives one array per output, owned by the layers and valid during the call
     */
    void predict(Network network, BatchSource source, java.util.function.Consumer<List<INDArray>> each) {
        Objects.requireNonNull(source, "predict: source is null");
        Objects.requireNonNull(each, "predict: consumer is null");
        try (BatchIterator batches = source.open(0, 0)) {
            for (int step = 0; batches.hasNext(); step++) {
                Batch batch = batches.next();
                String operation = "predict (batch " + (step + 1) + ")";
                List<INDArray> x = network.prepareInputs(operation, batch.x());
                each.accept(network.forward(x, mask(operation, batch.mask(), x), false));
            }
        }
    }

    /**
     * @param outputNames  the outputs' names in logs
     * @param outputShapes the outputs' sample shapes
     * @return empty running scores
     */
    Scores scores(List<String> outputNames, List<Shape> outputShapes) {
        return new Scores(outputNames, outputShapes);
    }

    /** Running sums of the loss, per output, and the compiled metrics of each output, over the batches so far. */
    final class Scores {
        private final List<String> names;
        private final double[] lossSums;
        private final List<List<Metric>> outputMetrics = new ArrayList<>();
        private double lossSum;
        private long seen;

        private Scores(List<String> names, List<Shape> shapes) {
            this.names = names;
            this.lossSums = new double[names.size()];
            for (Shape shape : shapes) {
                outputMetrics.add(metrics.stream().map(name -> Metrics.resolve(name, loss, shape)).toList());
            }
        }

        /** @return the running sums by log name, what {@link FitState#running()} holds */
        private Map<String, double[]> running() {
            Map<String, double[]> running = new LinkedHashMap<>();
            running.put("loss", new double[] {lossSum});
            running.put("seen", new double[] {seen});
            for (int i = 0; i < names.size(); i++) {
                if (names.size() > 1) {
                    running.put(names.get(i) + "_loss", new double[] {lossSums[i]});
                }
                for (Metric metric : outputMetrics.get(i)) {
                    running.put(logName(i, metric), metric.state());
                }
            }
            return running;
        }

        private void restore(Map<String, double[]> running) {
            lossSum = sum(running, "loss");
            seen = (long) sum(running, "seen");
            for (int i = 0; i < names.size(); i++) {
                lossSums[i] = names.size() > 1 ? sum(running, names.get(i) + "_loss") : lossSum;
                for (Metric metric : outputMetrics.get(i)) {
                    metric.restore(sums(running, logName(i, metric)));
                }
            }
        }

        private double sum(Map<String, double[]> running, String name) {
            double[] values = sums(running, name);
            if (values.length != 1) {
                throw new IllegalArgumentException("fit: the state to resume from has " + values.length
                        + " running sums of " + name + ", expected 1");
            }
            return values[0];
        }

        private double[] sums(Map<String, double[]> running, String name) {
            double[] values = running.get(name);
            if (values == null) {
                throw new IllegalArgumentException("fit: the state to resume from stopped in the middle of an epoch"
                        + " without the running sums of " + name + " (it has " + running.keySet() + "); resume with"
                        + " the metrics and outputs it was trained with, or from an epoch's end");
            }
            return values;
        }

        private String logName(int output, Metric metric) {
            return names.size() == 1 ? metric.name() : names.get(output) + "_" + metric.name();
        }

        /** Adds a batch's losses: each output's, then the regularization losses, which count in {@code loss} only. */
        private void add(double[] losses, long count) {
            lossSum += total(losses) * count;
            for (int i = 0; i < lossSums.length; i++) {
                lossSums[i] += losses[i] * count;
            }
            seen += count;
        }

        /** Updates the metrics of one output with a batch, masked rows left out. */
        private void update(int output, INDArray predictions, INDArray targets, INDArray mask) {
            List<Metric> list = outputMetrics.get(output);
            if (list.isEmpty()) {
                return;
            }
            double[] p = Values.of(predictions);
            double[] y = Values.of(targets);
            double[] rows = mask == null ? null : Scoring.maskValues(predictions, mask, names.get(output));
            int width = Math.toIntExact(predictions.size(predictions.rank() - 1));
            for (Metric metric : list) {
                metric.update(p, width, y, rows);
            }
        }

        /**
         * Adds the scores of one batch of outputs.
         *
         * @param outputs       one array per output
         * @param targets       their targets
         * @param masks         the outputs' masks, null entries for none
         * @param sampleWeights the batch's sample weights, or null
         * @param penalty       the model's regularization losses, added to {@code loss} (not to an output's loss)
         */
        void add(List<INDArray> outputs, List<INDArray> targets, List<INDArray> masks, INDArray sampleWeights,
                double penalty) {
            double[] losses = new double[outputs.size() + 1];
            losses[outputs.size()] = penalty;
            for (int i = 0; i < outputs.size(); i++) {
                INDArray mask = masks == null ? null : masks.get(i);
                losses[i] = loss.compute(outputs.get(i), targets.get(i),
                        Scoring.lossWeights(outputs.get(i), mask, sampleWeights, names.get(i)));
                update(i, outputs.get(i), targets.get(i), mask);
            }
            add(losses, outputs.get(0).size(0));
        }

        /** @return {@code loss} and the metrics, averaged over the samples seen, as Keras names them */
        Map<String, Double> logs() {
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", lossSum / seen);
            if (names.size() > 1) {
                for (int i = 0; i < names.size(); i++) {
                    logs.put(names.get(i) + "_loss", lossSums[i] / seen);
                }
            }
            for (int i = 0; i < names.size(); i++) {
                for (Metric metric : outputMetrics.get(i)) {
                    logs.put(logName(i, metric), metric.result());
                }
            }
            return logs;
        }
    }

    /**
     * One batch as the loops use it: inputs and targets in the model's data type, sample weights (float64) and the
     * input mask, or null without, and the outputs' gradients.
     */
    private record Step(List<INDArray> x, List<INDArray> y, INDArray weights, INDArray mask,
            List<INDArray> gradients) {
        int rows() {
            return Math.toIntExact(x.get(0).size(0));
        }
    }

    /**
     * Checks a source's batch against the model and makes it a {@link Step}.
     *
     * @param operation   the operation and the batch, for messages
     * @param classWeight Keras's {@code class_weight}, or null
     */
    private Step step(Network network, String operation, Batch batch, Map<Integer, Double> classWeight) {
        List<INDArray> x = network.prepareInputs(operation, batch.x());
        List<INDArray> y = network.prepareTargets(operation, x, batch.y());
        List<Shape> shapes = network.outputShapes(x);
        INDArray weights = batch.sampleWeight();
        if (classWeight != null) {
            if (weights != null) {
                throw new IllegalArgumentException(operation + ": class_weight cannot be combined with the batch's"
                        + " sampleWeight (as Keras); weigh the classes in the source's sample weights instead");
            }
            if (y.size() != 1) {
                throw new IllegalArgumentException(operation + ": class_weight needs a model with one output, found "
                        + y.size());
            }
            weights = Scoring.classWeights(classWeight, loss, shapes.get(0), y.get(0));
        } else if (weights != null) {
            weights = Scoring.checkSampleWeights(weights.dataType() == DataType.DOUBLE ? weights
                    : weights.castTo(DataType.DOUBLE), shapes.get(0), x.get(0).size(0));
        }
        INDArray mask = mask(operation, batch.mask(), x);
        int rows = Math.toIntExact(x.get(0).size(0));
        List<INDArray> gradients = gradientBuffers.get(x, () -> {
            List<INDArray> made = new ArrayList<>(shapes.size());
            for (Shape shape : shapes) {
                made.add(backend.zeros(dataType, shape.withBatch(rows)));
            }
            return List.copyOf(made);
        });
        return new Step(x, y, weights, mask, gradients);
    }

    /**
     * @return the batch's mask in the model's data type, or null when it has none or it keeps every step; checked
     *         against the inputs' timesteps
     */
    private INDArray mask(String operation, INDArray mask, List<INDArray> x) {
        if (mask == null) {
            return null;
        }
        INDArray first = x.get(0);
        if (first.rank() < 2 || mask.size(0) != first.size(0) || mask.size(1) != first.size(1)) {
            throw new IllegalArgumentException(operation + ": the mask has shape "
                    + java.util.Arrays.toString(mask.shape()) + ", expected [batch, timesteps] of x[0] "
                    + java.util.Arrays.toString(first.shape()));
        }
        // A batch without padding needs no mask: the layers then skip their per-step mask work.
        boolean padded = false;
        for (double value : Values.of(mask)) {
            padded |= value == 0.0;
        }
        if (!padded) {
            return null;
        }
        INDArray typed = mask.dataType() == dataType ? mask : mask.castTo(dataType);
        return typed.ordering() == 'c' && !typed.isView() ? typed : typed.dup('c');
    }

    private static List<INDArray> rows(List<INDArray> arrays, long from, long to) {
        List<INDArray> views = new ArrayList<>(arrays.size());
        for (INDArray array : arrays) {
            views.add(Values.rows(array, from, to));
        }
        return views;
    }

    private static void checkResume(FitState resume, int samples, int batchSize, int steps) {
        if (resume == null) {
            return;
        }
        if (resume.samples() == 0) {
            throw new IllegalArgumentException("fit: the state to resume from was trained on a source of batches;"
                    + " resume it with fit(source, options), found " + samples + " samples in arrays");
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

    void requireCompiled(String operation) {
        if (loss == null) {
            throw new IllegalStateException(operation + ": the model is not compiled; call compile(loss, optimizer,"
                    + " metrics)");
        }
    }

    static void requireBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size: expected at least 1, found " + batchSize);
        }
    }
}
