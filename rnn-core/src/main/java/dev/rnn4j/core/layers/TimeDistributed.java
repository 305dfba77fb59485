package dev.rnn4j.core.layers;

import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code TimeDistributed(layer)}: the same layer, with one set of weights, applied to every timestep of
 * {@code [batch, timesteps, ...]}. The timesteps are folded into the batch, so the inner layer runs once on
 * {@code [batch * timesteps, ...]}. The weights keep the inner layer's names ({@code kernel}, {@code bias}); a mask on
 * the input passes through.
 */
public final class TimeDistributed extends AbstractLayer {
    private final Layer layer;
    private long[] lastInputShape;

    /**
     * @param layer the layer to apply at each timestep, not built
     */
    public TimeDistributed(Layer layer) {
        this.layer = Objects.requireNonNull(layer, "layer is null");
        if (layer.isBuilt()) {
            throw new IllegalArgumentException("TimeDistributed: expected an unbuilt layer, found " + layer.name()
                    + " (" + layer.typeName() + ") already built for " + layer.inputShape());
        }
    }

    /**
     * Rebuilds the wrapper around an inner layer already read from the config's {@code layer} entry, as Keras's
     * {@code from_config}.
     *
     * @param config the config (its other keys are ignored)
     * @param layer  the inner layer
     * @return a new unbuilt wrapper
     */
    public static TimeDistributed fromConfig(Map<String, Object> config, Layer layer) {
        return new TimeDistributed(layer);
    }

    /** @return the inner layer */
    public Layer layer() {
        return layer;
    }

    @Override
    public Shape outputShape(Shape inputShape) {
        if (inputShape.rank() < 2) {
            throw new IllegalArgumentException(label() + ": expected input of shape (None, timesteps, ...), found "
                    + inputShape);
        }
        Shape inner = layer.outputShape(step(inputShape));
        int[] dims = new int[inner.rank() + 1];
        dims[0] = inputShape.dim(0);
        System.arraycopy(inner.dims(), 0, dims, 1, inner.rank());
        return Shape.of(dims);
    }

    @Override
    public long countParams(Shape inputShape) {
        return layer.countParams(step(inputShape));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("layer", nestedConfig(layer));
        return config;
    }

    /** @return the inner layer's penalty, once: its weights are shared by every timestep */
    @Override
    public double regularizationLoss() {
        return layer.regularizationLoss();
    }

    @Override
    public void addRegularizationGradients() {
        layer.addRegularizationGradients();
    }

    @Override
    public boolean supportsMasking() {
        return true;
    }

    @Override
    protected void buildInternal(Shape inputShape) {
        if (layer.name() == null) {
            layer.setName(dev.rnn4j.core.Sequential.snakeCase(layer.typeName()));
        }
        layer.build(step(inputShape), context());
        for (Parameter parameter : layer.parameters()) {
            addParameter(parameter);
        }
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        lastInputShape = input.shape();
        INDArray output = layer.forward(fold(input), training);
        long[] shape = new long[output.rank() + 1];
        shape[0] = input.size(0);
        shape[1] = input.size(1);
        System.arraycopy(output.shape(), 1, shape, 2, output.rank() - 1);
        return output.reshape('c', shape);
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        INDArray gradient = layer.backward(fold(outputGradient), needInputGradient);
        return gradient == null ? null : gradient.reshape('c', lastInputShape);
    }

    /** @return {@code [batch, timesteps, ...]} as {@code [batch * timesteps, ...]}, a view where it can be */
    private static INDArray fold(INDArray array) {
        INDArray contiguous = array.ordering() == 'c' && !array.isView() ? array : array.dup('c');
        long[] shape = contiguous.shape();
        long[] folded = Arrays.copyOfRange(shape, 1, shape.length);
        folded[0] = shape[0] * shape[1];
        return contiguous.reshape('c', folded);
    }

    private static Shape step(Shape inputShape) {
        return Shape.of(Arrays.copyOfRange(inputShape.dims(), 1, inputShape.rank()));
    }
}
