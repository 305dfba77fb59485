package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.PreparedMatrix;
import dev.rnn4j.core.SeededRandom;
import dev.rnn4j.core.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The settings and shape rules every recurrent layer shares: input {@code [batch, timesteps, features]}, output
 * {@code [batch, units]} or, with {@code returnSequences}, {@code [batch, timesteps, units]}. A layer adds its own
 * settings and its math.
 */
public abstract class AbstractRecurrentLayer extends AbstractLayer {
    /** The fewest samples a part of a batch gets in the per-step loops; smaller batches run in fewer parts. */
    protected static final int MIN_PART_ROWS = 16;

    protected final int units;
    protected final ActivationFunction activation;
    protected final boolean useBias;
    protected final boolean returnSequences;
    protected final double dropout;
    protected final Initializer kernelInitializer;
    protected final Initializer recurrentInitializer;
    protected final Initializer biasInitializer;
    /** Uniform numbers for {@link #fillMask}, drawn in one call; grown to the largest mask. */
    private double[] uniforms = new double[0];
    /** The last forward pass's input, and whether that pass kept no steps ({@link #streamedPass}). */
    private INDArray lastInput;
    private boolean lastStreamed;

    /**
     * @param builder   the settings, checked here
     * @param layerType the layer's type name, for messages
     */
    AbstractRecurrentLayer(RecurrentBuilder<?> builder, String layerType) {
        builder.check(layerType);
        this.units = builder.units;
        this.activation = builder.activation;
        this.useBias = builder.useBias;
        this.returnSequences = builder.returnSequences;
        this.dropout = builder.dropout;
        this.kernelInitializer = builder.kernelInitializer;
        this.recurrentInitializer = builder.recurrentInitializer;
        this.biasInitializer = builder.biasInitializer;
    }

    /** @return the size of the state */
    public final int units() {
        return units;
    }

    /** @return whether the output is every state rather than the last */
    public final boolean returnSequences() {
        return returnSequences;
    }

    /** @return the input dropout rate */
    public final double dropout() {
        return dropout;
    }

    /**
     * Draws a dropout mask as Keras does: each value is kept with probability {@code 1 - rate} and scaled by
     * {@code 1 / (1 - rate)}, from the model's generator, in a fixed order.
     *
     * @param mask   the mask array, overwritten
     * @param values a scratch array of the mask's length
     * @param rate   the dropout rate in (0, 1)
     */
    protected final void fillMask(INDArray mask, float[] values, double rate) {
        float keep = (float) (1.0 / (1.0 - rate));
        Random random = context().random();
        if (random instanceof SeededRandom seeded) {
            if (uniforms.length < values.length) {
                uniforms = new double[values.length];
            }
            seeded.nextDoubles(uniforms, values.length);
            for (int i = 0; i < values.length; i++) {
                values[i] = uniforms[i] >= rate ? keep : 0f;
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextDouble() >= rate ? keep : 0f;
            }
        }
        backend().write(values, mask);
    }

    /**
     * @param matrix       a C-ordered matrix
     * @param count        the number of blocks
     * @param rowsPerBlock the rows in each block
     * @return views of consecutive row blocks (contiguous, so the backend's fast paths apply), created once
     */
    /** Makes the buffers of one part of a batch: {@code rows} samples, with the rows of the batch's masks they use. */
    protected interface PartFactory<B> {
        B create(int rows, INDArray inputMask, INDArray recurrentMask);
    }

    /** A layer's forward pass over one part's buffers; returns the part's output, owned by the buffers. */
    protected interface PartForward<B> {
        INDArray run(B buffers, INDArray input);
    }

    /**
     * A layer's backward pass over one part's buffers: writes its weight gradients into {@code weightGradients} (in the
     * order of {@link #parameters()}) and returns the part's input gradient, or null when not needed.
     */
    protected interface PartBackward<B> {
        INDArray run(B buffers, INDArray outputGradient, boolean needInputGradient, INDArray[] weightGradients);
    }

    /**
     * A batch size's buffers, cut into parts ({@link Backend#runParts}): one set of buffers per part, the batch's
     * dropout masks (each part sees its rows), and with several parts the whole output, input gradient and one set of
     * weight gradients per part, summed in part order after the parts meet.
     */
    protected final class Split<B> {
        final int parts;
        final int[] starts;
        final List<B> buffers = new ArrayList<>();
        /** The batch's input dropout mask {@code [batch, features]} and its values, drawn in one piece. */
        private final INDArray inputMask;
        private final float[] inputMaskValues;
        /** The batch's recurrent dropout mask {@code [batch, units]}, or null without recurrent dropout. */
        private final INDArray recurrentMask;
        private final float[] recurrentMaskValues;
        final INDArray output;
        final INDArray inputGradient;
        final INDArray[][] partialGradients;
        private final double recurrentDropout;
        private boolean inputMasked;
        private boolean recurrentMasked;

