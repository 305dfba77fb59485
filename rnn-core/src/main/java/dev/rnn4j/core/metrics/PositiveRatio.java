package dev.rnn4j.core.metrics;

/**
 * What {@link Precision} and {@link Recall} share: over every output value, the weight of the true positives and of
 * the other values of one kind, and their ratio.
 */
abstract class PositiveRatio implements Metric {
    private final String name;
    private final double threshold;
    private final boolean fromLogits;
    private double truePositives;
    private double others;

    PositiveRatio(String name, double threshold, boolean fromLogits) {
        this.name = name;
        this.threshold = Metrics.checkThreshold(threshold);
        this.fromLogits = fromLogits;
    }

    /**
     * @return whether a value that is not a true positive counts in the denominator: a false positive
     *         ({@link Precision}) or a false negative ({@link Recall})
     */
    abstract boolean counts(boolean predictedPositive, boolean targetPositive);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void update(double[] predictions, int width, double[] targets, double[] rowWeights) {
        Metrics.sameShape(name, predictions, targets);
        for (int i = 0; i < predictions.length; i++) {
            double weight = rowWeights == null ? 1.0 : rowWeights[i / width];
            if (weight == 0.0) {
                continue;
            }
            boolean predicted = Metrics.probability(predictions[i], fromLogits) > threshold;
            boolean positive = targets[i] != 0.0;
            if (predicted && positive) {
                truePositives += weight;
            } else if (counts(predicted, positive)) {
                others += weight;
            }
        }
    }

    @Override
    public final double result() {
        double all = truePositives + others;
        return all == 0.0 ? 0.0 : truePositives / all;
    }

    @Override
    public final void reset() {
        truePositives = 0.0;
        others = 0.0;
    }

    @Override
    public final double[] state() {
        return new double[] {truePositives, others};
    }

    @Override
    public final void restore(double[] state) {
        Metrics.checkState(name, state, 2);
        truePositives = state[0];
        others = state[1];
    }
}
