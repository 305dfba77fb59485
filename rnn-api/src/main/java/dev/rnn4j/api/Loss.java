package dev.rnn4j.api;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A loss over a batch: the mean over samples (or over the timesteps of every sample) of a per-row loss. Predictions
 * have the model's output shape; targets one of {@link #targetShapes}. Arrays are not modified.
 */
public interface Loss {

    /** @return Keras's name, for example {@code categorical_crossentropy} */
    String name();

    /**
     * The constructor arguments under Keras's names, saved with a compiled model so that the loss can be rebuilt.
     *
     * @return the arguments; empty (the default) for a loss that takes none
     */
    default Map<String, Object> config() {
        return Map.of();
    }

    /**
     * The sample shapes of the targets this loss takes for an output of the given sample shape, the first being the
     * usual one; a model checks {@code y} against them before training.
     *
     * @param outputShape the output's sample shape
     * @return by default the output's own shape
     */
    default List<Shape> targetShapes(Shape outputShape) {
        return List.of(outputShape);
    }

    /**
     * @param predictions the model's output
     * @param targets     the expected output, same shape
     * @return the mean loss over the batch
     */
    double compute(INDArray predictions, INDArray targets);

    /**
     * The gradient of {@link #compute} with respect to the predictions.
     *
     * @param predictions the model's output
     * @param targets     the expected output
     * @param out         written in place, same shape
     */
    void gradient(INDArray predictions, INDArray targets, INDArray out);

    /**
     * The loss with Keras's {@code sample_weight}: each row's loss (a sample, or a timestep of a sample) times its
     * weight, summed and divided by the number of rows (Keras's {@code sum_over_batch_size}).
     *
     * @param predictions   the model's output
     * @param targets       the expected output
     * @param sampleWeights one weight for all, one per sample ({@code [batch]}), or one per row ({@code [batch,
     *                      timesteps]}); null for none
     * @return the weighted mean loss
     * @throws UnsupportedOperationException for a loss that takes no weights (the default)
     */
    default double compute(INDArray predictions, INDArray targets, INDArray sampleWeights) {
        if (sampleWeights == null) {
            return compute(predictions, targets);
        }
        throw new UnsupportedOperationException(name() + " takes no sample weights");
    }

    /**
     * The gradient of {@link #compute(INDArray, INDArray, INDArray)} with respect to the predictions.
     *
     * @param predictions   the model's output
     * @param targets       the expected output
     * @param sampleWeights as for {@link #compute(INDArray, INDArray, INDArray)}; null for none
     * @param out           written in place, the predictions' shape
     * @throws UnsupportedOperationException for a loss that takes no weights (the default)
     */
    default void gradient(INDArray predictions, INDArray targets, INDArray sampleWeights, INDArray out) {
        if (sampleWeights == null) {
            gradient(predictions, targets, out);
            return;
        }
        throw new UnsupportedOperationException(name() + " takes no sample weights");
    }

    /**
     * @param outputActivation the activation of the model's last layer
     * @return whether {@link #gradientBeforeActivation} may be used instead of backpropagating through that activation
     */
    default boolean fusesWith(ActivationFunction outputActivation) {
        return false;
    }

    /**
     * The gradient with respect to the activation's input (for softmax + cross-entropy: {@code (p - y) / batch}); only
     * called when {@link #fusesWith} is true.
     *
     * @param predictions the activation's output
     * @param targets     the expected output
     * @param out         written in place
     */
    default void gradientBeforeActivation(INDArray predictions, INDArray targets, INDArray out) {
        throw new UnsupportedOperationException(name() + " fuses with no activation");
    }

    /**
     * {@link #gradientBeforeActivation(INDArray, INDArray, INDArray)} with sample weights, as
     * {@link #gradient(INDArray, INDArray, INDArray, INDArray)} takes them.
     *
     * @param predictions   the activation's output
     * @param targets       the expected output
     * @param sampleWeights the weights, or null for none
     * @param out           written in place
     * @throws UnsupportedOperationException for a loss that takes no weights (the default)
     */
    default void gradientBeforeActivation(INDArray predictions, INDArray targets, INDArray sampleWeights,
            INDArray out) {
        if (sampleWeights == null) {
            gradientBeforeActivation(predictions, targets, out);
            return;
        }
        throw new UnsupportedOperationException(name() + " takes no sample weights");
    }
}
