package dev.rnn4j.core.losses;

import static dev.rnn4j.core.ConfigValues.optionalDouble;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras's {@code Huber(delta)}: per value, with {@code e = p - y}, {@code 0.5 e^2} where {@code |e| <= delta} and
 * {@code delta (|e| - 0.5 delta)} beyond; averaged over the last axis, then over the rest.
 */
public final class Huber extends RowLoss {
    private final double delta;

    /** Keras's default, {@code delta = 1}. */
    public Huber() {
        this(1.0);
    }

    /**
     * @param delta where the loss turns from quadratic to linear, positive
     */
    public Huber(double delta) {
        if (!(delta > 0.0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("delta: expected a positive finite number, found " + delta);
        }
        this.delta = delta;
    }

    /**
     * @param config {@code delta} (default 1), as Keras's {@code from_config}
     * @return a new loss
     */
    public static Huber fromConfig(Map<String, Object> config) {
        return new Huber(optionalDouble(config, "delta", 1.0));
    }

    /** @return where the loss turns linear */
    public double delta() {
        return delta;
    }

    @Override
    public String name() {
        return "huber";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("delta", delta);
        return config;
    }

    @Override
    double row(double[] p, double[] y, int at, int width, int ty, double one) {
        double sum = 0;
        for (int i = 0; i < width; i++) {
            double error = Math.abs(p[at + i] - y[ty + i]);
            double quadratic = Math.min(error, delta);
            sum += 0.5 * quadratic * quadratic + delta * (error - quadratic);
        }
        return sum / width;
    }

    @Override
    void rowGradient(double[] p, double[] y, int at, int width, int ty, double one, double scale, double[] g) {
        for (int i = 0; i < width; i++) {
            double error = p[at + i] - y[ty + i];
            g[at + i] += scale * Math.max(-delta, Math.min(delta, error)) / width;
        }
    }
}
