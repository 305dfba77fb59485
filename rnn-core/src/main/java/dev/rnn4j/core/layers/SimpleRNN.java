package dev.rnn4j.core.layers;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.PreparedMatrix;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Values;
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
 * <p>Speed: the batch is cut into parts, one per thread of the backend ({@link Backend#runParts}); samples do not
 * interact in a recurrence, so each part runs its whole pass alone and the parts meet once per pass. Batches large
 * enough for parts of 64 samples or more (inference at batch 1024, say) are cut into twice as many parts as threads,
 * and the forward pass runs them step by step as the threads become free (a thread ahead takes a step of a part
 * behind: on a shared machine one core is often slowed down for a while). A part works
 * time-major in arrays allocated once per batch size: the input projections of all its timesteps are one matrix
 * product, {@code [x, 1] · [kernel; bias]}, before the loop; each step then adds {@code h_{t-1} · recurrent_kernel} to
 * its block of that result with one product (none at the first step, where {@code h_0 = 0}) and applies the activation
 * from there into the contiguous block of states that the next step reads. Backward (full BPTT) runs one product per
 * step, taking the activation's derivative from the stored states; the part's share of the weight gradients is
 * computed in pieces of a few steps each (enough for 256 rows of the products' inner dimension), added up in a fixed
 * order, and a piece may start as soon as BPTT has passed its steps, on whichever thread is free
 * ({@link ChainsThenPieces}): a thread done with its part early takes pieces of the other, so that neither waits long
 * for the other at the end. The parts' shares are added once the parts are done. Inference of the last state only
 * keeps no states: each part runs its steps in two blocks used in turn, each step's input projection a product of its
 * own, so that a step's data stays in the core's cache. A run repeats bit for bit with the
 * same thread count; across thread counts results agree to float32 rounding (the weight gradients are summed in
 * another order, and BLAS kernels may round edge tiles differently).
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
    /** The fewest samples a part gets when a batch is cut into more parts than threads ({@link #chainsFor}). */
    private static final int CHAIN_ROWS = 64;
    /** The inner dimension a piece of the backward pass's weight-gradient products aims at ({@link #pieceSteps}). */
    private static final int PIECE_ROWS = 256;
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
        boolean streamed = streamedPass(input, training);
        int steps = buffers.steps;
        backend.copy(kernel, inputKernel);
        if (useBias) {
            backend.copy(biasRow, inputBias);
        }
        lastMasked = training && dropout > 0.0;
        if (lastMasked) {
            fillMask(buffers.mask, buffers.maskValues, dropout);
        }
        INDArray[] inputs = buffers.inputViews.of(input);
        if (steps > 1) {
            buffers.prepareRecurrent();
        }
        // Inference without the sequence: nothing needs the states of earlier steps, so each part runs in two blocks
        // used in turn, which stay in cache (see forwardStreamed). A backward pass after it runs forwardStored first.
        if (streamed) {
            forwardStreamed(buffers, inputs);
        } else {
            forwardStored(buffers, inputs);
        }
        return returnSequences ? buffers.sequenceOutput : buffers.lastState;
    }

    /**
     * The forward pass that keeps what BPTT needs. Each part of the batch runs its whole pass alone (samples do not
     * interact in a recurrence), on its own time-major arrays: x_t of its sample b (masked) to row t*rows + b beside a
     * column of ones; every step's input projection z_t = [x_t, 1] · [kernel; bias] in one product; then z_t +=
     * h_{t-1} · recurrent_kernel (h_0 = 0: nothing to add at t = 1) and h_t = f(z_t), step by step. One unit of work
     * per step (Chains): with more parts than threads (large batches), a thread ahead takes steps of a part behind.
     */
    private void forwardStored(Buffers buffers, INDArray[] inputs) {
        Backend backend = backend();
        int steps = buffers.steps;
        for (Part part : buffers.parts) {
            part.ensureStored();
        }
        boolean masked = lastMasked;
        Chains.run(backend, backend.parallelism(), buffers.parts.length, steps, (p, unit) -> {
            Part part = buffers.parts[p];
            int t = unit + 1;
            if (t == 1) {
                backend.copyTimeMajor(inputs[p], masked ? part.mask : null, part.inputs);
                backend.gemm(part.joinedInputs, inputWeights, part.preActivations, false, false, 1.0, 0.0);
            } else {
                backend.gemm(part.stateSteps[t - 2], part.recurrent, part.preActivationSteps[t - 1], 1.0);
            }
            backend.activation(activation, part.preActivationSteps[t - 1], part.stateSteps[t - 1]);
            if (t == steps) {
                if (returnSequences) {
                    backend.copyBatchMajor(part.states, null, part.sequenceOutput);
                } else {
                    backend.copy(part.stateSteps[steps - 1], part.lastState);
                }
            }
        });
    }

    /**
     * Inference, last state only (two or more steps): the same products and activation as {@link #forwardStored},
     * but each step's input projection is its own product, into one of two blocks that the part uses in turn, and
     * the activation overwrites it in place: step t computes {@code [x_t, 1] · [kernel; bias] + h_{t-1} ·
     * recurrent_kernel} into block {@code t % 2} while block {@code (t - 1) % 2} holds {@code h_{t-1}}. The working
     * set of a step (two blocks and the prepared kernel) stays in the core's cache instead of streaming every step's
     * pre-activations and states through memory; in a probe with 256-row parts this ran 8-14 % faster. The states are
     * float32 products of the same values as in the stored pass.
     */
    private void forwardStreamed(Buffers buffers, INDArray[] inputs) {
        Backend backend = backend();
        int steps = buffers.steps;
        for (Part part : buffers.parts) {
            part.ensureStreamBlocks();
        }
        Chains.run(backend, backend.parallelism(), buffers.parts.length, steps, (p, unit) -> {
            Part part = buffers.parts[p];
            int t = unit + 1;
            if (t == 1) {
                backend.copyTimeMajor(inputs[p], null, part.inputs);
            }
            INDArray block = part.streamBlocks[t % 2];
            backend.gemm(part.joinedInputSteps[t - 1], inputWeights, block, false, false, 1.0, 0.0);
            if (t > 1) {
                backend.gemm(part.streamBlocks[(t - 1) % 2], part.recurrent, block, 1.0);
            }
            backend.activation(activation, block, block);
            if (t == steps) {
                backend.copy(block, part.lastState);
            }
        });
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        Backend backend = backend();
        Buffers buffers = last;
        int steps = buffers.steps;
        INDArray again = inputToStore();
        if (again != null) {
            forwardStored(buffers, buffers.inputViews.of(again));
        }
        INDArray[] outputGradients = buffers.outputGradientViews.of(outputGradient);
        // BPTT: dz_t = dh_t * f'(h_t); dh_{t-1} (+)= dz_t · recurrent_kernel^T (the pre-activations are not needed any
        // more: dz_t takes their place). Then each part's share of the weight gradients, [x, 1]^T · dz for kernel and
        // bias and h_{t-1}^T · dz_t (t >= 2) for recurrent_kernel, the first part's straight into the gradients.
        double accumulate = returnSequences ? 1.0 : 0.0;
        ChainsThenPieces.run(backend, backend.parallelism(), buffers.parts.length, buffers.pieceNeeds, (p, reached) -> {
            Part part = buffers.parts[p];
            if (returnSequences) {
                backend.copyTimeMajor(outputGradients[p], null, part.stateGradients);
            } else {
                backend.copy(outputGradients[p], part.stateGradientSteps[steps - 1]);
            }
            if (steps > 1) {
                part.recurrentTransposed = backend.prepare(recurrentKernel, true, part.to - part.from,
                        part.recurrentTransposed);
            }
            for (int t = steps; t >= 1; t--) {
                backend.activationBackward(activation, part.stateSteps[t - 1], part.stateGradientSteps[t - 1],
                        part.preActivationSteps[t - 1]);
                reached.accept(steps - t + 1);
                if (t > 1) {
                    backend.gemm(part.preActivationSteps[t - 1], part.recurrentTransposed,
                            part.stateGradientSteps[t - 2], accumulate);
                }
            }
        }, (p, j) -> {
            // The part's share of the weight gradients over the piece's steps, added to its earlier pieces' (the
            // pieces of a part run in order), and the input gradients of those steps.
            Part part = buffers.parts[p];
            StepPiece piece = part.pieces[j];
            double beta = j == 0 ? 0.0 : 1.0;
            backend.gemm(piece.joinedInputs, piece.preActivations, p == 0 ? inputWeightsGradient
                    : part.inputWeightsGradient, true, false, 1.0, beta);
            if (piece.previousStates != null) {
                backend.gemm(piece.previousStates, piece.laterPreActivations, p == 0 ? recurrentKernelGradient
                        : part.recurrentKernelGradient, true, false, 1.0, beta);
            }
            if (needInputGradient) {
                backend.gemm(piece.preActivations, inputKernel, piece.inputGradients, false, true, 1.0, 0.0);
                if (j == part.pieces.length - 1) {
                    backend.copyBatchMajor(part.inputGradients, lastMasked ? part.mask : null,
                            part.inputGradientOutput);
                }
            }
        });
        for (int p = 1; p < buffers.parts.length; p++) {
            backend.axpy(1.0, buffers.parts[p].inputWeightsGradient, inputWeightsGradient);
            if (steps > 1) {
                backend.axpy(1.0, buffers.parts[p].recurrentKernelGradient, recurrentKernelGradient);
            }
        }
        if (steps == 1) {
            recurrentKernelGradient.assign(0.0);
        }
        backend.copy(inputKernelGradient, kernelGradient);
        if (useBias) {
            backend.copy(inputBiasGradient, biasGradientRow);
        }
        return needInputGradient ? buffers.inputGradientOutput : null;
    }

    /**
     * @return how many parts a batch this size runs in: one per thread ({@link #partsFor}), or twice that where each
     *         part still gets {@value #CHAIN_ROWS} samples or more (large batches, as in inference), so that a thread
     *         ahead can take steps of a part behind; smaller parts would multiply less efficiently
     */
    private int chainsFor(int batch) {
        int threads = backend().parallelism();
        return threads > 1 && batch / (2 * threads) >= CHAIN_ROWS ? 2 * threads : partsFor(batch);
    }

    /**
     * @return how many steps a piece of the backward pass covers for parts of {@code rows} samples: enough for
     *         {@value #PIECE_ROWS} rows of the weight gradients' inner dimension (4 steps for parts of 64). Pieces of
     *         2, 4 and 7 steps measured alike.
     */
    private static int pieceSteps(int rows) {
        return Math.max(1, (PIECE_ROWS + rows - 1) / Math.max(rows, 1));
    }

    private Buffers allocate(int batch) {
        return new Buffers(batch, inputShape().dim(0), inputShape().dim(1));
    }

    /**
     * Per-part views of the arrays a caller passes in (the batch's inputs, the output gradients), made again only when
     * the caller passes another array: the training loop passes the same buffers every step, and ND4J takes tens of
     * microseconds to make a view.
     */
    private static final class PartViews {
        private final Part[] parts;
        private INDArray source;
        private INDArray[] views;

        PartViews(Part[] parts) {
            this.parts = parts;
        }

        INDArray[] of(INDArray array) {
            if (array != source) {
                INDArray[] made = new INDArray[parts.length];
                for (int p = 0; p < parts.length; p++) {
                    made[p] = parts.length == 1 ? array : parts[p].rowsOf(array);
                }
                views = made;
                source = array;
            }
            return views;
        }
    }

    /**
     * Arrays for one batch size, created once: the outputs and input gradients the layer hands out, the dropout
     * mask, and one {@link Part} per part of the batch.
     */
    private final class Buffers {
        final int steps;
        /**
         * The backward pass's pieces ({@link ChainsThenPieces}): for each, how many BPTT steps it needs done (it
         * covers the steps down to {@code steps - needs + 1}).
         */
        final int[] pieceNeeds;
        final INDArray lastState;
        final INDArray sequenceOutput;
        final INDArray inputGradientOutput;
        final INDArray mask;
        final float[] maskValues;
        final Part[] parts;
        final PartViews inputViews;
        final PartViews outputGradientViews;

        Buffers(int batch, int steps, int features) {
            Backend backend = backend();
            this.steps = steps;
            int count = chainsFor(batch);
            int pieceSteps = count > 1 ? pieceSteps(batch / count) : steps;
            pieceNeeds = new int[(steps + pieceSteps - 1) / pieceSteps];
            for (int j = 0; j < pieceNeeds.length; j++) {
                pieceNeeds[j] = Math.min(steps, (j + 1) * pieceSteps);
            }
            lastState = backend.zeros(dataType(), batch, units);
            sequenceOutput = returnSequences ? backend.zeros(dataType(), batch, steps, units) : null;
            inputGradientOutput = backend.zeros(dataType(), batch, steps, features);
            mask = backend.zeros(dataType(), batch, features);
            maskValues = new float[batch * features];
            parts = new Part[count];
            for (int p = 0; p < count; p++) {
                parts[p] = new Part(this, Backend.partStart(batch, count, p), Backend.partStart(batch, count, p + 1),
                        steps, features);
            }
            inputViews = new PartViews(parts);
            outputGradientViews = new PartViews(parts);
        }

        /**
         * Prepares recurrent_kernel for the forward pass once for every row count among the parts, on the calling
         * thread before the parts run (a part may run on any thread); parts of equal rows share it, as a prepared
         * matrix is only read.
         */
        void prepareRecurrent() {
            for (int p = 0; p < parts.length; p++) {
                Part part = parts[p];
                Part previous = p > 0 ? parts[p - 1] : null;
                if (previous != null && previous.to - previous.from == part.to - part.from) {
                    part.recurrent = previous.recurrent;
                } else {
                    part.ownRecurrent = backend().prepare(recurrentKernel, false, part.to - part.from,
                            part.ownRecurrent);
                    part.recurrent = part.ownRecurrent;
                }
            }
        }
    }

    /**
     * The arrays of one part of a batch (samples {@code [from, to)}), time-major: block {@code t - 1} of {@code rows}
     * rows belongs to step {@code t}. The joined inputs {@code [x_t, 1]}, the pre-activations {@code z_t} (replaced
     * by their gradients in the backward pass), the states {@code h_t} and their gradients, with the per-step views
     * into them and views of this part's rows of the batch's outputs.
     */
    private final class Part {
        final int from;
        final int to;
        final INDArray joinedInputs;
        /** Each step's block of the joined inputs ({@link #forwardStreamed}). */
        final INDArray[] joinedInputSteps;
        final INDArray inputs;
        /*
         * The arrays of the pass that keeps every step for BPTT, made on the first such pass ({@link #ensureStored}):
         * inference alone never makes them.
         */
        INDArray preActivations;
        INDArray[] preActivationSteps;
        INDArray states;
        INDArray[] stateSteps;
        /** All steps' state gradients with returnSequences; otherwise two blocks used in turn. */
        INDArray stateGradients;
        INDArray[] stateGradientSteps;
        /** The steps of the backward pass's pieces ({@link #pieceSteps}), latest first. */
        StepPiece[] pieces;
        INDArray inputGradients;
        /** This part's share of the weight gradients (the first part writes the layer's own arrays instead). */
        INDArray inputWeightsGradient;
        INDArray recurrentKernelGradient;
        /** The two blocks inference uses in turn ({@link #forwardStreamed}), made on the first such pass. */
        INDArray[] streamBlocks;
        final INDArray mask;
        final INDArray lastState;
        final INDArray sequenceOutput;
        final INDArray inputGradientOutput;
        /** recurrent_kernel (and its transpose) made ready for this part's per-step products, once per pass. */
        PreparedMatrix recurrent;
        PreparedMatrix recurrentTransposed;
        /** The forward pass's prepared matrix this part made itself (kept for the next pass), if it made one. */
        PreparedMatrix ownRecurrent;

        private final Buffers buffers;

        Part(Buffers buffers, int from, int to, int steps, int features) {
            Backend backend = backend();
            this.buffers = buffers;
            this.from = from;
            this.to = to;
            int rows = to - from;
            long all = (long) steps * rows;
            joinedInputs = backend.zeros(dataType(), all, inputColumns);
            if (useBias) {
                joinedInputs.get(NDArrayIndex.all(), NDArrayIndex.point(features)).assign(1.0);
                inputs = joinedInputs.get(NDArrayIndex.all(), NDArrayIndex.interval(0, features));
            } else {
                inputs = joinedInputs;
            }
            joinedInputSteps = rowBlocks(joinedInputs, steps, rows);
            boolean whole = from == 0 && to == buffers.lastState.size(0);
            mask = whole ? buffers.mask : rowsOf(buffers.mask);
            lastState = whole ? buffers.lastState : rowsOf(buffers.lastState);
            sequenceOutput = buffers.sequenceOutput == null ? null
                    : whole ? buffers.sequenceOutput : rowsOf(buffers.sequenceOutput);
            inputGradientOutput = whole ? buffers.inputGradientOutput : rowsOf(buffers.inputGradientOutput);
        }

        /** Makes the arrays of the pass that keeps every step, once (on the calling thread, before parts run). */
        void ensureStored() {
            if (preActivations != null) {
                return;
            }
            Backend backend = backend();
            int rows = to - from;
            int steps = joinedInputSteps.length;
            long all = (long) steps * rows;
            int features = Math.toIntExact(inputs.size(1));
            preActivations = backend.zeros(dataType(), all, units);
            preActivationSteps = rowBlocks(preActivations, steps, rows);
            states = backend.zeros(dataType(), all, units);
            stateSteps = rowBlocks(states, steps, rows);
            if (returnSequences) {
                stateGradients = backend.zeros(dataType(), all, units);
                stateGradientSteps = rowBlocks(stateGradients, steps, rows);
            } else {
                // Only the last state gets a gradient from outside: BPTT needs dh_t for one step at a time, so two
                // blocks in turn (kept in cache) serve every step.
                stateGradients = backend.zeros(dataType(), 2L * rows, units);
                stateGradientSteps = inTurn(rowBlocks(stateGradients, 2, rows), steps);
            }
            inputGradients = backend.zeros(dataType(), all, features);
            int[] needs = buffers.pieceNeeds;
            pieces = new StepPiece[needs.length];
            for (int j = 0; j < pieces.length; j++) {
                // steps a .. b (1-based); the pieces before this one hold the steps after b
                int b = steps - (j == 0 ? 0 : needs[j - 1]);
                int a = steps - needs[j] + 1;
                pieces[j] = new StepPiece(this, rows, a, b);
            }
            boolean first = from == 0;
            inputWeightsGradient = first ? null : backend.zeros(dataType(), inputColumns, units);
            recurrentKernelGradient = first ? null : backend.zeros(dataType(), units, units);
        }

        /** Makes the two blocks of inference, once (on the calling thread, before parts run). */
        void ensureStreamBlocks() {
            if (streamBlocks == null) {
                streamBlocks = rowBlocks(backend().zeros(dataType(), 2L * (to - from), units), 2, to - from);
            }
        }

        /** @return this part's samples (rows {@code [from, to)} along the first axis) of a batch-major array */
        INDArray rowsOf(INDArray array) {
            return Values.rows(array, from, to);
        }
    }

    /**
     * Views of a part's arrays over steps {@code a .. b} (1-based, time-major blocks of {@code rows} rows): the
     * joined inputs, pre-activation gradients and input gradients of those steps, and for recurrent_kernel's gradient
     * the states {@code h_{t-1}} and gradients {@code dz_t} of its steps from 2 on (null when the piece is step 1
     * alone). Made once: ND4J takes tens of microseconds to make a view.
     */
    private static final class StepPiece {
        final INDArray joinedInputs;
        final INDArray preActivations;
        final INDArray inputGradients;
        final INDArray previousStates;
        final INDArray laterPreActivations;

        StepPiece(Part part, int rows, int a, int b) {
            long top = (long) (a - 1) * rows;
            long bottom = (long) b * rows;
            joinedInputs = rows(part.joinedInputs, top, bottom);
            preActivations = rows(part.preActivations, top, bottom);
            inputGradients = rows(part.inputGradients, top, bottom);
            int first = Math.max(a, 2);
            previousStates = first > b ? null : rows(part.states, (long) (first - 2) * rows, (long) (b - 1) * rows);
            laterPreActivations = first > b ? null : rows(part.preActivations, (long) (first - 1) * rows, bottom);
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
