package dev.rnn4j.core.metrics;

import java.util.Arrays;

/**
 * Keras's {@code AUC} with its defaults: the area under the ROC curve of a binary (or multi-label, all values pooled)
 * output, from the confusion counts at {@code numThresholds} thresholds evenly spaced in [0, 1] (the first just below
 * 0, the last just above 1), summed by Keras's {@code interpolation} rule: the trapezoids between consecutive
 * thresholds' (false positive rate, recall) points.
 */
public final class AUC implements Metric {
    /** Keras's offset of the end thresholds, so that predictions of exactly 0 and 1 fall inside. */
    private static final double EPSILON = 1e-7;

    private final String name;
    private final boolean fromLogits;
    private final double[] thresholds;
    /** Per number of thresholds a prediction is above (0..n): the weight of positive and of negative targets. */
    private final double[] positives;
    private final double[] negatives;

    /**
     * @param name          the name in logs
     * @param numThresholds the thresholds, at least 2 (Keras's default 200)
     * @param fromLogits    whether the output is logits, whose sigmoid is the probability
     */
    public AUC(String name, int numThresholds, boolean fromLogits) {
        if (numThresholds < 2) {
            throw new IllegalArgumentException("AUC num_thresholds: expected at least 2, found " + numThresholds);
        }
        this.name = name;
        this.fromLogits = fromLogits;
        this.thresholds = new double[numThresholds];
        for (int i = 1; i < numThresholds - 1; i++) {
            thresholds[i] = (double) i / (numThresholds - 1);
        }
        thresholds[0] = -EPSILON;
        thresholds[numThresholds - 1] = 1.0 + EPSILON;
        this.positives = new double[numThresholds + 1];
        this.negatives = new double[numThresholds + 1];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void update(double[] predictions, int width, double[] targets, double[] rowWeights) {
        Metrics.sameShape(name, predictions, targets);
        for (int i = 0; i < predictions.length; i++) {
            double weight = rowWeights == null ? 1.0 : rowWeights[i / width];
            if (weight == 0.0) {
                continue;
            }
            int above = thresholdsBelow(Metrics.probability(predictions[i], fromLogits));
            if (targets[i] != 0.0) {
                positives[above] += weight;
            } else {
                negatives[above] += weight;
            }
        }
    }

    /** @return how many thresholds the probability is strictly above */
    private int thresholdsBelow(double probability) {
        int at = Arrays.binarySearch(thresholds, probability);
        if (at >= 0) {
            while (at > 0 && thresholds[at - 1] == probability) {
                at--;
            }
            return at;
        }
        return -at - 1;
    }

    @Override
    public double result() {
        int n = thresholds.length;
        double[] recall = new double[n];
        double[] falsePositiveRate = new double[n];
        double allPositive = Arrays.stream(positives).sum();
        double allNegative = Arrays.stream(negatives).sum();
        // A prediction above k thresholds is positive at thresholds 0..k-1.
        double truePositives = allPositive;
        double falsePositives = allNegative;
        for (int t = 0; t < n; t++) {
            truePositives -= positives[t];
            falsePositives -= negatives[t];
            recall[t] = allPositive == 0.0 ? 0.0 : truePositives / allPositive;
            falsePositiveRate[t] = allNegative == 0.0 ? 0.0 : falsePositives / allNegative;
        }
        double area = 0.0;
        for (int t = 0; t < n - 1; t++) {
            area += (falsePositiveRate[t] - falsePositiveRate[t + 1]) * (recall[t] + recall[t + 1]) / 2.0;
        }
        return area;
    }

    @Override
    public void reset() {
        Arrays.fill(positives, 0.0);
        Arrays.fill(negatives, 0.0);
    }

    @Override
    public double[] state() {
        double[] state = Arrays.copyOf(positives, 2 * positives.length);
        System.arraycopy(negatives, 0, state, positives.length, negatives.length);
        return state;
    }

    @Override
    public void restore(double[] state) {
        Metrics.checkState(name, state, 2 * positives.length);
        System.arraycopy(state, 0, positives, 0, positives.length);
        System.arraycopy(state, positives.length, negatives, 0, negatives.length);
    }
}
