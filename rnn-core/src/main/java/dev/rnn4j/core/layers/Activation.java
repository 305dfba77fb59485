package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.ShapeCache;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code Activation} layer: applies an activation, no parameters. Softmax works over the last axis, of
 * {@code [batch, classes]} or of every timestep of {@code [batch, timesteps, classes]}. A mask passes through.
 */
public final class Activation extends AbstractLayer {
    private final ActivationFunction function;
    private final ShapeCache<INDArray[]> buffers = new ShapeCache<>();
    private INDArray[] last;

    /**
     * @param function the activation
     */
    public Activation(ActivationFunction function) {
        this.function = Objects.requireNonNull(function, "function is null");
    }

    /**
     * @param kerasName {@code softmax}, {@code tanh}, {@code relu}, {@code sigmoid} or {@code linear}
     */
    public Activation(String kerasName) {
        this(ActivationFunction.fromKerasName(kerasName));
    }

    /** @return the activation */
    public ActivationFunction function() {
        return function;
    }

    @Override
    public Shape outputShape(Shape inputShape) {
        if (function == ActivationFunction.SOFTMAX && (inputShape.rank() < 1 || inputShape.rank() > 2)) {
            throw new IllegalArgumentException(label() + ": softmax expects input of shape (None, classes) or (None,"
                    + " timesteps, classes), found " + inputShape);
        }
        return inputShape;
    }

    @Override
    public boolean supportsMasking() {
        return true;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("activation", function.kerasName());
        return config;
    }

    /**
     * @param config the layer's {@link #config()}: {@code activation}, required, as Keras's {@code from_config}
     * @return a new layer
     */
    public static Activation fromConfig(Map<String, Object> config) {
        Object name = config.get("activation");
        if (!(name instanceof String text)) {
            throw new IllegalArgumentException("activation: expected a name such as 'softmax', found "
                    + dev.rnn4j.core.ConfigValues.describe(name));
        }
        return new Activation(text);
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        last = buffers.get(input.shape(), () -> new INDArray[] {
            backend().zeros(dataType(), input.shape()), backend().zeros(dataType(), input.shape())});
        backend().activation(function, rows(input), rows(last[0]));
        return last[0];
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        backend().activationBackward(function, rows(last[0]), rows(outputGradient), rows(last[1]));
        return last[1];
    }

    /** @return the array as {@code [rows, last axis]}, the form softmax works on; a view where it can be */
    private static INDArray rows(INDArray array) {
        if (array.rank() <= 2) {
            return array;
        }
        INDArray contiguous = array.ordering() == 'c' && !array.isView() ? array : array.dup('c');
        return contiguous.reshape('c', contiguous.length() / contiguous.size(-1), contiguous.size(-1));
    }
}
