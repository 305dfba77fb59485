package dev.rnn4j.core.layers;

import static dev.rnn4j.core.ConfigValues.optionalBoolean;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.PreparedMatrix;
import dev.rnn4j.api.RecurrencePlan;
import dev.rnn4j.api.Regularizer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.SeededRandom;
import dev.rnn4j.core.ShapeCache;
import dev.rnn4j.core.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras's {@code RNN(cell)}: runs any {@link RecurrentCell} over the timesteps of {@code [batch, timesteps, features]}
 * input. Output {@code [batch, units]} (the last state 0) or, with {@code returnSequences}, {@code [batch, timesteps,
 * units]}.
 *
 * <p>The time loop, written once for every cell: the input projections of all steps are one product,
 * {@code [x, 1] · [kernel; bias]}, before the loop; each step adds (or, for {@link RecurrentCell.Recurrence#SEPARATE},
 * computes apart) {@code h'_{t-1} · recurrent_kernel}, one product, and hands the cell its arrays; backward (full
 * BPTT) runs the cell's step backward and one product per step into the previous state, and the weight gradients are
 * products over a few steps each ({@link RecurrencePlan}), which may start while BPTT still runs.
 *
 * <p>Dropout, in training only, as Keras does it: {@code dropout} multiplies the inputs by one mask per sequence
 * ({@code [batch, features]}), {@code recurrent_dropout} multiplies state 0 by one mask per sequence
 * ({@code [batch, units]}) where it enters the recurrent product; each mask is shared by every timestep and gate, kept
 * values are scaled by {@code 1 / (1 - rate)}, drawn from the model's generator (input mask first).
 *
 * <p>Scheduling is the backend's ({@link Backend#planRecurrence}): the batch is cut into parts of rows (samples do
 * not interact in a recurrence), each with time-major arrays made once per batch size. Inference of the last state
 * keeps no steps: every per-step array has two blocks used in turn and each step's input projection is a product of
 * its own, so a step's data stays in the core's cache and a large batch needs a fraction of the memory. A run repeats
 * bit for bit with the same plan.
 */
public class RNN extends AbstractLayer {
    private final RecurrentCell cell;
    /** The type name a copy shows ({@link #copy}); null for the class's own. */
    private String shownType;
    private final boolean returnSequences;
    private final boolean returnState;
    private final boolean goBackwards;
    private final boolean stateful;
    private final boolean zeroOutputForMask;

    /** The cell's layout, read once. */
    private final int units;
    private final int gates;
    private final int width;
    private final int[] stateSizes;
    private final RecurrentCell.Recurrence recurrence;

    private INDArray kernel;
    private INDArray recurrentKernel;
    /** The bias added to the input projection: the bias, or row 0 of a bias pair; null without bias. */
    private INDArray inputBias;
    /** Row 1 of a bias pair, added to the recurrent product; null otherwise. */
    private INDArray recurrentBias;
    private final List<INDArray> cellWeights = new ArrayList<>();
    private final List<String> cellWeightNames = new ArrayList<>();
    /** {@code [kernel; bias]} stacked by rows (bias only with one), refreshed every forward pass. */
    private INDArray inputWeights;
    private INDArray inputKernel;
    private INDArray inputBiasRow;
    /** The bias as a row {@code [1, width]}, made once: ND4J takes tens of microseconds to make a view. */
    private INDArray inputBiasSource;
    private INDArray inputWeightsGradient;
    private INDArray inputKernelGradient;
    private INDArray inputBiasGradientRow;
    private INDArray kernelGradient;
    private INDArray biasGradientRow;
    private INDArray recurrentKernelGradient;
    private INDArray recurrentBiasGradient;
    private List<INDArray> cellWeightGradients;
    /** The columns of the joined inputs {@code [x_t, 1]}: the features and, with a bias, a column of ones. */
    private int inputColumns;

    /** Runs by batch and timesteps: passes that keep every step for a backward pass, and inference streams. */
    private final ShapeCache<Run> stored = new ShapeCache<>();
    private final ShapeCache<Run> streamed = new ShapeCache<>();
    private Run last;
    private INDArray lastInput;
    private boolean lastTraining;
    private INDArray lastMask;
    private List<INDArray> lastInitial;
    /** Uniform numbers for the dropout masks, drawn in one call; grown to the largest mask. */
    private double[] uniforms = new double[0];
    /** What the next pass takes besides its input ({@link #forward(INDArray, INDArray, List, boolean)}). */
    private INDArray pendingMask;
    private List<INDArray> pendingInitialState;
    private List<INDArray> pendingStateGradients;
    /** A stateful layer's states, carried from batch to batch; null after {@link #resetStates()}. */
    private List<INDArray> carried;
    private int statefulBatch = -1;

    /**
     * @param cell            the step's math
     * @param returnSequences output every step's state 0 instead of the last
     */
    public RNN(RecurrentCell cell, boolean returnSequences) {
        this(cell, options().returnSequences(returnSequences));
    }

    /**
     * @param cell    the step's math
     * @param options the layer's settings ({@link #options()})
     */
    public RNN(RecurrentCell cell, Options options) {
        this.cell = Objects.requireNonNull(cell, "cell is null");
        this.returnSequences = options.returnSequences;
        this.returnState = options.returnState;
        this.goBackwards = options.goBackwards;
        this.stateful = options.stateful;
        this.zeroOutputForMask = options.zeroOutputForMask;
        this.units = cell.units();
        this.gates = cell.gates();
        this.width = gates * units;
        this.stateSizes = cell.stateSizes().clone();
        this.recurrence = Objects.requireNonNull(cell.recurrence(), "recurrence is null");
        if (gates < 1 || stateSizes.length < 1 || stateSizes[0] != units) {
            throw new IllegalArgumentException(cell.typeName() + ": expected at least one gate and state 0 of "
                    + units + " units, found " + gates + " gates and states " + Arrays.toString(stateSizes));
        }
    }

    /**
     * @param goBackwards       the direction of the copy
     * @param zeroOutputForMask the copy's output at masked steps
     * @return an unbuilt layer with this one's cell (which holds settings only) and settings, in the direction given,
     *         showing this layer's type name
     */
    final RNN copy(boolean goBackwards, boolean zeroOutputForMask) {
        RNN copy = new RNN(cell, options().returnSequences(returnSequences).returnState(returnState)
                .goBackwards(goBackwards).stateful(stateful).zeroOutputForMask(zeroOutputForMask));
        copy.shownType = typeName();
        return copy;
    }

    @Override
    public String typeName() {
        return shownType != null ? shownType : super.typeName();
    }

    /** @return the cell */
    public final RecurrentCell cell() {
        return cell;
    }

