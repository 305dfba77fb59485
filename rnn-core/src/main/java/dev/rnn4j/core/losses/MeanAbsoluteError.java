package dev.rnn4j.core.losses;

import java.util.Map;

/**
 * Keras's {@code mean_absolute_error}: {@code mean(|y - p|)} over the last axis, averaged over the rest; the
 * gradient at {@code p = y} is 0, as {@code sign(0)}.
 */
public final class MeanAbsoluteError extends RowLoss {

    /**
     * @param config the config (empty; other keys are ignored), as Keras's {@code from_config}
     * @return a new loss
     */
    public static MeanAbsoluteError fromConfig(Map<String, Object> config) {
        return new MeanAbsoluteError();
    }

    @Override
    public String name() {
        return "mean_absolute_error";
    }

    @Override
    double row(double[] p, double[] y, int at, int width, int ty, double one) {
        double sum = 0;
        for (int i = 0; i < width; i++) {
            sum += Math.abs(p[at + i] - y[ty + i]);
        }
        return sum / width;
    }

    @Override
    void rowGradient(double[] p, double[] y, int at, int width, int ty, double one, double scale, double[] g) {
        for (int i = 0; i < width; i++) {
            g[at + i] += scale * Math.signum(p[at + i] - y[ty + i]) / width;
        }
    }
}
