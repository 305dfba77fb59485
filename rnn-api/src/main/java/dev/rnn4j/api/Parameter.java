package dev.rnn4j.api;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trainable weight of a layer and its gradient, under Keras's name ({@code kernel}, {@code recurrent_kernel},
 * {@code bias}).
 *
 * <p>Ownership: the layer creates and owns both arrays for its whole life. {@link Layer#backward} overwrites
 * {@link #gradient()}; an {@link Optimizer} changes {@link #value()} in place and never replaces it. Both arrays have the
 * same shape and data type and are contiguous in C order.
 */
public final class Parameter {
    private final String name;
    private final INDArray value;
    private final INDArray gradient;

    /**
     * @param name     the parameter's name inside its layer, Keras's spelling
     * @param value    the weights, owned by the layer
     * @param gradient the gradient of the loss with respect to {@code value}, same shape
     */
    public Parameter(String name, INDArray value, INDArray gradient) {
        this.name = Objects.requireNonNull(name, "name is null");
        this.value = Objects.requireNonNull(value, "value is null");
        this.gradient = Objects.requireNonNull(gradient, "gradient is null");
        if (!java.util.Arrays.equals(value.shape(), gradient.shape())) {
            throw new IllegalArgumentException("parameter " + name + ": gradient shape "
                    + java.util.Arrays.toString(gradient.shape()) + " differs from value shape "
                    + java.util.Arrays.toString(value.shape()));
        }
    }

    /** @return the name inside the layer, for example {@code recurrent_kernel} */
    public String name() {
        return name;
    }

    /** @return the weights (updated in place by optimizers) */
    public INDArray value() {
        return value;
    }

    /** @return the gradient written by the last backward pass */
    public INDArray gradient() {
        return gradient;
    }

    /** @return the number of scalars */
    public long size() {
        return value.length();
    }

    /** @return the shape, Keras's layout */
    public long[] shape() {
        return value.shape();
    }
}