    /** @return the size of the output state */
    public final int units() {
        return units;
    }

    /** @return whether the output is every state rather than the last */
    public final boolean returnSequences() {
        return returnSequences;
    }

    /** @return the input dropout rate */
    public final double dropout() {
        return cell.dropout();
    }

    /** @return whether {@link #states()} are part of the layer's results (Keras's {@code return_state}) */
    public final boolean returnState() {
        return returnState;
    }

    /** @return whether the steps run from the last to the first (the output sequence in that order, as Keras) */
    public final boolean goBackwards() {
        return goBackwards;
    }

    /** @return whether the last states of a batch are the initial states of the next */
    public final boolean stateful() {
        return stateful;
    }

    /** @return the sizes of the cell's states, state 0 (the output) first */
    public final int[] stateSizes() {
        return stateSizes.clone();
    }

    /** @return new settings with Keras's defaults, for {@link #RNN(RecurrentCell, Options)} */
    public static Options options() {
        return new Options();
    }

    /**
     * The settings of the {@link RNN} layer around its cell, with Keras's defaults: the last output only, no states
     * returned, forwards, not stateful, masked steps repeating the previous output.
     */
    public static final class Options {
        boolean returnSequences;
        boolean returnState;
        boolean goBackwards;
        boolean stateful;
        boolean zeroOutputForMask;

        Options() {
        }

        /**
         * @param returnSequences output every step's state 0 (default false: the last)
         * @return this
         */
        public Options returnSequences(boolean returnSequences) {
            this.returnSequences = returnSequences;
            return this;
        }

        /**
         * @param returnState keep the last states for {@link RNN#states()} and take their gradients in
         *                    {@link RNN#backward(INDArray, List, boolean)} (default false)
         * @return this
         */
        public Options returnState(boolean returnState) {
            this.returnState = returnState;
            return this;
        }

        /**
         * @param goBackwards run the steps from the last to the first (default false)
         * @return this
         */
        public Options goBackwards(boolean goBackwards) {
            this.goBackwards = goBackwards;
            return this;
        }

        /**
         * @param stateful carry the last states of a batch into the next, for batches of one size (default false)
         * @return this
         */
        public Options stateful(boolean stateful) {
            this.stateful = stateful;
            return this;
        }

        /**
         * @param zeroOutputForMask with sequences, output zeros at masked steps instead of the previous output
         *                          (default false, as Keras)
         * @return this
         */
        public Options zeroOutputForMask(boolean zeroOutputForMask) {
            this.zeroOutputForMask = zeroOutputForMask;
            return this;
        }

        /** Applies the layer settings of a saved config, keeping the current value for a missing key. */
        static Options read(Options options, Map<String, Object> config) {
            return options.returnSequences(optionalBoolean(config, "return_sequences", options.returnSequences))
                    .returnState(optionalBoolean(config, "return_state", options.returnState))
                    .goBackwards(optionalBoolean(config, "go_backwards", options.goBackwards))
                    .stateful(optionalBoolean(config, "stateful", options.stateful))
                    .zeroOutputForMask(optionalBoolean(config, "zero_output_for_mask", options.zeroOutputForMask));
        }
    }

    /**
     * Rebuilds an {@code RNN} layer from its {@link #config()} around a cell already read from the config's
     * {@code cell} entry (the model file's registry resolves the cell's type), as Keras's {@code from_config}.
     *
     * @param config the layer's config
     * @param cell   the cell
     * @return a new unbuilt layer
     */
    public static RNN fromConfig(Map<String, Object> config, RecurrentCell cell) {
        return new RNN(cell, Options.read(options(), config));
    }

    /**
     * The forward pass with a mask and initial states (Keras's {@code layer(x, mask=..., initial_state=...)}).
     *
     * @param input        {@code [batch, timesteps, features]}
     * @param mask         {@code [batch, timesteps]}, nonzero where a step is used, or null: a masked step keeps the
     *                     states, and its output repeats the previous one (zeros with {@code zeroOutputForMask})
     * @param initialState one {@code [batch, size]} array per state (h, or h and c), or null for zeros (or, for a
     *                     stateful layer, the states carried from the batch before)
     * @param training     whether this is a training pass
     * @return the output, owned by the layer
     * @throws IllegalArgumentException naming the layer, what was expected and what was found, before any computation
     */
    public final INDArray forward(INDArray input, INDArray mask, List<INDArray> initialState, boolean training) {
        pendingMask = mask;
        pendingInitialState = initialState;
        try {
            return forward(input, training);
        } finally {
            pendingMask = null;
            pendingInitialState = null;
        }
    }

    @Override
    public final INDArray forward(INDArray input, INDArray mask, boolean training) {
        return forward(input, mask, null, training);
    }

    /** @return true: a masked timestep keeps the state and repeats the previous output */
    @Override
    public final boolean supportsMasking() {
        return true;
    }

    /** @return as Keras: the input's mask with {@code returnSequences}, else none (one output per sample) */
    @Override
    public final INDArray computeMask(INDArray input, INDArray inputMask) {
        return returnSequences() ? inputMask : null;
    }

    /**
     * @return the states after the last step of the last forward pass, one {@code [batch, size]} array per state (for
     *         LSTM {@code [h, c]}), owned by the layer until its next forward pass (Keras's {@code return_state})
     */
    public final List<INDArray> states() {
        if (last == null) {
            throw new IllegalStateException(label() + ": states() called before forward");
        }
        return List.of(last.finalStates);
    }

    /**
     * The backward pass with gradients of the returned states besides the output's.
     *
     * @param outputGradient    the gradient of the output
     * @param stateGradients    one gradient per state, the shapes of {@link #states()}, or null for none
     * @param needInputGradient whether to return the input gradient
     * @return the input gradient, or null
     */
    public final INDArray backward(INDArray outputGradient, List<INDArray> stateGradients,
            boolean needInputGradient) {
        pendingStateGradients = stateGradients;
        try {
            return backward(outputGradient, needInputGradient);
        } finally {
            pendingStateGradients = null;
        }
    }

    /**
     * @return after a backward pass with initial states given, the gradients of the loss with respect to them, one
     *         {@code [batch, size]} array per state, owned by the layer
     */
    public final List<INDArray> initialStateGradients() {
        if (last == null || last.initialGradients == null || !last.initialGiven) {
            throw new IllegalStateException(label() + ": initialStateGradients() needs a backward pass after a forward"
                    + " pass with initial states");
        }
        return List.of(last.initialGradients);
    }

    /** Forgets the states a stateful layer carries: the next batch starts from zeros (Keras's {@code reset_states}). */
    public final void resetStates() {
        carried = null;
        statefulBatch = -1;
    }

