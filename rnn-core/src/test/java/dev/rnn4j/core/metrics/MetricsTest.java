package dev.rnn4j.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Shape;
import dev.rnn4j.core.losses.BinaryCrossentropy;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.losses.MeanSquaredError;
import dev.rnn4j.core.losses.SparseCategoricalCrossentropy;
import org.junit.jupiter.api.Test;

/** The metrics against the values Keras's own tests pin ({@code keras/src/metrics/*_test.py}) or by hand. */
class MetricsTest {
    private static final double[] REGRESSION_TRUE = {0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1};
    private static final double[] REGRESSION_PRED = {0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1};
    private static final double[] REGRESSION_WEIGHTS = {1.0, 1.5, 2.0, 2.5};

    private static double score(Metric metric, double[] predictions, int width, double[] targets, double[] weights) {
        metric.update(predictions, width, targets, weights);
        return metric.result();
    }

    private static Metric resolve(String name, dev.rnn4j.api.Loss loss, int... shape) {
        return Metrics.resolve(name, loss, Shape.of(shape));
    }

    @Test
    void accuracyResolvesAsKerasDoesForTheLossAndOutput() {
        double[] probabilities = {0.1, 0.6, 0.3, 0.8, 0.1, 0.1};
        // categorical: row 0 right (class 1), row 1 wrong
        assertThat(score(resolve("accuracy", new CategoricalCrossentropy(), 3), probabilities, 3,
                new double[] {0, 1, 0, 0, 0, 1}, null)).isEqualTo(0.5);
        // sparse: the same rows with class indices, both right
        assertThat(score(resolve("acc", new SparseCategoricalCrossentropy(), 3), probabilities, 3,
                new double[] {1, 0}, null)).isEqualTo(1.0);
        // one output unit: binary, whatever the loss
        assertThat(score(resolve("accuracy", new MeanSquaredError(), 1), new double[] {0.98, 1, 0, 0.6}, 1,
                new double[] {1, 1, 0, 0}, null)).isEqualTo(0.75);
        // binary cross-entropy on several units: every value thresholded
        assertThat(score(resolve("accuracy", new BinaryCrossentropy(), 2), new double[] {0.98, 1, 0, 0.6}, 2,
                new double[] {1, 1, 0, 0}, null)).isEqualTo(0.75);
        assertThat(resolve("acc", new CategoricalCrossentropy(), 3).name()).isEqualTo("acc");
    }

    @Test
    void binaryAccuracyMatchesKerasTest() {
        double[] predictions = {0.98, 1, 0, 0.6};
        double[] targets = {1, 1, 0, 0};
        assertThat(score(resolve("binary_accuracy", new BinaryCrossentropy(), 1), predictions, 1, targets, null))
                .isCloseTo(0.75, within(1e-12));
        assertThat(score(resolve("binary_accuracy", new BinaryCrossentropy(), 1), predictions, 1, targets,
                new double[] {1, 0, 0, 1})).isCloseTo(0.5, within(1e-12));
        double[] thresholded = {0.98, 0.5, 0.1, 0.2};
        assertThat(score(Metrics.binaryAccuracy("a", 0.3, false), thresholded, 1, targets, null)).isEqualTo(1.0);
        assertThat(score(Metrics.binaryAccuracy("a", 0.9, false), thresholded, 1, targets, null)).isEqualTo(0.75);
    }

    @Test
    void binaryMetricsOfLogitsThresholdTheirProbability() {
        double[] logits = {3.9, 0.2, -0.1, -5};
        double[] targets = {1, 0, 0, 1};
        // probabilities 0.98, 0.55, 0.475, 0.0067: right, wrong, right, wrong
        assertThat(score(resolve("accuracy", new BinaryCrossentropy(true), 1), logits, 1, targets, null))
                .isEqualTo(0.5);
        assertThat(score(resolve("precision", new BinaryCrossentropy(true), 1), logits, 1, targets, null))
                .isEqualTo(0.5);
    }

