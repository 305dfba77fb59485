package dev.rnn4j.core.layers;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.ConfigValues;
import dev.rnn4j.core.SeededRandom;
import dev.rnn4j.core.ShapeCache;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code Dropout(rate)}: in training, each element is zeroed with probability {@code rate} and the others are
 * scaled by {@code 1 / (1 - rate)}; in inference the input passes unchanged. Each mask is a counter-based stream
 * ({@link SeededRandom#bits}) keyed by one draw of the model's seeded generator, so a seed gives the same masks.
 * A mask on the input passes through.
 */
public final class Dropout extends AbstractLayer {
    /** Below this many draws a part would cost more to hand out than to compute. */
    private static final int MIN_PAIRS_PER_PART = 4096;

    private final double rate;
    private final ShapeCache<INDArray[]> buffers = new ShapeCache<>();
    private INDArray[] last;
    private boolean dropped;
    private float[] maskValues = new float[0];
    private boolean scaledMask;
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
        // Output, input gradient and the mask of kept elements, per input shape.
        last = buffers.get(input.shape(), () -> new INDArray[] {backend().zeros(dataType(), input.shape()),
            backend().zeros(dataType(), input.shape()), backend().zeros(dataType(), input.shape())});
        int n = Math.toIntExact(input.length());
        if (maskValues.length != n) {
            maskValues = new float[n];
        }
        // float32 holds 1 / (1 - rate) in the mask, so that one product drops and scales (x * s, as x * 1 * s);
        // float64 keeps the mask exact (0 or 1) and scales apart, as the float mask cannot hold the scale exactly.
        scaledMask = dataType() == DataType.FLOAT;
        float kept = scaledMask ? (float) (1.0 / (1.0 - rate)) : 1f;
        long key = context().random().nextLong();
        // Each element compares 32 bits of the stream with the rate (so rate is honoured to 2^-32); pairs of elements
        // share one 64-bit draw, and the backend may draw the parts of the mask concurrently.
        long threshold = Math.round(rate * 0x1.0p32);
        int pairs = (n + 1) / 2;
        int parts = Math.max(1, Math.min(backend().parallelism(), pairs / MIN_PAIRS_PER_PART));
        float[] values = maskValues;
        backend().runParts(parts, part -> {
            for (int p = Backend.partStart(pairs, parts, part), end = Backend.partStart(pairs, parts, part + 1);
                    p < end; p++) {
                long bits = SeededRandom.bits(key, p);
                values[2 * p] = (bits & 0xFFFFFFFFL) < threshold ? 0f : kept;
                if (2 * p + 1 < n) {
                    values[2 * p + 1] = (bits >>> 32) < threshold ? 0f : kept;
                }
            }
        });
        backend().write(maskValues, last[2]);
        dropped = true;
        return masked(input, last[0]);
    }

    /** {@code out = values * mask / (1 - rate)}. */
    private INDArray masked(INDArray values, INDArray out) {
        backend().multiply(values, last[2], out);
        return scaledMask ? out : out.muli(1.0 / (1.0 - rate));
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        if (!dropped) {
            return outputGradient;
        }
        return masked(outputGradient, last[1]);
    }
}
