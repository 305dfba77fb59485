package dev.rnn4j.core.layers;

import dev.rnn4j.api.Shape;
import dev.rnn4j.core.ConfigValues;
import dev.rnn4j.core.SeededRandom;
import dev.rnn4j.core.ShapeCache;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code Dropout(rate)}: in training, each element is zeroed with probability {@code rate} and the others are
 * scaled by {@code 1 / (1 - rate)}; in inference the input passes unchanged. The draws come from the model's seeded
 * generator, so a seed gives the same masks. A mask on the input passes through.
 */
public final class Dropout extends AbstractLayer {
    private final double rate;
    private final ShapeCache<INDArray[]> buffers = new ShapeCache<>();
    private INDArray[] last;
    private boolean dropped;
    private float[] maskValues = new float[0];
    private double[] uniforms = new double[0];
    private INDArray lastInput;

    /**
     * @param rate the fraction of elements dropped, in [0, 1)
     */
    public Dropout(double rate) {
        if (!(rate >= 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException("Dropout rate: expected a fraction in [0, 1), found " + rate);
        }
        this.rate = rate;
    }

    /**
     * @param config {@code rate}, required, as Keras's {@code from_config}
     * @return a new layer
     */
    public static Dropout fromConfig(Map<String, Object> config) {
        if (!config.containsKey("rate")) {
            throw new IllegalArgumentException("rate: expected a fraction in [0, 1), found nothing");
        }
        return new Dropout(ConfigValues.optionalDouble(config, "rate", 0.0));
    }

    /** @return the fraction dropped */
    public double rate() {
        return rate;
    }

    @Override
    public Shape outputShape(Shape inputShape) {
        if (inputShape.rank() < 1) {
            throw new IllegalArgumentException(label() + ": expected input with features, found " + inputShape);
        }
        return inputShape;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("rate", rate);
        return config;
    }

    @Override
    public boolean supportsMasking() {
        return true;
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        lastInput = input;
        if (!training || rate == 0.0) {
            dropped = false;
            return input;
        }
        // Output, input gradient and the mask of kept elements (0 or 1, exact in any type), per input shape.
        last = buffers.get(input.shape(), () -> new INDArray[] {backend().zeros(dataType(), input.shape()),
            backend().zeros(dataType(), input.shape()), backend().zeros(dataType(), input.shape())});
        int n = Math.toIntExact(input.length());
        if (maskValues.length != n) {
            maskValues = new float[n];
            uniforms = new double[n];
        }
        SeededRandom.nextDoubles(context().random(), uniforms, n);
        for (int i = 0; i < n; i++) {
            maskValues[i] = uniforms[i] < rate ? 0f : 1f;
        }
        backend().write(maskValues, last[2]);
        dropped = true;
        return last[0].assign(input).muli(last[2]).muli(1.0 / (1.0 - rate));
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        if (!dropped) {
            return outputGradient;
        }
        return last[1].assign(outputGradient).muli(last[2]).muli(1.0 / (1.0 - rate));
    }
}
