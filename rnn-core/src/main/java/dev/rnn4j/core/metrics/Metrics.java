package dev.rnn4j.core.metrics;

import dev.rnn4j.api.Loss;
import dev.rnn4j.api.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The metrics {@code compile} takes by name, as Keras's {@code compile_utils.get_metric} resolves them: {@code
 * "accuracy"} (or {@code "acc"}) becomes the binary, sparse or categorical accuracy the loss and the output call for,
 * and every other name is one metric, by its snake-case name, its class name or Keras's short alias. A metric logs
 * under the name it was given.
 *
 * <p>Where the loss takes logits ({@code fromLogits}), the binary metrics take the sigmoid of the output first, so
 * that their threshold is a probability. (Keras thresholds the logits themselves.)
 */
public final class Metrics {
    /** Keras's default threshold of binary predictions. */
    public static final double THRESHOLD = 0.5;
    /** Keras's default {@code k} of the top-k accuracies. */
    public static final int TOP_K = 5;
    /** Keras's default number of AUC thresholds. */
    public static final int AUC_THRESHOLDS = 200;

    /** What the targets of an output are, given the loss. */
    public enum TargetKind {
        /** One probability per value, each target 0 or 1: one output unit, or binary cross-entropy. */
        BINARY,
        /** Class indices. */
        SPARSE,
        /** One-hot rows, or any target of the output's own shape. */
        CATEGORICAL
    }