        Split(int batch, double recurrentDropout, PartFactory<B> factory) {
            this.recurrentDropout = recurrentDropout;
            Backend backend = backend();
            int steps = inputShape().dim(0);
            int features = inputShape().dim(1);
            parts = partsFor(batch);
            starts = new int[parts + 1];
            for (int part = 0; part <= parts; part++) {
                starts[part] = Backend.partStart(batch, parts, part);
            }
            inputMask = backend.zeros(dataType(), batch, features);
            inputMaskValues = new float[batch * features];
            recurrentMask = recurrentDropout > 0.0 ? backend.zeros(dataType(), batch, units) : null;
            recurrentMaskValues = recurrentDropout > 0.0 ? new float[batch * units] : null;
            for (int part = 0; part < parts; part++) {
                buffers.add(factory.create(starts[part + 1] - starts[part], rowsOf(inputMask, part),
                        recurrentMask == null ? null : rowsOf(recurrentMask, part)));
            }
            if (parts == 1) {
                output = null;
                inputGradient = null;
                partialGradients = null;
                return;
            }
            output = returnSequences ? backend.zeros(dataType(), batch, steps, units)
                    : backend.zeros(dataType(), batch, units);
            inputGradient = backend.zeros(dataType(), batch, steps, features);
            List<Parameter> parameters = parameters();
            partialGradients = new INDArray[parts][parameters.size()];
            for (int part = 0; part < parts; part++) {
                for (int i = 0; i < parameters.size(); i++) {
                    partialGradients[part][i] = backend.zeros(dataType(), parameters.get(i).gradient().shape());
                }
            }
        }

        /** @return rows {@code [starts[part], starts[part + 1])} of an array whose first dimension is the batch */
        INDArray rowsOf(INDArray array, int part) {
            return parts == 1 ? array : Values.rows(array, starts[part], starts[part + 1]);
        }

        /** @return whether the last forward pass masked the inputs (training with dropout) */
        public boolean inputMasked() {
            return inputMasked;
        }

        /** @return whether the last forward pass masked the states (training with recurrent dropout) */
        public boolean recurrentMasked() {
            return recurrentMasked;
        }

        /**
         * Draws the batch's dropout masks when training, then runs {@code forward} on every part, side by side, and
         * returns the batch's output.
         */
        public INDArray forward(INDArray input, boolean training, PartForward<B> forward) {
            inputMasked = training && dropout > 0.0;
            recurrentMasked = training && recurrentDropout > 0.0;
            if (inputMasked) {
                fillMask(inputMask, inputMaskValues, dropout);
            }
            if (recurrentMasked) {
                fillMask(recurrentMask, recurrentMaskValues, recurrentDropout);
            }
            if (parts == 1) {
                return forward.run(buffers.get(0), input);
            }
            INDArray[] inputs = new INDArray[parts];
            INDArray[] outputs = new INDArray[parts];
            for (int part = 0; part < parts; part++) {
                inputs[part] = rowsOf(input, part);
                outputs[part] = rowsOf(output, part);
            }
            backend().runParts(parts, part -> backend().copy(forward.run(buffers.get(part), inputs[part]),
                    outputs[part]));
            return output;
        }

        /** Runs {@code backward} on every part, side by side, sums the weight gradients, returns the input gradient. */
        public INDArray backward(INDArray outputGradient, boolean needInputGradient, PartBackward<B> backward) {
            List<Parameter> parameters = parameters();
            if (parts == 1) {
                INDArray[] gradients = new INDArray[parameters.size()];
                for (int i = 0; i < gradients.length; i++) {
                    gradients[i] = parameters.get(i).gradient();
                }
                return backward.run(buffers.get(0), outputGradient, needInputGradient, gradients);
            }
            INDArray[] outputGradients = new INDArray[parts];
            INDArray[] inputGradients = new INDArray[parts];
            for (int part = 0; part < parts; part++) {
                outputGradients[part] = rowsOf(outputGradient, part);
                inputGradients[part] = rowsOf(inputGradient, part);
            }
            backend().runParts(parts, part -> {
                INDArray result = backward.run(buffers.get(part), outputGradients[part], needInputGradient,
                        partialGradients[part]);
                if (needInputGradient) {
                    backend().copy(result, inputGradients[part]);
                }
            });
            for (int i = 0; i < parameters.size(); i++) {
                INDArray gradient = parameters.get(i).gradient();
                backend().copy(partialGradients[0][i], gradient);
                for (int part = 1; part < parts; part++) {
                    backend().axpy(1.0, partialGradients[part][i], gradient);
                }
            }
            return needInputGradient ? inputGradient : null;
        }
    }

    /**
     * Decides how a forward pass runs: inference of the last state (two steps or more) keeps no steps, only two blocks
     * of each per-step array used in turn, which stay in the core's cache and take a fraction of the memory; training,
     * and inference of the whole sequence, keep every step. Call once at the start of each forward pass.
     *
     * @param input    the pass's input, kept for {@link #inputToStore}
     * @param training whether the pass is a training pass
     * @return whether the pass keeps no steps
     */
    protected final boolean streamedPass(INDArray input, boolean training) {
        lastInput = input;
        lastStreamed = !training && !returnSequences && inputShape().dim(0) > 1;
        return lastStreamed;
    }