    @Test
    void topKMatchesKerasTest() {
        double[] predictions = {0.1, 0.9, 0.8, 0.05, 0.95, 0};
        double[] oneHot = {0, 0, 1, 0, 1, 0};
        double[] indices = {2, 1};
        assertThat(score(Metrics.topK("top", 1, false), predictions, 3, oneHot, null)).isCloseTo(0.5,
                within(1e-12));
        assertThat(score(Metrics.topK("top", 1, false), predictions, 3, oneHot, new double[] {0.7, 0.3}))
                .isCloseTo(0.3, within(1e-12));
        assertThat(score(Metrics.topK("top", 1, true), predictions, 3, indices, null)).isCloseTo(0.5,
                within(1e-12));
        assertThat(score(Metrics.topK("top", 2, true), predictions, 3, indices, null)).isEqualTo(1.0);
        // ties at the boundary count as in the top k
        assertThat(score(Metrics.topK("top", 1, true), new double[] {0.5, 0.5}, 2, new double[] {1}, null))
                .isEqualTo(1.0);
        assertThat(resolve("top_k_categorical_accuracy", new CategoricalCrossentropy(), 10).name())
                .isEqualTo("top_k_categorical_accuracy");
        // Keras's default k is 5: a target ranked sixth of ten is a miss, fifth a hit
        double[] ranked = {0.10, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.02, 0.01};
        Metric five = resolve("sparse_top_k_categorical_accuracy", new SparseCategoricalCrossentropy(), 10);
        assertThat(score(five, ranked, 10, new double[] {4}, null)).isEqualTo(1.0);
        five.reset();
        assertThat(score(five, ranked, 10, new double[] {5}, null)).isEqualTo(0.0);
    }

    @Test
    void meanErrorsMatchKerasTest() {
        for (String name : new String[] {"mae", "mse", "mean_absolute_error", "MeanSquaredError"}) {
            assertThat(score(resolve(name, new MeanSquaredError(), 5), REGRESSION_PRED, 5, REGRESSION_TRUE, null))
                    .as(name).isCloseTo(0.5, within(1e-12));
            assertThat(score(resolve(name, new MeanSquaredError(), 5), REGRESSION_PRED, 5, REGRESSION_TRUE,
                    REGRESSION_WEIGHTS)).as(name).isCloseTo(0.54285, within(1e-5));
        }
        // by hand: errors 0.5 and 2 in one row of two
        assertThat(score(resolve("mse", new MeanSquaredError(), 2), new double[] {0.5, 2}, 2, new double[] {0, 0},
                null)).isEqualTo((0.25 + 4) / 2);
        assertThat(score(resolve("mae", new MeanSquaredError(), 2), new double[] {0.5, -2}, 2, new double[] {0, 0},
                null)).isEqualTo(1.25);
    }

    @Test
    void precisionAndRecallMatchKerasTest() {
        double[] predictions = {1, 0, 1, 0};
        double[] targets = {0, 1, 1, 0};
        assertThat(score(resolve("precision", new BinaryCrossentropy(), 1), predictions, 1, targets, null))
                .isEqualTo(0.5);
        assertThat(score(resolve("recall", new BinaryCrossentropy(), 1), predictions, 1, targets, null))
                .isEqualTo(0.5);
        double[] zeros = {0, 0, 0, 0};
        assertThat(score(resolve("precision", new BinaryCrossentropy(), 1), zeros, 1, zeros, null)).isEqualTo(0.0);
        assertThat(score(resolve("recall", new BinaryCrossentropy(), 1), zeros, 1, zeros, null)).isEqualTo(0.0);
        // Keras's test_unweighted_with_threshold: 0.6 is above 0.5, so precision 1 of 2
        assertThat(score(new Precision("p", 0.5, false), new double[] {1, 0, 0.6, 0}, 1, targets, null))
                .isEqualTo(0.5);
        assertThat(score(new Precision("p", 0.7, false), new double[] {1, 0, 0.6, 0}, 1, targets, null))
                .isEqualTo(0.0);
        // weighted by hand: predicted positive rows 0 (weight 2, wrong) and 2 (weight 3, right)
        double[] weights = {2, 1, 3, 4};
        assertThat(score(resolve("precision", new BinaryCrossentropy(), 1), predictions, 1, targets, weights))
                .isEqualTo(3.0 / 5);
        // positive targets rows 1 (weight 1, missed) and 2 (weight 3, found)
        assertThat(score(resolve("recall", new BinaryCrossentropy(), 1), predictions, 1, targets, weights))
                .isEqualTo(3.0 / 4);
    }

