package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.data.Batch;
import dev.rnn4j.core.data.BatchIterator;
import dev.rnn4j.core.data.Bucketing;
import dev.rnn4j.core.data.Padding;
import dev.rnn4j.core.data.RecordFormat;
import dev.rnn4j.core.data.RecordSet;
import dev.rnn4j.core.data.RecordSource;
import dev.rnn4j.core.data.SequenceRecord;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Bidirectional;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.Embedding;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.layers.TimeDistributed;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.losses.SparseCategoricalCrossentropy;
import dev.rnn4j.core.optimizers.Adam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Models whose timesteps each batch sets ({@link Shape#ANY}, Keras's {@code Input(shape=(None, features))}): each
 * length runs as a model built for it, batches padded only to their own longest record (or bucketed by length) train
 * as batches padded to the longest of all, and the model file keeps the free dimension.
 */
class VariableTimestepsTest {
    private static final int FEATURES = 3;
    private static final int CLASSES = 3;

    private static INDArray gaussian(long seed, DataType type, long... shape) {
        Random random = new Random(seed);
        INDArray array = Nd4j.create(type, shape);
        for (long i = 0; i < array.length(); i++) {
            array.putScalar(i, random.nextGaussian());
        }
        return array;
    }

    private static INDArray oneHot(long seed, int rows) {
        Random random = new Random(seed);
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        return Categorical.toCategorical(labels, CLASSES);
    }

    /** The same stack, built for {@code input}; the generator's seed gives the same initial weights at any length. */
    private static Sequential stack(Shape input, DataType type, Supplier<dev.rnn4j.api.Layer> recurrent) {
        Sequential model = new Sequential(TestSupport.BACKEND, type).seed(11);
        model.add(recurrent.get());
        model.add(new Dense(CLASSES));
        model.add(new Activation("softmax"));
        model.build(input);
        model.compile(new CategoricalCrossentropy(), new Adam(0.01), "accuracy");
        return model;
    }

    @Test
    void eachLengthRunsAndTrainsAsAModelBuiltForThatLength() {
        List<Supplier<dev.rnn4j.api.Layer>> layers = List.of(
                () -> new LSTM(4),
                () -> GRU.builder(4).goBackwards(true).build(),
                () -> new Bidirectional(SimpleRNN.builder(4).build()));
        for (Supplier<dev.rnn4j.api.Layer> layer : layers) {
            Sequential variable = stack(Shape.of(Shape.ANY, FEATURES), DataType.FLOAT, layer);
            for (int steps : new int[] {2, 7, 3, 7}) {
                Sequential fixed = stack(Shape.of(steps, FEATURES), DataType.FLOAT, layer);
                copyWeights(variable, fixed);
                INDArray x = gaussian(steps, DataType.FLOAT, 5, steps, FEATURES);
                INDArray y = oneHot(steps, 5);
                String what = variable.layers().get(0).typeName() + " at " + steps + " steps";
                assertThat(TestSupport.exact(variable.predict(x, 5))).as(what)
                        .isEqualTo(TestSupport.exact(fixed.predict(x, 5)));
                assertThat(variable.computeGradients(x, y, false)).as(what)
                        .isEqualTo(fixed.computeGradients(x, y, false));
                List<Object> fixedGradients = new ArrayList<>();
                for (Parameter parameter : fixed.parameters()) {
                    fixedGradients.add(TestSupport.exact(parameter.gradient()));
                }
                List<Object> variableGradients = new ArrayList<>();
                for (Parameter parameter : variable.parameters()) {
                    variableGradients.add(TestSupport.exact(parameter.gradient()));
                }
                assertThat(variableGradients).as(what).isEqualTo(fixedGradients);
                History trained = variable.fit(x, y, new FitOptions().epochs(1).batchSize(5).shuffle(false)
                        .verbose(0));
                History expected = fixed.fit(x, y, new FitOptions().epochs(1).batchSize(5).shuffle(false)
                        .verbose(0));
                assertThat(trained.asMap()).as(what).isEqualTo(expected.asMap());
            }
        }
    }

    private static void copyWeights(Sequential from, Sequential to) {
        for (int i = 0; i < from.parameters().size(); i++) {
            to.parameters().get(i).value().assign(from.parameters().get(i).value());
        }
    }

    @Test
    void gradientsAreRightAtEveryLength() {
        Sequential model = new Sequential(TestSupport.BACKEND, DataType.DOUBLE).seed(2);
        model.add(LSTM.builder(3).returnSequences(true).build());
        model.add(new TimeDistributed(new Dense(CLASSES)));
        model.add(new Activation("softmax"));
        model.build(Shape.of(Shape.ANY, FEATURES));
        model.compile(new SparseCategoricalCrossentropy(), new Adam(0.01));
        for (int steps : new int[] {1, 4, 6}) {
            INDArray x = gaussian(steps, DataType.DOUBLE, 2, steps, FEATURES);
            INDArray y = Nd4j.create(DataType.DOUBLE, 2, steps);
            for (long i = 0; i < y.length(); i++) {
                y.putScalar(i, i % CLASSES);
            }
            GradientCheck.assertModel(model, x, y);
        }
    }

    @Test
    void theSummaryAndTheModelFileKeepTheFreeDimension(@TempDir Path folder) throws IOException {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(4);
        model.add(new Embedding(20, 5));
        model.add(LSTM.builder(6).returnSequences(true).build());
        model.add(new Dense(20));
        model.add(new Activation("softmax"));
        model.build(Shape.of(Shape.ANY));
        model.compile(new SparseCategoricalCrossentropy(), new Adam(0.01));
        assertThat(model.outputShape()).hasToString("(None, None, 20)");
        assertThat(model.summary()).contains("(None, None, 6)").contains("(None, None, 20)");

        Path file = folder.resolve("model.zip");
        ModelFile.save(model, file);
        try (FileSystem zip = FileSystems.newFileSystem(file)) {
            String config = Files.readString(zip.getPath(ModelFile.CONFIG_ENTRY), StandardCharsets.UTF_8);
            assertThat(config.replaceAll("\\s", "")).contains("\"input_shape\":[null]");
        }
        Sequential loaded = ModelFile.load(file, TestSupport.BACKEND);
        assertThat(loaded.inputShape()).isEqualTo(Shape.of(Shape.ANY));
        for (int steps : new int[] {3, 11}) {
            INDArray tokens = Nd4j.create(DataType.FLOAT, 2, steps);
            for (long i = 0; i < tokens.length(); i++) {
                tokens.putScalar(i, (i * 7) % 20);
            }
            assertThat(TestSupport.exact(loaded.predict(tokens, 2)))
                    .isEqualTo(TestSupport.exact(model.predict(tokens, 2)));
        }
    }

    /**
     * Records of 2 to 9 timesteps with a class target; with {@code growing} the longest of each 8 in order grows
     * from 2 to 9, else lengths are uniform.
     */
    private static RecordSet records(int count, boolean growing) {
        Random random = new Random(8);
        List<SequenceRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = 2 + random.nextInt(growing ? 1 + (i / 8) % 8 : 8);
            float[] input = new float[length * FEATURES];
            for (int k = 0; k < input.length; k++) {
                input[k] = (float) random.nextGaussian();
            }
            float[] target = new float[CLASSES];
            target[random.nextInt(CLASSES)] = 1f;
            records.add(new SequenceRecord(length, input, target));
        }
        return RecordSet.of(RecordFormat.vectors(FEATURES).withVectorTarget(CLASSES), records);
    }

    @Test
    void batchesPaddedToTheirOwnLongestTrainAsBatchesPaddedToTheLongestOfAll() throws IOException {
        RecordSet records = records(64, true);
        RecordSource own = RecordSource.builder(records).batchSize(8)
                .padding(Padding.post().withLongestInBatch()).build();
        RecordSource longest = RecordSource.builder(records).batchSize(8)
                .padding(Padding.post().withMaxLength(9, Padding.Truncating.NONE)).build();
        assertThat(lengths(own)).as("timesteps of the batches").hasSizeGreaterThan(1);
        assertThat(lengths(longest)).containsExactly(9L);

        Sequential variable = stack(Shape.of(Shape.ANY, FEATURES), DataType.FLOAT, () -> new LSTM(5));
        Sequential fixed = stack(Shape.of(9, FEATURES), DataType.FLOAT, () -> new LSTM(5));
        copyWeights(variable, fixed);
        History actual = variable.fit(own, new FitOptions().epochs(3).verbose(0).validationData(own));
        History expected = fixed.fit(longest, new FitOptions().epochs(3).verbose(0).validationData(longest));
        for (String key : List.of("loss", "val_loss")) {
            List<Double> values = expected.asMap().get(key);
            for (int epoch = 0; epoch < 3; epoch++) {
                assertThat(actual.asMap().get(key).get(epoch)).as(key + " epoch " + epoch)
                        .isCloseTo(values.get(epoch), within(1e-5));
            }
        }
        assertThat(actual.asMap().get("accuracy")).isEqualTo(expected.asMap().get("accuracy"));
        assertThat(Values.of(variable.predict(own)))
                .containsExactly(Values.of(fixed.predict(longest)), within(1e-5));
    }

    @Test
    void bucketedBatchesTrain() throws IOException {
        RecordSet records = records(96, false);
        RecordSource source = RecordSource.builder(records).shuffle().seed(3)
                .padding(Padding.post().withLongestInBatch())
                .bucketing(Bucketing.of(new int[] {4, 7}, 8)).build();
        Set<Long> lengths = lengths(source);
        assertThat(lengths).as("timesteps of the bucketed batches").hasSizeGreaterThanOrEqualTo(3);
        Sequential model = stack(Shape.of(Shape.ANY, FEATURES), DataType.FLOAT, () -> new LSTM(8));
        Map<String, Double> before = model.evaluate(source, 0);
        History history = model.fit(source, new FitOptions().epochs(15).verbose(0));
        Map<String, Double> after = model.evaluate(source, 0);
        assertThat(history.asMap().get("loss")).allSatisfy(loss -> assertThat(loss).isFinite());
        assertThat(after.get("loss")).isLessThan(before.get("loss") - 0.1);
    }

    private static Set<Long> lengths(RecordSource source) throws IOException {
        Set<Long> lengths = new TreeSet<>();
        try (BatchIterator batches = source.open(0, 0)) {
            while (batches.hasNext()) {
                Batch batch = batches.next();
                lengths.add(batch.x().get(0).size(1));
            }
        }
        return lengths;
    }

    @Test
    void aFunctionalModelTakesAnyLength() {
        Tensor input = Input.of(Shape.of(Shape.ANY, FEATURES));
        LSTM lstm = new LSTM(4);
        Dense dense = new Dense(CLASSES);
        Tensor output = Graph.call(new Activation("softmax"), Graph.call(dense, Graph.call(lstm, input)));
        Model model = new Model(TestSupport.BACKEND, List.of(input), List.of(output)).build();
        model.compile(new CategoricalCrossentropy(), new Adam(0.01));
        for (int steps : new int[] {3, 8}) {
            Sequential fixed = new Sequential(TestSupport.BACKEND).seed(1);
            fixed.add(new LSTM(4));
            fixed.add(new Dense(CLASSES));
            fixed.add(new Activation("softmax"));
            fixed.build(Shape.of(steps, FEATURES));
            fixed.compile(new CategoricalCrossentropy(), new Adam(0.01));
            for (int i = 0; i < fixed.parameters().size(); i++) {
                fixed.parameters().get(i).value().assign(model.parameters().get(i).value());
            }
            INDArray x = gaussian(steps, DataType.FLOAT, 4, steps, FEATURES);
            INDArray y = oneHot(steps, 4);
            assertThat(TestSupport.exact(model.predict(List.of(x), 4).get(0)))
                    .isEqualTo(TestSupport.exact(fixed.predict(x, 4)));
            assertThat(model.computeGradients(List.of(x), List.of(y), false))
                    .isEqualTo(fixed.computeGradients(x, y, false));
        }
    }

    @Test
    void onlyTheTimestepsMayBeFree() {
        assertThatThrownBy(() -> Shape.of(0, 3)).hasMessageContaining("Shape.ANY");
        assertThat(Shape.of(Shape.ANY, 3).accepts(Shape.of(12, 3))).isTrue();
        assertThat(Shape.of(Shape.ANY, 3).accepts(Shape.of(12, 4))).isFalse();
        assertThatThrownBy(() -> Shape.of(Shape.ANY, 3).withBatch(2)).hasMessageContaining("(None, None, 3)");

        Sequential dense = new Sequential(TestSupport.BACKEND);
        dense.add(new LSTM(4));
        assertThatThrownBy(() -> dense.build(Shape.of(5, Shape.ANY)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(None, 5, None)").hasMessageContaining("must be known");

        Sequential model = stack(Shape.of(Shape.ANY, FEATURES), DataType.FLOAT, () -> new LSTM(4));
        assertThatThrownBy(() -> model.predict(Nd4j.create(DataType.FLOAT, 2, 5, FEATURES + 1), 2))
                .hasMessageContaining("(None, None, 3)").hasMessageContaining("[2, 5, 4]");
    }
}
