package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Shape;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.Embedding;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.layers.TimeDistributed;
import dev.rnn4j.core.losses.BinaryCrossentropy;
import dev.rnn4j.core.losses.SparseCategoricalCrossentropy;
import dev.rnn4j.core.metrics.Metric;
import dev.rnn4j.core.metrics.Metrics;
import dev.rnn4j.core.optimizers.Adam;
import dev.rnn4j.core.optimizers.SGD;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Metrics compiled by name, as fit and evaluate log them: per epoch, in the progress line, masks left out. */
class MetricsInFitTest {
    private static final String[] BINARY = {"accuracy", "precision", "recall", "auc"};

    private static Sequential binaryModel() {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(4);
        model.add(SimpleRNN.builder(6).build());
        model.add(new Dense(1));
        model.add(new Activation("sigmoid"));
        model.build(Shape.of(5, 3));
        model.compile(new BinaryCrossentropy(), new Adam(0.01), BINARY);
        return model;
    }

    /** Sequences whose label is whether their first feature sums above 0. */
    private static INDArray[] binaryData(int samples, long seed) {
        Random random = new Random(seed);
        float[] x = new float[samples * 15];
        float[] y = new float[samples];
        for (int i = 0; i < samples; i++) {
            double sum = 0;
            for (int j = 0; j < 15; j++) {
                x[i * 15 + j] = (float) random.nextGaussian();
                sum += j % 3 == 0 ? x[i * 15 + j] : 0;
            }
            y[i] = sum > 0 ? 1 : 0;
        }
        return new INDArray[] {Nd4j.create(x, new long[] {samples, 5, 3}, 'c'),
            Nd4j.create(y, new long[] {samples, 1}, 'c')};
    }

