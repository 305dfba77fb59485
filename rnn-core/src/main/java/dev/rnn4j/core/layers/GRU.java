package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.PreparedMatrix;
import dev.rnn4j.api.Shape;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras's {@code GRU}, gated recurrent unit, in Keras's default {@code reset_after=True} form (the cuDNN-compatible
 * one), with Keras's weight names, layouts and gate order {@code z, r, h}:
 * <pre>
 * [x_z | x_r | x_h] = x_t · kernel + bias[0]
 * [r_z | r_r | r_h] = h'_{t-1} · recurrent_kernel + bias[1]
 * z  = σ(x_z + r_z)              update gate      (σ = recurrent_activation)
 * r  = σ(x_r + r_r)              reset gate
 * hh = tanh(x_h + r * r_h)       candidate        (tanh = activation; the reset gate applies after the product)
 * h_t = z * h_{t-1} + (1 - z) * hh                h_0 = 0
 * </pre>
 *
 * <p>Input {@code [batch, timesteps, features]}; output {@code [batch, units]} (the last state) or, with
 * {@code returnSequences}, {@code [batch, timesteps, units]}. Parameters: {@code kernel [features, 3·units]}
 * (Glorot-uniform), {@code recurrent_kernel [units, 3·units]} (orthogonal over the whole matrix, as Keras),
 * {@code bias [2, 3·units]} (zeros; row 0 the input bias, row 1 the recurrent bias). The count is
 * {@code 3·units·(features + units) + 2·3·units}. {@code reset_after=False} is not implemented.
 *
 * <p>Dropout, in training only, as Keras 3 (and Keras 2's default {@code implementation=2}) does it: {@code dropout}
 * multiplies the inputs by one mask per sequence ({@code [batch, features]}), {@code recurrentDropout} multiplies
 * {@code h_{t-1}} by one mask per sequence ({@code [batch, units]}) where it enters the recurrent product
 * ({@code h'_{t-1}} above; the blend with {@code z} uses the unmasked state). Each mask is shared by every timestep and
 * all three gates; kept values are scaled by {@code 1 / (1 - rate)}. Masks are drawn from the model's generator.
 *
 * <p>Speed, as {@link SimpleRNN} and {@link LSTM}: time-major buffers allocated once per batch size, views created
 * once, the input projection of all timesteps as one product, one recurrent product per step, and each weight gradient
 * as one product over all timesteps after the loop. Per step the {@code [batch, 3·units]} projections are copied into
 * gate-major {@code [3, batch, units]} arrays (one ND4J {@code assign} each), so that the elementwise gate math runs as
 * {@link Backend} operations on contiguous arrays; backward copies the gate gradients back the same way. Inference of
 * the last state keeps no steps: each per-step array has two blocks used in turn and each step's input projection is
 * a product of its own, so a step's data stays in cache and a large batch needs a fraction of the memory.
 */
public final class GRU extends AbstractRecurrentLayer {
    /** Gate indices in Keras's order. */
    private static final int UPDATE = 0;
    private static final int RESET = 1;
    /** Keras's {@code h}: the candidate state {@code hh}. */
    private static final int CANDIDATE = 2;
    private static final int GATES = 3;

    private final ActivationFunction recurrentActivation;
    private final double recurrentDropout;

    private INDArray kernel;
    private INDArray recurrentKernel;
    private INDArray inputBias;
    private INDArray recurrentBias;
    private final Map<Integer, Split<Buffers>> splits = new HashMap<>();
    /** The buffers of inference without the sequence, which keep two blocks of each per-step array. */
    private final Map<Integer, Split<Buffers>> streamedSplits = new HashMap<>();
    private Split<Buffers> lastSplit;

    /**
     * Keras's defaults: tanh and sigmoid, bias, reset after, last state only, no dropout.
     *
     * @param units the size of the state, at least 1
     */
    public GRU(int units) {
        this(builder(units));
    }

    private GRU(Builder builder) {
        super(builder, "GRU");
        this.recurrentActivation = builder.recurrentActivation;
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
        return GATES * (long) units * (features + units) + (useBias ? 2L * GATES * units : 0);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("units", units);
        config.put("activation", activation.kerasName());
        config.put("recurrent_activation", recurrentActivation.kerasName());
        config.put("use_bias", useBias);
        config.put("return_sequences", returnSequences);
        config.put("dropout", dropout);
        config.put("recurrent_dropout", recurrentDropout);
        config.put("reset_after", true);
        return config;
    }

    @Override
    protected void buildInternal(Shape inputShape) {
        kernel = addWeight("kernel", new int[] {inputShape.last(), GATES * units}, kernelInitializer);
        recurrentKernel = addWeight("recurrent_kernel", new int[] {units, GATES * units}, recurrentInitializer);
        if (useBias) {
            INDArray bias = addWeight("bias", new int[] {2, GATES * units}, biasInitializer);
            inputBias = bias.get(NDArrayIndex.point(0), NDArrayIndex.all());
            recurrentBias = bias.get(NDArrayIndex.point(1), NDArrayIndex.all());
        }
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
                // h_0 = 0: its block holds later steps after a pass
                buffers.stateSteps[0].assign(0.0);
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
        // x · kernel + bias[0] for all steps in one product (streamed: one per step, below).
        if (!buffers.streamed) {
            backend.gemm(buffers.inputs, kernel, buffers.inputProjections, false, false, 1.0, 0.0);
            if (useBias) {
                backend.addRowVector(buffers.inputProjections, inputBias);
            }
        }
        INDArray[] recurrentInputs = lastSplit.recurrentMasked() ? buffers.maskedStateSteps : buffers.stateSteps;
        buffers.recurrentKernel = backend.prepare(recurrentKernel, false, buffers.batch, buffers.recurrentKernel);
        for (int t = 1; t <= steps; t++) {
            INDArray[] gate = buffers.gate[t - 1];
            INDArray[] recurrent = buffers.recurrentProjection[t - 1];
            if (buffers.streamed) {
                backend.gemm(buffers.inputSteps[t - 1], kernel, buffers.inputProjectionSteps[t - 1], false, false,
                        1.0, 0.0);
                if (useBias) {
                    backend.addRowVector(buffers.inputProjectionSteps[t - 1], inputBias);
                }
            }
            // h'_{t-1} · recurrent_kernel + bias[1], kept gate-major for backward (r_h is needed there).
            backend.gemm(recurrentInputs[t - 1], buffers.recurrentKernel, buffers.recurrentStep, 0.0);
            if (useBias) {
                backend.addRowVector(buffers.recurrentStep, recurrentBias);
            }
            for (int k = 0; k < GATES; k++) {
                backend.copy(buffers.recurrentStepGateBlocks[0][k], recurrent[k]);
                backend.copy(buffers.inputProjectionGateBlocks[t - 1][k], gate[k]);
            }
            // z, r = σ(x_{z,r} + r_{z,r}): the two gates are adjacent, one add and one activation.
            backend.axpy(1.0, buffers.recurrentUpdateAndResetSteps[t - 1], buffers.updateAndResetSteps[t - 1]);
            backend.activation(recurrentActivation, buffers.updateAndResetSteps[t - 1],
                    buffers.updateAndResetSteps[t - 1]);
            // hh = tanh(x_h + r * r_h)
            backend.multiply(gate[RESET], recurrent[CANDIDATE], buffers.scratch);
            backend.axpy(1.0, buffers.scratch, gate[CANDIDATE]);
            backend.activation(activation, gate[CANDIDATE], gate[CANDIDATE]);
            // h_t = z * h_{t-1} + (1 - z) * hh = z * h_{t-1} - z * hh + hh
            backend.multiply(gate[UPDATE], buffers.stateSteps[t - 1], buffers.stateSteps[t]);
            backend.multiply(gate[UPDATE], gate[CANDIDATE], buffers.scratch);
            backend.axpy(-1.0, buffers.scratch, buffers.stateSteps[t]);
            backend.axpy(1.0, gate[CANDIDATE], buffers.stateSteps[t]);
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
        INDArray[] gateGradient = buffers.gateGradient;
        for (int t = steps; t >= 1; t--) {
            INDArray[] gate = buffers.gate[t - 1];
            INDArray[] recurrent = buffers.recurrentProjection[t - 1];
            INDArray stateGradient = buffers.stateGradientSteps[t - 1];
            // dz_z = dh * (h_{t-1} - hh) * σ'(z)
            backend.multiply(stateGradient, buffers.stateSteps[t - 1], gateGradient[UPDATE]);
            backend.multiply(stateGradient, gate[CANDIDATE], buffers.scratch);
            backend.axpy(-1.0, buffers.scratch, gateGradient[UPDATE]);
            backend.activationBackward(recurrentActivation, gate[UPDATE], gateGradient[UPDATE], gateGradient[UPDATE]);
            // dh * z flows straight to h_{t-1}; dhh = dh * (1 - z) = dh - dh * z; dz_h = dhh * tanh'(hh)
            backend.multiply(stateGradient, gate[UPDATE], buffers.carried);
            backend.copy(stateGradient, gateGradient[CANDIDATE]);
            backend.axpy(-1.0, buffers.carried, gateGradient[CANDIDATE]);
            backend.activationBackward(activation, gate[CANDIDATE], gateGradient[CANDIDATE],
                    gateGradient[CANDIDATE]);
            // dz_r = dz_h * r_h * σ'(r)
            backend.multiply(gateGradient[CANDIDATE], recurrent[CANDIDATE], gateGradient[RESET]);
            backend.activationBackward(recurrentActivation, gate[RESET], gateGradient[RESET], gateGradient[RESET]);
            // The input side gets [dz_z | dz_r | dz_h]; the recurrent side the same with dz_h * r.
            for (int k = 0; k < GATES; k++) {
                backend.copy(gateGradient[k], buffers.inputProjectionGradientGateBlocks[t - 1][k]);
            }
            backend.multiply(gateGradient[CANDIDATE], gate[RESET], gateGradient[CANDIDATE]);
            for (int k = 0; k < GATES; k++) {
                backend.copy(gateGradient[k], buffers.recurrentProjectionGradientGateBlocks[t - 1][k]);
            }
            if (t > 1) {
                // dh_{t-1} (+)= (d[r_z | r_r | r_h] · recurrent_kernel^T) * recurrent mask + dh * z
                INDArray previous = buffers.stateGradientSteps[t - 2];
                recurrentGradient(backend, buffers.recurrentKernelTransposed,
                        buffers.recurrentProjectionGradientSteps[t - 1], previous, accumulate,
                        lastSplit.recurrentMasked() ? buffers.recurrentMask : null, buffers.scratch);
                backend.axpy(1.0, buffers.carried, previous);
            }
        }
        // Weight gradients: one product over all timesteps each.
        INDArray recurrentInputs = lastSplit.recurrentMasked() ? buffers.maskedStates : buffers.statesBefore;
        backend.gemm(buffers.inputs, buffers.inputProjectionGradients, gradients[0], true, false,
                1.0, 0.0);
        backend.gemm(recurrentInputs, buffers.recurrentProjectionGradients, gradients[1],
                true, false, 1.0, 0.0);
        if (useBias) {
            backend.sumRows(buffers.inputProjectionGradients, gradients[2].get(NDArrayIndex.point(0),
                    NDArrayIndex.all()));
            backend.sumRows(buffers.recurrentProjectionGradients, gradients[2].get(NDArrayIndex.point(1),
                    NDArrayIndex.all()));
        }
        if (!needInputGradient) {
            return null;
        }
        backend.gemm(buffers.inputProjectionGradients, kernel, buffers.inputGradients, false, true, 1.0, 0.0);
        backend.copyBatchMajor(buffers.inputGradients, lastSplit.inputMasked() ? buffers.inputMask : null,
                buffers.inputGradientOutput);
        return buffers.inputGradientOutput;
    }

    /** Arrays for one batch size, time-major, and the per-step views into them, created once. */
    private final class Buffers {
        /**
         * Streamed (inference of the last state): every per-step array has two blocks that the steps use in turn,
         * each step's input projection is its own product, and nothing for the backward pass is made; a step's data
         * then stays in the core's cache.
         */
        final boolean streamed;
        final int steps;
        /** The rows of this part of the batch. */
        final int batch;
        /** recurrent_kernel made ready for the per-step products ({@link Backend#prepare}), again every pass. */
        PreparedMatrix recurrentKernel;
        PreparedMatrix recurrentKernelTransposed;
        final INDArray inputs;
        /** {@code [T·B, 3u]} in Keras's column order: x · kernel + bias[0]. */
        final INDArray inputProjections;
        /** Each step's block of the inputs and of the input projections (streamed only). */
        final INDArray[] inputSteps;
        final INDArray[] inputProjectionSteps;
        final INDArray[][] inputProjectionGateBlocks;
        /** One step's {@code [B, 3u]} recurrent product, and its gates' column blocks. */
        final INDArray recurrentStep;
        final INDArray[][] recurrentStepGateBlocks;
        /** Per step, the recurrent projections r_z, r_r, r_h gate-major {@code [3, B, u]}, contiguous. */
        final INDArray[][] recurrentProjection;
        final INDArray[] recurrentUpdateAndResetSteps;
        /** Per step, z, r and hh gate-major {@code [3, B, u]}, contiguous. */
        final INDArray[][] gate;
        final INDArray[] updateAndResetSteps;
        INDArray statesBefore;
        INDArray statesAfter;
        /** h_0 .. h_T, h_0 = 0. */
        final INDArray[] stateSteps;
        /** h'_0 .. h'_{T-1}: the states times the recurrent dropout mask, h'_0 = 0. */
        INDArray maskedStates;
        INDArray[] maskedStateSteps;
        final INDArray scratch;
        final INDArray carried;
        /** dL/d[x_z | x_r | x_h] of one step, gate-major {@code [3, B, u]}. */
        INDArray gateGradients;
        INDArray[] gateGradient;
        INDArray inputProjectionGradients;
        INDArray[][] inputProjectionGradientGateBlocks;
        INDArray recurrentProjectionGradients;
        INDArray[] recurrentProjectionGradientSteps;
        INDArray[][] recurrentProjectionGradientGateBlocks;
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
            long width = (long) GATES * units;
            inputs = backend.zeros(dataType(), rows, features);
            this.inputMask = inputMask;
            this.recurrentMask = recurrentMask;
            recurrentStep = backend.zeros(dataType(), batch, width);
            recurrentStepGateBlocks = gateBlocks(recurrentStep, 1, batch, GATES);
            scratch = backend.zeros(dataType(), batch, units);
            carried = backend.zeros(dataType(), batch, units);
            if (streamed) {
                inputSteps = rowBlocks(inputs, steps, batch);
                inputProjections = backend.zeros(dataType(), 2L * batch, width);
                inputProjectionSteps = inTurn(rowBlocks(inputProjections, 2, batch), steps);
                inputProjectionGateBlocks = inTurn(gateBlocks(inputProjections, 2, batch, GATES), steps);
                INDArray[][] recurrentOfTwo = new INDArray[2][];
                INDArray[] recurrentUpdateAndResetOfTwo = new INDArray[2];
                splitGates(backend.zeros(dataType(), 2, GATES, batch, units), recurrentOfTwo,
                        recurrentUpdateAndResetOfTwo);
                INDArray[][] gateOfTwo = new INDArray[2][];
                INDArray[] updateAndResetOfTwo = new INDArray[2];
                splitGates(backend.zeros(dataType(), 2, GATES, batch, units), gateOfTwo, updateAndResetOfTwo);
                recurrentProjection = inTurn(recurrentOfTwo, steps);
                gate = inTurn(gateOfTwo, steps);
                recurrentUpdateAndResetSteps = inTurn(recurrentUpdateAndResetOfTwo, steps);
                updateAndResetSteps = inTurn(updateAndResetOfTwo, steps);
                stateSteps = inTurn(rowBlocks(backend.zeros(dataType(), 2L * batch, units), 2, batch), steps + 1);
                return; // the arrays of the backward pass stay null
            }
            inputSteps = null;
            inputProjectionSteps = null;

            inputProjections = backend.zeros(dataType(), rows, width);
            inputProjectionGateBlocks = gateBlocks(inputProjections, steps, batch, GATES);
            INDArray recurrentProjections = backend.zeros(dataType(), steps, GATES, batch, units);
            recurrentProjection = new INDArray[steps][];
            recurrentUpdateAndResetSteps = new INDArray[steps];
            splitGates(recurrentProjections, recurrentProjection, recurrentUpdateAndResetSteps);
            INDArray gates = backend.zeros(dataType(), steps, GATES, batch, units);
            gate = new INDArray[steps][];
            updateAndResetSteps = new INDArray[steps];
            splitGates(gates, gate, updateAndResetSteps);
            INDArray states = backend.zeros(dataType(), rows + batch, units);
            statesBefore = states.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
            statesAfter = states.get(NDArrayIndex.interval(batch, rows + batch), NDArrayIndex.all());
            stateSteps = rowBlocks(states, steps + 1, batch);
            maskedStates = recurrentDropout > 0.0 ? backend.zeros(dataType(), rows, units) : null;
            maskedStateSteps = maskedStates != null ? rowBlocks(maskedStates, steps, batch) : null;

            gateGradients = backend.zeros(dataType(), GATES, batch, units);
            gateGradient = new INDArray[GATES];
            for (int k = 0; k < GATES; k++) {
                gateGradient[k] = gateGradients.get(NDArrayIndex.point(k), NDArrayIndex.all(), NDArrayIndex.all());
            }
            inputProjectionGradients = backend.zeros(dataType(), rows, width);
            inputProjectionGradientGateBlocks = gateBlocks(inputProjectionGradients, steps, batch, GATES);
            recurrentProjectionGradients = backend.zeros(dataType(), rows, width);
            recurrentProjectionGradientSteps = rowBlocks(recurrentProjectionGradients, steps, batch);
            recurrentProjectionGradientGateBlocks = gateBlocks(recurrentProjectionGradients, steps, batch, GATES);
            stateGradients = backend.zeros(dataType(), rows, units);
            stateGradientSteps = rowBlocks(stateGradients, steps, batch);
            inputGradients = backend.zeros(dataType(), rows, features);
            inputGradientOutput = backend.zeros(dataType(), batch, steps, features);
            sequenceOutput = returnSequences ? backend.zeros(dataType(), batch, steps, units) : null;
        }

        /** Views of a {@code [T, 3, B, u]} array: per step each gate, and z with r. */
        private void splitGates(INDArray byStep, INDArray[][] gates, INDArray[] updateAndReset) {
            for (int t = 0; t < gates.length; t++) {
                gates[t] = new INDArray[GATES];
                for (int k = 0; k < GATES; k++) {
                    gates[t][k] = byStep.get(NDArrayIndex.point(t), NDArrayIndex.point(k), NDArrayIndex.all(),
                            NDArrayIndex.all());
                }
                updateAndReset[t] = byStep.get(NDArrayIndex.point(t), NDArrayIndex.interval(UPDATE, RESET + 1),
                        NDArrayIndex.all(), NDArrayIndex.all());
            }
        }
    }

    /** Optional settings of {@link GRU}, with Keras's defaults. */
    public static final class Builder extends RecurrentBuilder.Gated<Builder> {
        private Builder(int units) {
            super(units);
        }

        @Override
        Builder self() {
            return this;
        }

        /** @return the layer; invalid settings throw {@link IllegalArgumentException} naming the argument */
        public GRU build() {
            return new GRU(this);
        }
    }
}
