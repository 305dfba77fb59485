package dev.rnn4j.core;

import static dev.rnn4j.core.TestSupport.exact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.io.Checkpoints;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Graphs and data that do not fit: one error naming the layer or input, what was expected and what was found, before
 * any computation.
 */
class ModelErrorsTest {
    private static Model encoderDecoder() {
        return EncoderDecoderTest.encoderDecoder(DataType.FLOAT, 1, 5, 2, 3, 1, 4, 3).model()
                .compile(new CategoricalCrossentropy(), new SGD(), "accuracy");
    }

    @Test
    void aLayerThatMakesAMaskIsRefusedInAFunctionalModel() {
        Tensor tokens = Input.of(Shape.of(4), "tokens");
        assertThatThrownBy(() -> Graph.call(new dev.rnn4j.core.layers.Embedding(5, 2, true), tokens))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Graph.call: Embedding makes a mask, and a"
                        + " functional Model does not carry masks from layer to layer");
        assertThat(Graph.call(new dev.rnn4j.core.layers.Embedding(5, 2), tokens).shape()).isEqualTo(Shape.of(4, 2));
        assertThatThrownBy(() -> Graph.call(new dev.rnn4j.core.layers.Masking(), Input.of(Shape.of(4, 2))))
                .hasMessageStartingWith("Graph.call: Masking makes a mask");
    }

    @Test
    void dataThatDoesNotFitTheInputsOrOutputsIsRefusedBeforeAnyComputation() {
        Model model = encoderDecoder();
        INDArray encoderX = Nd4j.zeros(DataType.FLOAT, 8, 5, 2);
        INDArray decoderX = Nd4j.zeros(DataType.FLOAT, 8, 3, 1);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 3);
        FitOptions options = new FitOptions().verbose(0);

        assertThatThrownBy(() -> model.fit(List.of(encoderX), y, options)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fit: the model has 2 inputs [encoder_input (None, 5, 2), decoder_input (None, 3, 1)],"
                        + " found 1 input array");
        assertThatThrownBy(() -> model.fit(List.of(encoderX, Nd4j.zeros(DataType.FLOAT, 8, 4, 1)), y, options))
                .hasMessage("fit: input decoder_input (x[1]) expects arrays of shape (None, 3, 1), found [8, 4, 1]");
        assertThatThrownBy(() -> model.predict(List.of(encoderX, Nd4j.zeros(DataType.FLOAT, 7, 3, 1)), 4))
                .hasMessage("predict: x[0] (for input encoder_input) has 8 samples but x[1] (for input"
                        + " decoder_input) has 7");
        assertThatThrownBy(() -> model.fit(List.of(encoderX, decoderX), List.of(y, y), options))
                .hasMessage("fit: the model has 1 output [output 0 of activation (Activation) (None, 3)], found 2"
                        + " target arrays");
        assertThatThrownBy(() -> model.fit(List.of(encoderX, decoderX), Nd4j.zeros(DataType.FLOAT, 8, 4), options))
                .hasMessage("fit: y[0] must match outputs[0], output 0 of activation (Activation) (None, 3): expected"
                        + " shape (None, 3), found [8, 4]");
        assertThatThrownBy(() -> model.evaluate(List.of(encoderX, decoderX), Nd4j.zeros(DataType.FLOAT, 6, 3), 4, 0))
                .hasMessage("evaluate: x has 8 samples but y[0] has 6 rows");
        assertThatThrownBy(() -> model.forward(List.of(encoderX, Nd4j.zeros(DataType.FLOAT, 8, 3)), false))
                .hasMessage("forward: input decoder_input (x[1]) expects arrays of shape (None, 3, 1), found [8, 3]");

        // nothing ran: the weights are as built and the optimizer took no step
        List<List<Object>> built = new ArrayList<>();
        for (Parameter parameter : model.parameters()) {
            built.add(exact(parameter.value()));
        }
        assertThat(built).hasSize(2 * 3 + 2);
        assertThatThrownBy(() -> model.fit(List.of(encoderX, decoderX), Nd4j.zeros(DataType.FLOAT, 8, 2), options))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(model.optimizer().iterations()).isZero();
        for (int i = 0; i < built.size(); i++) {
            assertThat(exact(model.parameters().get(i).value())).isEqualTo(built.get(i));
        }
    }

    @Test
    void aGraphThatDoesNotConnectItsInputsToItsOutputsIsRefusedNamingTheTensor() {
        Tensor encoderInput = Input.of(Shape.of(5, 2), "encoder_input");
        List<Tensor> encoded = Graph.callAll(LSTM.builder(4).returnState(true).build(), encoderInput);
        Tensor decoderInput = Input.of(Shape.of(3, 1), "decoder_input");
        Tensor decoded = Graph.call(LSTM.builder(4).build(), decoderInput, encoded.subList(1, 3));

        // a tensor from another graph: decoded depends on encoder_input, which is not among the inputs
        assertThatThrownBy(() -> new Model(TestSupport.BACKEND, List.of(decoderInput), List.of(decoded)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Model: outputs[0] (output 0 of LSTM (None, 4)) depends on encoder_input (None, 5, 2),"
                        + " which is not one of the model's inputs [decoder_input (None, 3, 1)]; add it to the inputs,"
                        + " or build the output from these inputs only");
        Tensor unused = Input.of(Shape.of(7));
        assertThatThrownBy(() -> new Model(TestSupport.BACKEND, List.of(encoderInput, decoderInput, unused),
                List.of(decoded))).hasMessage("Model: inputs[2] (Input (None, 7)) is not used by any output; remove"
                        + " it, or build an output from it");
        assertThatThrownBy(() -> new Model(TestSupport.BACKEND, List.of(encoderInput, encoded.get(1)),
                List.of(decoded))).hasMessage("Model: inputs[1] is output 1 of LSTM (None, 4), not an Input; a model's"
                        + " inputs are tensors made by Input.of");
        assertThatThrownBy(() -> new Model(TestSupport.BACKEND, List.of(encoderInput, encoderInput),
                List.of(decoded))).hasMessage("Model: inputs[1] is encoder_input (None, 5, 2), given twice; each"
                        + " input takes one array");
        assertThatThrownBy(() -> new Model(TestSupport.BACKEND, List.of(encoderInput), List.of(encoderInput)))
                .hasMessage("Model: outputs[0] is encoder_input (None, 5, 2) itself; a model's outputs are made by"
                        + " calling layers (Graph.call)");

        // a chain that comes back to a layer it started from: Dense -> Activation -> the same Dense
        Tensor input = Input.of(Shape.of(3));
        Dense dense = new Dense(3);
        Tensor once = Graph.call(new Activation("tanh"), Graph.call(dense, input));
        Tensor twice = Graph.call(dense, once);
        assertThatThrownBy(() -> new Model(TestSupport.BACKEND, List.of(input), List.of(twice)))
                .hasMessage("Model: Dense is called twice in this model, on Input (None, 3) and on output 0 of"
                        + " Activation (None, 3) (a chain that comes back to a layer is a cycle); a layer keeps one"
                        + " call's activations for its backward pass, so each call in a model needs a layer of its"
                        + " own");
        Tensor sameName = Input.of(Shape.of(3), "dense");
        Dense alsoDense = new Dense(2);
        alsoDense.setName("dense");
        assertThatThrownBy(() -> new Model(TestSupport.BACKEND, List.of(sameName),
                List.of(Graph.call(alsoDense, sameName)))).hasMessage("Model: the name dense is used twice in this"
                        + " model, by an input and by a Dense layer; names must be unique in a model");
    }

    @Test
    void initialStatesAndMasksOfTheWrongCountOrShapeAreRefusedWhenTheLayerIsCalled() {
        Tensor encoderInput = Input.of(Shape.of(5, 2), "encoder_input");
        List<Tensor> encoded = Graph.callAll(GRU.builder(4).returnState(true).build(), encoderInput);
        Tensor decoderInput = Input.of(Shape.of(3, 1), "decoder_input");
        LSTM decoder = LSTM.builder(4).build();
        decoder.setName("decoder");

        assertThatThrownBy(() -> Graph.call(decoder, decoderInput, List.of(encoded.get(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Graph.call: decoder (LSTM) expects 2 initial states (one per state of LSTMCell:"
                        + " (None, 4), (None, 4)), found 1: [output 1 of GRU (None, 4)]");
        Tensor wide = Input.of(Shape.of(5), "wide_state");
        assertThatThrownBy(() -> Graph.call(decoder, decoderInput, List.of(encoded.get(1), wide)))
                .hasMessage("Graph.call: decoder (LSTM) expects initial state 1 of shape (None, 4), found"
                        + " wide_state (None, 5)");
        assertThatThrownBy(() -> Graph.call(decoder, decoderInput, Input.of(Shape.of(5), "mask"), List.of()))
                .hasMessage("Graph.call: decoder (LSTM) expects a mask of shape (None, 3) (one value per timestep),"
                        + " found mask (None, 5)");
        assertThatThrownBy(() -> Graph.call(new Dense(2), encoded.get(0), List.of(encoded.get(1))))
                .hasMessage("Graph.call: Dense takes one input; a mask and initial states are for recurrent layers"
                        + " (RNN, SimpleRNN, LSTM, GRU, Bidirectional), found 1 initial states");
        assertThatThrownBy(() -> Graph.call(LSTM.builder(4).returnState(true).build(), decoderInput))
                .hasMessage("Graph.call: LSTM makes 3 tensors (its output, then its 2 states, as returnState asks);"
                        + " use Graph.callAll to get them");
        assertThatThrownBy(() -> Graph.call(new Dense(2), Input.of(Shape.of(5, 2, 2))))
                .hasMessageStartingWith("Graph.call: Dense on Input (None, 5, 2, 2): ");
    }

    @Test
    void checkpointsRefuseAFunctionalModelTheyCannotSave(@TempDir Path folder) {
        Tensor input = Input.of(Shape.of(2));
        Model model = new Model(TestSupport.BACKEND, List.of(input), List.of(Graph.call(new Activation("softmax"),
                Graph.call(new Dense(2), input)))).compile(new CategoricalCrossentropy(), new SGD());
        FitOptions options = new FitOptions().verbose(0).callbacks(new Checkpoints(folder, 1));
        assertThatThrownBy(() -> model.fit(List.of(Nd4j.zeros(DataType.FLOAT, 4, 2)), Nd4j.zeros(DataType.FLOAT, 4,
                2), options)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("a functional Model cannot be written to a model file yet");
    }
}
