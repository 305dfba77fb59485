package dev.rnn4j.core.layers;

import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Regularizer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.ConfigValues;
import dev.rnn4j.core.ShapeCache;
import dev.rnn4j.core.Values;
import dev.rnn4j.core.initializers.Initializers;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code Embedding(input_dim, output_dim, mask_zero)}: token ids {@code [batch, timesteps]} (whole numbers in
 * {@code [0, inputDim)}, held in the model's float type) become vectors {@code [batch, timesteps, outputDim]}, rows of
 * {@code embeddings [inputDim, outputDim]} (uniform on [-0.05, 0.05] by default). With {@code maskZero}, id 0 is
 * padding: the layer's mask is 0 there, and recurrent layers after it skip those timesteps.
 *
 * <p>Ids are not differentiable: the input gradient is zeros. The embeddings' gradient adds each timestep's output
 * gradient to its id's row.
 */
public final class Embedding extends AbstractLayer {
    private final int inputDim;
    private final int outputDim;
    private final boolean maskZero;
    private final Initializer embeddingsInitializer;
    private final Regularizer embeddingsRegularizer;

    private INDArray embeddings;
    private final ShapeCache<INDArray[]> buffers = new ShapeCache<>();
    private INDArray[] last;
    private int[] lastIds;

    /**
     * @param inputDim  the vocabulary size (ids {@code 0 .. inputDim - 1}), at least 1
     * @param outputDim the vector size, at least 1
     */
    public Embedding(int inputDim, int outputDim) {
        this(inputDim, outputDim, false);
    }

    /**
     * @param inputDim  the vocabulary size, at least 1 (with {@code maskZero}, id 0 is padding and counts in it)
     * @param outputDim the vector size, at least 1
     * @param maskZero  whether id 0 is padding, masked for the layers after
     */
    public Embedding(int inputDim, int outputDim, boolean maskZero) {
        this(inputDim, outputDim, maskZero, Initializers.randomUniform(-0.05, 0.05));
    }

    /**
     * @param inputDim              the vocabulary size, at least 1
     * @param outputDim             the vector size, at least 1
     * @param maskZero              whether id 0 is padding
     * @param embeddingsInitializer the embeddings' initializer
     */
    public Embedding(int inputDim, int outputDim, boolean maskZero, Initializer embeddingsInitializer) {
        this(inputDim, outputDim, maskZero, embeddingsInitializer, null);
    }

    /**
     * @param inputDim              the vocabulary size, at least 1
     * @param outputDim             the vector size, at least 1
     * @param maskZero              whether id 0 is padding
     * @param embeddingsInitializer the embeddings' initializer
     * @param embeddingsRegularizer the penalty on the embeddings (all rows, as Keras), or null for none
     */
    public Embedding(int inputDim, int outputDim, boolean maskZero, Initializer embeddingsInitializer,
            Regularizer embeddingsRegularizer) {
        if (inputDim < 1 || outputDim < 1) {
            throw new IllegalArgumentException("Embedding input_dim and output_dim: expected at least 1, found "
                    + inputDim + " and " + outputDim);
        }
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.maskZero = maskZero;
        this.embeddingsInitializer = Objects.requireNonNull(embeddingsInitializer, "embeddingsInitializer is null");
        this.embeddingsRegularizer = embeddingsRegularizer;
    }

    /**
     * @param config {@code input_dim}, {@code output_dim}, {@code mask_zero} (false), {@code embeddings_initializer}
     *               (uniform) and {@code embeddings_regularizer} (none), as Keras's {@code from_config}
     * @return a new unbuilt layer
     */
    public static Embedding fromConfig(Map<String, Object> config) {
        return new Embedding(ConfigValues.requiredInt(config, "input_dim"),
                ConfigValues.requiredInt(config, "output_dim"),
                ConfigValues.optionalBoolean(config, "mask_zero", false),
                ConfigValues.initializer(config, "embeddings_initializer", Initializers.randomUniform(-0.05, 0.05)),
                ConfigValues.regularizer(config, "embeddings_regularizer"));
    }

    /** @return the vocabulary size */
    public int inputDim() {
        return inputDim;
    }

    /** @return the vector size */
    public int outputDim() {
        return outputDim;
    }

    /** @return whether id 0 is padding */
    public boolean maskZero() {
        return maskZero;
    }

    @Override
    public Shape outputShape(Shape inputShape) {
        if (inputShape.rank() != 1) {
            throw new IllegalArgumentException(label() + ": expected token ids of shape (None, timesteps), found "
                    + inputShape);
        }
        return Shape.of(inputShape.dim(0), outputDim);
    }

    @Override
    public long countParams(Shape inputShape) {
        return (long) inputDim * outputDim;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("input_dim", inputDim);
        config.put("output_dim", outputDim);
        config.put("mask_zero", maskZero);
        ConfigValues.putInitializer(config, "embeddings_initializer", embeddingsInitializer);
        ConfigValues.putRegularizer(config, "embeddings_regularizer", embeddingsRegularizer);
        return config;
    }

    /** Takes the mask of a padded batch (a data source's), so that padded ids need not be 0 to be skipped. */
    @Override
    public boolean supportsMasking() {
        return true;
    }

    /**
     * @return with {@code maskZero}, 1 where the id is not 0 (and the incoming mask, if any, is 1); otherwise the
     *         incoming mask
     */
    @Override
    public INDArray computeMask(INDArray input, INDArray inputMask) {
        INDArray own = maskZero ? input.neq(0.0).castTo(input.dataType()) : null;
        if (inputMask == null || own == null) {
            return own != null ? own : inputMask;
        }
        return own.muli(inputMask.castTo(own.dataType()));
    }

    @Override
    protected void buildInternal(Shape inputShape) {
        embeddings = addWeight("embeddings", new int[] {inputDim, outputDim}, embeddingsInitializer,
                embeddingsRegularizer);
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        lastIds = ids(input);
        last = buffers.get(input.shape(), () -> new INDArray[] {
            backend().zeros(dataType(), input.size(0), input.size(1), outputDim),
            backend().zeros(dataType(), input.shape())});
        INDArray rows = last[0].reshape('c', lastIds.length, outputDim);
        backend().gatherRows(embeddings, lastIds, 0, rows);
        return last[0];
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        double[] g = Values.of(outputGradient);
        double[] sums = new double[inputDim * outputDim];
        for (int i = 0; i < lastIds.length; i++) {
            int row = lastIds[i] * outputDim;
            int at = i * outputDim;
            for (int j = 0; j < outputDim; j++) {
                sums[row + j] += g[at + j];
            }
        }
        Values.write(sums, parameter("embeddings").gradient());
        return needInputGradient ? last[1] : null;
    }

    /** @return the ids as ints, after checking they are whole numbers in range */
    private int[] ids(INDArray input) {
        double[] values = Values.of(input);
        int[] ids = new int[values.length];
        int timesteps = Math.toIntExact(input.size(1));
        for (int i = 0; i < values.length; i++) {
            double value = values[i];
            if (value != Math.rint(value) || value < 0 || value >= inputDim) {
                throw new IllegalArgumentException(label() + ": expected token ids in [0, " + inputDim + "), found "
                        + value + " at sample " + i / timesteps + ", timestep " + i % timesteps + " of a batch "
                        + Arrays.toString(input.shape()));
            }
            ids[i] = (int) value;
        }
        return ids;
    }
}
