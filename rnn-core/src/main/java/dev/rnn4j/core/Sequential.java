package dev.rnn4j.core;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BuildContext;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Loss;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.data.BatchSource;
import dev.rnn4j.core.layers.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
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
public final class Sequential implements Trainable {
    private final Backend backend;
    private final DataType dataType;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, Integer> nameCounts = new HashMap<>();
    /** Final: layers keep it from build on, so a checkpoint restores its state in place (see SeededRandom). */
    private final SeededRandom random = new SeededRandom(0);
    private long seed;
    private Shape inputShape;
    private final Trainer trainer;
    private final Trainer.Network network = new Network();
    /** The mask of the last forward pass's output, or null. */
    private INDArray outputMask;

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
        this.trainer = new Trainer(backend, dataType, random);
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
        return outputShape(inputShape);
    }

    /**
     * @param input an input sample shape, for example a batch's (every dimension known when the model's has
     *              {@link Shape#ANY})
     * @return the output sample shape for it
     */
    private Shape outputShape(Shape input) {
        Shape shape = input;
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
        trainer.compile(loss, optimizer, metrics);
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

    /**
     * Keras's {@code sum(model.losses)}: the layers' regularization losses ({@link Layer#regularizationLoss()}) at the
     * current weights, which {@code fit} adds to the loss it minimises and {@code loss} in the logs (not to an
     * output's {@code <name>_loss}), and {@code evaluate} to its {@code loss}.
     *
     * @return their sum, 0 without regularizers
     */
    public double regularizationLoss() {
        double total = 0.0;
        for (Layer layer : layers) {
            total += layer.regularizationLoss();
        }
        return total;
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
        return trainer.loss();
    }

    /** @return the optimizer given to compile, or null */
    public Optimizer optimizer() {
        return trainer.optimizer();
    }

    /** @return the metric names given to compile, in order; empty when not compiled */
    public List<String> metrics() {
        return trainer.metrics();
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
     * @param options epochs, batch size, verbosity, shuffling, validation, callbacks
     * @return per-epoch loss, metrics and validation values
     * @throws IllegalArgumentException for data that does not fit the model, before any computation
     * @throws IllegalStateException    when the model is not compiled, or the loss becomes NaN or infinite
     */
    public History fit(INDArray x, INDArray y, FitOptions options) {
        return trainer.fit(network, Collections.singletonList(x), Collections.singletonList(y), options);
    }

    /**
     * Trains the model on a source of batches (Keras's {@code fit(dataset)}): each epoch reads every batch of the
     * source's epoch, in order; a batch's mask reaches the first layer and its sample weights the loss. The
     * options' {@code batchSize}, {@code shuffle} and {@code validationSplit} belong to the source and do not apply;
     * {@code validationData(source)} validates after each epoch. A run resumed from a {@link FitState} reopens the
     * source at the epoch and batch the state holds.
     *
     * @param source  the training batches
     * @param options epochs, verbosity, validation, callbacks, resuming
     * @return per-epoch loss, metrics and validation values
     * @throws IllegalArgumentException for a batch that does not fit the model, naming the epoch and batch
     */
    public History fit(BatchSource source, FitOptions options) {
        return trainer.fit(network, source, options);
    }

    /**
     * Evaluates loss and metrics on every batch of a source (its epoch 0), masks and sample weights applied.
     *
     * @param source  the batches
     * @param verbose 0 silent, 1 progress bar, 2 one line
     * @return {@code loss} and each metric, averaged over all samples
     */
    public Map<String, Double> evaluate(BatchSource source, int verbose) {
        return trainer.evaluate(network, source, verbose, "evaluate");
    }

    /**
     * Runs the model on every batch of a source (its epoch 0) and gives each batch's outputs to {@code each}, for
     * outputs larger than memory or batches of different timesteps.
     *
     * @param source the batches; their targets, if any, are not read
     * @param each   receives the outputs of one batch, owned by the model and valid during the call
     */
    public void predict(BatchSource source, Consumer<INDArray> each) {
        Objects.requireNonNull(each, "predict: consumer is null");
        trainer.predict(network, source, outputs -> each.accept(outputs.get(0)));
    }

    /**
     * Runs the model on every batch of a source (its epoch 0), as Keras's {@code predict(dataset)}.
     *
     * @param source the batches; their targets, if any, are not read
     * @return the outputs of all batches, in order, {@code [samples, ...outputShape]}
     * @throws IllegalArgumentException when batches give outputs of different shapes (use the consumer form)
     */
    public INDArray predict(BatchSource source) {
        List<INDArray> parts = new ArrayList<>();
        predict(source, output -> parts.add(output.dup('c')));
        return Values.concatRows(parts, "predict");
    }

    /**
     * Computes the loss and fills every parameter's gradient for one batch, without updating weights.
     *
     * @param x        a batch of inputs
     * @param y        its targets
     * @param training whether dropout applies
     * @return the loss, the regularization losses included (their gradients too)
     */
    public double computeGradients(INDArray x, INDArray y, boolean training) {
        return trainer.computeGradients(network, Collections.singletonList(x), Collections.singletonList(y),
                training);
    }

    /**
     * Runs the layers on one batch, as calling a Keras model: {@code model(x, training)}.
     *
     * @param x        a batch {@code [batch, ...inputShape]}, of the model's data type and C order
     * @param training whether dropout applies
     * @return the output, owned by the last layer and valid until the next call
     */
    public INDArray forward(INDArray x, boolean training) {
        return forward(x, null, training);
    }

    /**
     * Runs the layers on one padded batch, as calling a Keras model with a mask: {@code model(x, mask=mask)}. The
     * mask reaches the first layer as a mask made by a layer before it would.
     *
     * @param x        a batch {@code [batch, timesteps, ...]}, of the model's data type and C order
     * @param mask     {@code [batch, timesteps]}, nonzero on real timesteps, or null
     * @param training whether dropout applies
     * @return the output, owned by the last layer and valid until the next call
     * @throws IllegalArgumentException when a layer that the mask reaches does not support masking
     */
    public INDArray forward(INDArray x, INDArray mask, boolean training) {
        return backend.runStep(() -> {
            INDArray current = x;
            INDArray carried = mask;
            Layer masking = null;
            for (Layer layer : layers) {
                if (carried != null && !layer.supportsMasking()) {
                    throw new IllegalArgumentException(label(layer) + " does not support masking, but its input"
                            + " carries " + (masking == null ? "the mask of the padded batch" : "the mask of "
                            + label(masking)) + "; a layer must say supportsMasking() to take padded timesteps, or"
                            + " the mask must stop before it");
                }
                INDArray output = layer.forward(current, carried, training);
                INDArray next = layer.computeMask(current, carried);
                if (next != null && next != carried) {
                    masking = layer;
                }
                carried = next;
                current = output;
            }
            outputMask = carried;
            return current;
        });
    }

    /**
     * @return the mask of the output of the last {@link #forward} ({@code [batch, timesteps]}, what Keras attaches to
     *         the output as {@code _keras_mask}), or null when no layer made one or it ended (a recurrent layer without
     *         {@code returnSequences})
     */
    public INDArray outputMask() {
        return outputMask;
    }

    /**
     * The loss of one batch as fit computes it, masks and {@link #regularizationLoss()} included, without gradients or
     * weight updates (what a gradient check perturbs).
     *
     * @param x a batch of inputs
     * @param y its targets
     * @return the loss
     */
    public double computeLoss(INDArray x, INDArray y) {
        return trainer.computeLoss(network, Collections.singletonList(x), Collections.singletonList(y));
    }

    private static String label(Layer layer) {
        return layer.name() + " (" + layer.typeName() + ")";
    }

    /**
     * Evaluates loss and metrics, as Keras's {@code evaluate}.
     *
     * @param x         inputs
     * @param y         targets
     * @param batchSize samples per step, at least 1
     * @param verbose   0 silent, 1 progress bar, 2 one line
     * @return {@code loss} (with {@link #regularizationLoss()}, as Keras) and each metric, averaged over all samples
     */
    public Map<String, Double> evaluate(INDArray x, INDArray y, int batchSize, int verbose) {
        return trainer.evaluate(network, Collections.singletonList(x), Collections.singletonList(y), batchSize,
                verbose);
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
        trainer.requireCompiled("evaluateOutputs");
        Trainer.requireBatchSize(batchSize);
        Objects.requireNonNull(outputs, "evaluateOutputs: outputs is null");
        if (!hasOutputShape(outputs)) {
            throw new IllegalArgumentException("evaluateOutputs: outputs must have the model's output shape "
                    + outputShape() + ", found " + Arrays.toString(outputs.shape()));
        }
        outputs = contiguous(outputs);
        y = prepareTargets("evaluateOutputs", Shape.ofBatch(outputs.shape()), outputs.size(0), y);
        long samples = outputs.size(0);
        Trainer.Scores scores = trainer.scores(network.outputNames(), network.outputShapes());
        for (long from = 0; from < samples; from += batchSize) {
            long to = Math.min(samples, from + batchSize);
            scores.add(List.of(Values.rows(outputs, from, to)), List.of(Values.rows(y, from, to)), null, null,
                    regularizationLoss());
        }
        return scores.logs();
    }

    /**
     * Runs the model on inputs, as Keras's {@code predict}.
     *
     * @param x         inputs {@code [samples, ...inputShape]}
     * @param batchSize samples per step, at least 1
     * @return outputs {@code [samples, ...outputShape]}, a new array owned by the caller
     */
    public INDArray predict(INDArray x, int batchSize) {
        Trainer.requireBatchSize(batchSize);
        x = prepareInputs("predict", x);
        long samples = x.size(0);
        INDArray result = backend.zeros(dataType, outputShape(Shape.ofBatch(x.shape())).withBatch(samples));
        for (long from = 0; from < samples; from += batchSize) {
            long to = Math.min(samples, from + batchSize);
            Values.rows(result, from, to).assign(forward(Values.rows(x, from, to), false));
        }
        return result;
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
        if (!inputShape.accepts(actual)) {
            throw new IllegalArgumentException(operation + ": " + layers.get(0).name() + " ("
                    + layers.get(0).typeName() + ") expects x of shape " + inputShape + ", found "
                    + Arrays.toString(x.shape()));
        }
        return contiguous(x);
    }

    /**
     * @param output  the output's sample shape for the inputs
     * @param samples the inputs' samples
     */
    private INDArray prepareTargets(String operation, Shape output, long samples, INDArray y) {
        Objects.requireNonNull(y, operation + ": y is null");
        trainer.checkTargets(operation, "y", output, "the output of " + label(layers.get(layers.size() - 1)),
                samples, y);
        return contiguous(y);
    }

    /** @return whether an array is a batch of the model's outputs: {@code [samples, ...outputShape]} */
    private boolean hasOutputShape(INDArray array) {
        Shape output = outputShape();
        return array.rank() == output.rank() + 1 && output.accepts(Shape.ofBatch(array.shape()));
    }

    private INDArray contiguous(INDArray array) {
        INDArray typed = array.dataType() == dataType ? array : array.castTo(dataType);
        return typed.ordering() == 'c' && !typed.isView() ? typed : typed.dup('c');
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

    /** The training loop's view of this model: one input, one output, the layers in order. */
    private final class Network implements Trainer.Network {
        @Override
        public List<INDArray> prepareInputs(String operation, List<INDArray> x) {
            requireOne(operation, "input", x);
            return List.of(Sequential.this.prepareInputs(operation, x.get(0)));
        }

        @Override
        public List<INDArray> prepareTargets(String operation, List<INDArray> x, List<INDArray> y) {
            requireOne(operation, "target", y);
            INDArray input = x.get(0);
            return List.of(Sequential.this.prepareTargets(operation, outputShape(Shape.ofBatch(input.shape())),
                    input.size(0), y.get(0)));
        }

        private void requireOne(String operation, String what, List<INDArray> arrays) {
            if (arrays.size() != 1) {
                throw new IllegalArgumentException(operation + ": a Sequential model takes one " + what
                        + " array, found " + arrays.size());
            }
        }

        @Override
        public List<INDArray> forward(List<INDArray> x, INDArray mask, boolean training) {
            return List.of(Sequential.this.forward(x.get(0), mask, training));
        }

        @Override
        public Activation outputActivation(int output) {
            return layers.get(layers.size() - 1) instanceof Activation activation ? activation : null;
        }

        @Override
        public void backward(List<INDArray> gradients, boolean[] beforeActivation) {
            int top = beforeActivation[0] ? layers.size() - 2 : layers.size() - 1;
            INDArray current = gradients.get(0);
            for (int i = top; i >= 0; i--) {
                current = layers.get(i).backward(current, i > 0);
            }
        }

        @Override
        public List<INDArray> outputMasks() {
            return Collections.singletonList(outputMask);
        }

        @Override
        public List<Shape> outputShapes() {
            return List.of(outputShape());
        }

        @Override
        public List<Shape> outputShapes(List<INDArray> x) {
            return List.of(outputShape(Shape.ofBatch(x.get(0).shape())));
        }

        @Override
        public List<Parameter> parameters() {
            return Sequential.this.parameters();
        }

        @Override
        public double regularizationLoss() {
            return Sequential.this.regularizationLoss();
        }

        @Override
        public void addRegularizationGradients() {
            for (Layer layer : layers) {
                layer.addRegularizationGradients();
            }
        }

        @Override
        public List<String> outputNames() {
            return List.of(layers.get(layers.size() - 1).name());
        }

        @Override
        public Trainable model() {
            return Sequential.this;
        }
    }
}
