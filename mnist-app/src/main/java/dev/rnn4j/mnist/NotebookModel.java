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
import java.util.Locale;

/**
 * The notebook's model: SimpleRNN(units, dropout) -> Dense(classes) -> Activation(softmax), compiled with SGD. With
 * {@code --cell} the recurrent layer is an LSTM or a GRU instead, and with {@code --layers N} there are N of them
 * stacked, every one but the last returning its whole sequence.
 */
final class NotebookModel {
    private NotebookModel() {
    }

    /** The recurrent cell, as {@code --cell} names it. */
    enum Cell {
        SIMPLE, LSTM, GRU;

        /**
         * @param name {@code simple}, {@code lstm} or {@code gru}, case-insensitive
         * @return the cell
         * @throws IllegalArgumentException naming the option, the choices and the value
         */
        static Cell fromOption(String name) {
            for (Cell cell : values()) {
                if (cell.option().equalsIgnoreCase(name)) {
                    return cell;
                }
            }
            throw new IllegalArgumentException("--cell: expected simple, lstm or gru, found '" + name + "'");
        }

        /** @return the gates of one unit: the columns of the recurrent kernel are {@code gates * units} */
        int gates() {
            return switch (this) {
                case SIMPLE -> 1;
                case LSTM -> 4;
                case GRU -> 3;
            };
        }

        /** @return the name {@code --cell} takes */
        String option() {
            return name().toLowerCase(Locale.ROOT);
        }

        Layer layer(int units, double dropout, boolean returnSequences) {
            return switch (this) {
                case SIMPLE -> SimpleRNN.builder(units).dropout(dropout).returnSequences(returnSequences).build();
                case LSTM -> dev.rnn4j.core.layers.LSTM.builder(units).dropout(dropout)
                        .returnSequences(returnSequences).build();
                case GRU -> dev.rnn4j.core.layers.GRU.builder(units).dropout(dropout)
                        .returnSequences(returnSequences).build();
            };
        }
    }

    /** The notebook's model: one SimpleRNN. */
    static Sequential create(Backend backend, long seed, Shape input, int units, double dropout, int classes,
            double learningRate) {
        return create(backend, seed, input, Cell.SIMPLE, 1, units, dropout, classes, learningRate);
    }

    /**
     * @param cell   the recurrent cell
     * @param layers the number of recurrent layers, at least 1; all but the last return sequences
     */
    static Sequential create(Backend backend, long seed, Shape input, Cell cell, int layers, int units,
            double dropout, int classes, double learningRate) {
        if (layers < 1) {
            throw new IllegalArgumentException("--layers: expected at least 1, found " + layers);
        }
        Sequential model = new Sequential(backend).seed(seed);
        for (int i = 0; i < layers; i++) {
            model.add(cell.layer(units, dropout, i < layers - 1));
        }
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