    /**
     * For backward: a backward pass right after a pass that kept no steps (a gradient check does this) must first run
     * the pass that keeps them, on the same input, without dropout. Call once at the start of each backward pass.
     *
     * @return that input when the last forward pass kept no steps (then once only), otherwise null
     */
    protected final INDArray inputToStore() {
        if (!lastStreamed) {
            return null;
        }
        lastStreamed = false;
        return lastInput;
    }

    /**
     * @param blocks the blocks used in turn (arrays, or the views of one step's gates)
     * @param length the number of step views
     * @return step views {@code 0 .. length - 1}, view {@code t} being {@code blocks[t % blocks.length]}: arrays of
     *         steps that inference keeps only as long as the next steps need them
     */
    protected static <T> T[] inTurn(T[] blocks, int length) {
        T[] views = java.util.Arrays.copyOf(blocks, length);
        for (int t = blocks.length; t < length; t++) {
            views[t] = blocks[t % blocks.length];
        }
        return views;
    }

    /**
     * @param matrix a {@code [steps * batch, gates * units]} matrix in Keras's column order (one block of columns per
     *               gate)
     * @param steps  timesteps
     * @param batch  rows per step
     * @param gates  gates side by side
     * @return {@code [step][gate]}: the gate's columns of the step's rows, as column blocks of {@code matrix} (taken
     *         from the matrix itself: ND4J cannot take blocks of a row-block view)
     */
    protected INDArray[][] gateBlocks(INDArray matrix, int steps, int batch, int gates) {
        INDArray[][] blocks = new INDArray[steps][gates];
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < gates; k++) {
                blocks[t][k] = matrix.get(NDArrayIndex.interval((long) t * batch, (long) (t + 1) * batch),
                        NDArrayIndex.interval((long) k * units, (long) (k + 1) * units));
            }
        }
        return blocks;
    }

    /**
     * @param batch the batch size
     * @return how many parts the per-step loops of a batch this size run in: the backend's parallelism, but at least
     *         {@value #MIN_PART_ROWS} samples a part
     */
    protected int partsFor(int batch) {
        return Math.max(1, Math.min(backend().parallelism(), batch / MIN_PART_ROWS));
    }

    /**
     * BPTT's step into the previous state: {@code dh_{t-1} (+)= (dz_t · recurrent_kernel^T) * mask}, the kernel
     * prepared transposed ({@link Backend#prepare}).
     *
     * @param kernelTransposed      recurrent_kernel, prepared with {@code transposeB} for this part's rows
     * @param gradient              {@code dz_t}, the gradient of the step's recurrent projection
     * @param previousStateGradient {@code dh_{t-1}}, written or added to
     * @param accumulate            add to {@code previousStateGradient} instead of overwriting it
     * @param mask                  the recurrent dropout mask of this part, or null without recurrent dropout
     * @param scratch               room for the product when masked, the shape of {@code previousStateGradient}
     */
    protected static void recurrentGradient(Backend backend, PreparedMatrix kernelTransposed, INDArray gradient,
            INDArray previousStateGradient, boolean accumulate, INDArray mask, INDArray scratch) {
        if (mask == null) {
            backend.gemm(gradient, kernelTransposed, previousStateGradient, accumulate ? 1.0 : 0.0);
            return;
        }
        backend.gemm(gradient, kernelTransposed, scratch, 0.0);
        if (!accumulate) {
            backend.multiply(scratch, mask, previousStateGradient);
            return;
        }
        backend.multiply(scratch, mask, scratch);
        backend.axpy(1.0, scratch, previousStateGradient);
    }

    /**
     * @param blocks per-step row blocks of {@code batch} rows each
     * @param batch  rows per block
     * @param parts  the number of parts
     * @return {@code [part][step]}: rows {@code [partStart(batch, parts, part), partStart(batch, parts, part + 1))} of
     *         each block, as views
     */
    protected static INDArray[][] partBlocks(INDArray[] blocks, int batch, int parts) {
        INDArray[][] result = new INDArray[parts][blocks.length];
        for (int part = 0; part < parts; part++) {
            long from = Backend.partStart(batch, parts, part);
            long to = Backend.partStart(batch, parts, part + 1);
            for (int i = 0; i < blocks.length; i++) {
                result[part][i] = parts == 1 ? blocks[i]
                        : blocks[i].get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            }
        }
        return result;
    }

    protected static INDArray[] rowBlocks(INDArray matrix, int count, int rowsPerBlock) {
        INDArray[] blocks = new INDArray[count];
        for (int i = 0; i < count; i++) {
            blocks[i] = matrix.get(NDArrayIndex.interval((long) i * rowsPerBlock, (long) (i + 1) * rowsPerBlock),
                    NDArrayIndex.all());
        }
        return blocks;
    }

    @Override
    public Shape outputShape(Shape inputShape) {
        requireRank(inputShape, 2, "[batch, timesteps, features]");
        return returnSequences ? Shape.of(inputShape.dim(0), units) : Shape.of(units);
    }
}
