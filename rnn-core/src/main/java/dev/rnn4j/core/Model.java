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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's functional {@code Model(inputs, outputs)}: the layers the outputs need, called on {@link Input}s through
 * {@link Graph#call}, trained and run as {@link Sequential} is ({@code compile}, {@code fit}, {@code evaluate},
 * {@code predict}, the same {@link FitOptions}, {@link History} and progress output), with one array per input and
 * one per output.
 *
 * <pre>{@code
 * Tensor encoderInput = Input.of(Shape.of(steps, features), "encoder_input");
 * List<Tensor> encoded = Graph.callAll(LSTM.builder(units).returnState(true).build(), encoderInput);
 * Tensor decoderInput = Input.of(Shape.of(decoderSteps, decoderFeatures), "decoder_input");
 * Tensor decoded = Graph.call(LSTM.builder(units).build(), decoderInput, encoded.subList(1, 3));
 * Tensor output = Graph.call(new Activation("softmax"), Graph.call(new Dense(classes), decoded));
 * Model model = new Model(backend, List.of(encoderInput, decoderInput), List.of(output)).seed(42);
 * model.compile(new CategoricalCrossentropy(), new Adam(), "accuracy");
 * model.fit(List.of(xEncoder, xDecoder), y, new FitOptions().epochs(10));
 * List<INDArray> predictions = model.predict(List.of(xEncoder, xDecoder), 32);
 * }</pre>
 *
 * <p>The graph: the nodes the outputs depend on, run in the order they were made (a node's inputs are made before
 * it). The backward pass runs them in reverse, adding up the gradients of a tensor that feeds several nodes, and
 * gives a layer zeros for an output nothing depends on (an encoder's output when only its states go on). As in
 * {@code Sequential}, a softmax output's backward pass is fused into the cross-entropy's gradient when nothing else
 * reads the softmax. Construction checks the graph (every output built from these inputs only, every input used,
 * each layer called once in the model) and names unnamed inputs ({@code input_1}, ...) and layers ({@code lstm},
 * {@code lstm_1}, ...); {@link #build} (or the first use) builds the layers in node order, from one seeded generator.
 *
 * <p>With several outputs the loss is applied to each and summed, and the logs hold {@code loss}, then
 * {@code <layer>_loss} and {@code <layer>_accuracy} per output, named by the layer that makes it. A layer may be
 * called in several models (Keras's inference models that reuse trained layers), built once, by the first model
 * built. Not yet: saving a functional model to a model file, checkpoints (they save the model), and resuming a model
 * with several outputs from a {@link FitState} in the middle of an epoch (it holds one output's running sums).
 */
public final class Model implements Trainable {
    private final Backend backend;
    private final DataType dataType;
    /** Final: layers keep it from build on (see {@link Sequential}). */
    private final SeededRandom random = new SeededRandom(0);
    private long seed;
    private final List<Tensor> inputs;
    private final List<Tensor> outputs;
    private final List<Step> steps;
    private final List<Layer> layers;
    /** Per slot (a tensor's index in this model: the inputs, then each node's outputs in node order). */
    private final Shape[] shapes;
    /** Whether no input has a {@link Shape#ANY} dimension, so every tensor's shape is {@link #shapes}'. */
    private final boolean fixedShapes;
    private final int[] outputSlots;
    private final Activation[] outputActivations;
    private final Step[] producers;
    private boolean[] requiresGradient;
    private boolean built;
    private final Trainer trainer;
    private final Trainer.Network network = new Network();

    /** The arrays of the pass in progress, per slot. */
    private final INDArray[] values;
    private final INDArray[] gradients;
    /** Whether {@link #gradients} holds this model's own sum buffer (else a layer's array, not to be written). */
    private final boolean[] summed;
    /** Gradient buffers per slot, by the shapes of the inputs of the pass (the batch, and lengths that vary). */
    private final ShapeCache<INDArray[]> sumBuffers = new ShapeCache<>();
    private final ShapeCache<INDArray[]> zeroBuffers = new ShapeCache<>();
    private List<INDArray> runInputs;

    /** A node as this model runs it: where its tensors are. */
    private static final class Step {
        final Node node;
        final int input;
        final int mask;
        final int[] states;
        final int[] outputs;

        Step(Node node, int input, int mask, int[] states, int[] outputs) {
            this.node = node;
            this.input = input;
            this.mask = mask;
            this.states = states;
            this.outputs = outputs;
        }
    }

    /**
     * A float32 model.
     *
     * @param backend the compute backend
     * @param inputs  the model's inputs, made by {@link Input#of}, in the order its arrays are given
     * @param outputs the model's outputs, made by {@link Graph#call}
     * @throws IllegalArgumentException when the graph does not connect the inputs to the outputs, naming the tensor
     */
    public Model(Backend backend, List<Tensor> inputs, List<Tensor> outputs) {
        this(backend, DataType.FLOAT, inputs, outputs);
    }

    /**
     * @param backend  the compute backend
     * @param dataType float32 for training; float64 for gradient checks
     * @param inputs   the model's inputs, made by {@link Input#of}, in the order its arrays are given
     * @param outputs  the model's outputs, made by {@link Graph#call}
     * @throws IllegalArgumentException when the graph does not connect the inputs to the outputs, naming the tensor
     */
    public Model(Backend backend, DataType dataType, List<Tensor> inputs, List<Tensor> outputs) {
        this.backend = Objects.requireNonNull(backend, "backend is null");
        this.dataType = Objects.requireNonNull(dataType, "dataType is null");
        this.inputs = checkInputs(inputs);
        this.outputs = checkOutputs(outputs);
        List<Node> nodes = reachableNodes(this.inputs, this.outputs);
        Map<Tensor, Integer> slots = new IdentityHashMap<>();
        List<Shape> slotShapes = new ArrayList<>();
        for (Tensor input : this.inputs) {
            slots.put(input, slotShapes.size());
            slotShapes.add(input.shape());
        }
        List<Step> made = new ArrayList<>();
        List<Layer> used = new ArrayList<>();
        for (Node node : nodes) {
            int[] states = node.initialState().stream().mapToInt(slots::get).toArray();
            int[] outputSlots = new int[node.outputs().size()];
            for (int k = 0; k < outputSlots.length; k++) {
                Tensor output = node.outputs().get(k);
                outputSlots[k] = slotShapes.size();
                slots.put(output, slotShapes.size());
                slotShapes.add(output.shape());
            }
            made.add(new Step(node, slots.get(node.input()), node.mask() == null ? -1 : slots.get(node.mask()),
                    states, outputSlots));
            used.add(node.layer());
        }
        this.steps = List.copyOf(made);
        this.layers = List.copyOf(used);
        this.shapes = slotShapes.toArray(new Shape[0]);
        this.fixedShapes = this.inputs.stream().allMatch(input -> input.shape().isFixed());
        this.producers = new Step[shapes.length];
        int[] readers = new int[shapes.length];
        for (Step step : steps) {
            for (int slot : step.outputs) {
                producers[slot] = step;
            }
            readers[step.input]++;
            if (step.mask >= 0) {
                readers[step.mask]++;
            }
            for (int slot : step.states) {
                readers[slot]++;
            }
        }
        this.outputSlots = this.outputs.stream().mapToInt(slots::get).toArray();
        this.outputActivations = new Activation[outputSlots.length];
        for (int k = 0; k < outputSlots.length; k++) {
            Step producer = producers[outputSlots[k]];
            // the loss may stand in for the softmax's backward pass only when nothing else reads the softmax
            if (producer.node.layer() instanceof Activation activation && readers[outputSlots[k]] == 0) {
                outputActivations[k] = activation;
            }
        }
        nameAll();
        this.values = new INDArray[shapes.length];
        this.gradients = new INDArray[shapes.length];
        this.summed = new boolean[shapes.length];
        this.trainer = new Trainer(backend, dataType, random);
        seed(System.nanoTime());
    }

    private static List<Tensor> checkInputs(List<Tensor> inputs) {
        Objects.requireNonNull(inputs, "Model: inputs is null");
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("Model: expected at least one input, found none");
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < inputs.size(); i++) {
            Tensor input = Objects.requireNonNull(inputs.get(i), "Model: inputs[" + i + "] is null");
            if (!input.isInput()) {
                throw new IllegalArgumentException("Model: inputs[" + i + "] is " + input + ", not an Input; a"
                        + " model's inputs are tensors made by Input.of");
            }
            if (!seen.add(input)) {
                throw new IllegalArgumentException("Model: inputs[" + i + "] is " + input + ", given twice; each"
                        + " input takes one array");
            }
        }
        return List.copyOf(inputs);
    }

    private static List<Tensor> checkOutputs(List<Tensor> outputs) {
        Objects.requireNonNull(outputs, "Model: outputs is null");
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("Model: expected at least one output, found none");
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int k = 0; k < outputs.size(); k++) {
            Tensor output = Objects.requireNonNull(outputs.get(k), "Model: outputs[" + k + "] is null");
            if (output.isInput()) {
                throw new IllegalArgumentException("Model: outputs[" + k + "] is " + output + " itself; a model's"
                        + " outputs are made by calling layers (Graph.call)");
            }
            if (!seen.add(output)) {
                throw new IllegalArgumentException("Model: outputs[" + k + "] is " + output + ", given twice");
            }
        }
        return List.copyOf(outputs);
    }

    /** @return the nodes the outputs depend on, in creation order, after checking that they connect to the inputs */
    private static List<Node> reachableNodes(List<Tensor> inputs, List<Tensor> outputs) {
        Set<Tensor> given = Collections.newSetFromMap(new IdentityHashMap<>());
        given.addAll(inputs);
        Set<Tensor> reachedInputs = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node> nodes = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int k = 0; k < outputs.size(); k++) {
            Deque<Tensor> pending = new ArrayDeque<>(List.of(outputs.get(k)));
            while (!pending.isEmpty()) {
                Tensor tensor = pending.pop();
                if (tensor.isInput()) {
                    if (!given.contains(tensor)) {
                        throw new IllegalArgumentException("Model: outputs[" + k + "] (" + outputs.get(k) + ")"
                                + " depends on " + tensor + ", which is not one of the model's inputs " + inputs
                                + "; add it to the inputs, or build the output from these inputs only");
                    }
                    reachedInputs.add(tensor);
                } else if (nodes.add(tensor.node())) {
                    pending.addAll(tensor.node().inputs());
                }
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (!reachedInputs.contains(inputs.get(i))) {
                throw new IllegalArgumentException("Model: inputs[" + i + "] (" + inputs.get(i) + ") is not used by"
                        + " any output; remove it, or build an output from it");
            }
        }
        List<Node> ordered = new ArrayList<>(nodes);
        ordered.sort(Comparator.comparingLong(Node::id));
        Map<Layer, Node> calls = new IdentityHashMap<>();
        for (Node node : ordered) {
            Node earlier = calls.putIfAbsent(node.layer(), node);
            if (earlier != null) {
                throw new IllegalArgumentException("Model: " + Graph.describe(node.layer()) + " is called twice in"
                        + " this model, on " + earlier.input() + " and on " + node.input() + " (a chain that comes"
                        + " back to a layer is a cycle); a layer keeps one call's activations for its backward pass,"
                        + " so each call in a model needs a layer of its own");
            }
        }
        return ordered;
    }

    /** Names unnamed inputs {@code input_1, input_2, ...} and unnamed layers as Keras does, unique in this model. */
    private void nameAll() {
        Map<String, String> taken = new HashMap<>();
        for (Tensor input : inputs) {
            if (input.name() != null) {
                claim(taken, input.name(), "an input");
            }
        }
        for (Layer layer : layers) {
            if (layer.name() != null) {
                claim(taken, layer.name(), "a " + layer.typeName() + " layer");
            }
        }
        int count = 0;
        for (Tensor input : inputs) {
            if (input.name() == null) {
                String name;
                do {
                    name = "input_" + ++count;
                } while (taken.containsKey(name));
                taken.put(name, "an input");
                input.setName(name);
            }
        }
        for (Layer layer : layers) {
            if (layer.name() == null) {
                String base = Sequential.snakeCase(layer.typeName());
                String name = base;
                for (int n = 1; taken.containsKey(name); n++) {
                    name = base + "_" + n;
                }
                taken.put(name, "a " + layer.typeName() + " layer");
                layer.setName(name);
            }
        }
    }

    private static void claim(Map<String, String> taken, String name, String what) {
        String earlier = taken.putIfAbsent(name, what);
        if (earlier != null) {
            throw new IllegalArgumentException("Model: the name " + name + " is used twice in this model, by "
                    + earlier + " and by " + what + "; names must be unique in a model");
        }
    }

    /**
     * Seeds the generator behind initial weights, shuffling and dropout. Call before {@link #build}.
     *
     * @param seed the seed
     * @return this
     */
    public Model seed(long seed) {
        if (built) {
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

    /** @return the generator behind weights, shuffling and dropout, the one its layers were built with */
    public SeededRandom random() {
        return random;
    }

    /**
     * Sets the generator's state in place, for resuming.
     *
     * @param state a state from {@code random().state()}
     */
    public void restoreRandom(SeededRandom.State state) {
        random.restore(state);
    }

    /**
     * Builds every layer not built yet, in node order, for the shapes its input has.
     *
     * @return this
     * @throws IllegalArgumentException when a layer another model built has another input shape here
     */
    public Model build() {
        if (built) {
            throw new IllegalStateException("the model is already built");
        }
        for (Step step : steps) {
            Layer layer = step.node.layer();
            if (layer.isBuilt() && !layer.inputShape().equals(shapes[step.input])) {
                throw new IllegalArgumentException("Model: " + Graph.describe(layer) + " is already built for input "
                        + layer.inputShape() + ", but is called here on " + step.node.input());
            }
        }
        BuildContext context = new BuildContext(backend, dataType, random);
        for (Step step : steps) {
            if (!step.node.layer().isBuilt()) {
                step.node.layer().build(shapes[step.input], context);
            }
        }
        // a tensor needs a gradient when a parameter lies on a path to it (masks carry none)
        boolean[] needs = new boolean[shapes.length];
        for (Step step : steps) {
            boolean flows = !step.node.layer().parameters().isEmpty() || needs[step.input];
            for (int slot : step.states) {
                flows |= needs[slot];
            }
            for (int slot : step.outputs) {
                needs[slot] = flows;
            }
        }
        requiresGradient = needs;
        built = true;
        return this;
    }

    /** @return whether {@link #build} has run */
    public boolean isBuilt() {
        return built;
    }

    /** @return the inputs, in the order their arrays are given */
    public List<Tensor> inputs() {
        return inputs;
    }

    /** @return the outputs, in the order their arrays come back */
    public List<Tensor> outputs() {
        return outputs;
    }

    /** @return the layers, in the order they run */
    public List<Layer> layers() {
        return layers;
    }

    /** @return every layer's parameters, in layer order */
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

    /** @return the total number of parameters, computed from the shapes (no build needed) */
    public long countParams() {
        long total = 0;
        for (Step step : steps) {
            total += step.node.layer().countParams(shapes[step.input]);
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

    /**
     * @param loss      the loss, applied to every output (their sum is the model's loss)
     * @param optimizer the optimizer
     * @param metrics   metric names; {@code accuracy} (categorical) is supported
     * @return this
     */
    public Model compile(Loss loss, Optimizer optimizer, String... metrics) {
        trainer.compile(loss, optimizer, metrics);
        return this;
    }

    /** @return the loss given to compile, or null */
    public Loss loss() {
        return trainer.loss();
    }

    /** @return the optimizer given to compile, or null */
    public Optimizer optimizer() {
        return trainer.optimizer();
    }

    /** @return the metric names given to compile; empty when not compiled */
    public List<String> metrics() {
        return trainer.metrics();
    }

    /**
     * Trains the model.
     *
     * @param x       one array {@code [samples, ...shape]} per input, in order
     * @param y       one target array {@code [samples, ...shape]} per output, in order
     * @param options epochs, batch size, verbosity, shuffling, validation, callbacks
     * @return per-epoch loss, metrics and validation values
     * @throws IllegalArgumentException for data that does not fit the model, before any computation
     * @throws IllegalStateException    when the model is not compiled, or the loss becomes NaN or infinite
     */
    public History fit(List<INDArray> x, List<INDArray> y, FitOptions options) {
        return trainer.fit(network, x, y, options);
    }

    /**
     * Trains a model with one output.
     *
     * @param x       one array per input
     * @param y       the targets of the one output
     * @param options the options
     * @return the history
     */
    public History fit(List<INDArray> x, INDArray y, FitOptions options) {
        return fit(x, Collections.singletonList(y), options);
    }

    /**
     * Evaluates loss and metrics, as Keras's {@code evaluate}.
     *
     * @param x         one array per input
     * @param y         one target array per output
     * @param batchSize samples per step, at least 1
     * @param verbose   0 silent, 1 progress bar, 2 one line
     * @return {@code loss} (with {@link #regularizationLoss()}, as Keras) and each metric, averaged over all samples
     */
    public Map<String, Double> evaluate(List<INDArray> x, List<INDArray> y, int batchSize, int verbose) {
        return trainer.evaluate(network, x, y, batchSize, verbose);
    }

    /**
     * {@link #evaluate(List, List, int, int)} for a model with one output.
     *
     * @param x         one array per input
     * @param y         the targets of the one output
     * @param batchSize samples per step, at least 1
     * @param verbose   0 silent, 1 progress bar, 2 one line
     * @return {@code loss} and each metric
     */
    public Map<String, Double> evaluate(List<INDArray> x, INDArray y, int batchSize, int verbose) {
        return evaluate(x, Collections.singletonList(y), batchSize, verbose);
    }

    /**
     * Trains the model on a source of batches, as {@link Sequential#fit(BatchSource, FitOptions)}; each batch holds
     * one array per input and one per output. A batch's mask is refused: a functional model takes masks as tensors.
     *
     * @param source  the training batches
     * @param options epochs, verbosity, validation, callbacks, resuming
     * @return per-epoch loss, metrics and validation values
     */
    public History fit(BatchSource source, FitOptions options) {
        return trainer.fit(network, source, options);
    }

    /**
     * Evaluates loss and metrics on every batch of a source (its epoch 0).
     *
     * @param source  the batches
     * @param verbose 0 silent, 1 progress bar, 2 one line
     * @return {@code loss} and each metric, averaged over all samples
     */
    public Map<String, Double> evaluate(BatchSource source, int verbose) {
        return trainer.evaluate(network, source, verbose, "evaluate");
    }

    /**
     * Runs the model on every batch of a source (its epoch 0) and gives each batch's outputs to {@code each}.
     *
     * @param source the batches; their targets, if any, are not read
     * @param each   receives one array per output, owned by the model and valid during the call
     */
    public void predict(BatchSource source, Consumer<List<INDArray>> each) {
        trainer.predict(network, source, each);
    }

    /**
     * Runs the model on every batch of a source (its epoch 0), as Keras's {@code predict(dataset)}.
     *
     * @param source the batches
     * @return one array per output, the rows of all batches in order
     * @throws IllegalArgumentException when batches give outputs of different shapes (use the consumer form)
     */
    public List<INDArray> predict(BatchSource source) {
        List<List<INDArray>> parts = new ArrayList<>();
        predict(source, outputs -> {
            if (parts.isEmpty()) {
                outputs.forEach(output -> parts.add(new ArrayList<>()));
            }
            for (int k = 0; k < outputs.size(); k++) {
                parts.get(k).add(outputs.get(k).dup('c'));
            }
        });
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("predict: the source yielded no batches; expected at least one");
        }
        List<INDArray> results = new ArrayList<>(parts.size());
        for (List<INDArray> output : parts) {
            results.add(Values.concatRows(output, "predict"));
        }
        return results;
    }

    /**
     * Computes the loss and fills every parameter's gradient for one batch, without updating weights.
     *
     * @param x        one batch per input
     * @param y        one target batch per output
     * @param training whether dropout applies
     * @return the loss (summed over the outputs, plus the regularization losses, whose gradients are included too)
     */
    public double computeGradients(List<INDArray> x, List<INDArray> y, boolean training) {
        return trainer.computeGradients(network, x, y, training);
    }

    /**
     * The loss of one batch as fit computes it (summed over the outputs, plus {@link #regularizationLoss()}), without
     * gradients or weight updates: what a gradient check perturbs.
     *
     * @param x one batch per input
     * @param y one target batch per output
     * @return the loss
     */
    public double computeLoss(List<INDArray> x, List<INDArray> y) {
        return trainer.computeLoss(network, x, y);
    }

    /**
     * Runs the model on inputs, as Keras's {@code predict}.
     *
     * @param x         one array {@code [samples, ...shape]} per input
     * @param batchSize samples per step, at least 1
     * @return one array {@code [samples, ...shape]} per output, new arrays owned by the caller
     */
    public List<INDArray> predict(List<INDArray> x, int batchSize) {
        Trainer.requireBatchSize(batchSize);
        List<INDArray> prepared = network.prepareInputs("predict", x);
        long samples = prepared.get(0).size(0);
        Shape[] concrete = shapesFor(prepared);
        List<INDArray> results = new ArrayList<>();
        for (int slot : outputSlots) {
            results.add(backend.zeros(dataType, concrete[slot].withBatch(samples)));
        }
        for (long from = 0; from < samples; from += batchSize) {
            long to = Math.min(samples, from + batchSize);
            List<INDArray> batchOutputs = run(rows(prepared, from, to), false);
            for (int k = 0; k < results.size(); k++) {
                Values.rows(results.get(k), from, to).assign(batchOutputs.get(k));
            }
        }
        return results;
    }

    /**
     * Runs the model on one batch, as calling a Keras model: {@code model([x1, x2], training)}.
     *
     * @param x        one batch per input, of the model's data type
     * @param training whether dropout applies
     * @return one array per output, owned by the layers and valid until the next call
     * @throws IllegalArgumentException for arrays that do not fit the inputs, before any computation
     */
    public List<INDArray> forward(List<INDArray> x, boolean training) {
        checkInputArrays("forward", x);
        if (!built) {
            build();
        }
        return run(x, training);
    }

    private List<INDArray> run(List<INDArray> x, boolean training) {
        return backend.runStep(() -> {
            runInputs = x;
            for (int i = 0; i < inputs.size(); i++) {
                values[i] = x.get(i);
            }
            for (Step step : steps) {
                List<INDArray> initial = null;
                if (step.states.length > 0) {
                    initial = new ArrayList<>(step.states.length);
                    for (int slot : step.states) {
                        initial.add(values[slot]);
                    }
                }
                List<INDArray> made = step.node.forward(values[step.input], step.mask < 0 ? null : values[step.mask],
                        initial, training);
                for (int k = 0; k < step.outputs.length; k++) {
                    values[step.outputs[k]] = made.get(k);
                }
            }
            List<INDArray> result = new ArrayList<>(outputSlots.length);
            for (int slot : outputSlots) {
                result.add(values[slot]);
            }
            return result;
        });
    }

    /** The backward pass of the last {@link #run}: the steps in reverse, each tensor's gradients added up. */
    private void backward(List<INDArray> outputGradients, boolean[] beforeActivation) {
        Arrays.fill(gradients, null);
        Arrays.fill(summed, false);
        Set<Step> skipped = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int k = 0; k < outputSlots.length; k++) {
            if (beforeActivation[k]) {
                Step activation = producers[outputSlots[k]];
                skipped.add(activation);
                add(activation.input, outputGradients.get(k));
            } else {
                add(outputSlots[k], outputGradients.get(k));
            }
        }
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step step = steps.get(i);
            if (skipped.contains(step)) {
                continue;
            }
            List<INDArray> given = new ArrayList<>(step.outputs.length);
            boolean any = false;
            for (int slot : step.outputs) {
                given.add(gradients[slot]);
                any |= gradients[slot] != null;
            }
            Layer layer = step.node.layer();
            if (!any && layer.parameters().isEmpty()) {
                continue;
            }
            boolean needInput = requiresGradient[step.input];
            INDArray inputGradient = step.node.backward(given, k -> zeros(step.outputs[k]), needInput);
            if (needInput) {
                add(step.input, inputGradient);
            }
            boolean needStates = false;
            for (int slot : step.states) {
                needStates |= requiresGradient[slot];
            }
            if (needStates) {
                List<INDArray> stateGradients = step.node.initialStateGradients();
                for (int s = 0; s < step.states.length; s++) {
                    if (requiresGradient[step.states[s]]) {
                        add(step.states[s], stateGradients.get(s));
                    }
                }
            }
        }
    }

    /** Adds a gradient of a tensor: the first is kept as it is; a second goes with it into this model's buffer. */
    private void add(int slot, INDArray gradient) {
        if (gradients[slot] == null) {
            gradients[slot] = gradient;
            return;
        }
        if (!summed[slot]) {
            INDArray sum = buffer(sumBuffers, slot);
            backend.copy(gradients[slot], sum);
            gradients[slot] = sum;
            summed[slot] = true;
        }
        backend.axpy(1.0, gradient, gradients[slot]);
    }

    private INDArray zeros(int slot) {
        return buffer(zeroBuffers, slot);
    }

    private INDArray buffer(ShapeCache<INDArray[]> buffers, int slot) {
        INDArray[] bySlot = buffers.get(runInputs, () -> new INDArray[shapes.length]);
        if (bySlot[slot] == null) {
            // a gradient has its tensor's shape in this pass
            bySlot[slot] = backend.zeros(dataType, values[slot].shape());
        }
        return bySlot[slot];
    }

    /**
     * @param x inputs that fit the model's
     * @return every tensor's sample shape for them: the graph's own when no input has a {@link Shape#ANY} dimension
     */
    private Shape[] shapesFor(List<INDArray> x) {
        if (fixedShapes) {
            return shapes;
        }
        Shape[] concrete = shapes.clone();
        for (int i = 0; i < inputs.size(); i++) {
            concrete[i] = Shape.ofBatch(x.get(i).shape());
        }
        for (Step step : steps) {
            List<Shape> made = step.node.outputShapes(concrete[step.input]);
            for (int k = 0; k < step.outputs.length; k++) {
                concrete[step.outputs[k]] = made.get(k);
            }
        }
        return concrete;
    }

    private static List<INDArray> rows(List<INDArray> arrays, long from, long to) {
        List<INDArray> views = new ArrayList<>(arrays.size());
        for (INDArray array : arrays) {
            views.add(Values.rows(array, from, to));
        }
        return views;
    }

    /** Checks the number, shapes and sample counts of input arrays, naming the input. */
    private void checkInputArrays(String operation, List<INDArray> x) {
        Objects.requireNonNull(x, operation + ": x is null");
        if (x.size() != inputs.size()) {
            throw new IllegalArgumentException(operation + ": the model has " + inputs.size() + " input"
                    + (inputs.size() == 1 ? "" : "s") + " " + inputs + ", found " + x.size() + " input array"
                    + (x.size() == 1 ? "" : "s"));
        }
        for (int i = 0; i < x.size(); i++) {
            Tensor input = inputs.get(i);
            INDArray array = Objects.requireNonNull(x.get(i), operation + ": x[" + i + "] (for input "
                    + input.name() + ") is null");
            if (array.rank() < 1 || array.size(0) == 0 || array.length() == 0) {
                throw new IllegalArgumentException(operation + ": x[" + i + "] (for input " + input.name() + ") is"
                        + " empty (shape " + Arrays.toString(array.shape()) + "); expected at least one sample");
            }
            Shape sample = Shape.ofBatch(array.shape());
            if (!input.shape().accepts(sample)) {
                throw new IllegalArgumentException(operation + ": input " + input.name() + " (x[" + i + "]) expects"
                        + " arrays of shape " + input.shape() + ", found " + Arrays.toString(array.shape()));
            }
            if (array.size(0) != x.get(0).size(0)) {
                throw new IllegalArgumentException(operation + ": x[0] (for input " + inputs.get(0).name() + ") has "
                        + x.get(0).size(0) + " samples but x[" + i + "] (for input " + input.name() + ") has "
                        + array.size(0));
            }
        }
    }

    private INDArray contiguous(INDArray array) {
        INDArray typed = array.dataType() == dataType ? array : array.castTo(dataType);
        return typed.ordering() == 'c' && !typed.isView() ? typed : typed.dup('c');
    }

    /** @return the outputs' names in logs: the layer making each, with the output's index when it makes several */
    private List<String> outputNames() {
        Map<Layer, Integer> perLayer = new IdentityHashMap<>();
        for (Tensor output : outputs) {
            perLayer.merge(output.layer(), 1, Integer::sum);
        }
        List<String> names = new ArrayList<>();
        for (Tensor output : outputs) {
            String name = output.layer().name();
            names.add(perLayer.get(output.layer()) == 1 ? name : name + "[" + output.index() + "]");
        }
        return names;
    }

    /**
     * The summary table in Keras 2's layout for functional models, computed from the graph: each input and layer
     * with its output shapes, parameter count and the tensors it is called on ({@code layer[0][k]}: output k of the
     * layer's call).
     *
     * @return the table
     */
    public String summary() {
        int width = 98;
        int[] stops = {32, 53, 65, 98};
        String rule = "_".repeat(width);
        StringBuilder text = new StringBuilder("Model: \"model\"\n").append(rule).append('\n');
        text.append(rowsText(stops, " Layer (type)", "Output Shape", "Param #", "Connected to")).append('\n');
        text.append("=".repeat(width)).append('\n');
        List<String> slotNames = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (Tensor input : inputs) {
            slotNames.add(input.name() + "[0][0]");
        }
        for (Step step : steps) {
            for (int k = 0; k < step.outputs.length; k++) {
                slotNames.add(step.node.layer().name() + "[0][" + k + "]");
            }
        }
        for (Tensor input : inputs) {
            rows.add(rowsText(stops, " " + input.name() + " (InputLayer)", "[" + input.shape() + "]", "0", "[]"));
        }
        long total = 0;
        for (Step step : steps) {
            Layer layer = step.node.layer();
            long count = layer.countParams(shapes[step.input]);
            total += count;
            List<Shape> made = new ArrayList<>();
            for (int slot : step.outputs) {
                made.add(shapes[slot]);
            }
            List<String> from = new ArrayList<>();
            from.add("'" + slotNames.get(step.input) + "'");
            if (step.mask >= 0) {
                from.add("'" + slotNames.get(step.mask) + "'");
            }
            for (int slot : step.states) {
                from.add("'" + slotNames.get(slot) + "'");
            }
            rows.add(rowsText(stops, " " + layer.name() + " (" + layer.typeName() + ")",
                    made.size() == 1 ? made.get(0).toString() : Graph.describeShapes(made), Long.toString(count),
                    "[" + String.join(", ", from) + "]"));
        }
        // Keras 2 leaves a blank line between layers
        text.append(String.join("\n\n", rows)).append('\n');
        text.append("=".repeat(width)).append('\n');
        text.append(String.format(Locale.ROOT, "Total params: %,d%n", total));
        text.append(String.format(Locale.ROOT, "Trainable params: %,d%n", total));
        text.append("Non-trainable params: 0\n");
        text.append(rule).append('\n');
        return text.toString();
    }

    /**
     * Keras's {@code print_row}: each field in its column, wrapped onto more lines where it is too long, breaking
     * after {@code "),"} or {@code "',"} where it can; trailing spaces dropped.
     */
    private static String rowsText(int[] stops, String... fields) {
        String[] left = fields.clone();
        List<String> lines = new ArrayList<>();
        while (Arrays.stream(left).anyMatch(field -> !field.isEmpty())) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < left.length; column++) {
                int start = column == 0 ? 0 : stops[column - 1];
                int room = stops[column] - start - (column == left.length - 1 ? 0 : 2);
                String fits = left[column].substring(0, Math.min(room, left[column].length()));
                int cut = fits.length();
                for (String end : new String[] {"),", "],", "',"}) {
                    int at = fits.indexOf(end);
                    if (at >= 0 && at + end.length() < cut) {
                        cut = at + end.length();
                    }
                }
                line.append(left[column], 0, cut);
                left[column] = left[column].substring(cut);
                if (column < left.length - 1) {
                    line.append(" ".repeat(Math.max(0, stops[column] - line.length())));
                }
            }
            lines.add(line.toString().stripTrailing());
        }
        return String.join("\n", lines);
    }

    /** The training loop's view of this model. */
    private final class Network implements Trainer.Network {
        @Override
        public List<INDArray> prepareInputs(String operation, List<INDArray> x) {
            checkInputArrays(operation, x);
            if (!built) {
                build();
            }
            List<INDArray> prepared = new ArrayList<>(x.size());
            for (INDArray array : x) {
                prepared.add(contiguous(array));
            }
            return prepared;
        }

        @Override
        public List<INDArray> prepareTargets(String operation, List<INDArray> x, List<INDArray> y) {
            Objects.requireNonNull(y, operation + ": y is null");
            if (y.size() != outputs.size()) {
                throw new IllegalArgumentException(operation + ": the model has " + outputs.size() + " output"
                        + (outputs.size() == 1 ? "" : "s") + " " + outputs + ", found " + y.size() + " target array"
                        + (y.size() == 1 ? "" : "s"));
            }
            List<INDArray> prepared = new ArrayList<>(y.size());
            Shape[] concrete = shapesFor(x);
            for (int k = 0; k < y.size(); k++) {
                Tensor output = outputs.get(k);
                INDArray array = Objects.requireNonNull(y.get(k), operation + ": y[" + k + "] is null");
                trainer.checkTargets(operation, "y[" + k + "]", concrete[outputSlots[k]], "outputs[" + k + "], "
                        + output, x.get(0).size(0), array);
                prepared.add(contiguous(array));
            }
            return prepared;
        }

        @Override
        public List<INDArray> forward(List<INDArray> x, INDArray mask, boolean training) {
            if (mask != null) {
                throw new IllegalArgumentException("a functional Model reads masks as tensors given to the layers"
                        + " that use them, so a batch's mask " + Arrays.toString(mask.shape()) + " has no layer to"
                        + " reach; declare an Input for it and give it as one of the batch's x arrays, or put a"
                        + " Masking or Embedding(maskZero) layer in the graph");
            }
            return run(x, training);
        }

        @Override
        public Activation outputActivation(int output) {
            return outputActivations[output];
        }

        @Override
        public void backward(List<INDArray> outputGradients, boolean[] beforeActivation) {
            Model.this.backward(outputGradients, beforeActivation);
        }

        /** @return no masks: a functional model's masks are explicit tensors given to the layers that read them */
        @Override
        public List<INDArray> outputMasks() {
            return Arrays.asList(new INDArray[outputs.size()]);
        }

        @Override
        public List<Shape> outputShapes() {
            List<Shape> shapes = new ArrayList<>(outputs.size());
            for (Tensor output : outputs) {
                shapes.add(output.shape());
            }
            return shapes;
        }

        @Override
        public List<Shape> outputShapes(List<INDArray> x) {
            Shape[] concrete = shapesFor(x);
            List<Shape> made = new ArrayList<>(outputSlots.length);
            for (int slot : outputSlots) {
                made.add(concrete[slot]);
            }
            return made;
        }

        @Override
        public List<Parameter> parameters() {
            return Model.this.parameters();
        }

        @Override
        public double regularizationLoss() {
            return Model.this.regularizationLoss();
        }

        @Override
        public void addRegularizationGradients() {
            for (Layer layer : layers) {
                layer.addRegularizationGradients();
            }
        }

        @Override
        public List<String> outputNames() {
            return Model.this.outputNames();
        }

        @Override
        public Trainable model() {
            return Model.this;
        }
    }
}
