package dev.rnn4j.core.losses;

import static dev.rnn4j.core.ConfigValues.optionalBoolean;

import java.util.Map;

/**
 * Keras's {@code binary_crossentropy}, averaged over the last axis and then over the rest. On probabilities (the
 * default) {@code p} is clipped to {@code [1e-7, 1 - 1e-7]} and the loss is {@code -(y log p + (1 - y) log(1 - p))};
 * with {@code fromLogits} it is taken from the logit {@code x} stably, {@code max(x, 0) - x y + log(1 + exp(-|x|))}.
 */
public final class BinaryCrossentropy extends LogitsOrProbabilities {

    /** On probabilities, as Keras's default. */
    public BinaryCrossentropy() {
        this(false);
    }

    /**
     * @param fromLogits whether the predictions are logits rather than probabilities
     */
    public BinaryCrossentropy(boolean fromLogits) {
        super(fromLogits);
    }

    /**
     * @param config {@code from_logits} (default false), as Keras's {@code from_config}
     * @return a new loss
     */
    public static BinaryCrossentropy fromConfig(Map<String, Object> config) {
        return new BinaryCrossentropy(optionalBoolean(config, "from_logits", false));
    }

    @Override
    public String name() {
        return "binary_crossentropy";
    }

    @Override
    double row(double[] p, double[] y, int at, int width, int ty, double one) {
        double sum = 0;
        for (int i = 0; i < width; i++) {
            double target = y[ty + i];
            double x = p[at + i];
            if (fromLogits) {
                sum += Math.max(x, 0.0) - x * target + Math.log1p(Math.exp(-Math.abs(x)));
            } else {
                double clipped = clip(x, one);
                sum -= target * Math.log(clipped) + (1.0 - target) * Math.log(1.0 - clipped);
            }
        }
        return sum / width;
    }

    @Override
    void rowGradient(double[] p, double[] y, int at, int width, int ty, double one, double scale, double[] g) {
        for (int i = 0; i < width; i++) {
            double target = y[ty + i];
            double x = p[at + i];
            double d;
            if (fromLogits) {
                d = 1.0 / (1.0 + Math.exp(-x)) - target;
            } else {
                // a clipped prediction passes no gradient, as Keras's clip
                boolean clipped = x < CategoricalCrossentropy.EPSILON || x > one;
                d = clipped ? 0.0 : -target / x + (1.0 - target) / (1.0 - x);
            }
            g[at + i] += scale * d / width;
        }
    }
}
