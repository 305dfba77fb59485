package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.Embedding;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.layers.Masking;
import dev.rnn4j.core.layers.TimeDistributed;
import dev.rnn4j.core.losses.MeanSquaredError;
import dev.rnn4j.core.losses.SparseCategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Masks from {@code Embedding(maskZero)} and {@code Masking} through recurrent layers to the loss, as Keras: a padded
 * batch gives each sample what it gives alone at its own length, and padded timesteps count for nothing.
 */
class MaskedSequencesTest {
    private static final int VOCABULARY = 9;

    /** Token ids in [1, VOCABULARY) for each length, padded with 0 after (post-padding) to {@code timesteps}. */
    private static INDArray padded(int[] lengths, int timesteps, long seed) {
        Random random = new Random(seed);
        double[] ids = new double[lengths.length * timesteps];
        for (int i = 0; i < lengths.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                ids[i * timesteps + t] = 1 + random.nextInt(VOCABULARY - 1);
            }
        }
        return Nd4j.create(ids, new long[] {lengths.length, timesteps}, 'c');
    }

    private static Sequential manyToOne(int timesteps) {
        Sequential model = new Sequential(TestSupport.BACKEND, DataType.DOUBLE).seed(3);
        model.add(new Embedding(VOCABULARY, 4, true));
        model.add(new LSTM(5));
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.build(Shape.of(timesteps));
        model.compile(new dev.rnn4j.core.losses.CategoricalCrossentropy(), new SGD(0.1), "accuracy");
        return model;
    }

    /** A sample's ids cut to its length: the model built for that many timesteps, with the same weights. */
    private static Sequential alone(Sequential trained, int length) {
        Sequential copy = manyToOne(length);
        List<Parameter> from = trained.parameters();
        List<Parameter> to = copy.parameters();
        for (int i = 0; i < from.size(); i++) {
            to.get(i).value().assign(from.get(i).value());
        }
        return copy;
    }

    @Test
    void aPaddedBatchGivesEachSampleItsOwnOutputAndGradients() {
        int[] lengths = {3, 7, 12, 5};
        int timesteps = 12;
        INDArray x = padded(lengths, timesteps, 1);
        INDArray y = Categorical.toCategorical(new int[] {0, 2, 1, 2}, 3, DataType.DOUBLE);
        Sequential model = manyToOne(timesteps);
        INDArray outputs = model.predict(x, 4);
        model.computeGradients(x, y, false);
        List<INDArray> batchGradients = model.parameters().stream().map(p -> p.gradient().dup()).toList();

        List<INDArray> meanGradients = new ArrayList<>();
        for (Parameter parameter : model.parameters()) {
            meanGradients.add(Nd4j.zeros(DataType.DOUBLE, parameter.shape()));
        }
        for (int i = 0; i < lengths.length; i++) {
            Sequential single = alone(model, lengths[i]);
            INDArray ids = x.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.interval(0, lengths[i])).dup('c');
            INDArray target = y.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all()).dup('c');
            assertClose("output of sample " + i, single.predict(ids, 1), outputs.getRow(i).reshape(1, 3));
            single.computeGradients(ids, target, false);
            for (int p = 0; p < meanGradients.size(); p++) {
                meanGradients.get(p).addi(single.parameters().get(p).gradient().div(lengths.length));
            }
        }
        for (int p = 0; p < meanGradients.size(); p++) {
            assertClose(model.parameters().get(p).name(), batchGradients.get(p), meanGradients.get(p));
        }
    }

    private static Sequential manyToMany(int timesteps) {
        Sequential model = new Sequential(TestSupport.BACKEND, DataType.DOUBLE).seed(5);
        model.add(new Embedding(VOCABULARY, 3, true));
        model.add(GRU.builder(4).returnSequences(true).build());
        model.add(new TimeDistributed(new Dense(3)));
        model.add(new Activation("softmax"));
        model.build(Shape.of(timesteps));
        model.compile(new SparseCategoricalCrossentropy(), new SGD(0.1), "accuracy");
        return model;
    }

    @Test
    void perTimestepLossAveragesTheRealTimestepsOnlyAndPassesTheGradientCheck() {
        int[] lengths = {2, 5, 4};
        int timesteps = 5;
        INDArray x = padded(lengths, timesteps, 2);
        Random random = new Random(4);
        double[] labels = new double[lengths.length * timesteps];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(3);
        }
        INDArray y = Nd4j.create(labels, new long[] {lengths.length, timesteps}, 'c');
        Sequential model = manyToMany(timesteps);
        double loss = model.computeLoss(x, y);
        assertThat(model.outputMask()).isNotNull();

        // by hand: -log p[target] summed over the real timesteps, divided by their number (11)
        INDArray p = model.predict(x, 3);
        double sum = 0;
        int valid = 0;
        for (int i = 0; i < lengths.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                sum -= Math.log(p.getDouble(i, t, (int) labels[i * timesteps + t]));
                valid++;
            }
        }
        assertThat(loss).isCloseTo(sum / valid, within(1e-12));
        // the padded labels do not matter
        INDArray otherPadding = y.dup();
        for (int i = 0; i < lengths.length; i++) {
            for (int t = lengths[i]; t < timesteps; t++) {
                otherPadding.putScalar(new long[] {i, t}, 2 - labels[i * timesteps + t]);
            }
        }
        assertThat(model.computeLoss(x, otherPadding)).isEqualTo(loss);
        assertThat(model.evaluate(x, y, 3, 0).get("loss")).isCloseTo(loss, within(1e-12));

        GradientCheck.assertModel(model, x, y);
    }

    @Test
    void accuracyCountsTheRealTimestepsOnly() {
        int[] lengths = {1, 3};
        INDArray x = padded(lengths, 3, 6);
        Sequential model = manyToMany(3);
        INDArray p = model.predict(x, 2);
        double[] labels = new double[6];
        for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 3; t++) {
                // right at the first real step of each sample, wrong everywhere else
                int best = Categorical.argmax(p.get(NDArrayIndex.point(i), NDArrayIndex.point(t), NDArrayIndex.all())
                        .reshape(1, 3).dup())[0];
                labels[i * 3 + t] = t == 0 ? best : (best + 1) % 3;
            }
        }
        INDArray y = Nd4j.create(labels, new long[] {2, 3}, 'c');
        // 4 real timesteps, 2 right: 0.5; counting the padding it would be 2 of 6
        assertThat(model.evaluate(x, y, 2, 0).get("accuracy")).isEqualTo(0.5);
    }

    @Test
    void maskingLayerMasksFloatSequences() {
        int timesteps = 6;
        Sequential model = new Sequential(TestSupport.BACKEND, DataType.DOUBLE).seed(8);
        model.add(new Masking(0.0));
        model.add(new GRU(3));
        model.build(Shape.of(timesteps, 2));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, timesteps, 2).addi(0.1);
        x.get(NDArrayIndex.point(0), NDArrayIndex.interval(4, 6), NDArrayIndex.all()).assign(0.0);
        INDArray both = model.predict(x, 2);

        Sequential shorter = new Sequential(TestSupport.BACKEND, DataType.DOUBLE).seed(8);
        shorter.add(new Masking(0.0));
        shorter.add(new GRU(3));
        shorter.build(Shape.of(4, 2));
        INDArray first = x.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(0, 4), NDArrayIndex.all()).dup('c');
        assertClose("sample 0 at its length", shorter.predict(first, 1), both.getRow(0).reshape(1, 3));
    }

    /** Keras's {@code loss_test.py} {@code test_mask} and {@code test_mask_and_sample_weight}, one timestep a row. */
    @Test
    void maskedLossesMatchKerasLossTest() {
        INDArray yTrue = Nd4j.create(new double[] {1, 0, 1, 0}, new long[] {1, 4, 1}, 'c');
        INDArray yPred = Nd4j.create(new double[] {0.1, 0.2, 0.3, 0.4}, new long[] {1, 4, 1}, 'c');
        INDArray mask = Nd4j.create(new double[] {1, 0, 1, 1}, new long[] {1, 4}, 'c');
        MeanSquaredError mse = new MeanSquaredError();
        double masked = mse.compute(yPred, yTrue, Scoring.lossWeights(yPred, mask, null, "output"));
        assertThat(masked).isCloseTo((0.81 + 0.49 + 0.16) / 3, within(1e-15));
        INDArray sampleWeight = Nd4j.create(new double[] {0.4, 0.3, 0.2, 0.1}, new long[] {1, 4}, 'c');
        double weighted = mse.compute(yPred, yTrue, Scoring.lossWeights(yPred, mask, sampleWeight, "output"));
        assertThat(weighted).isCloseTo((0.4 * 0.81 + 0.2 * 0.49 + 0.1 * 0.16) / 3, within(1e-15));
        INDArray none = Nd4j.zeros(DataType.DOUBLE, 1, 4);
        assertThat(mse.compute(yPred, yTrue, Scoring.lossWeights(yPred, none, null, "output"))).isEqualTo(0.0);
    }

    private static Sequential notebookLike(long seed) {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(seed);
        model.add(dev.rnn4j.core.layers.SimpleRNN.builder(6).build());
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.build(Shape.of(4, 2));
        model.compile(new dev.rnn4j.core.losses.CategoricalCrossentropy(), new SGD(0.1), "accuracy");
        return model;
    }

    @Test
    void classWeightTrainsAsTheSampleWeightsItStandsFor() {
        Random random = new Random(2);
        int samples = 40;
        INDArray x = Nd4j.rand(DataType.FLOAT, samples, 4, 2);
        int[] labels = new int[samples];
        float[] weights = new float[samples];
        Map<Integer, Double> classWeight = Map.of(0, 0.5, 2, 3.0);
        for (int i = 0; i < samples; i++) {
            labels[i] = random.nextInt(3);
            weights[i] = (float) (double) classWeight.getOrDefault(labels[i], 1.0);
        }
        INDArray y = Categorical.toCategorical(labels, 3);
        FitOptions options = new FitOptions().epochs(2).batchSize(8).verbose(0);

        Sequential byClass = notebookLike(1);
        byClass.fit(x, y, new FitOptions().epochs(2).batchSize(8).verbose(0).classWeight(classWeight));
        Sequential bySample = notebookLike(1);
        bySample.fit(x, y, new FitOptions().epochs(2).batchSize(8).verbose(0)
                .sampleWeight(Nd4j.create(weights, new long[] {samples}, 'c')));
        Sequential unweighted = notebookLike(1);
        unweighted.fit(x, y, options);
        Sequential ones = notebookLike(1);
        ones.fit(x, y, new FitOptions().epochs(2).batchSize(8).verbose(0).sampleWeight(Nd4j.ones(samples)));
        for (int i = 0; i < byClass.parameters().size(); i++) {
            INDArray expected = bySample.parameters().get(i).value();
            assertThat(TestSupport.exact(byClass.parameters().get(i).value())).isEqualTo(TestSupport.exact(expected));
            // weights of 1 train bit for bit as no weights
            assertThat(TestSupport.exact(ones.parameters().get(i).value()))
                    .isEqualTo(TestSupport.exact(unweighted.parameters().get(i).value()));
        }
        assertThat(TestSupport.exact(byClass.parameters().get(0).value()))
                .isNotEqualTo(TestSupport.exact(unweighted.parameters().get(0).value()));
    }

    @Test
    void sparseTargetsTrainAsOneHotTargets() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 24, 4, 2);
        int[] labels = new int[24];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        Sequential oneHot = notebookLike(4);
        oneHot.fit(x, Categorical.toCategorical(labels, 3), new FitOptions().epochs(2).batchSize(8).verbose(0));
        Sequential sparse = notebookLike(4);
        sparse.compile(new SparseCategoricalCrossentropy(), new SGD(0.1), "accuracy");
        INDArray indices = Nd4j.create(java.util.Arrays.stream(labels).asDoubleStream().toArray(), new long[] {24}, 'c');
        History history = sparse.fit(x, indices, new FitOptions().epochs(2).batchSize(8).verbose(0));
        for (int i = 0; i < oneHot.parameters().size(); i++) {
            INDArray a = oneHot.parameters().get(i).value();
            INDArray b = sparse.parameters().get(i).value();
            assertThat(a.equalsWithEps(b, 1e-6)).as(oneHot.parameters().get(i).name()).isTrue();
        }
        assertThat(history.asMap()).containsKey("accuracy");
    }

    @Test
    void badMasksWeightsAndTargetsAreNamed() {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(1);
        model.add(new Embedding(5, 2, true));
        model.add(new Layer() {
            private final Dense inner = new Dense(2);

            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public void setName(String name) {
                inner.setName(name);
            }

            @Override
            public String typeName() {
                return "Plain";
            }

            @Override
            public Shape outputShape(Shape inputShape) {
                return inner.outputShape(inputShape);
            }

            @Override
            public void build(Shape inputShape, dev.rnn4j.api.BuildContext context) {
                inner.build(inputShape, context);
            }

            @Override
            public boolean isBuilt() {
                return inner.isBuilt();
            }

            @Override
            public Shape inputShape() {
                return inner.inputShape();
            }

            @Override
            public INDArray forward(INDArray input, boolean training) {
                return inner.forward(input, training);
            }

            @Override
            public INDArray backward(INDArray outputGradient, boolean needInputGradient) {
                return inner.backward(outputGradient, needInputGradient);
            }

            @Override
            public List<Parameter> parameters() {
                return inner.parameters();
            }

            @Override
            public long countParams(Shape inputShape) {
                return inner.countParams(inputShape);
            }

            @Override
            public Map<String, Object> config() {
                return inner.config();
            }
        });
        model.build(Shape.of(3));
        INDArray ids = Nd4j.create(new float[] {1, 2, 0}, new long[] {1, 3}, 'c');
        assertThatThrownBy(() -> model.predict(ids, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("plain (Plain) does not support masking, but its input carries the mask of embedding"
                        + " (Embedding); a layer must say supportsMasking() to take padded timesteps, or the mask"
                        + " must stop before it");

        Sequential rnn = notebookLike(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 4, 2);
        INDArray y = Categorical.toCategorical(new int[] {0, 1, 2, 0, 1, 2}, 3);
        assertThatThrownBy(() -> rnn.fit(x, y, new FitOptions().verbose(0).classWeight(Map.of(3, 2.0))))
                .hasMessage("class_weight: class 3 is not a class of the output (None, 3); expected classes in [0, 3)");
        assertThatThrownBy(() -> rnn.fit(x, y, new FitOptions().verbose(0).sampleWeight(Nd4j.ones(5))))
                .hasMessage("sample_weight: expected shape [6] (one per sample), found [5]");
        assertThatThrownBy(() -> rnn.fit(x, y, new FitOptions().verbose(0).sampleWeight(Nd4j.ones(6))
                .classWeight(Map.of(0, 2.0)))).hasMessage("fit: give sample_weight or class_weight, not both (as Keras)");
        assertThatThrownBy(() -> rnn.fit(x, y, new FitOptions().verbose(0).sampleWeight(
                Nd4j.create(new float[] {1, 1, -1, 1, 1, 1}, new long[] {6}, 'c'))))
                .hasMessage("sample_weight: expected finite weights of at least 0, found -1.0 at index 2");
        rnn.compile(new SparseCategoricalCrossentropy(), new SGD(0.1));
        assertThatThrownBy(() -> rnn.fit(x, y, new FitOptions().verbose(0)))
                .hasMessage("fit: y must match the output of activation (Activation) and"
                        + " sparse_categorical_crossentropy: expected shape (None) or (None, 1), found [6, 3]");
    }

    private static void assertClose(String what, INDArray actual, INDArray expected) {
        double[] a = Values.of(actual);
        double[] e = Values.of(expected);
        assertThat(a).as(what).hasSameSizeAs(e);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as(what + "[" + i + "]").isCloseTo(e[i], within(1e-10));
        }
    }
}