    @Override
    public Shape outputShape(Shape inputShape) {
        requireRank(inputShape, 2, "[batch, timesteps, features]");
        requireFixedFeatures(inputShape);
        return returnSequences ? Shape.of(inputShape.dim(0), units) : Shape.of(units);
    }

    @Override
    public long countParams(Shape inputShape) {
        long[] count = new long[1];
        cell.declareWeights(new Declarations(inputShape.last()) {
            @Override
            void weight(String name, int[] shape, Initializer initializer, Regularizer regularizer, Role role) {
                count[0] += Arrays.stream(shape).asLongStream().reduce(1, Math::multiplyExact);
            }
        });
        return count[0];
    }

    /** The layer's settings under Keras's names: the cell's (or, for {@code RNN}, the cell), then the layer's. */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        if (getClass() == RNN.class) {
            Map<String, Object> saved = new LinkedHashMap<>();
            saved.put("class_name", cell.typeName());
            saved.put("config", cell.config());
            config.put("cell", saved);
        } else {
            config.putAll(cell.config());
        }
        config.put("return_sequences", returnSequences);
        config.put("return_state", returnState);
        config.put("go_backwards", goBackwards);
        config.put("stateful", stateful);
        config.put("zero_output_for_mask", zeroOutputForMask);
        return config;
    }

    /** What a declared weight is for. */
    private enum Role {
        KERNEL, RECURRENT_KERNEL, BIAS, BIAS_PAIR, CELL
    }

    /** Declarations, with the shapes filled in; a subclass says what to do with each. */
    private abstract class Declarations implements RecurrentCell.Weights {
        private final int features;

        Declarations(int features) {
            this.features = features;
        }

        abstract void weight(String name, int[] shape, Initializer initializer, Regularizer regularizer, Role role);

        @Override
        public int features() {
            return features;
        }

        @Override
        public void kernel(Initializer initializer, Regularizer regularizer) {
            weight("kernel", new int[] {features, width}, initializer, regularizer, Role.KERNEL);
        }

        @Override
        public void recurrentKernel(Initializer initializer, Regularizer regularizer) {
            if (recurrence == RecurrentCell.Recurrence.NONE) {
                throw new IllegalStateException(cell.typeName() + ": a cell without recurrent product declares no"
                        + " recurrent_kernel of the layer's; add its own weight instead");
            }
            weight("recurrent_kernel", new int[] {units, width}, initializer, regularizer, Role.RECURRENT_KERNEL);
        }

        @Override
        public void bias(Initializer initializer, Regularizer regularizer) {
            weight("bias", new int[] {width}, initializer, regularizer, Role.BIAS);
        }

        @Override
        public void biasPair(Initializer initializer, Regularizer regularizer) {
            weight("bias", new int[] {2, width}, initializer, regularizer, Role.BIAS_PAIR);
        }

        @Override
        public int add(String name, int[] shape, Initializer initializer, Regularizer regularizer) {
            weight(name, shape, initializer, regularizer, Role.CELL);
            return cellWeightNames.size() - 1;
        }
    }

    @Override
    protected void buildInternal(Shape inputShape) {
        int features = inputShape.last();
        cell.declareWeights(new Declarations(features) {
            @Override
            void weight(String name, int[] shape, Initializer initializer, Regularizer regularizer, Role role) {
                INDArray value = addWeight(name, shape, initializer, regularizer);
                switch (role) {
                    case KERNEL -> kernel = value;
                    case RECURRENT_KERNEL -> recurrentKernel = value;
                    case BIAS -> inputBias = value;
                    case BIAS_PAIR -> {
                        inputBias = value.get(NDArrayIndex.point(0), NDArrayIndex.all());
                        recurrentBias = value.get(NDArrayIndex.point(1), NDArrayIndex.all());
                    }
                    case CELL -> {
                        cellWeights.add(value);
                        cellWeightNames.add(name);
                    }
                }
            }
        });
        if (kernel == null) {
            throw new IllegalStateException(cell.typeName() + ": a cell must declare its kernel");
        }
        if ((recurrentKernel == null) != (recurrence == RecurrentCell.Recurrence.NONE)) {
            throw new IllegalStateException(cell.typeName() + ": a cell with recurrence " + recurrence
                    + (recurrentKernel == null ? " must declare" : " must not declare") + " a recurrent_kernel");
        }
        if (recurrentBias != null && recurrence != RecurrentCell.Recurrence.SEPARATE) {
            throw new IllegalStateException(cell.typeName() + ": a bias pair needs recurrence SEPARATE");
        }
        boolean withBias = inputBias != null;
        inputColumns = features + (withBias ? 1 : 0);
        inputWeights = backend().zeros(dataType(), inputColumns, width);
        inputKernel = Values.rows(inputWeights, 0, features);
        inputWeightsGradient = backend().zeros(dataType(), inputColumns, width);
        inputKernelGradient = Values.rows(inputWeightsGradient, 0, features);
        kernelGradient = parameter("kernel").gradient();
        if (withBias) {
            inputBiasRow = Values.rows(inputWeights, features, features + 1);
            inputBiasSource = inputBias.reshape(1, width);
            inputBiasGradientRow = Values.rows(inputWeightsGradient, features, features + 1);
            INDArray biasGradient = parameter("bias").gradient();
            biasGradientRow = (recurrentBias != null ? biasGradient.get(NDArrayIndex.point(0), NDArrayIndex.all())
                    : biasGradient).reshape(1, width);
            recurrentBiasGradient = recurrentBias != null
                    ? biasGradient.get(NDArrayIndex.point(1), NDArrayIndex.all()) : null;
        }
        recurrentKernelGradient = recurrentKernel != null ? parameter("recurrent_kernel").gradient() : null;
        cellWeightGradients = new ArrayList<>();
        for (String name : cellWeightNames) {
            cellWeightGradients.add(parameter(name).gradient());
        }
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        int steps = Math.toIntExact(input.size(1));
        int batch = Math.toIntExact(input.size(0));
        INDArray mask = pendingMask;
        List<INDArray> initial = pendingInitialState;
        if (mask != null && (mask.rank() != 2 || mask.size(0) != batch || mask.size(1) != steps)) {
            throw new IllegalArgumentException(label() + ": expected a mask of shape [" + batch + ", " + steps
                    + "] (batch, timesteps), found " + Arrays.toString(mask.shape()));
        }
        if (stateful) {
            if (statefulBatch >= 0 && statefulBatch != batch) {
                throw new IllegalArgumentException(label() + ": a stateful layer carries its states from batch to"
                        + " batch, so every batch must have the same size: expected " + statefulBatch + ", found "
                        + batch + " (resetStates() lets the next batch have another size)");
            }
            statefulBatch = batch;
            if (initial == null) {
                initial = carried;
            }
        }
        checkStates("initial state", initial, batch);
        // Inference of the last state needs no earlier steps: two blocks used in turn (a backward pass after it runs
        // the pass that keeps them first).
        boolean stream = !training && !returnSequences && steps > 1;
        lastInput = input;
        lastTraining = training;
        lastMask = mask;
        lastInitial = initial;
        INDArray output = forwardWith(input, mask, initial, training, stream);
        if (stateful) {
            List<INDArray> kept = new ArrayList<>();
            for (INDArray state : last.finalStates) {
                kept.add(state.dup());
            }
            carried = kept;
        }
        return output;
    }

    /** Throws unless {@code states} is null or one {@code [batch, size]} array per state. */
    private void checkStates(String what, List<INDArray> states, int batch) {
        if (states == null) {
            return;
        }
        if (states.size() != stateSizes.length) {
            throw new IllegalArgumentException(label() + ": expected " + stateSizes.length + " " + what
                    + (stateSizes.length == 1 ? "" : "s") + " (one per state of " + cell.typeName() + "), found "
                    + states.size());
        }
        for (int s = 0; s < stateSizes.length; s++) {
            INDArray state = states.get(s);
            if (state == null || state.rank() != 2 || state.size(0) != batch || state.size(1) != stateSizes[s]
                    || state.dataType() != dataType()) {
                throw new IllegalArgumentException(label() + ": expected " + what + " " + s + " of shape [" + batch
                        + ", " + stateSizes[s] + "] and type " + dataType() + ", found " + (state == null ? "null"
                        : Arrays.toString(state.shape()) + " of type " + state.dataType()));
            }
        }
    }

    private INDArray forwardWith(INDArray input, INDArray mask, List<INDArray> initial, boolean training,
            boolean stream) {
        Backend backend = backend();
        int batch = Math.toIntExact(input.size(0));
        int steps = Math.toIntExact(input.size(1));
        Run run = (stream ? streamed : stored).get(new long[] {batch, steps}, () -> new Run(batch, steps, stream));
        last = run;
        run.inputMasked = training && cell.dropout() > 0.0;
        run.recurrentMasked = training && cell.recurrentDropout() > 0.0;
        run.training = training;
        run.initialGiven = initial != null;
        run.maskGiven = mask != null;
        if (run.inputMasked) {
            fillMask(run.inputMask, run.inputMaskValues, cell.dropout());
        }
        if (run.recurrentMasked) {
            fillMask(run.recurrentMask, run.recurrentMaskValues, cell.recurrentDropout());
        }
        float[] keep = mask == null ? null : mask.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data()
                .asFloat();
        backend.copy(kernel, inputKernel);
        if (inputBias != null) {
            backend.copy(inputBiasSource, inputBiasRow);
        }
        INDArray[] inputs = run.inputViews.of(input);
        run.prepareRecurrent();
        for (int p = 0; p < run.parts.length; p++) {
            run.parts[p].startForward(initial, keep);
        }
        backend.runRecurrence(run.plan, steps, (p, step) -> run.parts[p].forwardStep(step + 1, inputs[p]));
        return returnSequences ? run.sequenceOutput : run.lastState;
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        Backend backend = backend();
        if (last.stream) {
            // A backward pass after a pass that kept no steps (a gradient check does this): keep them first.
            forwardWith(lastInput, lastMask, lastInitial, lastTraining, false);
        }
        Run run = last;
        List<INDArray> given = pendingStateGradients;
        checkStates("state gradient", given, run.plan.rows());
        INDArray[] outputGradients = run.outputGradientViews.of(outputGradient);
        backend.runRecurrenceBackward(run.plan, (p, reached) -> run.parts[p].backwardChain(outputGradients[p], given,
                reached), (p, j) -> run.parts[p].piece(j, needInputGradient));
        int steps = run.steps;
        for (int p = 1; p < run.parts.length; p++) {
            Part part = run.parts[p];
            backend.axpy(1.0, part.inputWeightsGradient, inputWeightsGradient);
            if (recurrentKernel != null) {
                backend.axpy(1.0, part.recurrentKernelGradient, recurrentKernelGradient);
            }
            if (recurrentBias != null) {
                backend.axpy(1.0, part.recurrentBiasGradient, recurrentBiasGradient);
            }
            for (int i = 0; i < cellWeightGradients.size(); i++) {
                backend.axpy(1.0, part.cellWeightGradients[i], cellWeightGradients.get(i));
            }
        }
        if (recurrentKernel != null && steps == 1 && recurrence == RecurrentCell.Recurrence.ADDED
                && !run.initialGiven) {
            // h_0 = 0 and one step: recurrent_kernel took no part
            recurrentKernelGradient.assign(0.0);
        }
        backend.copy(inputKernelGradient, kernelGradient);
        if (inputBias != null) {
            backend.copy(inputBiasGradientRow, biasGradientRow);
        }
        return needInputGradient ? run.inputGradientOutput : null;
    }

    /**
     * Draws a dropout mask as Keras does: each value kept with probability {@code 1 - rate} and scaled by
     * {@code 1 / (1 - rate)}, from the model's generator, in a fixed order.
     */
    private void fillMask(INDArray mask, float[] values, double rate) {
        float keep = (float) (1.0 / (1.0 - rate));
        if (uniforms.length < values.length) {
            uniforms = new double[values.length];
        }
        SeededRandom.nextDoubles(context().random(), uniforms, values.length);
        for (int i = 0; i < values.length; i++) {
            values[i] = uniforms[i] >= rate ? keep : 0f;
        }
        backend().write(values, mask);
    }

    /** @return row blocks {@code [i * rows, (i + 1) * rows)} of a matrix, as views made once */
    static INDArray[] rowBlocks(INDArray matrix, int count, int rows) {
        INDArray[] blocks = new INDArray[count];
        for (int i = 0; i < count; i++) {
            blocks[i] = Values.rows(matrix, (long) i * rows, (long) (i + 1) * rows);
        }
        return blocks;
    }

    /** @return views {@code 0 .. length - 1}, view {@code t} being {@code blocks[t % blocks.length]} */
    static <T> T[] inTurn(T[] blocks, int length) {
        T[] views = Arrays.copyOf(blocks, length);
        for (int t = blocks.length; t < length; t++) {
            views[t] = blocks[t % blocks.length];
        }
        return views;
    }

    /**
     * @return {@code [block][gate]}: the gate's columns of each row block of {@code rows} rows, taken from the matrix
     *         itself (ND4J cannot take column blocks of a row-block view)
     */
    private INDArray[][] gateBlocks(INDArray matrix, int blocks, int rows) {
        INDArray[][] views = new INDArray[blocks][gates];
        for (int t = 0; t < blocks; t++) {
            for (int g = 0; g < gates; g++) {
                views[t][g] = gates == 1 ? Values.rows(matrix, (long) t * rows, (long) (t + 1) * rows)
                        : matrix.get(NDArrayIndex.interval((long) t * rows, (long) (t + 1) * rows),
                                NDArrayIndex.interval((long) g * units, (long) (g + 1) * units));
            }
        }
        return views;
    }

    /**
     * Per-part views of the arrays a caller passes in (the inputs, the output gradients), made again only for another
     * array: the training loop passes the same buffers every step, and ND4J takes tens of microseconds to make a view.
     */
    private static final class PartViews {
        private final RecurrencePlan plan;
        private INDArray source;
        private INDArray[] views;

        PartViews(RecurrencePlan plan) {
            this.plan = plan;
        }

        INDArray[] of(INDArray array) {
            if (array != source) {
                INDArray[] made = new INDArray[plan.parts()];
                for (int p = 0; p < made.length; p++) {
                    made[p] = made.length == 1 ? array : Values.rows(array, plan.partStart(p), plan.partStart(p + 1));
                }
                views = made;
                source = array;
            }
            return views;
        }
    }

    /** The arrays of one batch size in one mode (keeping every step, or streaming), and its parts. */
    private final class Run {
        final boolean stream;
        final int steps;
        final RecurrencePlan plan;
        final INDArray lastState;
        final INDArray sequenceOutput;
        final INDArray inputGradientOutput;
        final INDArray inputMask;
        final float[] inputMaskValues;
        final INDArray recurrentMask;
        final float[] recurrentMaskValues;
        final Part[] parts;
        final PartViews inputViews;
        final PartViews outputGradientViews;
        /** The states after the last step, and the gradients of the initial states. */
        final INDArray[] finalStates;
        final INDArray[] initialGradients;
        boolean inputMasked;
        boolean recurrentMasked;
        boolean training;
        boolean initialGiven;
        boolean maskGiven;

        Run(int batch, int steps, boolean stream) {
            Backend backend = backend();
            this.stream = stream;
            this.steps = steps;
            int features = inputShape().dim(1);
            plan = backend.planRecurrence(batch, steps);
            if (plan.rows() != batch) {
                throw new IllegalStateException(backend.name() + " backend planned " + plan.rows() + " rows for a"
                        + " batch of " + batch);
            }
            lastState = backend.zeros(dataType(), batch, units);
            sequenceOutput = returnSequences ? backend.zeros(dataType(), batch, steps, units) : null;
            inputGradientOutput = stream ? null : backend.zeros(dataType(), batch, steps, features);
            inputMask = backend.zeros(dataType(), batch, features);
            inputMaskValues = new float[batch * features];
            recurrentMask = cell.recurrentDropout() > 0.0 ? backend.zeros(dataType(), batch, units) : null;
            recurrentMaskValues = recurrentMask != null ? new float[batch * units] : null;
            finalStates = new INDArray[stateSizes.length];
            initialGradients = stream ? null : new INDArray[stateSizes.length];
            for (int s = 0; s < stateSizes.length; s++) {
                finalStates[s] = backend.zeros(dataType(), batch, stateSizes[s]);
                if (!stream) {
                    initialGradients[s] = backend.zeros(dataType(), batch, stateSizes[s]);
                }
            }
            parts = new Part[plan.parts()];
            for (int p = 0; p < parts.length; p++) {
                parts[p] = new Part(this, p);
            }
            inputViews = new PartViews(plan);
            outputGradientViews = new PartViews(plan);
        }

        /**
         * Prepares recurrent_kernel for the forward products once for every row count among the parts, on the calling
         * thread (a part may run on any thread); parts of equal rows share it, as a prepared matrix is only read.
         */
        void prepareRecurrent() {
            if (recurrentKernel == null || (steps == 1 && recurrence == RecurrentCell.Recurrence.ADDED
                    && !initialGiven)) {
                return;
            }
            for (int p = 0; p < parts.length; p++) {
                Part part = parts[p];
                Part previous = p > 0 ? parts[p - 1] : null;
                if (previous != null && previous.rows == part.rows) {
                    part.recurrent = previous.recurrent;
                } else {
                    part.ownRecurrent = backend().prepare(recurrentKernel, false, part.rows, part.ownRecurrent);
                    part.recurrent = part.ownRecurrent;
                }
            }
        }

        /** @return rows {@code [start of part, start of next part)} of a batch-major array, or the array itself */
        INDArray rowsOf(INDArray array, int part) {
            return plan.parts() == 1 ? array
                    : Values.rows(array, plan.partStart(part), plan.partStart(part + 1));
        }
    }

    /**
     * The arrays of one part of a batch, time-major: block {@code t - 1} of {@code rows} rows belongs to step {@code t}
     * (for states, block {@code t} holds the state after step {@code t}, block 0 the initial state). It is also the
     * {@link CellStep} its cell sees, pointed at one step at a time.
     */
    private final class Part implements CellStep {
        final Run run;
        final int rows;
        final int steps;
        final boolean first;
        final INDArray joinedInputs;
        final INDArray inputs;
        final INDArray[] joinedInputSteps;
        /** The input projections (with the recurrent product when added); their gradients take their place. */
        final INDArray projections;
        final INDArray[][] projectionGates;
        final INDArray[] projectionSteps;
        /** The recurrent products (SEPARATE only), with the second bias row. */
        final INDArray recurrents;
        final INDArray[][] recurrentGates;
        final INDArray[] recurrentSteps;
        /** Per state, the states of steps 0 .. T ([state][t]), and the array of state 0's. */
        final INDArray[][] states;
        final INDArray stateArray;
        /** State 0 of steps 1 .. T, for the output with sequences. */
        final INDArray statesAfter;
        /** State 0 of steps 0 .. T - 1 times the recurrent dropout mask, when training with it. */
        final INDArray maskedStates;
        final INDArray[] maskedStateSteps;
        final INDArray[][] storedSteps;
        final INDArray[] scratch;
        final INDArray ownScratch;
        /** Per state, gradients of steps 0 .. T ([state][t]); with sequences, state 0 keeps every step's. */
        final INDArray[][] stateGradients;
        /** With sequences, the gradients of state 0 of steps 1 .. T. */
        final INDArray sequenceGradients;
        final INDArray inputGradients;
        final INDArray[][] pieces;
        final INDArray inputMask;
        final INDArray recurrentMask;
        final INDArray lastState;
        final INDArray sequenceOutput;
        final INDArray inputGradientOutput;
        /** This part's share of the weight gradients (the first part writes the layer's own arrays instead). */
        final INDArray inputWeightsGradient;
        final INDArray recurrentKernelGradient;
        final INDArray recurrentBiasGradient;
        final INDArray[] cellWeightGradients;
        PreparedMatrix recurrent;
        PreparedMatrix ownRecurrent;
        PreparedMatrix recurrentTransposed;
        /** This part's rows of the final states and of the initial states' gradients. */
        final INDArray[] finalStates;
        final INDArray[] initialGradients;
        /** Pieces whose recurrent-kernel products start at step 1 (an initial state given), made on first use. */
        INDArray[][] piecesFromFirst;
        /** With a mask: per processing step k, row r: {@code keep[k * rows + r]}; and which steps drop a row. */
        float[] keep;
        boolean[] dropping;
        /** With a mask, the same flags in the output sequence's order ({@code [r * steps + k]}). */
        float[] keepOutput;
        /** Per state, zeros and room for the gradient a masked step passes by, made on first use. */
        INDArray[] zeros;
        INDArray[] carry;
        INDArray sequenceRows;
        INDArray sequenceZeros;
        private final int from;
        private final int partIndex;
        /** Whether block 0 of the states may hold something other than zeros. */
        private boolean initialBlockWritten;
        /** The step the cell is pointed at, 1-based. */
        private int t;

        Part(Run run, int index) {
            Backend backend = backend();
            this.run = run;
            this.steps = run.steps;
            this.from = run.plan.partStart(index);
            this.partIndex = index;
            this.rows = run.plan.partStart(index + 1) - from;
            this.first = index == 0;
            int features = inputShape().dim(1);
            boolean stream = run.stream;
            int blocks = stream ? 2 : steps;
            long all = (long) steps * rows;
            joinedInputs = backend.zeros(dataType(), all, inputColumns);
            if (inputBias != null) {
                joinedInputs.get(NDArrayIndex.all(), NDArrayIndex.point(features)).assign(1.0);
                inputs = joinedInputs.get(NDArrayIndex.all(), NDArrayIndex.interval(0, features));
            } else {
                inputs = joinedInputs;
            }
            joinedInputSteps = rowBlocks(joinedInputs, steps, rows);
            projections = backend.zeros(dataType(), (long) blocks * rows, width);
            projectionGates = inTurn(gateBlocks(projections, blocks, rows), steps);
            projectionSteps = inTurn(rowBlocks(projections, blocks, rows), steps);
            if (recurrence == RecurrentCell.Recurrence.SEPARATE) {
                recurrents = backend.zeros(dataType(), (long) blocks * rows, width);
                recurrentGates = inTurn(gateBlocks(recurrents, blocks, rows), steps);
                recurrentSteps = inTurn(rowBlocks(recurrents, blocks, rows), steps);
            } else {
                recurrents = null;
                recurrentGates = null;
                recurrentSteps = null;
            }
            states = new INDArray[stateSizes.length][];
            INDArray firstStates = null;
            for (int s = 0; s < stateSizes.length; s++) {
                INDArray array = backend.zeros(dataType(), (long) (stream ? 2 : steps + 1) * rows, stateSizes[s]);
                states[s] = inTurn(rowBlocks(array, stream ? 2 : steps + 1, rows), steps + 1);
                firstStates = s == 0 ? array : firstStates;
            }
            stateArray = firstStates;
            statesAfter = returnSequences ? Values.rows(stateArray, rows, (long) (steps + 1) * rows) : null;
            boolean masking = cell.recurrentDropout() > 0.0;
            maskedStates = masking && !stream ? backend.zeros(dataType(), all, units) : null;
            maskedStateSteps = maskedStates != null ? rowBlocks(maskedStates, steps, rows) : null;
            int stored = cell.storedArrays();
            storedSteps = new INDArray[stored][];
            for (int k = 0; k < stored; k++) {
                storedSteps[k] = inTurn(rowBlocks(backend.zeros(dataType(), (long) blocks * rows, units), blocks, rows),
                        steps);
            }
            scratch = new INDArray[cell.scratchArrays()];
            for (int k = 0; k < scratch.length; k++) {
                scratch[k] = backend.zeros(dataType(), rows, units);
            }
            ownScratch = backend.zeros(dataType(), rows, units);
            inputMask = run.rowsOf(run.inputMask, index);
            recurrentMask = run.recurrentMask != null ? run.rowsOf(run.recurrentMask, index) : null;
            lastState = run.rowsOf(run.lastState, index);
            sequenceOutput = run.sequenceOutput != null ? run.rowsOf(run.sequenceOutput, index) : null;
            finalStates = new INDArray[stateSizes.length];
            initialGradients = new INDArray[stateSizes.length];
            for (int s = 0; s < stateSizes.length; s++) {
                finalStates[s] = run.rowsOf(run.finalStates[s], index);
                initialGradients[s] = stream ? null : run.rowsOf(run.initialGradients[s], index);
            }
            if (stream) {
                stateGradients = null;
                sequenceGradients = null;
                inputGradients = null;
                pieces = null;
                inputGradientOutput = null;
                inputWeightsGradient = null;
                recurrentKernelGradient = null;
                recurrentBiasGradient = null;
                cellWeightGradients = null;
                return;
            }
            inputGradientOutput = run.rowsOf(run.inputGradientOutput, index);
            stateGradients = new INDArray[stateSizes.length][];
            INDArray gradientsOfState0 = null;
            for (int s = 0; s < stateSizes.length; s++) {
                // Only the last state gets a gradient from outside (unless sequences are returned): BPTT needs one
                // step's at a time, so two blocks in turn (kept in cache) serve every step.
                int count = s == 0 && returnSequences ? steps + 1 : 2;
                INDArray array = backend.zeros(dataType(), (long) count * rows, stateSizes[s]);
                stateGradients[s] = inTurn(rowBlocks(array, count, rows), steps + 1);
                gradientsOfState0 = s == 0 ? array : gradientsOfState0;
            }
            sequenceGradients = returnSequences ? Values.rows(gradientsOfState0, rows, (long) (steps + 1) * rows)
                    : null;
            inputGradients = backend.zeros(dataType(), all, features);
            pieces = new INDArray[run.plan.pieces()][];
            for (int j = 0; j < pieces.length; j++) {
                pieces[j] = pieceViews(j, recurrence == RecurrentCell.Recurrence.ADDED);
            }
            inputWeightsGradient = first ? RNN.this.inputWeightsGradient
                    : backend.zeros(dataType(), inputColumns, width);
            recurrentKernelGradient = recurrentKernel == null ? null
                    : first ? RNN.this.recurrentKernelGradient : backend.zeros(dataType(), units, width);
            recurrentBiasGradient = recurrentBias == null ? null
                    : first ? RNN.this.recurrentBiasGradient : backend.zeros(dataType(), width);
            cellWeightGradients = new INDArray[cellWeights.size()];
            for (int i = 0; i < cellWeightGradients.length; i++) {
                cellWeightGradients[i] = first ? RNN.this.cellWeightGradients.get(i)
                        : backend.zeros(dataType(), cellWeights.get(i).shape());
            }
        }

        /** The step range of piece {@code j}, 1-based inclusive: {@code [a, b]}. */
        private int pieceFrom(int j) {
            return steps - run.plan.pieceNeed(j) + 1;
        }

        private int pieceTo(int j) {
            return steps - (j == 0 ? 0 : run.plan.pieceNeed(j - 1));
        }

        /**
         * Views over piece {@code j}'s steps: joined inputs, input-side projection gradients, input gradients, and
         * for the recurrent kernel's gradient the states {@code h_{t-1}}, the recurrent-side gradients of its steps
         * (from step 2 on where {@code h_0 = 0}: none at step 1) and the masked states {@code h'_{t-1}} (with
         * recurrent dropout), null when there are none. Made once.
         */
        private INDArray[] pieceViews(int j, boolean skipFirst) {
            long top = (long) (pieceFrom(j) - 1) * rows;
            long bottom = (long) pieceTo(j) * rows;
            INDArray[] views = new INDArray[6];
            views[0] = Values.rows(joinedInputs, top, bottom);
            views[1] = Values.rows(projections, top, bottom);
            views[2] = Values.rows(inputGradients, top, bottom);
            int firstStep = skipFirst ? Math.max(pieceFrom(j), 2) : pieceFrom(j);
            if (recurrentKernel != null && firstStep <= pieceTo(j)) {
                views[3] = Values.rows(stateArray, (long) (firstStep - 1) * rows, bottom);
                views[5] = maskedStates == null ? null
                        : Values.rows(maskedStates, (long) (firstStep - 1) * rows, bottom);
                views[4] = Values.rows(recurrence == RecurrentCell.Recurrence.SEPARATE ? recurrents : projections,
                        (long) (firstStep - 1) * rows, bottom);
            }
            return views;
        }

        /**
         * Before a forward pass, on the calling thread: the initial states (given, or zeros), and with a mask this
         * part's flags in processing order.
         */
        void startForward(List<INDArray> initial, float[] mask) {
            Backend backend = backend();
            for (int s = 0; s < stateSizes.length; s++) {
                if (initial != null) {
                    backend.copy(run.rowsOf(initial.get(s), partIndex), states[s][0]);
                } else if (initialBlockWritten) {
                    states[s][0].assign(0.0);
                }
            }
            // block 0 keeps zeros from allocation until an initial state, or a streamed pass's later steps, fill it
            initialBlockWritten = initial != null || run.stream;
            if (initial != null && pieces != null && piecesFromFirst == null) {
                piecesFromFirst = new INDArray[pieces.length][];
                for (int j = 0; j < pieces.length; j++) {
                    piecesFromFirst[j] = pieceViews(j, false);
                }
            }
            if (mask == null) {
                return;
            }
            if (keep == null) {
                keep = new float[steps * rows];
                keepOutput = new float[steps * rows];
                dropping = new boolean[steps];
                zeros = new INDArray[stateSizes.length];
                carry = new INDArray[stateSizes.length];
                for (int s = 0; s < stateSizes.length; s++) {
                    zeros[s] = backend.zeros(dataType(), rows, stateSizes[s]);
                    carry[s] = backend.zeros(dataType(), rows, stateSizes[s]);
                }
            }
            Arrays.fill(dropping, false);
            for (int k = 0; k < steps; k++) {
                int time = goBackwards ? steps - 1 - k : k;
                for (int r = 0; r < rows; r++) {
                    float flag = mask[(from + r) * steps + time] != 0f ? 1f : 0f;
                    keep[k * rows + r] = flag;
                    keepOutput[r * steps + k] = flag;
                    dropping[k] |= flag == 0f;
                }
            }
        }


        /** Step {@code t} (1-based) of the forward pass. */
        void forwardStep(int step, INDArray input) {
            Backend backend = backend();
            if (step == 1) {
                backend.copyTimeMajor(input, run.inputMasked ? inputMask : null, inputs, goBackwards);
                if (!run.stream) {
                    // [x, 1] · [kernel; bias] for all steps in one product
                    backend.gemm(joinedInputs, inputWeights, projections, false, false, 1.0, 0.0);
                }
            }
            if (run.stream) {
                backend.gemm(joinedInputSteps[step - 1], inputWeights, projectionSteps[step - 1], false, false, 1.0,
                        0.0);
            }
            INDArray previous = states[0][step - 1];
            if (run.recurrentMasked) {
                INDArray masked = maskedStateSteps != null ? maskedStateSteps[step - 1] : ownScratch;
                backend.multiply(previous, recurrentMask, masked);
                previous = masked;
            }
            if (recurrence == RecurrentCell.Recurrence.ADDED && (step > 1 || run.initialGiven)) {
                // h_0 = 0 unless given: nothing to add at the first step
                backend.gemm(previous, recurrent, projectionSteps[step - 1], 1.0);
            } else if (recurrence == RecurrentCell.Recurrence.SEPARATE) {
                backend.gemm(previous, recurrent, recurrentSteps[step - 1], 0.0);
                if (recurrentBias != null) {
                    backend.addRowVector(recurrentSteps[step - 1], recurrentBias);
                }
            }
            t = step;
            cell.forward(this);
            if (run.maskGiven && dropping[step - 1]) {
                // a masked step keeps every state
                for (int s = 0; s < stateSizes.length; s++) {
                    backend.copyDroppedRows(keep, (step - 1) * rows, states[s][step - 1], states[s][step]);
                }
            }
            if (step < steps) {
                return;
            }
            if (returnSequences) {
                backend.copyBatchMajor(statesAfter, null, sequenceOutput);
                if (zeroOutputForMask && run.maskGiven) {
                    if (sequenceRows == null) {
                        sequenceRows = sequenceOutput.reshape('c', (long) rows * steps, units);
                        sequenceZeros = backend.zeros(dataType(), (long) rows * steps, units);
                    }
                    backend.copyDroppedRows(keepOutput, 0, sequenceZeros, sequenceRows);
                }
            } else {
                backend.copy(states[0][steps], lastState);
            }
            if (returnState || stateful) {
                for (int s = 0; s < stateSizes.length; s++) {
                    backend.copy(states[s][steps], finalStates[s]);
                }
            }
        }

        /** Backpropagation through time over this part, reporting each step done. */
        void backwardChain(INDArray outputGradient, List<INDArray> given, java.util.function.IntConsumer reached) {
            Backend backend = backend();
            if (returnSequences) {
                backend.copyTimeMajor(outputGradient, null, sequenceGradients);
                if (zeroOutputForMask && run.maskGiven) {
                    // a zero output passes no gradient
                    for (int k = 0; k < steps; k++) {
                        if (dropping[k]) {
                            backend.copyDroppedRows(keep, k * rows, zeros[0], stateGradients[0][k + 1]);
                        }
                    }
                }
            } else {
                backend.copy(outputGradient, stateGradients[0][steps]);
            }
            for (int s = 1; s < stateSizes.length; s++) {
                stateGradients[s][steps].assign(0.0);
            }
            if (given != null) {
                for (int s = 0; s < stateSizes.length; s++) {
                    backend.axpy(1.0, run.rowsOf(given.get(s), partIndex), stateGradients[s][steps]);
                }
            }
            for (INDArray gradient : cellWeightGradients) {
                gradient.assign(0.0);
            }
            if (recurrentKernel != null) {
                recurrentTransposed = backend.prepare(recurrentKernel, true, rows, recurrentTransposed);
            }
            INDArray[] recurrentSideSteps = recurrence == RecurrentCell.Recurrence.SEPARATE ? recurrentSteps
                    : projectionSteps;
            for (int step = steps; step >= 1; step--) {
                // What reaches state s of step - 1 besides the cell: for state 0 the output's gradient with
                // sequences; then the cell adds what it carries, and the recurrent product's gradient is added last.
                boolean previousHeld = returnSequences && step > 1;
                if (!previousHeld && (cell.carriesState(0) || recurrentKernel == null)) {
                    stateGradients[0][step - 1].assign(0.0);
                }
                for (int s = 1; s < stateSizes.length; s++) {
                    if (!cell.carriesState(s)) {
                        stateGradients[s][step - 1].assign(0.0);
                    }
                }
                boolean masked = run.maskGiven && dropping[step - 1];
                if (masked) {
                    // the rows of a masked step pass their states' gradients by, and reach the cell as zeros
                    for (int s = 0; s < stateSizes.length; s++) {
                        carry[s].assign(0.0);
                        backend.copyDroppedRows(keep, (step - 1) * rows, stateGradients[s][step], carry[s]);
                        backend.copyDroppedRows(keep, (step - 1) * rows, zeros[s], stateGradients[s][step]);
                    }
                }
                t = step;
                cell.backward(this);
                reached.accept(steps - step + 1);
                if (recurrentKernel != null && (step > 1 || run.initialGiven)) {
                    // dh_{t-1} (+)= (dz_t · recurrent_kernel^T) * recurrent mask
                    boolean accumulate = previousHeld || cell.carriesState(0);
                    recurrentGradient(backend, recurrentSideSteps[step - 1], stateGradients[0][step - 1], accumulate);
                }
                if (masked) {
                    for (int s = 0; s < stateSizes.length; s++) {
                        backend.axpy(1.0, carry[s], stateGradients[s][step - 1]);
                    }
                }
            }
            if (run.initialGiven) {
                for (int s = 0; s < stateSizes.length; s++) {
                    backend.copy(stateGradients[s][0], initialGradients[s]);
                }
            }
        }

        private void recurrentGradient(Backend backend, INDArray gradient, INDArray previous, boolean accumulate) {
            if (!run.recurrentMasked) {
                backend.gemm(gradient, recurrentTransposed, previous, accumulate ? 1.0 : 0.0);
                return;
            }
            backend.gemm(gradient, recurrentTransposed, ownScratch, 0.0);
            if (!accumulate) {
                backend.multiply(ownScratch, recurrentMask, previous);
                return;
            }
            backend.multiply(ownScratch, recurrentMask, ownScratch);
            backend.axpy(1.0, ownScratch, previous);
        }

        /**
         * Piece {@code j}: this part's share of the weight gradients over the piece's steps, added to its earlier
         * pieces' (the pieces of a part run in order), and the input gradients of those steps.
         */
        void piece(int j, boolean needInputGradient) {
            Backend backend = backend();
            INDArray[] views = run.initialGiven ? piecesFromFirst[j] : pieces[j];
            double beta = j == 0 ? 0.0 : 1.0;
            backend.gemm(views[0], views[1], inputWeightsGradient, true, false, 1.0, beta);
            if (views[3] != null) {
                backend.gemm(run.recurrentMasked ? views[5] : views[3], views[4], recurrentKernelGradient, true, false, 1.0, beta);
            }
            if (needInputGradient) {
                backend.gemm(views[1], inputKernel, views[2], false, true, 1.0, 0.0);
            }
            if (j == pieces.length - 1) {
                if (recurrentBias != null) {
                    backend.sumRows(recurrents, recurrentBiasGradient);
                }
                if (needInputGradient) {
                    backend.copyBatchMajor(inputGradients, run.inputMasked ? inputMask : null, inputGradientOutput,
                            goBackwards);
                }
            }
        }

        @Override
        public Backend backend() {
            return RNN.this.backend();
        }

        @Override
        public boolean training() {
            return run.training;
        }

        @Override
        public INDArray projection(int gate) {
            return projectionGates[t - 1][gate];
        }

        @Override
        public INDArray recurrent(int gate) {
            return recurrentGates[t - 1][gate];
        }

        @Override
        public INDArray state(int state) {
            return states[state][t - 1];
        }

        @Override
        public INDArray newState(int state) {
            return states[state][t];
        }

        @Override
        public INDArray stored(int index) {
            return storedSteps[index][t - 1];
        }

        @Override
        public INDArray scratch(int index) {
            return scratch[index];
        }

        @Override
        public INDArray weight(int index) {
            return cellWeights.get(index);
        }

        @Override
        public INDArray stateGradient(int state) {
            return stateGradients[state][t];
        }

        @Override
        public INDArray previousStateGradient(int state) {
            return stateGradients[state][t - 1];
        }

        @Override
        public INDArray projectionGradient(int gate) {
            return projectionGates[t - 1][gate];
        }

        @Override
        public INDArray recurrentGradient(int gate) {
            return recurrentGates[t - 1][gate];
        }

        @Override
        public INDArray weightGradient(int index) {
            return cellWeightGradients[index];
        }
    }

}
