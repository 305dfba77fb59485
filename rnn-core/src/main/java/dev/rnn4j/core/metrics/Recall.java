package dev.rnn4j.core.metrics;

/**
 * Keras's {@code Recall} for binary (or multi-label) outputs: true positives over positive targets, every output
 * value a prediction that is positive when its probability is above the threshold; a target is positive when not 0.
 * 0 when no target was positive.
 */
public final class Recall extends PositiveRatio {
    /**
     * @param name       the name in logs
     * @param threshold  the probability above which a prediction is positive, in [0, 1] (Keras's default 0.5)
     * @param fromLogits whether the output is logits, whose sigmoid is the probability
     */
    public Recall(String name, double threshold, boolean fromLogits) {
        super(name, threshold, fromLogits);
    }

    @Override
    boolean counts(boolean predictedPositive, boolean targetPositive) {
        return targetPositive;
    }
}
