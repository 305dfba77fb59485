package dev.rnn4j.core.layers;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.ShapeCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras's {@code Bidirectional}: a recurrent layer run forwards and a copy of it run backwards over the same input,
 * their outputs merged. The copy has the layer's cell and settings with {@code goBackwards} flipped; with sequences its
 * output is put back in time order before the merge, and both directions output zeros at masked steps (as Keras sets
 * {@code zero_output_for_mask} to {@code return_sequences}). Weights are named by direction:
 * {@code forward_lstm/kernel}, ..., {@code backward_lstm/kernel}, ... (the forward layer's drawn first).
 *
 * <p>Merge modes: {@code concat} ({@code [forward, backward]} along the last axis), {@code sum}, {@code mul},
 * {@code ave}, and {@code none}, whose two outputs come from {@link #forwardBoth} and go back through
 * {@link #backwardBoth}. States ({@code returnState}): the forward layer's, then the backward layer's; initial states
 * likewise, split in half.
 */
public final class Bidirectional extends AbstractLayer {
    /** How the two directions' outputs are merged. */
    public enum MergeMode {
        CONCAT, SUM, MUL, AVE, NONE;

        /** @return Keras's name: {@code concat}, ..., {@code none} ({@code None} in Python) */
        public String kerasName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param name a Keras name, or null for {@code none}
         * @return the mode
         * @throws IllegalArgumentException naming the modes
         */
        public static MergeMode fromKerasName(String name) {
            if (name == null) {
                return NONE;
            }
            for (MergeMode mode : values()) {
                if (mode.kerasName().equals(name)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("merge_mode: expected concat, sum, mul, ave or none, found '" + name
                    + "'");
        }
    }

    private final RNN layer;
    private final MergeMode mergeMode;
    private RNN forwardLayer;
    private RNN backwardLayer;
    private final ShapeCache<Buffers> buffersByShape = new ShapeCache<>();
    private Buffers last;
    private INDArray pendingMask;
    private List<INDArray> pendingInitialState;
    private List<INDArray> pendingStateGradients;

    /**
     * Concatenated outputs, as Keras's default.
     *
     * @param layer a recurrent layer, unbuilt
     */
    public Bidirectional(Layer layer) {
        this(layer, MergeMode.CONCAT);
    }

    /**
     * @param layer     a recurrent layer ({@link SimpleRNN}, {@link LSTM}, {@link GRU} or {@link RNN}), unbuilt
     * @param mergeMode how the outputs are merged
     * @throws IllegalArgumentException for another kind of layer, naming it
     */
    public Bidirectional(Layer layer, MergeMode mergeMode) {
        Objects.requireNonNull(layer, "layer is null");
        if (!(layer instanceof RNN recurrent)) {
            throw new IllegalArgumentException("Bidirectional: expected a recurrent layer (SimpleRNN, LSTM, GRU or"
                    + " RNN), found " + layer.typeName());
        }
        if (layer.isBuilt()) {
            throw new IllegalArgumentException("Bidirectional: expected an unbuilt layer, found "
                    + layer.name() + " (" + layer.typeName() + ") already built");
        }
        this.layer = recurrent;
        this.mergeMode = Objects.requireNonNull(mergeMode, "mergeMode is null");
    }

    /** @return the merge mode */
    public MergeMode mergeMode() {
        return mergeMode;
    }

    /** @return the wrapped layer as given, unbuilt: its settings (units, states, returnState) are both directions' */
    public RNN layer() {
        return layer;
    }

    /** @return the forward layer, once built */
    public RNN forwardLayer() {
        return forwardLayer;
    }

    /** @return the backward layer, once built */
    public RNN backwardLayer() {
        return backwardLayer;
    }

    @Override
    public Shape outputShape(Shape inputShape) {
        Shape inner = layer.outputShape(inputShape);
        if (mergeMode != MergeMode.CONCAT) {
            return inner;
        }
        int[] dims = inner.dims();
        dims[dims.length - 1] *= 2;
        return Shape.of(dims);
    }

    @Override
    public long countParams(Shape inputShape) {
        return 2 * layer.countParams(inputShape);
    }

    /** @return both directions' penalties: each has its own weights and the wrapped layer's regularizers */
    @Override
    public double regularizationLoss() {
        return forwardLayer == null ? 0.0 : forwardLayer.regularizationLoss() + backwardLayer.regularizationLoss();
    }

    @Override
    public void addRegularizationGradients() {
        if (forwardLayer != null) {
            forwardLayer.addRegularizationGradients();
            backwardLayer.addRegularizationGradients();
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("layer", nestedConfig(layer));
        config.put("merge_mode", mergeMode.kerasName());
        return config;
    }

    /**
     * Rebuilds the wrapper from its {@link #config()} around an inner layer already read from the config's
     * {@code layer} entry (the model file's registry resolves its type), as Keras's {@code from_config}.
     *
     * @param config the wrapper's config: {@code merge_mode} (default concat)
     * @param layer  the inner layer
     * @return a new unbuilt wrapper
     */
    public static Bidirectional fromConfig(Map<String, Object> config, Layer layer) {
        Object mode = config.get("merge_mode");
        if (mode != null && !(mode instanceof String)) {
            throw new IllegalArgumentException("merge_mode: expected a name such as 'concat', found "
                    + dev.rnn4j.core.ConfigValues.describe(mode));
        }
        return new Bidirectional(layer, config.containsKey("merge_mode")
                ? MergeMode.fromKerasName((String) mode) : MergeMode.CONCAT);
    }

    @Override
    protected void buildInternal(Shape inputShape) {
        String inner = Sequential.snakeCase(layer.typeName());
        // Keras: both directions output zeros at masked steps when they return sequences
        forwardLayer = layer.copy(layer.goBackwards(), layer.returnSequences());
        backwardLayer = layer.copy(!layer.goBackwards(), layer.returnSequences());
        forwardLayer.setName("forward_" + inner);
        backwardLayer.setName("backward_" + inner);
        forwardLayer.build(inputShape, context());
        backwardLayer.build(inputShape, context());
        for (RNN direction : List.of(forwardLayer, backwardLayer)) {
            for (Parameter parameter : direction.parameters()) {
                addParameter(new Parameter(direction.name() + "/" + parameter.name(), parameter.value(),
                        parameter.gradient()));
            }
        }
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        if (mergeMode == MergeMode.NONE) {
            throw new IllegalStateException(label() + ": merge_mode none has two outputs; use forwardBoth");
        }
        List<INDArray> outputs = directions(input, pendingMask, pendingInitialState, training);
        Buffers buffers = last;
        Backend backend = backend();
        INDArray forward = outputs.get(0);
        INDArray backward = outputs.get(1);
        switch (mergeMode) {
            case CONCAT -> {
                backend.copy(buffers.flat(forward), buffers.mergedLeft);
                backend.copy(buffers.flat(backward), buffers.mergedRight);
            }
            case SUM, AVE -> {
                backend.copy(forward, buffers.merged);
                backend.axpy(1.0, backward, buffers.merged);
                if (mergeMode == MergeMode.AVE) {
                    buffers.merged.muli(0.5);
                }
            }
            case MUL -> backend.multiply(forward, backward, buffers.merged);
            default -> throw new AssertionError(mergeMode);
        }
        return buffers.merged;
    }

    @Override
    public INDArray forward(INDArray input, INDArray mask, boolean training) {
        return forward(input, mask, null, training);
    }

    /** @return true: both directions respect the mask */
    @Override
    public boolean supportsMasking() {
        return true;
    }

    /** @return as Keras: the input's mask when the layer returns sequences, else none */
    @Override
    public INDArray computeMask(INDArray input, INDArray inputMask) {
        return layer.returnSequences() ? inputMask : null;
    }

    /**
     * The forward pass with a mask and initial states.
     *
     * @param input        {@code [batch, timesteps, features]}
     * @param mask         {@code [batch, timesteps]} or null
     * @param initialState the forward layer's initial states then the backward layer's, or null
     * @param training     whether this is a training pass
     * @return the merged output, owned by the layer
     */
    public INDArray forward(INDArray input, INDArray mask, List<INDArray> initialState, boolean training) {
        pendingMask = mask;
        pendingInitialState = initialState;
        try {
            return forward(input, training);
        } finally {
            pendingMask = null;
            pendingInitialState = null;
        }
    }

    /**
     * {@code merge_mode none}: both directions' outputs, the backward one in time order.
     *
     * @param input        {@code [batch, timesteps, features]}
     * @param mask         {@code [batch, timesteps]} or null
     * @param initialState the forward layer's initial states then the backward layer's, or null
     * @param training     whether this is a training pass
     * @return {@code [forward output, backward output]}, owned by the layer
     */
    public List<INDArray> forwardBoth(INDArray input, INDArray mask, List<INDArray> initialState, boolean training) {
        checkShape("input", inputShape(), input);
        return directions(input, mask, initialState, training);
    }

    private List<INDArray> directions(INDArray input, INDArray mask, List<INDArray> initialState, boolean training) {
        int states = layer.stateSizes().length;
        if (initialState != null && initialState.size() != 2 * states) {
            throw new IllegalArgumentException(label() + ": expected " + 2 * states + " initial states (the forward"
                    + " layer's " + states + ", then the backward layer's), found " + initialState.size());
        }
        INDArray forward = forwardLayer.forward(input, mask, initialState == null ? null
                : initialState.subList(0, states), training);
        INDArray backward = backwardLayer.forward(input, mask, initialState == null ? null
                : initialState.subList(states, 2 * states), training);
        Buffers buffers = buffersByShape.get(input.shape(), () -> new Buffers(input.shape()));
        last = buffers;
        if (layer.returnSequences()) {
            // the backward layer's sequence runs from the last step: back into time order
            buffers.reverse(backward, buffers.backwardInOrder);
            backward = buffers.backwardInOrder;
        }
        buffers.lastForward = forward;
        buffers.lastBackward = backward;
        return List.of(forward, backward);
    }

    /**
     * @return the states after the last forward pass: the forward layer's, then the backward layer's (Keras's
     *         {@code return_state})
     */
    public List<INDArray> states() {
        List<INDArray> states = new ArrayList<>(forwardLayer.states());
        states.addAll(backwardLayer.states());
        return states;
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        return mergedBackward(outputGradient, pendingStateGradients, needInputGradient);
    }

    /**
     * The backward pass of the merged output, with gradients of the returned states.
     *
     * @param outputGradient    the merged output's gradient
     * @param stateGradients    the states' gradients in the order of {@link #states()}, or null
     * @param needInputGradient whether to return the input gradient
     * @return the input gradient or null
     */
    public INDArray backward(INDArray outputGradient, List<INDArray> stateGradients, boolean needInputGradient) {
        pendingStateGradients = stateGradients;
        try {
            return backward(outputGradient, needInputGradient);
        } finally {
            pendingStateGradients = null;
        }
    }

    private INDArray mergedBackward(INDArray outputGradient, List<INDArray> stateGradients,
            boolean needInputGradient) {
        Buffers buffers = last;
        Backend backend = backend();
        INDArray forwardGradient = buffers.forwardGradient;
        INDArray backwardGradient = buffers.backwardGradient;
        switch (mergeMode) {
            case CONCAT -> {
                backend.copy(buffers.flatGradientLeft(outputGradient), buffers.flat(forwardGradient));
                backend.copy(buffers.flatGradientRight(outputGradient), buffers.flat(backwardGradient));
            }
            case SUM -> {
                backend.copy(outputGradient, forwardGradient);
                backend.copy(outputGradient, backwardGradient);
            }
            case AVE -> {
                backend.copy(outputGradient, forwardGradient);
                forwardGradient.muli(0.5);
                backend.copy(forwardGradient, backwardGradient);
            }
            case MUL -> {
                List<INDArray> outputs = buffers.outputs();
                backend.multiply(outputGradient, outputs.get(1), forwardGradient);
                backend.multiply(outputGradient, outputs.get(0), backwardGradient);
            }
            default -> throw new AssertionError(mergeMode);
        }
        return directionsBackward(forwardGradient, backwardGradient, stateGradients, needInputGradient);
    }

    /**
     * {@code merge_mode none}: the backward pass from both outputs' gradients (the backward one in time order).
     *
     * @param gradients         {@code [forward output gradient, backward output gradient]}
     * @param stateGradients    the states' gradients in the order of {@link #states()}, or null
     * @param needInputGradient whether to return the input gradient
     * @return the input gradient or null
     */
    public INDArray backwardBoth(List<INDArray> gradients, List<INDArray> stateGradients, boolean needInputGradient) {
        Buffers buffers = last;
        backend().copy(gradients.get(0), buffers.forwardGradient);
        backend().copy(gradients.get(1), buffers.backwardGradient);
        return directionsBackward(buffers.forwardGradient, buffers.backwardGradient, stateGradients,
                needInputGradient);
    }

    private INDArray directionsBackward(INDArray forwardGradient, INDArray backwardGradient,
            List<INDArray> stateGradients, boolean needInputGradient) {
        Buffers buffers = last;
        int states = layer.stateSizes().length;
        INDArray backwardInProcessOrder = backwardGradient;
        if (layer.returnSequences()) {
            buffers.reverse(backwardGradient, buffers.backwardGradientInOrder);
            backwardInProcessOrder = buffers.backwardGradientInOrder;
        }
        INDArray fromForward = forwardLayer.backward(forwardGradient, stateGradients == null ? null
                : stateGradients.subList(0, states), needInputGradient);
        if (needInputGradient) {
            backend().copy(fromForward, buffers.inputGradient);
        }
        INDArray fromBackward = backwardLayer.backward(backwardInProcessOrder, stateGradients == null ? null
                : stateGradients.subList(states, 2 * states), needInputGradient);
        if (!needInputGradient) {
            return null;
        }
        backend().axpy(1.0, fromBackward, buffers.inputGradient);
        return buffers.inputGradient;
    }

    /** The arrays of one batch size, and views of them made once. */
    private final class Buffers {
        final INDArray merged;
        final INDArray mergedLeft;
        final INDArray mergedRight;
        final INDArray backwardInOrder;
        final INDArray forwardGradient;
        final INDArray backwardGradient;
        final INDArray backwardGradientInOrder;
        final INDArray inputGradient;
        /** A time-major scratch for reversing sequences. */
        final INDArray timeMajor;
        private final int rows;
        private final int units;
        private INDArray gradientSource;
        private INDArray gradientLeft;
        private INDArray gradientRight;
        private INDArray lastForward;
        private INDArray lastBackward;

        Buffers(long[] inputShape) {
            Backend backend = backend();
            int batch = Math.toIntExact(inputShape[0]);
            int[] inner = layer.outputShape(Shape.ofBatch(inputShape)).dims();
            long[] shape = new long[inner.length + 1];
            shape[0] = batch;
            for (int i = 0; i < inner.length; i++) {
                shape[i + 1] = inner[i];
            }
            units = inner[inner.length - 1];
            rows = Math.toIntExact(batch * (inner.length == 2 ? (long) inner[0] : 1L));
            long[] mergedShape = shape.clone();
            if (mergeMode == MergeMode.CONCAT) {
                mergedShape[mergedShape.length - 1] *= 2;
            }
            merged = backend.zeros(dataType(), mergedShape);
            INDArray mergedRows = merged.reshape('c', rows, mergedShape[mergedShape.length - 1]);
            mergedLeft = mergeMode == MergeMode.CONCAT
                    ? mergedRows.get(NDArrayIndex.all(), NDArrayIndex.interval(0, units)) : null;
            mergedRight = mergeMode == MergeMode.CONCAT
                    ? mergedRows.get(NDArrayIndex.all(), NDArrayIndex.interval(units, 2 * units)) : null;
            backwardInOrder = backend.zeros(dataType(), shape);
            forwardGradient = backend.zeros(dataType(), shape);
            backwardGradient = backend.zeros(dataType(), shape);
            backwardGradientInOrder = backend.zeros(dataType(), shape);
            inputGradient = backend.zeros(dataType(), inputShape);
            timeMajor = inner.length == 2 ? backend.zeros(dataType(), rows, units) : null;
        }

        /** @return a {@code [rows, units]} view of a contiguous output-shaped array */
        INDArray flat(INDArray array) {
            return array.rank() == 2 ? array : array.reshape('c', rows, units);
        }

        INDArray flatGradientLeft(INDArray gradient) {
            viewsOf(gradient);
            return gradientLeft;
        }

        INDArray flatGradientRight(INDArray gradient) {
            viewsOf(gradient);
            return gradientRight;
        }

        private void viewsOf(INDArray gradient) {
            if (gradient != gradientSource) {
                INDArray flat = gradient.reshape('c', rows, 2L * units);
                gradientLeft = flat.get(NDArrayIndex.all(), NDArrayIndex.interval(0, units));
                gradientRight = flat.get(NDArrayIndex.all(), NDArrayIndex.interval(units, 2 * units));
                gradientSource = gradient;
            }
        }

        /** {@code target[b][t] = source[b][steps - 1 - t]}, through a time-major scratch. */
        void reverse(INDArray source, INDArray target) {
            backend().copyTimeMajor(source, null, timeMajor, true);
            backend().copyBatchMajor(timeMajor, null, target);
        }

        /** @return the two directions' outputs of the last pass, the backward one in time order */
        List<INDArray> outputs() {
            return List.of(lastForward, lastBackward);
        }
    }
}
