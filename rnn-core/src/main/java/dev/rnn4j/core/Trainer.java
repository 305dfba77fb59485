package dev.rnn4j.core;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Loss;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.metrics.Metric;
import dev.rnn4j.core.metrics.Metrics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
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
    /** Per batch size: the inputs, then the targets, then the targets' gradients. */
    private final Map<Integer, INDArray[]> batchBuffers = new HashMap<>();

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
         * @param training whether training-only behaviour applies
         * @return one array per output, owned by the layers
         */
        List<INDArray> forward(List<INDArray> x, boolean training);

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

        /** @return the outputs' sample shapes, in order */
        List<Shape> outputShapes();

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
        INDArray weights = sampleWeights(network, options, y);
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
        int steps = (samples + batchSize - 1) / batchSize;
        boolean interactive = options.interactive != null ? options.interactive : ProgressBar.stdoutIsTerminal();
        PrintStream out = options.out;
        FitState resume = options.resume;
        checkResume(resume, samples, batchSize, steps);
        History history = resume != null ? resume.history() : new History();
        int[] order = resume != null ? resume.order() : identity(samples);
        int resumeStep = resume != null ? resume.step() : 0;
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
            // A run resumed in the middle of an epoch continues that epoch's order, sums and steps.
            boolean continuing = resumeStep > 0;
            if (options.shuffle && !continuing) {
                shuffle(order);
            }
            ProgressBar bar = new ProgressBar(out, options.verbose, interactive, steps);
            Scores scores = new Scores(names, outputShapes);
            if (continuing) {
                scores.restore(resume.running());
            }
            int firstStep = resumeStep;
            resumeStep = 0;
            for (int step = firstStep; step < steps; step++) {
                for (Callback callback : callbacks) {
                    callback.onBatchBegin(step, new LinkedHashMap<>());
                }
                int from = step * batchSize;
                int count = Math.min(batchSize, samples - from);
                Batch batch = batch(count, trainX, trainY, trainWeights, outputShapes);
                for (int i = 0; i < trainX.size(); i++) {
                    backend.gatherRows(trainX.get(i), order, from, batch.x.get(i));
                }
                for (int i = 0; i < trainY.size(); i++) {
                    backend.gatherRows(trainY.get(i), order, from, batch.y.get(i));
                }
                if (trainWeights != null) {
                    backend.gatherRows(trainWeights, order, from, batch.weights);
                }
                double[] losses = trainStep(network, batch, scores);
                scores.add(losses, count);
                Map<String, Double> batchLogs = scores.logs();
                for (Callback callback : callbacks) {
                    callback.onBatchEnd(step, batchLogs);
                }
                if (!Double.isFinite(total(losses)) && !context.stopRequested()) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "fit: the loss became %s at epoch %d, batch %d of %d; lower the learning rate (now %s)"
                                    + " or check the data for NaN or infinite values (TerminateOnNaN stops instead)",
                            total(losses), epoch, step + 1, steps, optimizer.learningRate()));
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
                        FitState stopped = new FitState(epoch - 1, step + 1, steps, batchSize, order, history,
                                Map.of(), scores.running());
                        for (Callback callback : callbacks) {
                            callback.onInterrupt(stopped);
                        }
                        return history;
                    }
                }
            }
            Map<String, Double> logs = scores.logs();
            if (validationX != null) {
                Map<String, Double> validation = evaluate(network, validationX, validationY, validationWeights,
                        batchSize, 0);
                validation.forEach((key, value) -> logs.put("val_" + key, value));
            }
            int done = epoch;
            // Built when asked, so that it holds what the callbacks before the asking one added to the logs.
            context.state(() -> new FitState(done, 0, steps, batchSize, order, withEpoch(history, logs), logs,
                    Map.of()));
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
        for (Shape shape : network.outputShapes()) {
            gradients.add(backend.zeros(dataType, shape.withBatch(samples)));
        }
        return total(backend.runStep(() -> forwardBackward(network, inputs, targets, null, gradients, training,
                null)));
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
            List<INDArray> outputs = network.forward(inputs, false);
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

    private double[] trainStep(Network network, Batch batch, Scores scores) {
        return backend.runStep(() -> {
            double[] losses = forwardBackward(network, batch.x, batch.y, batch.weights, batch.gradients, true,
                    scores);
            optimizer.step(network.parameters(), backend);
            return losses;
        });
    }

    /**
     * @return the loss of each output, then the regularization losses as one more entry ({@link #total} of it is the
     *         loss training minimises, as Keras adds {@code model.losses}); the metrics of {@code scores} (when not
     *         null) updated with the outputs
     */
    private double[] forwardBackward(Network network, List<INDArray> x, List<INDArray> y,
            INDArray sampleWeights, List<INDArray> gradients, boolean training, Scores scores) {
        List<INDArray> outputs = network.forward(x, training);
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
    private INDArray sampleWeights(Network network, FitOptions options, List<INDArray> y) {
        if (options.sampleWeight != null && options.classWeight != null) {
            throw new IllegalArgumentException("fit: give sample_weight or class_weight, not both (as Keras)");
        }
        List<Shape> shapes = network.outputShapes();
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
            List<INDArray> outputs = network.forward(rows(x, from, to), false);
            scores.add(outputs, rows(y, from, to), network.outputMasks(),
                    weights == null ? null : Values.rows(weights, from, to), network.regularizationLoss());
            bar.update(step + 1, scores.logs());
        }
        return scores.logs();
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
     * The arrays of one training batch: gathered inputs, targets and sample weights (null without), and the outputs'
     * gradients.
     */
    private record Batch(List<INDArray> x, List<INDArray> y, INDArray weights, List<INDArray> gradients) {
    }

    private Batch batch(int count, List<INDArray> x, List<INDArray> y, INDArray weights, List<Shape> outputs) {
        INDArray[] arrays = batchBuffers.computeIfAbsent(count, size -> {
            INDArray[] made = new INDArray[x.size() + 2 * y.size() + 1];
            for (int i = 0; i < x.size(); i++) {
                made[i] = backend.zeros(dataType, Shape.ofBatch(x.get(i).shape()).withBatch(size));
            }
            for (int i = 0; i < y.size(); i++) {
                made[x.size() + i] = backend.zeros(dataType, Shape.ofBatch(y.get(i).shape()).withBatch(size));
                made[x.size() + y.size() + i] = backend.zeros(dataType, outputs.get(i).withBatch(size));
            }
            return made;
        });
        long[] weightShape = weights == null ? null : Shape.ofBatch(weights.shape()).withBatch(count);
        INDArray slot = arrays[arrays.length - 1];
        if (weights != null && (slot == null || !java.util.Arrays.equals(slot.shape(), weightShape))) {
            arrays[arrays.length - 1] = backend.zeros(DataType.DOUBLE, weightShape);
        }
        List<INDArray> all = java.util.Arrays.asList(arrays);
        return new Batch(all.subList(0, x.size()), all.subList(x.size(), x.size() + y.size()),
                weights == null ? null : arrays[arrays.length - 1],
                all.subList(x.size() + y.size(), arrays.length - 1));
    }

    private static List<INDArray> rows(List<INDArray> arrays, long from, long to) {
        List<INDArray> views = new ArrayList<>(arrays.size());
        for (INDArray array : arrays) {
            views.add(Values.rows(array, from, to));
        }
        return views;
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