    @Test
    void aucMatchesKerasTest() {
        double[] predictions = {0, 0.5, 0.3, 0.9};
        double[] targets = {0, 0, 1, 1};
        assertThat(score(resolve("auc", new BinaryCrossentropy(), 1), targets, 1, targets, null)).isEqualTo(1.0);
        assertThat(score(new AUC("auc", 3, false), predictions, 1, targets, null)).isCloseTo(0.75, within(1e-12));
        // Keras's test_weighted_roc_interpolation: recall [1, 4/7, 0], false positive rate [1, 0, 0]
        assertThat(score(new AUC("auc", 3, false), predictions, 1, targets, new double[] {1, 2, 3, 4}))
                .isCloseTo((1 + 4.0 / 7) / 2, within(1e-12));
        // with Keras's 200 thresholds a perfect ranking at any scale is 1, a reversed one 0
        assertThat(score(resolve("auc", new BinaryCrossentropy(), 1), new double[] {0.1, 0.2, 0.7, 0.8}, 1, targets,
                null)).isCloseTo(1.0, within(1e-12));
        assertThat(score(resolve("auc", new BinaryCrossentropy(), 1), new double[] {0.8, 0.7, 0.2, 0.1}, 1, targets,
                null)).isCloseTo(0.0, within(1e-12));
        // logits: the sigmoid first, the same ranking
        assertThat(score(resolve("auc", new BinaryCrossentropy(true), 1), new double[] {-4, 0, -0.8, 2.2}, 1, targets,
                null)).isCloseTo(0.75, within(0.02));
    }

    @Test
    void stateRestoresTheRunningSums() {
        double[] predictions = {0.1, 0.9, 0.8, 0.35, 0.6, 0.2};
        double[] targets = {0, 1, 1, 0, 1, 0};
        for (String name : new String[] {"accuracy", "precision", "recall", "auc", "mse"}) {
            Metric whole = resolve(name, new BinaryCrossentropy(), 1);
            whole.update(predictions, 1, targets, null);
            Metric first = resolve(name, new BinaryCrossentropy(), 1);
            first.update(java.util.Arrays.copyOf(predictions, 3), 1, java.util.Arrays.copyOf(targets, 3), null);
            Metric resumed = resolve(name, new BinaryCrossentropy(), 1);
            resumed.restore(first.state());
            resumed.update(java.util.Arrays.copyOfRange(predictions, 3, 6), 1,
                    java.util.Arrays.copyOfRange(targets, 3, 6), null);
            assertThat(resumed.result()).as(name).isEqualTo(whole.result());
            resumed.reset();
            assertThat(resumed.result()).as(name).isEqualTo(0.0);
        }
    }

    @Test
    void badNamesTargetsAndStatesAreNamed() {
        assertThatThrownBy(() -> Metrics.check("f1"))
                .hasMessageStartingWith("metrics: unknown metric 'f1'; known: accuracy, acc, binary_accuracy,")
                .hasMessageContaining("auc").hasMessageContaining("mse");
        assertThatThrownBy(() -> resolve("top_k_categorical_accuracy", new SparseCategoricalCrossentropy(), 5))
                .hasMessage("metrics: 'top_k_categorical_accuracy' needs targets of the output's shape (one-hot), but"
                        + " sparse_categorical_crossentropy on output (None, 5) takes class indices as targets; use"
                        + " 'sparse_top_k_categorical_accuracy'");
        assertThatThrownBy(() -> resolve("sparse_categorical_accuracy", new CategoricalCrossentropy(), 5))
                .hasMessageContaining("needs class indices as targets");
        assertThatThrownBy(() -> resolve("precision", new SparseCategoricalCrossentropy(), 5))
                .hasMessageContaining("'precision' needs binary targets");
        assertThatThrownBy(() -> resolve("auc", new BinaryCrossentropy(), 1).restore(new double[] {1, 2}))
                .hasMessageStartingWith("metric auc: expected a state of 402 sums, found [1.0, 2.0]");
        assertThatThrownBy(() -> score(Metrics.topK("top", 1, true), new double[] {0.5, 0.5}, 2, new double[] {2},
                null)).hasMessage("metric top: expected class indices in [0, 2), found 2.0");
        assertThatThrownBy(() -> score(resolve("mse", new MeanSquaredError(), 2), new double[] {1, 2, 3, 4}, 2,
                new double[] {1, 2, 3}, null))
                .hasMessage("metric mse: 2 output rows of 2 values need 4 target values (or 2 class indices), found 3");
        assertThatThrownBy(() -> new Precision("p", 1.5, false))
                .hasMessage("threshold: expected a probability in [0, 1], found 1.5");
        assertThatThrownBy(() -> new AUC("auc", 1, false))
                .hasMessage("AUC num_thresholds: expected at least 2, found 1");
    }
}
