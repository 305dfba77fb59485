package dev.rnn4j.api;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A penalty on a weight's values, as Keras's weight regularizers ({@code kernel_regularizer=L2(0.01)}): training adds
 * {@link #penalty} of every regularized weight to the loss it minimises and reports, and {@link #addGradient} to the
 * weight's gradient after the backward pass. rnn-core has Keras's {@code L1}, {@code L2} and {@code L1L2}.
 *
 * <p>A layer attaches one to a weight it declares ({@code AbstractLayer.addWeight(name, shape, initializer,
 * regularizer)}) and reports the sum through {@link Layer#regularizationLoss()}.
 */
public interface Regularizer {

    /**
     * @param weights the weight's values, not modified
     * @return the penalty, a scalar added to the loss
     */
    double penalty(INDArray weights);

    /**
     * Adds the gradient of {@link #penalty} with respect to the weights, so that {@code gradient} becomes the gradient
     * of the data loss plus the penalty.
     *
     * @param weights  the weight's values, not modified
     * @param gradient the weight's gradient, same shape and data type, added to in place
     */
    void addGradient(INDArray weights, INDArray gradient);

    /** @return Keras's class name, stored in model files ({@code L2}); the simple class name by default */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * Keras's {@code get_config()}, saved as {@code {"class_name": name(), "config": config()}}, from which
     * {@code Regularizers.fromConfig} in rnn-core rebuilds the built-ins.
     *
     * @return the constructor arguments under Keras's names, for example {@code {"l2": 0.01}}; empty by default
     */
    default Map<String, Object> config() {
        return Map.of();
    }
}