    @Test
    void binaryMetricsAreLoggedPerEpochAndEqualTheMetricsOfThePredictions() {
        INDArray[] train = binaryData(96, 1);
        INDArray[] test = binaryData(40, 2);
        Sequential model = binaryModel();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        History history = model.fit(train[0], train[1], new FitOptions().epochs(12).batchSize(16).verbose(2)
                .interactive(false).output(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .validationData(test[0], test[1]));

        assertThat(history.asMap()).containsOnlyKeys("loss", "accuracy", "precision", "recall", "auc", "val_loss",
                "val_accuracy", "val_precision", "val_recall", "val_auc");
        assertThat(history.get("auc")).hasSize(12).allSatisfy(auc -> assertThat(auc).isBetween(0.0, 1.0));
        String lines = printed.toString(StandardCharsets.UTF_8);
        assertThat(lines).contains(" - precision: ", " - recall: ", " - auc: ", " - val_auc: ");

        Map<String, Double> scores = model.evaluate(test[0], test[1], 7, 0);
        INDArray predictions = model.predict(test[0], 40);
        for (String name : BINARY) {
            Metric metric = Metrics.resolve(name, model.loss(), model.outputShape());
            metric.update(predictions, test[1], null);
            assertThat(scores.get(name)).as(name).isCloseTo(metric.result(), within(1e-12));
            assertThat(history.get("val_" + name).get(11)).as(name).isCloseTo(metric.result(), within(1e-12));
        }
        // the task is learnable: the scores say so
        assertThat(scores.get("auc")).isGreaterThan(0.8);
    }

    @Test
    void aRunStoppedInTheMiddleOfAnEpochResumesEveryMetricToTheRunNeverStopped() {
        INDArray[] train = binaryData(96, 3);
        History whole = binaryModel().fit(train[0], train[1], new FitOptions().epochs(2).batchSize(16).verbose(0));
        Sequential interrupted = binaryModel();
        FitState[] stopped = {null};
        int[] steps = {0};
        interrupted.fit(train[0], train[1], new FitOptions().epochs(2).batchSize(16).verbose(0)
                .stopSignal(() -> ++steps[0] == 9).callbacks(new Callback() {
                    @Override
                    public void onInterrupt(FitState state) {
                        stopped[0] = state;
                    }
                }));
        assertThat(stopped[0].step()).isEqualTo(3);
        assertThat(stopped[0].running()).containsOnlyKeys("loss", "seen", "accuracy", "precision", "recall", "auc");
        History resumed = interrupted.fit(train[0], train[1], new FitOptions().epochs(2).batchSize(16).verbose(0)
                .resume(stopped[0]));
        assertThat(resumed.asMap()).isEqualTo(whole.asMap());

        Sequential other = binaryModel();
        other.compile(new BinaryCrossentropy(), new SGD(), "accuracy", "mse");
        assertThatThrownBy(() -> other.fit(train[0], train[1], new FitOptions().epochs(2).batchSize(16).verbose(0)
                .resume(stopped[0]))).hasMessage("fit: the state to resume from stopped in the middle of an epoch"
                        + " without the running sums of mse (it has [loss, seen, accuracy, precision, recall, auc]);"
                        + " resume with the metrics and outputs it was trained with, or from an epoch's end");
    }

    @Test
    void maskedTimestepsAreLeftOutOfEveryMetric() {
        int timesteps = 4;
        Sequential model = new Sequential(TestSupport.BACKEND, DataType.DOUBLE).seed(6);
        model.add(new Embedding(7, 3, true));
        model.add(GRU.builder(5).returnSequences(true).build());
        model.add(new TimeDistributed(new Dense(6)));
        model.add(new Activation("softmax"));
        model.build(Shape.of(timesteps));
        model.compile(new SparseCategoricalCrossentropy(), new SGD(0.1), "accuracy",
                "sparse_top_k_categorical_accuracy");
        // lengths 4, 2, 1: token 0 pads
        INDArray x = Nd4j.create(new double[] {3, 1, 4, 1, 5, 2, 0, 0, 6, 0, 0, 0}, new long[] {3, timesteps}, 'c');
        INDArray y = Nd4j.create(new double[] {1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0}, new long[] {3, timesteps}, 'c');
        INDArray p = model.predict(x, 3);
        double[] values = Values.of(p);
        double[] labels = Values.of(y);
        double[] mask = Values.of(x);
        int hits = 0;
        int top5 = 0;
        int real = 0;
        for (int row = 0; row < 12; row++) {
            if (mask[row] == 0) {
                continue;
            }
            real++;
            int best = 0;
            int greater = 0;
            int target = (int) labels[row];
            for (int c = 0; c < 6; c++) {
                best = values[row * 6 + c] > values[row * 6 + best] ? c : best;
                greater += values[row * 6 + c] > values[row * 6 + target] ? 1 : 0;
            }
            hits += best == target ? 1 : 0;
            top5 += greater < 5 ? 1 : 0;
        }
        Map<String, Double> scores = model.evaluate(x, y, 3, 0);
        assertThat(real).isEqualTo(7);
        assertThat(scores.get("accuracy")).isEqualTo((double) hits / real);
        assertThat(scores.get("sparse_top_k_categorical_accuracy")).isEqualTo((double) top5 / real);
    }

    @Test
    void badMetricNamesAreRefusedAtCompile() {
        Sequential model = binaryModel();
        assertThatThrownBy(() -> model.compile(new BinaryCrossentropy(), new SGD(), "accuracy", "f1"))
                .hasMessageStartingWith("metrics: unknown metric 'f1'; known: accuracy, acc,");
        assertThatThrownBy(() -> model.compile(new BinaryCrossentropy(), new SGD(), "auc", "auc"))
                .hasMessage("metrics: expected each name once, found [auc, auc]");
        Sequential classes = new Sequential(TestSupport.BACKEND).seed(4);
        classes.add(SimpleRNN.builder(6).build());
        classes.add(new Dense(3));
        classes.add(new Activation("softmax"));
        classes.build(Shape.of(5, 3));
        classes.compile(new SparseCategoricalCrossentropy(), new SGD(), "precision");
        INDArray[] data = binaryData(8, 1);
        assertThatThrownBy(() -> classes.fit(data[0], data[1], new FitOptions().verbose(0)))
                .hasMessage("metrics: 'precision' needs binary targets (0 or 1 per output value), but"
                        + " sparse_categorical_crossentropy on output (None, 3) takes class indices as targets");
    }
}
