package dev.rnn4j.mnist;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import dev.rnn4j.mnist.report.DiagramLayer;
import java.util.ArrayList;
import java.util.List;

/** The notebook's model: SimpleRNN(units, dropout) -> Dense(classes) -> Activation(softmax), compiled with SGD. */
final class NotebookModel {
    private NotebookModel() {
    }

    static Sequential create(Backend backend, long seed, Shape input, int units, double dropout, int classes,
            double learningRate) {
        Sequential model = new Sequential(backend).seed(seed);
        model.add(SimpleRNN.builder(units).dropout(dropout).build());
        model.add(new Dense(classes));
        model.add(new Activation("softmax"));
        model.build(input);
        model.compile(new CategoricalCrossentropy(), new SGD(learningRate), "accuracy");
        return model;
    }

    /** @return the rows of the model diagram, as Keras's plot_model with shapes */
    static List<DiagramLayer> diagram(Sequential model) {
        List<DiagramLayer> rows = new ArrayList<>();
        Shape shape = model.inputShape();
        for (Layer layer : model.layers()) {
            Shape output = layer.outputShape(shape);
            rows.add(new DiagramLayer(layer.name(), layer.typeName(), shape.toString(), output.toString()));
            shape = output;
        }
        return rows;
    }
}
