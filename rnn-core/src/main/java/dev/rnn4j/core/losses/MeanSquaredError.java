package dev.rnn4j.core.losses;

import java.util.Map;

/** Keras's {@code mean_squared_error}: {@code mean((y - p)^2)} over the last axis, averaged over the rest. */
public final class MeanSquaredError extends RowLoss {

    /**
     * @param config the config (empty; other keys are ignored), as Keras's {@code from_config}
     * @return a new loss
     */
    public static MeanSquaredError fromConfig(Map<String, Object> config) {
        return new MeanSquaredError();
    }

    @Override
    public String name() {
        return "mean_squared_error";
    }

    @Override
    double row(double[] p, double[] y, int at, int width, int ty, double one) {
        double sum = 0;
        for (int i = 0; i < width; i++) {
            double error = p[at + i] - y[ty + i];
            sum += error * error;
        }
        return sum / width;
    }

    @Override
    void rowGradient(double[] p, double[] y, int at, int width, int ty, double one, double scale, double[] g) {
        for (int i = 0; i < width; i++) {
            g[at + i] += scale * 2.0 * (p[at + i] - y[ty + i]) / width;
        }
    }
}
