package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.data.ArraySource;
import dev.rnn4j.core.data.Batch;
import dev.rnn4j.core.data.BatchIterator;
import dev.rnn4j.core.data.BatchSource;
import dev.rnn4j.core.data.Padding;
import dev.rnn4j.core.data.RecordFormat;
import dev.rnn4j.core.data.RecordSet;
import dev.rnn4j.core.data.RecordSource;
import dev.rnn4j.core.data.SequenceRecord;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.layers.Masking;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.Adam;
import dev.rnn4j.core.optimizers.SGD;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code fit}, {@code evaluate} and {@code predict} on a {@link BatchSource}: the in-memory arrays and an equivalent
 * source give the same numbers; a padded batch's mask reaches the recurrent layer as a {@link Masking} layer's
 * would; bad batches and settings fail naming the batch.
 */
class FitFromSourceTest {
    private static final int SAMPLES = 40;
    private static final int STEPS = 6;
    private static final int FEATURES = 3;
    private static final float PAD = -7f;

    private static final INDArray X;
    private static final INDArray Y;

    static {
        Random random = new Random(5);
        float[] values = new float[SAMPLES * STEPS * FEATURES];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        X = Nd4j.create(values, new long[] {SAMPLES, STEPS, FEATURES}, 'c');
        int[] labels = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            labels[i] = random.nextInt(3);
        }
        Y = Categorical.toCategorical(labels, 3);
    }

    private static Sequential rnn() {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(3);
        model.add(SimpleRNN.builder(5).dropout(0.3).build());
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.build(Shape.of(STEPS, FEATURES));
        model.compile(new CategoricalCrossentropy(), new SGD(0.1, 0.9, true), "accuracy");
        return model;
    }

    private static List<Object> bits(Sequential model) {
        List<Object> all = new ArrayList<>();
        for (Parameter parameter : model.parameters()) {
            all.add(TestSupport.exact(parameter.value()));
        }
        return all;
    }

    @Test
    void arraysAndAnArraySourceOnTheModelsGeneratorTrainTheSameWeightsBitForBit() {
        Sequential arrays = rnn();
        History expected = arrays.fit(X, Y, new FitOptions().epochs(3).batchSize(8).verbose(0)
                .validationData(X, Y));
        Sequential sourced = rnn();
        BatchSource source = ArraySource.builder(List.of(X), List.of(Y)).batchSize(8).shuffle(sourced.random())
                .build();
        BatchSource validation = ArraySource.builder(List.of(X), List.of(Y)).batchSize(8).build();
        History actual = sourced.fit(source, new FitOptions().epochs(3).verbose(0).validationData(validation));

        assertThat(actual.asMap()).isEqualTo(expected.asMap());
        assertThat(bits(sourced)).isEqualTo(bits(arrays));
        assertThat(sourced.evaluate(validation, 0)).isEqualTo(arrays.evaluate(X, Y, 8, 0));
        assertThat(TestSupport.exact(sourced.predict(validation)))
                .isEqualTo(TestSupport.exact(arrays.predict(X, 8)));
    }

    /** Records of 2 to 6 timesteps, and the same records padded with {@link #PAD} to 6 as arrays. */
    private static RecordSet records() {
        List<SequenceRecord> records = new ArrayList<>();
        float[] x = X.data().asFloat();
        float[] y = Y.data().asFloat();
        for (int i = 0; i < SAMPLES; i++) {
            int length = 2 + i % 5;
            float[] input = new float[length * FEATURES];
            System.arraycopy(x, i * STEPS * FEATURES, input, 0, input.length);
            float[] target = new float[3];
            System.arraycopy(y, i * 3, target, 0, 3);
            records.add(new SequenceRecord(length, input, target));
        }
        return RecordSet.of(RecordFormat.vectors(FEATURES).withVectorTarget(3), records);
    }

    private static INDArray paddedArrays() {
        INDArray padded = X.dup('c');
        for (int i = 0; i < SAMPLES; i++) {
            int length = 2 + i % 5;
            for (int t = length; t < STEPS; t++) {
                for (int f = 0; f < FEATURES; f++) {
                    padded.putScalar(new long[] {i, t, f}, PAD);
                }
            }
        }
        return padded;
    }

    private static Sequential lstm(boolean masking) {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(9);
        if (masking) {
            model.add(new Masking(PAD));
        }
        model.add(new LSTM(4));
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.build(Shape.of(STEPS, FEATURES));
        model.compile(new CategoricalCrossentropy(), new Adam(0.01), "accuracy");
        return model;
    }

    @Test
    void aPaddedBatchsMaskTrainsAsAMaskingLayerDoes() throws IOException {
        Padding padding = Padding.post().withValue(PAD).withMaxLength(STEPS, Padding.Truncating.NONE);
        RecordSource source = RecordSource.builder(records()).batchSize(8).padding(padding).build();
        try (BatchIterator batches = source.open(0, 0)) {
            Batch first = batches.next();
            assertThat(first.mask()).as("the source pads with a mask").isNotNull();
            assertThat(first.x().get(0).shape()).containsExactly(8, STEPS, FEATURES);
        }
        Sequential sourced = lstm(false);
        Sequential masked = lstm(true);
        List<Parameter> from = sourced.parameters();
        List<Parameter> to = masked.parameters();
        for (int i = 0; i < from.size(); i++) {
            to.get(i).value().assign(from.get(i).value());
        }
        INDArray padded = paddedArrays();
        RecordSource validationSource = source;
        // guide: fit
        History history = sourced.fit(source.prefetch(2),      // the next batches built while one trains
                new FitOptions().epochs(3).verbose(0).validationData(validationSource));
        Map<String, Double> scores = sourced.evaluate(validationSource, 0);
        INDArray predictions = sourced.predict(validationSource); // [samples, 3], the batches' rows in order
        // guide: end
        assertThat(history.asMap()).containsKey("val_loss");
        assertThat(scores.get("loss")).isEqualTo(history.asMap().get("val_loss").get(2));
        assertThat(predictions.shape()).containsExactly(SAMPLES, 3);
        sourced = lstm(false);
        for (int i = 0; i < from.size(); i++) {
            sourced.parameters().get(i).value().assign(to.get(i).value());
        }
        from = sourced.parameters();
        History expected = masked.fit(padded, Y, new FitOptions().epochs(3).batchSize(8).shuffle(false).verbose(0));
        History actual = sourced.fit(source, new FitOptions().epochs(3).verbose(0));
        List<Double> expectedLoss = expected.asMap().get("loss");
        List<Double> actualLoss = actual.asMap().get("loss");
        for (int epoch = 0; epoch < 3; epoch++) {
            assertThat(actualLoss.get(epoch)).isCloseTo(expectedLoss.get(epoch), within(1e-6));
        }
        assertThat(Values.of(sourced.predict(source)))
                .containsExactly(Values.of(masked.predict(padded, 8)), within(1e-6));

        // Without the mask the padded steps are read as data: the outputs differ.
        Sequential unmasked = lstm(false);
        for (int i = 0; i < from.size(); i++) {
            unmasked.parameters().get(i).value().assign(sourced.parameters().get(i).value());
        }
        double difference = unmasked.predict(padded, 8).sub(sourced.predict(source)).norm1Number().doubleValue();
        assertThat(difference).isGreaterThan(1e-3);
    }

    @Test
    void aBatchThatDoesNotFitTheModelIsNamed() {
        Sequential model = rnn();
        INDArray wide = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, STEPS, FEATURES + 1);
        BatchSource source = new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return 2;
            }

            @Override
            public BatchIterator open(int epoch, int first) {
                List<Batch> batches = List.of(new Batch(List.of(Values.rows(X, 0, 8)), List.of(Values.rows(Y, 0, 8))),
                        new Batch(List.of(wide), List.of(Values.rows(Y, 0, 8))));
                java.util.Iterator<Batch> iterator = batches.subList(first, 2).iterator();
                return new BatchIterator() {
                    @Override
                    public boolean hasNext() {
                        return iterator.hasNext();
                    }

                    @Override
                    public Batch next() {
                        return iterator.next();
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
        assertThatThrownBy(() -> model.fit(source, new FitOptions().verbose(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epoch 0, batch 1")
                .hasMessageContaining("[8, 6, 4]");
        assertThatThrownBy(() -> model.fit(source, new FitOptions().verbose(0).validationSplit(0.2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("validation_split 0.2 needs arrays");
        assertThatThrownBy(() -> model.fit(source, new FitOptions().verbose(0).sampleWeight(Nd4j.ones(8))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("each batch carries its own sampleWeight");
    }

    @Test
    void paddedStepsOfPerStepTargetsAreLeftOutOfTheLoss() throws IOException {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(1);
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.build(Shape.of(STEPS, FEATURES));
        model.compile(new CategoricalCrossentropy(), new SGD(0.1), "accuracy");
        Random random = new Random(8);
        List<SequenceRecord> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int length = 1 + i;
            float[] input = new float[length * FEATURES];
            for (int k = 0; k < input.length; k++) {
                input[k] = (float) random.nextGaussian();
            }
            float[] target = new float[length * 3];
            for (int t = 0; t < length; t++) {
                target[t * 3 + random.nextInt(3)] = 1;
            }
            records.add(new SequenceRecord(length, input, target));
        }
        RecordSource source = RecordSource.builder(RecordSet.of(RecordFormat.vectors(FEATURES)
                .withSequenceTarget(3), records)).batchSize(4)
                .padding(Padding.post().withMaxLength(STEPS, Padding.Truncating.NONE)).build();
        double sum = 0;
        long real = 0;
        double batchMeans = 0;
        try (BatchIterator batches = source.open(0, 0)) {
            while (batches.hasNext()) {
                Batch batch = batches.next();
                double[] p = Values.of(model.predict(batch.x().get(0), 8));
                double[] y = Values.of(batch.y().get(0));
                double[] mask = Values.of(batch.mask());
                double batchSum = 0;
                long batchReal = 0;
                for (int row = 0; row < mask.length; row++) {
                    if (mask[row] != 0) {
                        for (int c = 0; c < 3; c++) {
                            batchSum -= y[row * 3 + c] * Math.log(p[row * 3 + c]);
                        }
                        batchReal++;
                    }
                }
                sum += batchSum;
                real += batchReal;
                // evaluate averages batch losses by rows, as Keras's running mean does
                batchMeans += batchSum / batchReal * batch.size();
            }
        }
        assertThat(real).isEqualTo(21);
        Map<String, Double> logs = model.evaluate(source, 0);
        assertThat(logs.get("loss")).isCloseTo(batchMeans / records.size(), within(1e-5));
        assertThat(logs.get("loss")).as("padded steps would change the mean").isNotCloseTo(sum / real,
                within(1e-9));
    }
}
