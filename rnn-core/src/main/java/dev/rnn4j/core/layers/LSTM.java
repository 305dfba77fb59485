package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.PreparedMatrix;
import dev.rnn4j.api.Shape;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras's {@code LSTM}, long short-term memory, with Keras's weight names, layouts and gate order {@code i, f, c, o}:
 * <pre>
 * z_t = x_t · kernel + h'_{t-1} · recurrent_kernel + bias       split by columns into [z_i | z_f | z_c | z_o]
 * i = σ(z_i)    f = σ(z_f)    g = tanh(z_c)    o = σ(z_o)         σ = recurrent_activation, tanh = activation
 * c_t = f * c_{t-1} + i * g
 * h_t = o * tanh(c_t)                                          h_0 = c_0 = 0
 * </pre>
 *
 * <p>Input {@code [batch, timesteps, features]}; output {@code [batch, units]} (the last state) or, with
 * {@code returnSequences}, {@code [batch, timesteps, units]}. Parameters: {@code kernel [features, 4·units]}
 * (Glorot-uniform), {@code recurrent_kernel [units, 4·units]} (orthogonal over the whole matrix, as Keras),
 * {@code bias [4·units]} (zeros, and with {@code unitForgetBias} ones in the forget gate's slice, as Keras's
 * {@code unit_forget_bias=True}). The count is {@code 4·units·(features + units + 1)}.
 *
 * <p>Dropout, in training only, as Keras 3 (and Keras 2's default {@code implementation=2}) does it: {@code dropout}
 * multiplies the inputs by one mask per sequence ({@code [batch, features]}), {@code recurrentDropout} multiplies
 * {@code h_{t-1}} by one mask per sequence ({@code [batch, units]}) where it enters the recurrent product
 * ({@code h'_{t-1}} above; the state itself is not masked). Each mask is shared by every timestep and all four gates;
 * kept values are scaled by {@code 1 / (1 - rate)}. Masks are drawn from the model's generator.
 *
 * <p>Speed, as {@link SimpleRNN}: time-major buffers allocated once per batch size, views created once, the input
 * projection of all timesteps as one matrix product, one product with the recurrent kernel per step, and each weight
 * gradient as one product over all timesteps after the loop. Each step copies its {@code [batch, 4·units]}
 * pre-activations into a gate-major {@code [4, batch, units]} array (one ND4J {@code assign}), so that every gate is a
 * contiguous array and all elementwise gate math runs as {@link Backend} operations on contiguous arrays (the CPU
 * backend's fast path); backward copies the gate gradients back into Keras's column order the same way. Derivatives
 * come from the stored gate outputs. Inference of the last state keeps no steps: each per-step array has two blocks
 * used in turn and each step's input projection is a product of its own, so a step's data stays in cache and a large
 * batch needs a fraction of the memory (at batch 1024 here, 250-265 MB of RSS for a process that only predicts instead
 * of 1.12 GB).
 */
public final class LSTM extends AbstractRecurrentLayer {
    /** Gate indices in Keras's order. */
    private static final int INPUT = 0;
    private static final int FORGET = 1;
    /** Keras's {@code c}: the candidate cell value {@code g}. */
    private static final int CANDIDATE = 2;
    private static final int OUTPUT = 3;
    private static final int GATES = 4;

    private final ActivationFunction recurrentActivation;
    private final boolean unitForgetBias;
    private final double recurrentDropout;

    private INDArray kernel;
    private INDArray recurrentKernel;
    private INDArray bias;
    private final Map<Integer, Split<Buffers>> splits = new HashMap<>();
    /** The buffers of inference without the sequence, which keep two blocks of each per-step array. */
    private final Map<Integer, Split<Buffers>> streamedSplits = new HashMap<>();
    private Split<Buffers> lastSplit;

    /**
     * Keras's defaults: tanh and sigmoid, bias with unit forget bias, last state only, no dropout.
     *
     * @param units the size of the state, at least 1
     */
    public LSTM(int units) {
        this(builder(units));
    }

    private LSTM(Builder builder) {
        super(builder, "LSTM");
        this.recurrentActivation = builder.recurrentActivation;
        this.unitForgetBias = builder.unitForgetBias;
        this.recurrentDropout = builder.recurrentDropout;
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
        return GATES * (long) units * (features + units + (useBias ? 1 : 0));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("units", units);
        config.put("activation", activation.kerasName());
        config.put("recurrent_activation", recurrentActivation.kerasName());
        config.put("use_bias", useBias);
        config.put("unit_forget_bias", unitForgetBias);
        config.put("return_sequences", returnSequences);
        config.put("dropout", dropout);
        config.put("recurrent_dropout", recurrentDropout);
        return config;
    }

    @Override
    protected void buildInternal(Shape inputShape) {
        kernel = addWeight("kernel", new int[] {inputShape.last(), GATES * units}, kernelInitializer);
        recurrentKernel = addWeight("recurrent_kernel", new int[] {units, GATES * units}, recurrentInitializer);
        if (useBias) {
            bias = addWeight("bias", new int[] {GATES * units}, unitForgetBias ? withForgetOnes() : biasInitializer);
        }
    }

    /** Keras's {@code unit_forget_bias}: the bias initializer for i, ones for f, the initializer again for c and o. */
    private Initializer withForgetOnes() {
        return (shape, random) -> {
            double[] values = new double[GATES * units];
            System.arraycopy(biasInitializer.initialize(new int[] {units}, random), 0, values, 0, units);
            Arrays.fill(values, units, 2 * units, 1.0);
            System.arraycopy(biasInitializer.initialize(new int[] {2 * units}, random), 0, values, 2 * units,
                    2 * units);
            return values;
        };
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        return forwardWith(input, training, streamedPass(input, training));
    }

    private INDArray forwardWith(INDArray input, boolean training, boolean streamed) {
        Split<Buffers> split = (streamed ? streamedSplits : splits).computeIfAbsent(Math.toIntExact(input.size(0)),
                batch -> new Split<>(batch, recurrentDropout, (rows, inputMask, recurrentMask) -> new Buffers(rows,
                        inputShape().dim(0), inputShape().dim(1), inputMask, recurrentMask, streamed)));
        lastSplit = split;
        if (streamed) {
            for (Buffers buffers : split.buffers) {
                // h_0 = c_0 = 0: their blocks hold later steps after a pass
                buffers.stateSteps[0].assign(0.0);
                buffers.cellSteps[0].assign(0.0);
            }
        }
        // Samples do not interact in a recurrence: each part of the batch runs all its steps on its own thread.
        return split.forward(input, training, this::forwardOn);
    }

    /** The forward pass of one part of a batch, with that part's rows of the masks. */
    private INDArray forwardOn(Buffers buffers, INDArray input) {
        Backend backend = backend();
        int steps = buffers.steps;
        backend.copyTimeMajor(input, lastSplit.inputMasked() ? buffers.inputMask : null, buffers.inputs);
        // x · kernel + bias for all steps in one product (streamed: one per step, below).
        if (!buffers.streamed) {
            backend.gemm(buffers.inputs, kernel, buffers.preActivations, false, false, 1.0, 0.0);
            if (useBias) {
                backend.addRowVector(buffers.preActivations, bias);
            }
        }
        INDArray[] recurrentInputs = lastSplit.recurrentMasked() ? buffers.maskedStateSteps : buffers.stateSteps;
        buffers.recurrentKernel = backend.prepare(recurrentKernel, false, buffers.batch, buffers.recurrentKernel);
        for (int t = 1; t <= steps; t++) {
            INDArray[] gate = buffers.gate[t - 1];
            if (buffers.streamed) {
                backend.gemm(buffers.inputSteps[t - 1], kernel, buffers.preActivationSteps[t - 1], false, false, 1.0,
                        0.0);
                if (useBias) {
                    backend.addRowVector(buffers.preActivationSteps[t - 1], bias);
                }
            }
            // z_t += h'_{t-1} · recurrent_kernel, then gate-major so each gate is contiguous.
            backend.gemm(recurrentInputs[t - 1], buffers.recurrentKernel, buffers.preActivationSteps[t - 1], 1.0);
            for (int k = 0; k < GATES; k++) {
                backend.copy(buffers.preActivationGateBlocks[t - 1][k], gate[k]);
            }
            backend.activation(recurrentActivation, buffers.inputAndForgetSteps[t - 1],
                    buffers.inputAndForgetSteps[t - 1]);
            backend.activation(activation, gate[CANDIDATE], gate[CANDIDATE]);
            backend.activation(recurrentActivation, gate[OUTPUT], gate[OUTPUT]);
            // c_t = f * c_{t-1} + i * g
            backend.multiply(gate[FORGET], buffers.cellSteps[t - 1], buffers.cellSteps[t]);
            backend.multiply(gate[INPUT], gate[CANDIDATE], buffers.scratch);
            backend.axpy(1.0, buffers.scratch, buffers.cellSteps[t]);
            // h_t = o * tanh(c_t)
            backend.activation(activation, buffers.cellSteps[t], buffers.cellActivationSteps[t - 1]);
            backend.multiply(gate[OUTPUT], buffers.cellActivationSteps[t - 1], buffers.stateSteps[t]);
            if (lastSplit.recurrentMasked() && t < steps) {
                backend.multiply(buffers.stateSteps[t], buffers.recurrentMask, buffers.maskedStateSteps[t]);
            }
        }
        if (!returnSequences) {
            return buffers.stateSteps[steps];
        }
        backend.copyBatchMajor(buffers.statesAfter, null, buffers.sequenceOutput);
        return buffers.sequenceOutput;
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        INDArray again = inputToStore();
        if (again != null) {
            forwardWith(again, false, false);
        }
        return lastSplit.backward(outputGradient, needInputGradient, this::backwardOn);
    }

    /**
     * The backward pass of one part of a batch; weight gradients go to {@code gradients} (kernel, recurrent kernel,
     * bias), the parameters' own or the part's.
     */
    private INDArray backwardOn(Buffers buffers, INDArray outputGradient, boolean needInputGradient,
            INDArray[] gradients) {
        Backend backend = backend();
        int steps = buffers.steps;
        if (returnSequences) {
            backend.copyTimeMajor(outputGradient, null, buffers.stateGradients);
        } else {
            backend.copy(outputGradient, buffers.stateGradientSteps[steps - 1]);
        }
        // Without sequences, the recurrent product writes dh_{t-1} first; with them it adds to the output's gradient.
        boolean accumulate = returnSequences;
        buffers.recurrentKernelTransposed = backend.prepare(recurrentKernel, true, buffers.batch,
                buffers.recurrentKernelTransposed);
        INDArray cellGradient = buffers.cellGradient;
        INDArray[] gateGradient = buffers.gateGradient;
        cellGradient.assign(0.0);
        for (int t = steps; t >= 1; t--) {
            INDArray[] gate = buffers.gate[t - 1];
            INDArray stateGradient = buffers.stateGradientSteps[t - 1];
            INDArray cellActivation = buffers.cellActivationSteps[t - 1];
            // dz_o = dh * tanh(c_t) * σ'(o)
            backend.multiply(stateGradient, cellActivation, gateGradient[OUTPUT]);
            backend.activationBackward(recurrentActivation, gate[OUTPUT], gateGradient[OUTPUT], gateGradient[OUTPUT]);
            // dc_t = dc from step t+1 + dh * o * tanh'(c_t)
            backend.multiply(stateGradient, gate[OUTPUT], buffers.scratch);
            backend.activationBackward(activation, cellActivation, buffers.scratch, buffers.scratch);
            backend.axpy(1.0, buffers.scratch, cellGradient);
            // dz_i = dc * g * σ'(i);  dz_c = dc * i * tanh'(g);  dz_f = dc * c_{t-1} * σ'(f)
            backend.multiply(cellGradient, gate[CANDIDATE], gateGradient[INPUT]);
            backend.activationBackward(recurrentActivation, gate[INPUT], gateGradient[INPUT], gateGradient[INPUT]);
            backend.multiply(cellGradient, gate[INPUT], gateGradient[CANDIDATE]);
            backend.activationBackward(activation, gate[CANDIDATE], gateGradient[CANDIDATE],
                    gateGradient[CANDIDATE]);
            backend.multiply(cellGradient, buffers.cellSteps[t - 1], gateGradient[FORGET]);
            backend.activationBackward(recurrentActivation, gate[FORGET], gateGradient[FORGET], gateGradient[FORGET]);
            // dc_{t-1} = dc_t * f
            backend.multiply(cellGradient, gate[FORGET], cellGradient);
            // Back into Keras's column order, where the weight gradients read it.
            for (int k = 0; k < GATES; k++) {
                backend.copy(gateGradient[k], buffers.preActivationGradientGateBlocks[t - 1][k]);
            }
            if (t > 1) {
                // dh_{t-1} (+)= (dz_t · recurrent_kernel^T) * recurrent mask
                recurrentGradient(backend, buffers.recurrentKernelTransposed, buffers.preActivationGradientSteps[t - 1],
                        buffers.stateGradientSteps[t - 2], accumulate,
                        lastSplit.recurrentMasked() ? buffers.recurrentMask : null, buffers.scratch);
            }
        }
        // Weight gradients: one product over all timesteps each.
        INDArray recurrentInputs = lastSplit.recurrentMasked() ? buffers.maskedStates : buffers.statesBefore;
        backend.gemm(buffers.inputs, buffers.preActivationGradients, gradients[0], true, false,
                1.0, 0.0);
        backend.gemm(recurrentInputs, buffers.preActivationGradients, gradients[1], true,
                false, 1.0, 0.0);
        if (useBias) {
            backend.sumRows(buffers.preActivationGradients, gradients[2]);
        }
        if (!needInputGradient) {
            return null;
        }
        backend.gemm(buffers.preActivationGradients, kernel, buffers.inputGradients, false, true, 1.0, 0.0);
        backend.copyBatchMajor(buffers.inputGradients, lastSplit.inputMasked() ? buffers.inputMask : null,
                buffers.inputGradientOutput);
        return buffers.inputGradientOutput;
    }

    /**
     * Arrays for one batch size, time-major, and the per-step views into them, created once. Streamed (inference of
     * the last state): every per-step array has two blocks that the steps use in turn (step views {@code t} and
     * {@code t + 2} are the same block), each step's input projection is its own product, and nothing for the backward
     * pass is made; a step's data then stays in the core's cache.
     */
    private final class Buffers {
        final boolean streamed;
        final int steps;
        /** The rows of this part of the batch. */
        final int batch;
        /** recurrent_kernel made ready for the per-step products ({@link Backend#prepare}), again every pass. */
        PreparedMatrix recurrentKernel;
        PreparedMatrix recurrentKernelTransposed;
        final INDArray inputs;
        /** Each step's block of the inputs (streamed only). */
        final INDArray[] inputSteps;
        /** {@code [T·B, 4u]} in Keras's column order: the input projection plus, per step, the recurrent product. */
        final INDArray preActivations;
        final INDArray[] preActivationSteps;
        /** Per step, the pre-activations seen gate-major: {@code [4, B, u]}, strided. */
        final INDArray[][] preActivationGateBlocks;
        /** Per step, the activated gates i, f, g, o, gate-major {@code [4, B, u]}, contiguous. */
        final INDArray[][] gate;
        /** Per step, i and f together ({@code [2, B, u]}): one sigmoid call. */
        final INDArray[] inputAndForgetSteps;
        /** c_0 .. c_T, c_0 = 0. */
        final INDArray[] cellSteps;
        /** tanh(c_1) .. tanh(c_T). */
        final INDArray[] cellActivationSteps;
        INDArray statesBefore;
        INDArray statesAfter;
        /** h_0 .. h_T, h_0 = 0. */
        final INDArray[] stateSteps;
        /** h'_0 .. h'_{T-1}: the states times the recurrent dropout mask, h'_0 = 0. */
        INDArray maskedStates;
        INDArray[] maskedStateSteps;
        final INDArray scratch;
        INDArray cellGradient;
        /** dL/dz of one step, gate-major {@code [4, B, u]}. */
        INDArray gateGradients;
        INDArray[] gateGradient;
        INDArray preActivationGradients;
        INDArray[] preActivationGradientSteps;
        INDArray[][] preActivationGradientGateBlocks;
        INDArray stateGradients;
        INDArray[] stateGradientSteps;
        INDArray inputGradients;
        INDArray inputGradientOutput;
        INDArray sequenceOutput;
        final INDArray inputMask;
        final INDArray recurrentMask;

        Buffers(int batch, int steps, int features, INDArray inputMask, INDArray recurrentMask, boolean streamed) {
            Backend backend = backend();
            this.streamed = streamed;
            this.steps = steps;
            this.batch = batch;
            long rows = (long) steps * batch;
            inputs = backend.zeros(dataType(), rows, features);
            this.inputMask = inputMask;
            this.recurrentMask = recurrentMask;
            scratch = backend.zeros(dataType(), batch, units);
            if (streamed) {
                inputSteps = rowBlocks(inputs, steps, batch);
                preActivations = backend.zeros(dataType(), 2L * batch, (long) GATES * units);
                preActivationSteps = inTurn(rowBlocks(preActivations, 2, batch), steps);
                preActivationGateBlocks = inTurn(gateBlocks(preActivations, 2, batch, GATES), steps);
                INDArray gates = backend.zeros(dataType(), 2, GATES, batch, units);
                gate = inTurn(new INDArray[][] {gatesOf(gates, 0), gatesOf(gates, 1)}, steps);
                inputAndForgetSteps = inTurn(new INDArray[] {inputAndForgetOf(gates, 0), inputAndForgetOf(gates, 1)},
                        steps);
                cellSteps = inTurn(rowBlocks(backend.zeros(dataType(), 2L * batch, units), 2, batch), steps + 1);
                cellActivationSteps = inTurn(rowBlocks(backend.zeros(dataType(), 2L * batch, units), 2, batch),
                        steps);
                stateSteps = inTurn(rowBlocks(backend.zeros(dataType(), 2L * batch, units), 2, batch), steps + 1);
                return; // the arrays of the backward pass stay null
            }
            inputSteps = null;

            preActivations = backend.zeros(dataType(), rows, (long) GATES * units);
            preActivationSteps = rowBlocks(preActivations, steps, batch);
            preActivationGateBlocks = gateBlocks(preActivations, steps, batch, GATES);
            INDArray gates = backend.zeros(dataType(), steps, GATES, batch, units);
            gate = new INDArray[steps][];
            inputAndForgetSteps = new INDArray[steps];
            for (int t = 0; t < steps; t++) {
                gate[t] = gatesOf(gates, t);
                inputAndForgetSteps[t] = inputAndForgetOf(gates, t);
            }
            cellSteps = rowBlocks(backend.zeros(dataType(), rows + batch, units), steps + 1, batch);
            cellActivationSteps = rowBlocks(backend.zeros(dataType(), rows, units), steps, batch);
            INDArray states = backend.zeros(dataType(), rows + batch, units);
            statesBefore = states.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
            statesAfter = states.get(NDArrayIndex.interval(batch, rows + batch), NDArrayIndex.all());
            stateSteps = rowBlocks(states, steps + 1, batch);
            maskedStates = recurrentDropout > 0.0 ? backend.zeros(dataType(), rows, units) : null;
            maskedStateSteps = maskedStates != null ? rowBlocks(maskedStates, steps, batch) : null;

            cellGradient = backend.zeros(dataType(), batch, units);
            gateGradients = backend.zeros(dataType(), GATES, batch, units);
            gateGradient = new INDArray[GATES];
            for (int k = 0; k < GATES; k++) {
                gateGradient[k] = gateGradients.get(NDArrayIndex.point(k), NDArrayIndex.all(), NDArrayIndex.all());
            }
            preActivationGradients = backend.zeros(dataType(), rows, (long) GATES * units);
            preActivationGradientSteps = rowBlocks(preActivationGradients, steps, batch);
            preActivationGradientGateBlocks = gateBlocks(preActivationGradients, steps, batch, GATES);
            stateGradients = backend.zeros(dataType(), rows, units);
            stateGradientSteps = rowBlocks(stateGradients, steps, batch);
            inputGradients = backend.zeros(dataType(), rows, features);
            inputGradientOutput = backend.zeros(dataType(), batch, steps, features);
            sequenceOutput = returnSequences ? backend.zeros(dataType(), batch, steps, units) : null;
        }

        /** @return the gates of step block {@code t} of a {@code [steps, 4, B, u]} array, one view each */
        private INDArray[] gatesOf(INDArray gates, int t) {
            INDArray[] views = new INDArray[GATES];
            for (int k = 0; k < GATES; k++) {
                views[k] = gates.get(NDArrayIndex.point(t), NDArrayIndex.point(k), NDArrayIndex.all(),
                        NDArrayIndex.all());
            }
            return views;
        }

        /** @return i and f of step block {@code t} together ({@code [2, B, u]}) */
        private INDArray inputAndForgetOf(INDArray gates, int t) {
            return gates.get(NDArrayIndex.point(t), NDArrayIndex.interval(INPUT, FORGET + 1), NDArrayIndex.all(),
                    NDArrayIndex.all());
        }
    }

    /** Optional settings of {@link LSTM}, with Keras's defaults. */
    public static final class Builder extends RecurrentBuilder.Gated<Builder> {
        private boolean unitForgetBias = true;

        private Builder(int units) {
            super(units);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * @param unitForgetBias whether the forget gate's bias starts at 1 (default true, as Keras)
         * @return this
         */
        public Builder unitForgetBias(boolean unitForgetBias) {
            this.unitForgetBias = unitForgetBias;
            return this;
        }

        /** @return the layer; invalid settings throw {@link IllegalArgumentException} naming the argument */
        public LSTM build() {
            return new LSTM(this);
        }
    }
}
