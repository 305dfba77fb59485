package dev.rnn4j.text.classify;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A classifier's test figures from its predicted probabilities: accuracy, the confusion matrix, and for two classes
 * precision, recall and F1 of the second class (spam: the positive class) and the ROC curve with its area.
 */
public final class Scores {
    private final int[][] confusion;
    private final double auc;
    private final double[][] roc;

    private Scores(int[][] confusion, double auc, double[][] roc) {
        this.confusion = confusion;
        this.auc = auc;
        this.roc = roc;
    }

    /**
     * @param labels        true classes
     * @param probabilities per document, the probability of each class ({@code [n][classes]}); for two classes the
     *                      second column decides at 0.5
     * @return the scores
     */
    public static Scores of(int[] labels, double[][] probabilities, int classes) {
        int[][] confusion = new int[classes][classes];
        for (int i = 0; i < labels.length; i++) {
            confusion[labels[i]][argmax(probabilities[i])]++;
        }
        if (classes != 2) {
            return new Scores(confusion, Double.NaN, new double[0][]);
        }
        double[] positive = new double[labels.length];
        for (int i = 0; i < labels.length; i++) {
            positive[i] = probabilities[i][1];
        }
        return new Scores(confusion, auc(labels, positive), roc(labels, positive));
    }

    private static int argmax(double[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Area under the ROC curve: the chance that a positive scores above a negative, ties counting half. */
    static double auc(int[] labels, double[] scores) {
        Integer[] order = new Integer[labels.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    rankSum += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = labels.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** @return the ROC curve's points {@code {false positive rate, true positive rate}}, from (0, 0) to (1, 1) */
    static double[][] roc(int[] labels, double[] scores) {
        Integer[] order = new Integer[labels.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        long positives = Arrays.stream(labels).filter(label -> label == 1).count();
        long negatives = labels.length - positives;
        java.util.List<double[]> points = new java.util.ArrayList<>();
        points.add(new double[] {0, 0});
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < order.length; i++) {
            if (labels[order[i]] == 1) {
                tp++;
            } else {
                fp++;
            }
            if (i + 1 == order.length || scores[order[i + 1]] != scores[order[i]]) {
                points.add(new double[] {negatives == 0 ? 0 : (double) fp / negatives,
                    positives == 0 ? 0 : (double) tp / positives});
            }
        }
        return points.toArray(new double[0][]);
    }

    public int[][] confusion() {
        return confusion;
    }

    public double accuracy() {
        long right = 0;
        long all = 0;
        for (int t = 0; t < confusion.length; t++) {
            for (int p = 0; p < confusion.length; p++) {
                all += confusion[t][p];
                right += t == p ? confusion[t][p] : 0;
            }
        }
        return all == 0 ? Double.NaN : (double) right / all;
    }

    /** @return precision of class {@code c}: right among those predicted as c */
    public double precision(int c) {
        long predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }

    /** @return recall of class {@code c}: found among those of class c */
    public double recall(int c) {
        long actual = Arrays.stream(confusion[c]).sum();
        return actual == 0 ? 0 : (double) confusion[c][c] / actual;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** @return ROC AUC for two classes, NaN otherwise */
    public double auc() {
        return auc;
    }

    public double[][] roc() {
        return roc;
    }

    /** @return the figures by name, as run.json keeps them */
    public Map<String, Object> asMap(java.util.List<String> classes) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("test_accuracy", accuracy());
        int positive = classes.size() - 1;
        map.put("positive_class", classes.get(positive));
        map.put("test_precision", precision(positive));
        map.put("test_recall", recall(positive));
        map.put("test_f1", f1(positive));
        if (classes.size() == 2) {
            map.put("test_roc_auc", auc);
        }
        map.put("confusion_matrix", confusion);
        return map;
    }
}
