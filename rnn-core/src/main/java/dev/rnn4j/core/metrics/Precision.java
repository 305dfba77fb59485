package dev.rnn4j.core.metrics;

/**
 * Keras's {@code Precision} for binary (or multi-label) outputs: true positives over predicted positives, every output
 * value a prediction that is positive when its probability is above the threshold; a target is positive when not 0.
 * 0 when nothing was predicted positive.
 */
public final class Precision extends PositiveRatio {
    /**
     * @param name       the name in logs
     * @param threshold  the probability above which a prediction is positive, in [0, 1] (Keras's default 0.5)
     * @param fromLogits whether the output is logits, whose sigmoid is the probability
     */
    public Precision(String name, double threshold, boolean fromLogits) {
        super(name, threshold, fromLogits);
    }

    @Override
    boolean counts(boolean predictedPositive, boolean targetPositive) {
        return predictedPositive;
    }
}
