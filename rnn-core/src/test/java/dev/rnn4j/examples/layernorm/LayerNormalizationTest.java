package dev.rnn4j.examples.layernorm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.api.Shape;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.History;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.Adam;
import dev.rnn4j.core.testkit.LayerContractTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The contract kit runs on the layer; the two tests below check its values and use it in a model. */
class LayerNormalizationTest extends LayerContractTest<LayerNormalization> {

    @Override
    protected LayerNormalization createLayer() {
        return new LayerNormalization();
    }

    @Override
    protected Shape inputShape() {
        return Shape.of(3, 4);
    }

    @Override
    protected Map<String, Supplier<LayerNormalization>> variants() {
        return Map.of("epsilon_0.1", () -> new LayerNormalization(0.1));
    }

    /**
     * Each timestep is normalized over its four features:
     * <pre>
     * [-3, -1, 1, 3]: mean 0, variance (9 + 1 + 1 + 9) / 4 = 5,  sqrt(5.001) = 2.2362916
     *                 y = [-1.3415066, -0.4471689, 0.4471689, 1.3415066]
     * [0, 0, 0, 4]:   mean 1, variance (1 + 1 + 1 + 9) / 4 = 3,  sqrt(3.001) = 1.7323395
     *                 y = [-0.5772541, -0.5772541, -0.5772541, 1.7317622]
     * [2, 2, 2, 2]:   mean 2, variance 0: y = 0 (epsilon keeps it finite)
     * </pre>
     * With gamma = 2 and beta = 0.5 each y becomes 2y + 0.5.
     */
    @Test
    void normalizesEachTimestepOverItsFeatures() {
        LayerNormalization layer = build(this::createLayer, DataType.DOUBLE, 1);
        INDArray x = Nd4j.createFromArray(new double[][][] {{{-3, -1, 1, 3}, {0, 0, 0, 4}, {2, 2, 2, 2}}});
        double[] expected = {-1.3415066, -0.4471689, 0.4471689, 1.3415066,
            -0.5772541, -0.5772541, -0.5772541, 1.7317622,
            0, 0, 0, 0};
        assertArrayEquals(expected, layer.forward(x, false).reshape(12).toDoubleVector(), 1e-7);

        layer.parameter("gamma").value().assign(2.0);
        layer.parameter("beta").value().assign(0.5);
        double[] scaled = new double[12];
        for (int i = 0; i < 12; i++) {
            scaled[i] = 2 * expected[i] + 0.5;
        }
        assertArrayEquals(scaled, layer.forward(x, false).reshape(12).toDoubleVector(), 1e-6);
    }

    /** Between two recurrent layers: it trains, shows in the summary, and survives a model file. */
    @Test
    void trainsBetweenRecurrentLayersAndSurvivesAModelFile(@TempDir Path folder) throws Exception {
        Sequential model = new Sequential(backend()).seed(42);
        model.add(SimpleRNN.builder(4).returnSequences(true).build());
        model.add(new LayerNormalization());
        model.add(new SimpleRNN(3));
        model.add(new Dense(2));
        model.add(new Activation("softmax"));
        model.build(Shape.of(5, 3));
        model.compile(new CategoricalCrossentropy(), new Adam(0.01), "accuracy");
        // The summary truncates long names as Keras 2 does; gamma and beta are 4 + 4 parameters.
        assertTrue(model.summary().contains("\n layer_normalization (Layer  (None, 5, 4)              8\n"),
                model.summary());

        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 5, 3).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 32, 2);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, x.getDouble(i, 4, 0) > 0 ? 1 : 0, 1.0);
        }
        History history = model.fit(x, y, new FitOptions().epochs(8).batchSize(8).verbose(0));
        List<Double> losses = history.asMap().get("loss");
        assertTrue(losses.get(losses.size() - 1) < losses.get(0), "loss went from " + losses);

        Path file = folder.resolve("model.zip");
        ModelFile.save(model, file);
        Sequential loaded = ModelFile.load(file, backend());
        assertInstanceOf(LayerNormalization.class, loaded.layers().get(1));
        assertEquals(model.summary(), loaded.summary());
        assertInstanceOf(Adam.class, loaded.optimizer());
        assertArrayEquals(model.predict(x, 32).data().asFloat(), loaded.predict(x, 32).data().asFloat());
    }
}
