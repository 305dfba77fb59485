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
 * <p>Speed: the sequence is processed time-major in buffers allocated once per batch size. The input projection of all
 * timesteps is one matrix product, each step adds one product with the recurrent kernel into its slice and applies the
 * activation in place; backward (full BPTT) runs one product per step and computes each weight gradient as one product
 * over all timesteps after the loop. The activation's derivative comes from the stored states. The per-step loops run
 * on parts of the batch ({@link Backend#runParts}), one per thread of the backend: samples do not interact in a
 * recurrence, so the parts meet only once per pass, and the results do not depend on the number of parts.
 */
public final class SimpleRNN extends AbstractRecurrentLayer {
    private INDArray kernel;
    private INDArray recurrentKernel;
    private INDArray bias;
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
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        Backend backend = backend();
        int batch = Math.toIntExact(input.size(0));
        Buffers buffers = buffersByBatch.computeIfAbsent(batch, this::allocate);
        last = buffers;
        int steps = buffers.steps;
        // Time-major copy: step t is rows [t*batch, (t+1)*batch) of a C-ordered matrix, a contiguous view.
        buffers.inputs3d.assign(input.permute(1, 0, 2));
        lastMasked = training && dropout > 0.0;
        if (lastMasked) {
            fillMask(buffers.mask, buffers.maskValues, dropout);
            for (int t = 0; t < steps; t++) {
                backend.multiply(buffers.inputSteps[t], buffers.mask, buffers.inputSteps[t]);
            }
        }
        // Pre-activations of all steps in one product, written where the states will be: states[1..T].
        backend.gemm(buffers.inputs, kernel, buffers.statesAfter, false, false, 1.0, 0.0);
        // The recurrence is independent sample by sample: each part of the batch runs all its steps on its own rows,
        // with no hand-off between steps.
        backend.runParts(buffers.parts, part -> {
            INDArray[] states = buffers.partStateSteps[part];
            for (int t = 1; t <= steps; t++) {
                if (useBias) {
                    // Per step, while the block is in cache: cheaper than one pass over all steps' pre-activations.
                    backend.addRowVector(states[t], bias);
                }
                backend.gemm(states[t - 1], recurrentKernel, states[t], false, false, 1.0, 1.0);
                backend.activation(activation, states[t], states[t]);
            }
        });
        if (!returnSequences) {
            return buffers.stateSteps[steps];
        }
        buffers.sequenceOutput.assign(buffers.statesAfter3d.permute(1, 0, 2));
        return buffers.sequenceOutput;
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        Backend backend = backend();
        Buffers buffers = last;
        int steps = buffers.steps;
        if (returnSequences) {
            buffers.stateGradients3d.assign(outputGradient.permute(1, 0, 2));
        } else {
            buffers.stateGradientSteps[steps - 1].assign(outputGradient);
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
                    backend.gemm(preActivationGradients[t - 1], recurrentKernel, stateGradients[t - 2], false, true,
                            1.0, accumulate);
                }
            }
        });
        // Weight gradients: one product over all timesteps each.
        backend.gemm(buffers.inputs, buffers.preActivationGradients, parameter("kernel").gradient(), true, false,
                1.0, 0.0);
        backend.gemm(buffers.statesBefore, buffers.preActivationGradients, parameter("recurrent_kernel").gradient(),
                true, false, 1.0, 0.0);
        if (useBias) {
            // Column sums as a product with a row of ones: one BLAS call instead of an elementwise pass.
            backend.gemm(buffers.ones, buffers.preActivationGradients, buffers.biasGradientRow, false, false, 1.0,
                    0.0);
        }
        if (!needInputGradient) {
            return null;
        }
        backend.gemm(buffers.preActivationGradients, kernel, buffers.inputGradients, false, true, 1.0, 0.0);
        if (lastMasked) {
            for (int t = 0; t < steps; t++) {
                backend.multiply(buffers.inputGradientSteps[t], buffers.mask, buffers.inputGradientSteps[t]);
            }
        }
        buffers.inputGradientOutput.assign(buffers.inputGradients3d.permute(1, 0, 2));
        return buffers.inputGradientOutput;
    }

    private Buffers allocate(int batch) {
        return new Buffers(batch, inputShape().dim(0), inputShape().dim(1));
    }

    /** Arrays for one batch size, time-major, and the per-step views into them, created once. */
    private final class Buffers {
        final int steps;
        final INDArray inputs;
        final INDArray inputs3d;
        final INDArray[] inputSteps;
        final INDArray states;
        final INDArray statesBefore;
        final INDArray statesAfter;
        final INDArray statesAfter3d;
        final INDArray[] stateSteps;
        final INDArray preActivationGradients;
        final INDArray[] preActivationGradientSteps;
        final INDArray stateGradients;
        final INDArray stateGradients3d;
        final INDArray[] stateGradientSteps;
        final INDArray inputGradients;
        final INDArray inputGradients3d;
        final INDArray[] inputGradientSteps;
        final INDArray inputGradientOutput;
        final INDArray sequenceOutput;
        final INDArray mask;
        final INDArray ones;
        final INDArray biasGradientRow;
        final float[] maskValues;
        final int parts;
        final INDArray[][] partStateSteps;
        final INDArray[][] partStateGradientSteps;
        final INDArray[][] partPreActivationGradientSteps;

        Buffers(int batch, int steps, int features) {
            Backend backend = backend();
            this.steps = steps;
            long rows = (long) steps * batch;
            inputs = backend.zeros(dataType(), rows, features);
            inputs3d = inputs.reshape('c', steps, batch, features);
            inputSteps = rowBlocks(inputs, steps, batch);
            states = backend.zeros(dataType(), rows + batch, units);
            statesBefore = states.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
            statesAfter = states.get(NDArrayIndex.interval(batch, rows + batch), NDArrayIndex.all());
            statesAfter3d = statesAfter.reshape('c', steps, batch, units);
            stateSteps = rowBlocks(states, steps + 1, batch);
            preActivationGradients = backend.zeros(dataType(), rows, units);
            preActivationGradientSteps = rowBlocks(preActivationGradients, steps, batch);
            stateGradients = backend.zeros(dataType(), rows, units);
            stateGradients3d = stateGradients.reshape('c', steps, batch, units);
            stateGradientSteps = rowBlocks(stateGradients, steps, batch);
            inputGradients = backend.zeros(dataType(), rows, features);
            inputGradients3d = inputGradients.reshape('c', steps, batch, features);
            inputGradientSteps = rowBlocks(inputGradients, steps, batch);
            inputGradientOutput = backend.zeros(dataType(), batch, steps, features);
            sequenceOutput = returnSequences ? backend.zeros(dataType(), batch, steps, units) : null;
            mask = backend.zeros(dataType(), batch, features);
            ones = backend.zeros(dataType(), 1, rows).addi(1.0);
            biasGradientRow = useBias ? parameter("bias").gradient().reshape(1, units) : null;
            maskValues = new float[batch * features];
            parts = partsFor(batch);
            partStateSteps = partBlocks(stateSteps, batch, parts);
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
