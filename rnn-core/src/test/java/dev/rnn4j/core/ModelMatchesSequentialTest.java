package dev.rnn4j.core;

import static dev.rnn4j.core.TestSupport.exact;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rnn4j.api.Layer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A functional model of one input and a chain of layers is the {@link Sequential} of those layers: the same weights
 * from the same seed, the same outputs, gradients, history and progress lines, bit for bit.
 */
class ModelMatchesSequentialTest {
    private static List<Supplier<Layer>> notebookLayers() {
        return List.of(() -> SimpleRNN.builder(16).dropout(0.2).build(), () -> new Dense(10),
                () -> new Activation("softmax"));
    }

    private static Sequential sequential(long seed) {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(seed);
        for (Supplier<Layer> layer : notebookLayers()) {
            model.add(layer.get());
        }
        return model.build(Shape.of(10, 1)).compile(new CategoricalCrossentropy(), new SGD(0.1), "accuracy");
    }

    private static Model functional(long seed) {
        Tensor input = Input.of(Shape.of(10, 1));
        Tensor current = input;
        for (Supplier<Layer> layer : notebookLayers()) {
            current = Graph.call(layer.get(), current);
        }
        return new Model(TestSupport.BACKEND, List.of(input), List.of(current)).seed(seed).build()
                .compile(new CategoricalCrossentropy(), new SGD(0.1), "accuracy");
    }

    @Test
    void givesTheSameWeightsOutputsGradientsAndTrainingAsTheSequential() {
        INDArray[] data = SequentialTest.argmaxTask(200, 31);
        Sequential sequential = sequential(32);
        Model model = functional(32);
        assertThat(names(model.layers())).containsExactly("simple_rnn", "dense", "activation");
        assertThat(values(model.parameters())).isEqualTo(values(sequential.parameters()));

        assertThat(exact(model.predict(List.of(data[0]), 64).get(0))).isEqualTo(exact(sequential.predict(data[0],
                64)));
        INDArray x = data[0].get(NDArrayIndex.interval(0, 24)).dup();
        INDArray y = data[1].get(NDArrayIndex.interval(0, 24)).dup();
        // training mode: the same dropout masks from the same generator
        assertThat(exact(model.forward(List.of(x), true).get(0))).isEqualTo(exact(sequential.forward(x, true)));
        double functionalLoss = model.computeGradients(List.of(x), List.of(y), true);
        List<List<Object>> functionalGradients = gradients(model.parameters());
        assertThat(sequential.computeGradients(x, y, true)).isEqualTo(functionalLoss);
        assertThat(functionalGradients).isEqualTo(gradients(sequential.parameters()));

        ByteArrayOutputStream sequentialLines = new ByteArrayOutputStream();
        ByteArrayOutputStream functionalLines = new ByteArrayOutputStream();
        History sequentialHistory = sequential.fit(data[0], data[1], options(sequentialLines));
        History functionalHistory = model.fit(List.of(data[0]), data[1], options(functionalLines));
        assertThat(functionalHistory.asMap()).isEqualTo(sequentialHistory.asMap()).containsKeys("loss", "accuracy",
                "val_loss", "val_accuracy");
        assertThat(values(model.parameters())).isEqualTo(values(sequential.parameters()));
        assertThat(withoutTimes(functionalLines)).isEqualTo(withoutTimes(sequentialLines)).contains("Epoch 3/3");
        Map<String, Double> scores = model.evaluate(List.of(data[0]), data[1], 50, 0);
        assertThat(scores).isEqualTo(sequential.evaluate(data[0], data[1], 50, 0));
    }

    private static FitOptions options(ByteArrayOutputStream lines) {
        return new FitOptions().epochs(3).batchSize(32).validationSplit(0.2).verbose(2).interactive(false)
                .output(new PrintStream(lines, true, StandardCharsets.UTF_8));
    }

    private static String withoutTimes(ByteArrayOutputStream lines) {
        return lines.toString(StandardCharsets.UTF_8).replaceAll("\\d+[mu]?s", "T");
    }

    private static List<String> names(List<Layer> layers) {
        return layers.stream().map(Layer::name).toList();
    }

    private static List<List<Object>> values(List<Parameter> parameters) {
        List<List<Object>> copies = new ArrayList<>();
        for (Parameter parameter : parameters) {
            copies.add(exact(parameter.value()));
        }
        return copies;
    }

    private static List<List<Object>> gradients(List<Parameter> parameters) {
        List<List<Object>> copies = new ArrayList<>();
        for (Parameter parameter : parameters) {
            copies.add(exact(parameter.gradient()));
        }
        return copies;
    }
}
