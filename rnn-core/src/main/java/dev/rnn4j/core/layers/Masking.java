package dev.rnn4j.core.layers;

import dev.rnn4j.api.Shape;
import dev.rnn4j.core.ConfigValues;
import dev.rnn4j.core.ShapeCache;
import dev.rnn4j.core.Values;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras's {@code Masking(mask_value)} for float sequences {@code [batch, timesteps, features]}: a timestep whose
 * features all equal {@code maskValue} is padding. The layer outputs zeros there and the input elsewhere, and its mask
 * (0 at padding) reaches the recurrent layers after it.
 */
public final class Masking extends AbstractLayer {
    private final double maskValue;
    private final ShapeCache<INDArray[]> buffers = new ShapeCache<>();
    private INDArray[] last;
    private double[] lastKeep;

    /** Padding is a timestep of zeros, as Keras's default. */
    public Masking() {
        this(0.0);
    }

    /**
     * @param maskValue the value every feature of a padded timestep holds, finite
     */
    public Masking(double maskValue) {
        if (!Double.isFinite(maskValue)) {
            throw new IllegalArgumentException("Masking mask_value: expected a finite number, found " + maskValue);
        }
        this.maskValue = maskValue;
    }

    /**
     * @param config {@code mask_value} (0), as Keras's {@code from_config}
     * @return a new layer
     */
    public static Masking fromConfig(Map<String, Object> config) {
        return new Masking(ConfigValues.optionalDouble(config, "mask_value", 0.0));
    }

    /** @return the padding value */
    public double maskValue() {
        return maskValue;
    }

    @Override
    public Shape outputShape(Shape inputShape) {
        if (inputShape.rank() != 2) {
            throw new IllegalArgumentException(label() + ": expected input of shape (None, timesteps, features),"
                    + " found " + inputShape);
        }
        requireFixedFeatures(inputShape);
        return inputShape;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("mask_value", maskValue);
        return config;
    }

    /** @return true: a mask already on the input is replaced by this layer's own, as in Keras */
    @Override
    public boolean supportsMasking() {
        return true;
    }

    @Override
    public INDArray computeMask(INDArray input, INDArray inputMask) {
        return Nd4j.create(keep(input), new long[] {input.size(0), input.size(1)}, 'c').castTo(input.dataType());
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        last = buffers.get(input.shape(), () -> new INDArray[] {
            backend().zeros(dataType(), input.shape()), backend().zeros(dataType(), input.shape())});
        lastKeep = keep(input);
        Values.write(masked(Values.of(input), lastKeep, inputShape().last()), last[0]);
        return last[0];
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        Values.write(masked(Values.of(outputGradient), lastKeep, inputShape().last()), last[1]);
        return last[1];
    }

    /** @return per timestep of the batch, 1 when any feature differs from the mask value, else 0 */
    private double[] keep(INDArray input) {
        double[] values = Values.of(input);
        int features = inputShape().last();
        double[] keep = new double[values.length / features];
        for (int row = 0; row < keep.length; row++) {
            for (int j = 0; j < features; j++) {
                if (values[row * features + j] != maskValue) {
                    keep[row] = 1.0;
                    break;
                }
            }
        }
        return keep;
    }

    private static double[] masked(double[] values, double[] keep, int features) {
        for (int i = 0; i < values.length; i++) {
            if (keep[i / features] == 0.0) {
                values[i] = 0.0;
            }
        }
        return values;
    }
}
