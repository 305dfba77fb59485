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
 * <p>Speed: the sequence is processed time-major in buffers allocated once per batch size. The input projections of
 * all timesteps are one matrix product, {@code [x, 1] · [kernel; bias]}, before the loop; each step then adds
 * {@code h_{t-1} · recurrent_kernel} to its block of that result with one product (none at the first step, where
 * {@code h_0 = 0}) and applies the activation from there into the contiguous block of states that the next step reads.
 * Backward (full BPTT) runs one product per step; the weight gradients are two products over all timesteps after the
 * loop. The activation's derivative comes from the stored states. The per-step loops run on parts of the batch
 * ({@link Backend#runParts}), one per thread of the backend: samples do not interact in a recurrence, so the parts meet
 * only once per pass. A run repeats bit for bit with the same thread count; across thread counts results agree to
 * float32 rounding (BLAS kernels may round edge tiles differently).
 */
public final class SimpleRNN extends AbstractRecurrentLayer {
    private INDArray kernel;
    private INDArray recurrentKernel;
    private INDArray bias;
    /** {@code [kernel; bias]} stacked by rows (bias only with useBias), refreshed every forward pass. */
    private INDArray inputWeights;
    private INDArray inputKernel;
    private INDArray inputBias;
    private INDArray inputWeightsGradient;
    /** Views made once (ND4J takes tens of microseconds to make one): the bias as a row, gradient rows and targets. */
    private INDArray biasRow;
    private INDArray inputKernelGradient;
    private INDArray inputBiasGradient;
    private INDArray kernelGradient;
    private INDArray recurrentKernelGradient;
    private INDArray biasGradientRow;
    /** The columns of the joined inputs {@code [x_t, 1]}: the features and, with a bias, a column of ones. */
    private int inputColumns;
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
        inputColumns = features + (useBias ? 1 : 0);
        inputWeights = backend().zeros(dataType(), inputColumns, units);
        inputKernel = rows(inputWeights, 0, features);
        inputBias = useBias ? rows(inputWeights, features, features + 1) : null;
        inputWeightsGradient = backend().zeros(dataType(), inputColumns, units);
        inputKernelGradient = rows(inputWeightsGradient, 0, features);
        kernelGradient = parameter("kernel").gradient();
        recurrentKernelGradient = parameter("recurrent_kernel").gradient();
        if (useBias) {
            biasRow = bias.reshape(1, units);
            inputBiasGradient = rows(inputWeightsGradient, features, features + 1);
            biasGradientRow = parameter("bias").gradient().reshape(1, units);
        }
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
        backend.copy(kernel, inputKernel);
        if (useBias) {
            backend.copy(biasRow, inputBias);
        }
        lastMasked = training && dropout > 0.0;
        if (lastMasked) {
            fillMask(buffers.mask, buffers.maskValues, dropout);
        }
        // Time-major: x_t of sample b (masked) goes to row t*batch + b, beside a column of ones for the bias.
        backend.copyTimeMajor(input, lastMasked ? buffers.mask : null, buffers.inputs);
        // Every step's input projection in one product: z_t = [x_t, 1] · [kernel; bias].
        backend.gemm(buffers.joinedInputs, inputWeights, buffers.preActivations, false, false, 1.0, 0.0);
        // z_t += h_{t-1} · recurrent_kernel (h_0 = 0: nothing to add at t = 1); h_t = f(z_t). The recurrence is
        // independent sample by sample, so each part of the batch runs all its steps alone.
        backend.runParts(buffers.parts, part -> {
            INDArray[] states = buffers.partStateSteps[part];
            INDArray[] preActivations = buffers.partPreActivationSteps[part];
            for (int t = 1; t <= steps; t++) {
                if (t > 1) {
                    backend.gemm(states[t - 2], recurrentKernel, preActivations[t - 1], false, false, 1.0, 1.0);
                }
                backend.activation(activation, preActivations[t - 1], states[t - 1]);
            }
        });
        if (!returnSequences) {
            backend.copy(buffers.stateSteps[steps - 1], buffers.lastState);
            return buffers.lastState;
        }
        backend.copyBatchMajor(buffers.states, null, buffers.sequenceOutput);
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
        // BPTT: dz_t = dh_t * f'(h_t); dh_{t-1} (+)= dz_t · recurrent_kernel^T. The pre-activations are not needed
        // any more: dz_t takes their place.
        double accumulate = returnSequences ? 1.0 : 0.0;
        backend.runParts(buffers.parts, part -> {
            INDArray[] states = buffers.partStateSteps[part];
            INDArray[] stateGradients = buffers.partStateGradientSteps[part];
            INDArray[] preActivationGradients = buffers.partPreActivationSteps[part];
            for (int t = steps; t >= 1; t--) {
                backend.activationBackward(activation, states[t - 1], stateGradients[t - 1],
                        preActivationGradients[t - 1]);
                if (t > 1) {
                    backend.gemm(preActivationGradients[t - 1], recurrentKernel, stateGradients[t - 2], false, true,
                            1.0, accumulate);
                }
            }
        });
        INDArray preActivationGradients = buffers.preActivations;
        // kernel and bias: [x, 1]^T · dz over every timestep; recurrent_kernel: h_{t-1}^T · dz_t for t >= 2.
        backend.gemm(buffers.joinedInputs, preActivationGradients, inputWeightsGradient, true, false, 1.0, 0.0);
        backend.copy(inputKernelGradient, kernelGradient);
        if (useBias) {
            backend.copy(inputBiasGradient, biasGradientRow);
        }
        if (steps > 1) {
            backend.gemm(buffers.previousStates, buffers.laterPreActivations, recurrentKernelGradient, true, false, 1.0,
                    0.0);
        } else {
            recurrentKernelGradient.assign(0.0);
        }
        if (!needInputGradient) {
            return null;
        }
        backend.gemm(preActivationGradients, inputKernel, buffers.inputGradients, false, true, 1.0, 0.0);
        backend.copyBatchMajor(buffers.inputGradients, lastMasked ? buffers.mask : null, buffers.inputGradientOutput);
        return buffers.inputGradientOutput;
    }

    private Buffers allocate(int batch) {
        return new Buffers(batch, inputShape().dim(0), inputShape().dim(1));
    }

    /**
     * Arrays for one batch size, time-major (block {@code t - 1} of {@code batch} rows belongs to step {@code t}), and
     * the per-step views into them, created once: the joined inputs {@code [x_t, 1]}, the pre-activations {@code z_t}
     * (replaced by their gradients in the backward pass), the states {@code h_t} and the states' gradients.
     */
    private final class Buffers {
        final int steps;
        final INDArray joinedInputs;
        final INDArray inputs;
        final INDArray preActivations;
        final INDArray states;
        /** States {@code h_1 .. h_{T-1}} and the pre-activation gradients {@code dz_2 .. dz_T}: recurrent_kernel's gradient. */
        final INDArray previousStates;
        final INDArray laterPreActivations;
        final INDArray[] stateSteps;
        final INDArray lastState;
        final INDArray stateGradients;
        final INDArray[] stateGradientSteps;
        final INDArray inputGradients;
        final INDArray inputGradientOutput;
        final INDArray sequenceOutput;
        final INDArray mask;
        final float[] maskValues;
        final int parts;
        final INDArray[][] partPreActivationSteps;
        final INDArray[][] partStateSteps;
        final INDArray[][] partStateGradientSteps;

        Buffers(int batch, int steps, int features) {
            Backend backend = backend();
            this.steps = steps;
            long rows = (long) steps * batch;
            joinedInputs = backend.zeros(dataType(), rows, inputColumns);
            if (useBias) {
                joinedInputs.get(NDArrayIndex.all(), NDArrayIndex.point(features)).assign(1.0);
                inputs = joinedInputs.get(NDArrayIndex.all(), NDArrayIndex.interval(0, features));
            } else {
                inputs = joinedInputs;
            }
            preActivations = backend.zeros(dataType(), rows, units);
            states = backend.zeros(dataType(), rows, units);
            stateSteps = rowBlocks(states, steps, batch);
            previousStates = steps > 1 ? rows(states, 0, rows - batch) : null;
            laterPreActivations = steps > 1 ? rows(preActivations, batch, rows) : null;
            lastState = backend.zeros(dataType(), batch, units);
            stateGradients = backend.zeros(dataType(), rows, units);
            stateGradientSteps = rowBlocks(stateGradients, steps, batch);
            inputGradients = backend.zeros(dataType(), rows, features);
            inputGradientOutput = backend.zeros(dataType(), batch, steps, features);
            sequenceOutput = returnSequences ? backend.zeros(dataType(), batch, steps, units) : null;
            mask = backend.zeros(dataType(), batch, features);
            maskValues = new float[batch * features];
            parts = partsFor(batch);
            partPreActivationSteps = partBlocks(rowBlocks(preActivations, steps, batch), batch, parts);
            partStateSteps = partBlocks(stateSteps, batch, parts);
            partStateGradientSteps = partBlocks(stateGradientSteps, batch, parts);
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
