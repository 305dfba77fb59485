package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Shape;
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
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() >= rate ? keep : 0f;
        }
        backend().write(values, mask);
    }

    /**
     * @param matrix       a C-ordered matrix
     * @param count        the number of blocks
     * @param rowsPerBlock the rows in each block
     * @return views of consecutive row blocks (contiguous, so the backend's fast paths apply), created once
     */
    /**
     * @param batch the batch size
     * @return how many parts the per-step loops of a batch this size run in: the backend's parallelism, but at least
     *         {@value #MIN_PART_ROWS} samples a part
     */
    protected int partsFor(int batch) {
        return Math.max(1, Math.min(backend().parallelism(), batch / MIN_PART_ROWS));
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
