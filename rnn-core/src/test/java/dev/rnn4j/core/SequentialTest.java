package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SequentialTest {

    static Sequential notebookModel(long seed, int units, double dropout) {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(seed);
        model.add(SimpleRNN.builder(units).dropout(dropout).build());
        model.add(new Dense(10));
        model.add(new Activation("softmax"));
        return model;
    }

    /**
     * Which of 10 timesteps holds the largest value: learnable only by looking at the whole sequence. Each sequence is
     * a random order of the levels 0.1, 0.2, ..., 1.0, so the largest value stands 0.1 above the next.
     */
    static INDArray[] argmaxTask(int samples, long seed) {
        Random random = new Random(seed);
        float[] x = new float[samples * 10];
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            int[] order = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
            for (int k = 9; k > 0; k--) {
                int j = random.nextInt(k + 1);
                int swap = order[k];
                order[k] = order[j];
                order[j] = swap;
            }
            for (int t = 0; t < 10; t++) {
                x[i * 10 + t] = order[t] / 10f;
                if (order[t] == 10) {
                    labels[i] = t;
                }
            }
        }
        return new INDArray[] {Nd4j.create(x, new long[] {samples, 10, 1}, 'c'), Categorical.toCategorical(labels, 10)};
    }

    @Test
    void summaryOfTheNotebookModelIsComputedInKeras2Layout() {
        Sequential model = notebookModel(1, 256, 0.2).build(Shape.of(28, 28));
        assertThat(model.summary()).isEqualTo(String.join("\n",
                "Model: \"sequential\"",
                "_________________________________________________________________",
                " Layer (type)                Output Shape              Param #",
                "=================================================================",
                " simple_rnn (SimpleRNN)      (None, 256)               72960",
                " dense (Dense)               (None, 10)                2570",
                " activation (Activation)     (None, 10)                0",
                "=================================================================",
                "Total params: 75,530",
                "Trainable params: 75,530",
                "Non-trainable params: 0",
                "_________________________________________________________________",
                ""));
        assertThat(model.countParams()).isEqualTo(75_530);
    }

    @Test
    void namesRepeatedLayersAsKeras() {
        Sequential model = new Sequential(TestSupport.BACKEND);
        model.add(SimpleRNN.builder(8).returnSequences(true).build()).add(new SimpleRNN(8)).add(new Dense(4))
                .add(new Dense(2));
        assertThat(model.layers()).extracting(layer -> layer.name())
                .containsExactly("simple_rnn", "simple_rnn_1", "dense", "dense_1");
    }

    @Test
    void learnsWhichTimestepHoldsTheLargestValue() {
        INDArray[] train = argmaxTask(3000, 1);
        INDArray[] test = argmaxTask(1000, 2);
        Sequential model = notebookModel(3, 64, 0.0);
        model.compile(new CategoricalCrossentropy(), new SGD(0.02, 0.9, true), "accuracy");

        History history = model.fit(train[0], train[1], new FitOptions().epochs(10).batchSize(32).verbose(0));
        Map<String, Double> scores = model.evaluate(test[0], test[1], 128, 0);

        assertThat(history.get("loss")).hasSize(10);
        assertThat(history.get("loss").get(9)).isLessThan(history.get("loss").get(0));
        assertThat(scores.get("accuracy")).isGreaterThan(0.90);
    }

    /** Scores of outputs already predicted: the same numbers as evaluate on the inputs, batch for batch. */
    @Test
    void evaluateOutputsGivesEvaluatesNumbersFromPredictedOutputs() {
        INDArray[] data = argmaxTask(70, 7);
        Sequential model = notebookModel(4, 16, 0.0);
        model.compile(new CategoricalCrossentropy(), new SGD(0.05), "accuracy");
        model.fit(data[0], data[1], new FitOptions().epochs(2).batchSize(16).verbose(0));

        for (int batchSize : new int[] {16, 70, 128}) {
            Map<String, Double> evaluated = model.evaluate(data[0], data[1], batchSize, 0);
            INDArray outputs = model.predict(data[0], batchSize);
            Map<String, Double> fromOutputs = model.evaluateOutputs(outputs, data[1], batchSize);

            assertThat(fromOutputs).as("batch size %d", batchSize).isEqualTo(evaluated);
            assertThat(fromOutputs.get("accuracy")).isStrictlyBetween(0.0, 1.0);
        }
        assertThatThrownBy(() -> model.evaluateOutputs(Nd4j.zeros(DataType.FLOAT, 70, 9), data[1], 16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[70, 9]");
        assertThatThrownBy(() -> model.evaluateOutputs(model.predict(data[0], 16), data[1].get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 60), org.nd4j.linalg.indexing.NDArrayIndex.all()),
                16)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70 samples but y has 60");
        assertThatThrownBy(() -> notebookModel(4, 16, 0.0).evaluateOutputs(data[1], data[1], 16))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not compiled");
    }

    @Test
    void sameSeedGivesTheSameWeightsAfterTraining() {
        INDArray[] data = argmaxTask(300, 5);
        float[] first = trainedWeights(data, 42);
        float[] second = trainedWeights(data, 42);
        float[] other = trainedWeights(data, 43);
        assertThat(second).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
    }

    private static float[] trainedWeights(INDArray[] data, long seed) {
        Sequential model = notebookModel(seed, 16, 0.2);
        model.compile(new CategoricalCrossentropy(), new SGD(), "accuracy");
        model.fit(data[0], data[1], new FitOptions().epochs(2).batchSize(64).verbose(0));
        return model.parameters().get(0).value().dup().data().asFloat();
    }

    @Test
    void wholeModelPassesGradientCheck() {
        Sequential model = new Sequential(TestSupport.BACKEND, DataType.DOUBLE).seed(7);
        model.add(SimpleRNN.builder(5).returnSequences(true).build());
        model.add(new SimpleRNN(4));
        model.add(new Dense(3, ActivationFunction.TANH));
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.compile(new CategoricalCrossentropy(), new SGD(), "accuracy");
        model.build(Shape.of(4, 3));
        INDArray x = GradientCheck.randomInput(model.layers().get(0), 3, 1);
        INDArray y = Categorical.toCategorical(new int[] {0, 2, 1}, 3, DataType.DOUBLE);

        GradientCheck.Result result = GradientCheck.checkModel(model, x, y);

        assertThat(result.passed()).as(result.toString()).isTrue();
        assertThat(result.checked()).isEqualTo(model.countParams());
    }

    @Test
    void gradientCheckReportsAWrongGradient() {
        Dense dense = TestSupport.buildDouble(new Dense(2), Shape.of(3), 1);
        dev.rnn4j.api.Layer broken = new BrokenLayer(dense);
        GradientCheck.Result result = GradientCheck.checkLayer(broken, GradientCheck.randomInput(dense, 2, 1));
        assertThat(result.passed()).isFalse();
        assertThat(result.toString()).contains("dense/kernel[").contains("analytic").contains("numeric");
    }

    @Test
    void verboseTwoPrintsOneLinePerEpochInKerasForm() {
        INDArray[] data = argmaxTask(200, 9);
        Sequential model = notebookModel(1, 8, 0.0);
        model.compile(new CategoricalCrossentropy(), new SGD(), "accuracy");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        model.fit(data[0], data[1], new FitOptions().epochs(2).batchSize(64).verbose(2)
                .output(new PrintStream(buffer, true, StandardCharsets.UTF_8)).validationSplit(0.25));
        List<String> lines = buffer.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("Epoch 1/2");
        assertThat(lines.get(1)).matches("3/3 - \\d+s - loss: \\d\\.\\d{4} - accuracy: \\d\\.\\d{4}"
                + " - val_loss: \\d\\.\\d{4} - val_accuracy: \\d\\.\\d{4} - \\d+m?s/epoch - \\d+[mu]?s/step");
    }

    @Test
    void verboseOneWithoutTerminalPrintsTheFinishedBarOnly() {
        INDArray[] data = argmaxTask(200, 9);
        Sequential model = notebookModel(1, 8, 0.0);
        model.compile(new CategoricalCrossentropy(), new SGD(), "accuracy");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        model.fit(data[0], data[1], new FitOptions().epochs(1).batchSize(16).verbose(1).interactive(false)
                .output(new PrintStream(buffer, true, StandardCharsets.UTF_8)));
        List<String> lines = buffer.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).matches("13/13 \\[={30}\\] - \\d+s \\d+[mu]?s/step - loss: \\d\\.\\d{4}"
                + " - accuracy: \\d\\.\\d{4}");
    }

    @Test
    void interactiveBarRedrawsWithCarriageReturns() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(buffer, true, StandardCharsets.UTF_8), 1, true, 4);
        bar.update(1, Map.of("loss", 0.5));
        bar.update(4, Map.of("loss", 0.25));
        String text = buffer.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("\r1/4 [======>.......................] - ETA: ");
        assertThat(text).contains("\r4/4 [==============================] - ").endsWith("loss: 0.2500\n"
                .replace("\n", System.lineSeparator()));
    }

    @Test
    void rejectsDataThatDoesNotFitBeforeTraining() {
        Sequential model = notebookModel(1, 8, 0.0).build(Shape.of(28, 28));
        model.compile(new CategoricalCrossentropy(), new SGD(), "accuracy");
        INDArray x = Nd4j.zeros(DataType.FLOAT, 4, 28, 28);
        assertThatThrownBy(() -> model.fit(Nd4j.zeros(DataType.FLOAT, 4, 28, 27), Nd4j.zeros(DataType.FLOAT, 4, 10), 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("simple_rnn (SimpleRNN)")
                .hasMessageContaining("(None, 28, 28)").hasMessageContaining("[4, 28, 27]");
        assertThatThrownBy(() -> model.fit(Nd4j.zeros(DataType.FLOAT, 4, 784), Nd4j.zeros(DataType.FLOAT, 4, 10), 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 784]");
        assertThatThrownBy(() -> model.fit(x, Nd4j.zeros(DataType.FLOAT, 4, 12), 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("activation (Activation)")
                .hasMessageContaining("(None, 10)").hasMessageContaining("[4, 12]");
        assertThatThrownBy(() -> model.fit(x, Nd4j.zeros(DataType.FLOAT, 3, 10), 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 samples").hasMessageContaining("3 rows");
        assertThatThrownBy(() -> model.fit(Nd4j.zeros(DataType.FLOAT, 0, 28, 28), Nd4j.zeros(DataType.FLOAT, 0, 10), 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> model.fit(x, Nd4j.zeros(DataType.FLOAT, 4, 10), 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch_size").hasMessageContaining("0");
        assertThatThrownBy(() -> model.fit(x, Nd4j.zeros(DataType.FLOAT, 4, 10), -1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epochs").hasMessageContaining("-1");
    }

    @Test
    void stopsWithAClearErrorWhenTheLossBecomesNaN() {
        INDArray[] data = argmaxTask(64, 3);
        data[0].putScalar(new long[] {40, 3, 0}, Float.NaN);
        Sequential model = notebookModel(1, 8, 0.0);
        model.compile(new CategoricalCrossentropy(), new SGD(), "accuracy");
        assertThatThrownBy(() -> model.fit(data[0], data[1], new FitOptions().epochs(1).batchSize(16).verbose(0)
                .shuffle(false)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("NaN")
                .hasMessageContaining("epoch 1").hasMessageContaining("batch 3 of 4");
    }

    @Test
    void predictReturnsProbabilitiesForEverySample() {
        INDArray[] data = argmaxTask(70, 3);
        Sequential model = notebookModel(1, 8, 0.0);
        INDArray p = model.predict(data[0], 32);
        assertThat(p.shape()).containsExactly(70, 10);
        assertThat(p.sum(1).minNumber().doubleValue()).isGreaterThan(0.9999);
    }

    @Test
    void toCategoricalRejectsLabelsOutOfRange() {
        assertThat(Categorical.toCategorical(new int[] {5, 0}, 10).toFloatMatrix()[0][5]).isEqualTo(1f);
        assertThatThrownBy(() -> Categorical.toCategorical(new int[] {1, 10}, 10))
                .hasMessageContaining("labels[1]").hasMessageContaining("10");
    }

    /** A layer whose kernel gradient is deliberately doubled. */
    private static final class BrokenLayer implements dev.rnn4j.api.Layer {
        private final Dense inner;

        BrokenLayer(Dense inner) {
            this.inner = inner;
        }

        @Override public String name() { return inner.name(); }
        @Override public void setName(String name) { inner.setName(name); }
        @Override public Shape outputShape(Shape inputShape) { return inner.outputShape(inputShape); }
        @Override public void build(Shape inputShape, dev.rnn4j.api.BuildContext context) { }
        @Override public boolean isBuilt() { return true; }
        @Override public Shape inputShape() { return inner.inputShape(); }
        @Override public INDArray forward(INDArray input, boolean training) { return inner.forward(input, training); }
        @Override public INDArray backward(INDArray gradient, boolean need) {
            INDArray result = inner.backward(gradient, need);
            inner.parameter("kernel").gradient().muli(2);
            return result;
        }
        @Override public List<Parameter> parameters() { return inner.parameters(); }
        @Override public long countParams(Shape inputShape) { return inner.countParams(inputShape); }
        @Override public Map<String, Object> config() { return inner.config(); }
    }
}
