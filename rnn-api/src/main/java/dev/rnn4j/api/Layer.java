package dev.rnn4j.api;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer of a model. Its life has three stages:
 * <ol>
 *   <li><b>Construction</b> stores and validates hyperparameters (a bad value throws {@link IllegalArgumentException}
 *   naming the argument and the value) and creates no arrays.</li>
 *   <li><b>{@link #build}</b>, called once by the model with the sample shape of the input, creates the parameters by
 *   Keras's names and shapes. After it, the input shape is fixed.</li>
 *   <li><b>Training and inference</b>: {@link #forward} then, in training, {@link #backward}.</li>
 * </ol>
 *
 * <p>Arrays: the layer owns every array it returns; a returned array stays valid until the next {@code forward} or
 * {@code backward} call on this layer, and callers must not write into it. Batches are {@code [batch, ...sample shape]}
 * in C order, for recurrent layers {@code [batch, timesteps, features]}.
 */
public interface Layer {

    /** @return the unique name in its model ({@code simple_rnn}, {@code dense_1}); null until named */
    String name();

    /**
     * Sets the name, once, before building. The model names unnamed layers as Keras does.
     *
     * @param name the name
     */
    void setName(String name);

    /** @return the type name shown in summaries and stored in model files: the simple class name */
    default String typeName() {
        return getClass().getSimpleName();
    }

    /**
     * The output's sample shape for an input's sample shape; validates without building.
     *
     * @param inputShape the input's sample shape (no batch dimension)
     * @return the output's sample shape
     * @throws IllegalArgumentException naming the layer, the expected and the actual shape
     */
    Shape outputShape(Shape inputShape);

    /**
     * Creates the parameters. Called once.
     *
     * @param inputShape the input's sample shape
     * @param context    backend, data type and random generator
     */
    void build(Shape inputShape, BuildContext context);

    /** @return whether {@link #build} has run */
    boolean isBuilt();

    /** @return the input sample shape given to {@link #build}, or null before */
    Shape inputShape();

    /**
     * The forward pass.
     *
     * @param input    {@code [batch, ...inputShape]}, not modified
     * @param training whether this is a training step: dropout and other training-only behaviour apply only then
     * @return the output {@code [batch, ...outputShape]}, owned by the layer
     * @throws IllegalArgumentException naming the layer, expected and actual shape, before any computation
     */
    INDArray forward(INDArray input, boolean training);

    /**
     * The forward pass with the mask of the input's timesteps (Keras's {@code mask} argument). Layers that read the
     * mask (recurrent layers) override this; the default runs {@link #forward(INDArray, boolean)}, the right thing for
     * a layer that treats every timestep alike ({@code Dense}, {@code Dropout}).
     *
     * @param input    {@code [batch, ...inputShape]}, not modified
     * @param mask     {@code [batch, timesteps]}, nonzero where a timestep is data and 0 where it is padding; or null
     * @param training whether training-only behaviour applies
     * @return the output, owned by the layer
     */
    default INDArray forward(INDArray input, INDArray mask, boolean training) {
        return forward(input, training);
    }

    /**
     * Keras's {@code supports_masking}: whether this layer accepts an input that carries a mask. A model refuses to
     * give a mask to a layer that does not, rather than let it drop the padding information silently.
     *
     * @return false by default
     */
    default boolean supportsMasking() {
        return false;
    }

    /**
     * Keras's {@code compute_mask}: the mask of the output of the last forward pass, which the model gives to the next
     * layer and, for the last layer, to the loss and the metrics, so padded timesteps count for nothing.
     *
     * @param input     the input of the last forward pass
     * @param inputMask the mask that came with it, or null
     * @return {@code [batch, timesteps]} of the output, or null for none; by default the input's mask when the layer
     *         {@link #supportsMasking()}, else null
     */
    default INDArray computeMask(INDArray input, INDArray inputMask) {
        return supportsMasking() ? inputMask : null;
    }

    /**
     * The backward pass for the last {@link #forward} call: overwrites every parameter's gradient with the gradient of
     * the loss, and returns the gradient with respect to the input.
     *
     * @param outputGradient   gradient of the loss with respect to the last output, same shape; not modified
     * @param needInputGradient false when nobody needs the input gradient (the first layer): the layer may skip it
     * @return the input gradient, owned by the layer, or null when not needed
     */
    INDArray backward(INDArray outputGradient, boolean needInputGradient);

    /**
     * Keras's weight regularization losses ({@code sum(layer.losses)}): the {@link Regularizer} penalties of this
     * layer's weights at their current values, which the model adds to the loss it minimises and reports. A wrapper
     * includes its inner layers'.
     *
     * @return 0 by default, for a layer without regularized weights
     */
    default double regularizationLoss() {
        return 0.0;
    }

    /**
     * Adds the gradient of {@link #regularizationLoss()} to each parameter's gradient. The model calls it after
     * {@link #backward}, which overwrote the gradients with those of the data loss.
     */
    default void addRegularizationGradients() {
    }

    /**
     * @return the trainable parameters in a fixed order (the save order and the summary order); empty before build or
     * for layers without weights
     */
    List<Parameter> parameters();

    /**
     * The number of scalars the layer will own, computed from the hyperparameters and the input shape. Equals the sum of
     * {@link #parameters()} sizes once built.
     *
     * @param inputShape the input's sample shape
     * @return the parameter count
     */
    long countParams(Shape inputShape);

    /**
     * @return the constructor arguments under Keras's names ({@code units}, {@code activation}, {@code dropout}, ...),
     * enough to rebuild the layer; values are strings, numbers, booleans or lists of them
     */
    Map<String, Object> config();
}