    /** A metric's needs: the kind of targets it takes, and how to make it. */
    private record Entry(TargetKind needs, BiFunction<String, Boolean, Metric> make) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        entry("binary_accuracy", "BinaryAccuracy", TargetKind.BINARY, Metrics::binaryAccuracy);
        entry("categorical_accuracy", "CategoricalAccuracy", TargetKind.CATEGORICAL,
                (name, logits) -> new MeanMetric(name, Metrics::categoricalHit));
        entry("sparse_categorical_accuracy", "SparseCategoricalAccuracy", TargetKind.SPARSE,
                (name, logits) -> new MeanMetric(name, Metrics::sparseHit));
        entry("top_k_categorical_accuracy", "TopKCategoricalAccuracy", TargetKind.CATEGORICAL,
                (name, logits) -> topK(name, TOP_K, false));
        entry("sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy", TargetKind.SPARSE,
                (name, logits) -> topK(name, TOP_K, true));
        entry("mean_absolute_error", "MeanAbsoluteError", TargetKind.CATEGORICAL,
                (name, logits) -> new MeanMetric(name, Metrics::absoluteError));
        entry("mean_squared_error", "MeanSquaredError", TargetKind.CATEGORICAL,
                (name, logits) -> new MeanMetric(name, Metrics::squaredError));
        entry("precision", "Precision", TargetKind.BINARY, (name, logits) -> new Precision(name, THRESHOLD, logits));
        entry("recall", "Recall", TargetKind.BINARY, (name, logits) -> new Recall(name, THRESHOLD, logits));
        entry("auc", "AUC", TargetKind.BINARY, (name, logits) -> new AUC(name, AUC_THRESHOLDS, logits));
        ALIASES.put("mae", "mean_absolute_error");
        ALIASES.put("MAE", "mean_absolute_error");
        ALIASES.put("mse", "mean_squared_error");
        ALIASES.put("MSE", "mean_squared_error");
    }

    private Metrics() {
    }

    private static void entry(String name, String className, TargetKind needs,
            BiFunction<String, Boolean, Metric> make) {
        ENTRIES.put(name, new Entry(needs, make));
        ALIASES.put(className, name);
    }

    /** @return every name {@code compile} takes, for messages and docs */
    public static String names() {
        StringBuilder names = new StringBuilder("accuracy, acc");
        ENTRIES.keySet().forEach(name -> names.append(", ").append(name));
        ALIASES.keySet().forEach(name -> names.append(", ").append(name));
        return names.toString();
    }

    /**
     * Checks a metric name without resolving it (compile may come before the model is built).
     *
     * @param name a name given to {@code compile}
     * @throws IllegalArgumentException naming the unknown metric and the known ones
     */
    public static void check(String name) {
        Objects.requireNonNull(name, "metric name is null");
        if (!isAccuracy(name) && !ENTRIES.containsKey(ALIASES.getOrDefault(name, name))) {
            throw new IllegalArgumentException("metrics: unknown metric '" + name + "'; known: " + names());
        }
    }

    /**
     * @param name   a name given to {@code compile}
     * @param loss   the compiled loss
     * @param output the output's sample shape
     * @return a new, empty metric for that output, logging under {@code name}
     * @throws IllegalArgumentException for an unknown name, or a metric whose targets the loss does not take
     */
    public static Metric resolve(String name, Loss loss, Shape output) {
        check(name);
        TargetKind targets = targetKind(loss, output);
        boolean logits = fromLogits(loss);
        if (isAccuracy(name)) {
            return switch (targets) {
                case BINARY -> binaryAccuracy(name, logits);
                case SPARSE -> new MeanMetric(name, Metrics::sparseHit);
                case CATEGORICAL -> new MeanMetric(name, Metrics::categoricalHit);
            };
        }
        String canonical = ALIASES.getOrDefault(name, name);
        Entry entry = ENTRIES.get(canonical);
        // Class indices fit the sparse metrics only; every other metric compares the output with same-shaped targets.
        if ((entry.needs == TargetKind.SPARSE) != (targets == TargetKind.SPARSE)) {
            throw new IllegalArgumentException("metrics: '" + name + "' needs " + describe(entry.needs)
                    + ", but " + loss.name() + " on output " + output + " takes " + describe(targets)
                    + (canonical.contains("top_k") ? "; use '" + (entry.needs == TargetKind.SPARSE
                            ? canonical.substring("sparse_".length()) : "sparse_" + canonical) + "'" : ""));
        }
        return entry.make.apply(name, logits);
    }

    /**
     * @param name a name {@code compile} takes
     * @return whether larger values are better (accuracies, precision, recall, AUC), as Keras's {@code _direction}
     * @throws IllegalArgumentException for an unknown name
     */
    public static boolean higherIsBetter(String name) {
        check(name);
        String canonical = ALIASES.getOrDefault(name, name);
        return !canonical.equals("mean_absolute_error") && !canonical.equals("mean_squared_error");
    }

    /**
     * @param loss   the compiled loss
     * @param output the output's sample shape
     * @return what the loss's targets for that output are
     */
    public static TargetKind targetKind(Loss loss, Shape output) {
        if (output.last() == 1 || "binary_crossentropy".equals(loss.name())) {
            return TargetKind.BINARY;
        }
        return loss.targetShapes(output).get(0).equals(output) ? TargetKind.CATEGORICAL : TargetKind.SPARSE;
    }

    private static boolean isAccuracy(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("accuracy") || lower.equals("acc");
    }

    private static boolean fromLogits(Loss loss) {
        return Boolean.TRUE.equals(loss.config().get("from_logits"));
    }

    private static String describe(TargetKind kind) {
        return switch (kind) {
            case BINARY -> "binary targets (0 or 1 per output value)";
            case SPARSE -> "class indices as targets";
            case CATEGORICAL -> "targets of the output's shape (one-hot)";
        };
    }

    /**
     * Keras's {@code BinaryAccuracy}: the fraction of output values whose prediction (probability above the
     * threshold) equals the target.
     *
     * @param name       the name in logs
     * @param threshold  the probability threshold, in [0, 1]
     * @param fromLogits whether the output is logits
     * @return the metric
     */
    public static Metric binaryAccuracy(String name, double threshold, boolean fromLogits) {
        checkThreshold(threshold);
        return new MeanMetric(name, (p, at, width, y, yAt, yWidth) -> {
            int equal = 0;
            for (int i = 0; i < width; i++) {
                double predicted = probability(p[at + i], fromLogits) > threshold ? 1.0 : 0.0;
                if (predicted == y[yAt + i]) {
                    equal++;
                }
            }
            return (double) equal / width;
        });
    }

    private static Metric binaryAccuracy(String name, boolean fromLogits) {
        return binaryAccuracy(name, THRESHOLD, fromLogits);
    }

    /**
     * Keras's {@code TopKCategoricalAccuracy} and {@code SparseTopKCategoricalAccuracy}: whether the target class is
     * among the {@code k} largest predictions, ties at the boundary counting as in (as Keras's {@code in_top_k}).
     *
     * @param name   the name in logs
     * @param k      at least 1
     * @param sparse whether targets are class indices rather than one-hot rows
     * @return the metric
     */
    public static Metric topK(String name, int k, boolean sparse) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k accuracy k: expected at least 1, found " + k);
        }
        return new MeanMetric(name, (p, at, width, y, yAt, yWidth) -> {
            int target = sparse ? classIndex(name, y[yAt], width) : argmax(y, yAt, width);
            int greater = 0;
            for (int i = 0; i < width; i++) {
                if (p[at + i] > p[at + target]) {
                    greater++;
                }
            }
            return greater < k ? 1.0 : 0.0;
        });
    }

    private static double categoricalHit(double[] p, int at, int width, double[] y, int yAt, int yWidth) {
        return argmax(p, at, width) == argmax(y, yAt, width) ? 1.0 : 0.0;
    }

    private static double sparseHit(double[] p, int at, int width, double[] y, int yAt, int yWidth) {
        return argmax(p, at, width) == Math.rint(y[yAt]) ? 1.0 : 0.0;
    }

    private static double absoluteError(double[] p, int at, int width, double[] y, int yAt, int yWidth) {
        double sum = 0.0;
        for (int i = 0; i < width; i++) {
            sum += Math.abs(p[at + i] - y[yAt + i]);
        }
        return sum / width;
    }

    private static double squaredError(double[] p, int at, int width, double[] y, int yAt, int yWidth) {
        double sum = 0.0;
        for (int i = 0; i < width; i++) {
            double difference = p[at + i] - y[yAt + i];
            sum += difference * difference;
        }
        return sum / width;
    }

    private static int classIndex(String name, double value, int classes) {
        int index = (int) Math.rint(value);
        if (index < 0 || index >= classes || index != value) {
            throw new IllegalArgumentException("metric " + name + ": expected class indices in [0, " + classes
                    + "), found " + value);
        }
        return index;
    }

    /**
     * @param values values
     * @param at     the first of the row
     * @param width  the row's length
     * @return the first index of the largest of {@code width} values from {@code at} (as Keras's argmax)
     */
    public static int argmax(double[] values, int at, int width) {
        int best = 0;
        for (int i = 1; i < width; i++) {
            if (values[at + i] > values[at + best]) {
                best = i;
            }
        }
        return best;
    }

    static double probability(double value, boolean fromLogits) {
        return fromLogits ? 1.0 / (1.0 + Math.exp(-value)) : value;
    }

    static double checkThreshold(double threshold) {
        if (!(threshold >= 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("threshold: expected a probability in [0, 1], found " + threshold);
        }
        return threshold;
    }

    /** @return the targets' values per row: the output's width, or 1 for class indices */
    static int targetWidth(String name, int rows, int width, double[] targets) {
        if (targets.length == (long) rows * width) {
            return width;
        }
        if (targets.length == rows) {
            return 1;
        }
        throw new IllegalArgumentException("metric " + name + ": " + rows + " output rows of " + width
                + " values need " + (long) rows * width + " target values (or " + rows + " class indices), found "
                + targets.length);
    }

    static void sameShape(String name, double[] predictions, double[] targets) {
        if (predictions.length != targets.length) {
            throw new IllegalArgumentException("metric " + name + ": expected one target per output value ("
                    + predictions.length + "), found " + targets.length);
        }
    }

    static void checkState(String name, double[] state, int length) {
        if (state == null || state.length != length) {
            throw new IllegalArgumentException("metric " + name + ": expected a state of " + length
                    + " sums, found " + (state == null ? "none" : Arrays.toString(state)));
        }
    }
}
