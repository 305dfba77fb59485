package dev.rnn4j.core.layers;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Shape;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras's {@code SimpleRNN}: a fully connected recurrent layer,
 * {@code h_t = activation(x_t · kernel + h_{t-1} · recurrent_kernel + bias)} with {@code h_0 = 0}.
 *
 * <p>Input {@code [batch, timesteps, features]}; output {@code [batch, units]} (the last state) or, with
 * {@code returnSequences}, {@code [batch, timesteps, units]}. Parameters, Keras's names and shapes: {@code kernel
 * [features, units]} (Glorot-uniform), {@code recurrent_kernel [units, units]} (orthogonal), {@code bias [units]} (zeros).
 *
 * <p>{@code dropout} drops inputs as Keras does: in training only, one mask per sequence ({@code [batch, features]})
 * shared by all timesteps, kept values scaled by {@code 1 / (1 - dropout)}.
 *
 * <p>Speed: the sequence is processed time-major in buffers allocated once per batch size. Each step is one matrix
 * product, {@code [x_t, 1, h_{t-1}] · [kernel; bias; recurrent_kernel]}, written beside the next step's input, and the
 * activation applied in place; backward (full BPTT) runs one product per step and computes all three weight gradients
 * as one product over all timesteps after the loop. The activation's derivative comes from the stored states. The
 * per-step loops run on parts of the batch ({@link Backend#runParts}), one per thread of the backend: samples do not
 * interact in a recurrence, so the parts meet only once per pass. A run repeats bit for bit with the same thread count;
 * across thread counts results agree to float32 rounding (BLAS kernels may round edge tiles differently).
 */
public final class SimpleRNN extends AbstractRecurrentLayer {
    private INDArray kernel;
    private INDArray recurrentKernel;
    private INDArray bias;
    /** {@code [kernel; bias; recurrent_kernel]} stacked by rows (bias only with useBias), refreshed every forward pass. */
    private INDArray joinedWeights;
    private INDArray joinedKernel;
    private INDArray joinedBias;
    private INDArray joinedRecurrentKernel;
    private INDArray joinedGradient;
    /** The first column of the states in the joined buffers: after the inputs and the column of ones. */
    private int stateColumn;
    private final Map<Integer, Buffers> buffersByBatch = new HashMap<>();
    private Buffers last;
    private boolean lastMasked;

    /**
     * The notebook's layer: tanh, bias, last state only, no dropout.
     *
     * @param units the size of the state, at least 1
     */
    public SimpleRNN(int units) {
        this(builder(units));
    }

    private SimpleRNN(Builder builder) {
        super(builder, "SimpleRNN");
    }

    /**
     * @param units the size of the state, at least 1
     * @return a builder for the optional settings, Keras's defaults preset
     */
    public static Builder builder(int units) {
        return new Builder(units);
    }

    @Override
    public long countParams(Shape inputShape) {
        long features = inputShape.last();
        return features * units + (long) units * units + (useBias ? units : 0);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("units", units);
        config.put("activation", activation.kerasName());
        config.put("use_bias", useBias);
        config.put("return_sequences", returnSequences);
        config.put("dropout", dropout);
        return config;
    }

    @Override
    protected void buildInternal(Shape inputShape) {
        kernel = addWeight("kernel", new int[] {inputShape.last(), units}, kernelInitializer);
        recurrentKernel = addWeight("recurrent_kernel", new int[] {units, units}, recurrentInitializer);
        bias = useBias ? addWeight("bias", new int[] {units}, biasInitializer) : null;
        int features = inputShape.last();
        stateColumn = features + (useBias ? 1 : 0);
        joinedWeights = backend().zeros(dataType(), stateColumn + units, units);
        joinedKernel = rows(joinedWeights, 0, features);
        joinedBias = useBias ? rows(joinedWeights, features, features + 1) : null;
        joinedRecurrentKernel = rows(joinedWeights, stateColumn, stateColumn + units);
        joinedGradient = backend().zeros(dataType(), stateColumn + units, units);
    }

    private static INDArray rows(INDArray matrix, long from, long to) {
        return matrix.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        Backend backend = backend();
        int batch = Math.toIntExact(input.size(0));
        Buffers buffers = buffersByBatch.computeIfAbsent(batch, this::allocate);
        last = buffers;
        int steps = buffers.steps;
        backend.copy(kernel, joinedKernel);
        backend.copy(recurrentKernel, joinedRecurrentKernel);
        if (useBias) {
            backend.copy(bias.reshape(1, units), joinedBias);
        }
        lastMasked = training && dropout > 0.0;
        if (lastMasked) {
            fillMask(buffers.mask, buffers.maskValues, dropout);
        }
        // Time-major, beside the states: x_t of sample b (masked) goes to row t*batch + b of `joined`.
        backend.copyTimeMajor(input, lastMasked ? buffers.mask : null, buffers.joinedInputs);
        // One product per step, [x_t, 1, h_{t-1}] · [kernel; bias; recurrent_kernel], written where step t+1 reads
        // h_t; the recurrence is independent sample by sample, so each part of the batch runs all its steps alone.
        backend.runParts(buffers.parts, part -> {
            INDArray[] rows = buffers.partRowSteps[part];
            INDArray[] states = buffers.partStateSteps[part];
            for (int t = 1; t <= steps; t++) {
                backend.gemm(rows[t - 1], joinedWeights, states[t], false, false, 1.0, 0.0);
                backend.activation(activation, states[t], states[t]);
            }
        });
        if (!returnSequences) {
            backend.copy(buffers.stateSteps[steps], buffers.lastState);
            return buffers.lastState;
        }
        backend.copyBatchMajor(buffers.statesAfter, null, buffers.sequenceOutput);
        return buffers.sequenceOutput;
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        Backend backend = backend();
        Buffers buffers = last;
        int steps = buffers.steps;
        if (returnSequences) {
            backend.copyTimeMajor(outputGradient, null, buffers.stateGradients);
        } else {
            backend.copy(outputGradient, buffers.stateGradientSteps[steps - 1]);
        }
        // BPTT: dz_t = dh_t * f'(h_t); dh_{t-1} (+)= dz_t · recurrent_kernel^T.
        double accumulate = returnSequences ? 1.0 : 0.0;
        backend.runParts(buffers.parts, part -> {
            INDArray[] states = buffers.partStateSteps[part];
            INDArray[] stateGradients = buffers.partStateGradientSteps[part];
            INDArray[] preActivationGradients = buffers.partPreActivationGradientSteps[part];
            for (int t = steps; t >= 1; t--) {
                backend.activationBackward(activation, states[t], stateGradients[t - 1], preActivationGradients[t - 1]);
                if (t > 1) {
                    backend.gemm(preActivationGradients[t - 1], joinedRecurrentKernel, stateGradients[t - 2], false,
                            true, 1.0, accumulate);
                }
            }
        });
        // All three weight gradients in one product over every timestep: [x, 1, h_prev]^T · dz.
        backend.gemm(buffers.joinedSteps, buffers.preActivationGradients, joinedGradient, true, false, 1.0, 0.0);
        int features = Math.toIntExact(kernel.size(0));
        backend.copy(rows(joinedGradient, 0, features), parameter("kernel").gradient());
        backend.copy(rows(joinedGradient, stateColumn, stateColumn + units), parameter("recurrent_kernel").gradient());
        if (useBias) {
            backend.copy(rows(joinedGradient, features, features + 1), parameter("bias").gradient().reshape(1, units));
        }
        if (!needInputGradient) {
            return null;
        }
        backend.gemm(buffers.preActivationGradients, joinedKernel, buffers.inputGradients, false, true, 1.0, 0.0);
        backend.copyBatchMajor(buffers.inputGradients, lastMasked ? buffers.mask : null, buffers.inputGradientOutput);
        return buffers.inputGradientOutput;
    }

    private Buffers allocate(int batch) {
        return new Buffers(batch, inputShape().dim(0), inputShape().dim(1));
    }

    /**
     * Arrays for one batch size, time-major, and the per-step views into them, created once. The central one, {@code
     * joined}, has {@code steps + 1} blocks of {@code batch} rows; block {@code t} holds {@code [x_{t+1}, 1, h_t]}
     * (the input of step {@code t + 1}, a column of ones for the bias, and the state after step {@code t}, with
     * {@code h_0 = 0}), so each step is a single product and the weight gradients one more.
     */
    private final class Buffers {
        final int steps;
        final INDArray joined;
        final INDArray joinedInputs;
        final INDArray joinedSteps;
        final INDArray statesAfter;
        final INDArray[] stateSteps;
        final INDArray lastState;
        final INDArray preActivationGradients;
        final INDArray[] preActivationGradientSteps;
        final INDArray stateGradients;
        final INDArray[] stateGradientSteps;
        final INDArray inputGradients;
        final INDArray inputGradientOutput;
        final INDArray sequenceOutput;
        final INDArray mask;
        final float[] maskValues;
        final int parts;
        final INDArray[][] partRowSteps;
        final INDArray[][] partStateSteps;
        final INDArray[][] partStateGradientSteps;
        final INDArray[][] partPreActivationGradientSteps;

        /** @return rows {@code [from, to)} of the state columns of {@code joined}, a column-block view */
        private INDArray stateBlock(long from, long to) {
            return joined.get(NDArrayIndex.interval(from, to), NDArrayIndex.interval(stateColumn, stateColumn + units));
        }

        Buffers(int batch, int steps, int features) {
            Backend backend = backend();
            this.steps = steps;
            long rows = (long) steps * batch;
            joined = backend.zeros(dataType(), rows + batch, stateColumn + units);
            if (useBias) {
                joined.get(NDArrayIndex.all(), NDArrayIndex.point(features)).assign(1.0);
            }
            joinedInputs = joined.get(NDArrayIndex.interval(0, rows), NDArrayIndex.interval(0, features));
            joinedSteps = rows(joined, 0, rows);
            INDArray[] rowSteps = rowBlocks(joined, steps + 1, batch);
            // Column blocks are taken straight from `joined` (ND4J cannot take a row range of a column-block view).
            statesAfter = joined.get(NDArrayIndex.interval(batch, rows + batch),
                    NDArrayIndex.interval(stateColumn, stateColumn + units));
            stateSteps = new INDArray[steps + 1];
            for (int t = 0; t <= steps; t++) {
                stateSteps[t] = stateBlock(t * batch, (t + 1) * batch);
            }
            lastState = backend.zeros(dataType(), batch, units);
            preActivationGradients = backend.zeros(dataType(), rows, units);
            preActivationGradientSteps = rowBlocks(preActivationGradients, steps, batch);
            stateGradients = backend.zeros(dataType(), rows, units);
            stateGradientSteps = rowBlocks(stateGradients, steps, batch);
            inputGradients = backend.zeros(dataType(), rows, features);
            inputGradientOutput = backend.zeros(dataType(), batch, steps, features);
            sequenceOutput = returnSequences ? backend.zeros(dataType(), batch, steps, units) : null;
            mask = backend.zeros(dataType(), batch, features);
            maskValues = new float[batch * features];
            parts = partsFor(batch);
            partRowSteps = partBlocks(rowSteps, batch, parts);
            partStateSteps = new INDArray[parts][steps + 1];
            for (int part = 0; part < parts; part++) {
                int from = Backend.partStart(batch, parts, part);
                int to = Backend.partStart(batch, parts, part + 1);
                for (int t = 0; t <= steps; t++) {
                    partStateSteps[part][t] = parts == 1 ? stateSteps[t]
                            : stateBlock((long) t * batch + from, (long) t * batch + to);
                }
            }
            partStateGradientSteps = partBlocks(stateGradientSteps, batch, parts);
            partPreActivationGradientSteps = partBlocks(preActivationGradientSteps, batch, parts);
        }
    }

    /** Optional settings of {@link SimpleRNN}, with Keras's defaults. */
    public static final class Builder extends RecurrentBuilder<Builder> {
        private Builder(int units) {
            super(units);
        }

        @Override
        Builder self() {
            return this;
        }

        /** @return the layer; invalid settings throw {@link IllegalArgumentException} naming the argument */
        public SimpleRNN build() {
            return new SimpleRNN(this);
        }
    }
}
