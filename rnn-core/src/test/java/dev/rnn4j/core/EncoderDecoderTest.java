package dev.rnn4j.core;

import static dev.rnn4j.core.TestSupport.exact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Bidirectional;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.Adam;
import dev.rnn4j.core.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras's encoder-decoder in the functional API: an LSTM encoder returning its states [h, c], an LSTM decoder
 * starting from them, Dense, softmax. Gradient-checked end to end in double precision, equal to its layers run by
 * hand, and trained on a task only the encoder's state can solve.
 */
class EncoderDecoderTest {
    /** The model, and its layers and tensors to run by hand and to reuse. */
    record Seq2Seq(Model model, LSTM encoder, LSTM decoder, Dense dense, Activation softmax, Tensor encoderInput,
            List<Tensor> states) {
    }

    static Seq2Seq encoderDecoder(DataType type, long seed, int steps, int features, int decoderSteps,
            int decoderFeatures, int units, int classes) {
        Tensor encoderInput = Input.of(Shape.of(steps, features), "encoder_input");
        LSTM encoder = LSTM.builder(units).returnState(true).build();
        List<Tensor> encoded = Graph.callAll(encoder, encoderInput);   // [output, h, c]
        List<Tensor> states = encoded.subList(1, 3);

        Tensor decoderInput = Input.of(Shape.of(decoderSteps, decoderFeatures), "decoder_input");
        LSTM decoder = LSTM.builder(units).build();
        Tensor decoded = Graph.call(decoder, decoderInput, states);     // starts from the encoder's [h, c]
        Dense dense = new Dense(classes);
        Activation softmax = new Activation("softmax");
        Tensor output = Graph.call(softmax, Graph.call(dense, decoded));

        Model model = new Model(TestSupport.BACKEND, type, List.of(encoderInput, decoderInput), List.of(output))
                .seed(seed);
        return new Seq2Seq(model, encoder, decoder, dense, softmax, encoderInput, states);
    }

    static INDArray uniform(DataType type, Random random, long... shape) {
        long length = 1;
        for (long dim : shape) {
            length *= dim;
        }
        double[] values = new double[Math.toIntExact(length)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 2 - 1;
        }
        return Nd4j.create(values, shape, 'c').castTo(type);
    }

    static INDArray oneHot(DataType type, Random random, int rows, int classes) {
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(classes);
        }
        return Categorical.toCategorical(labels, classes, type);
    }

    @Test
    void passesTheGradientCheckEndToEndForEveryParameterOfBothLstmsAndTheDense() {
        Seq2Seq net = encoderDecoder(DataType.DOUBLE, 3, 4, 2, 3, 2, 3, 3);
        Model model = net.model().compile(new CategoricalCrossentropy(), new SGD());
        Random random = new Random(4);
        List<INDArray> x = List.of(uniform(DataType.DOUBLE, random, 3, 4, 2),
                uniform(DataType.DOUBLE, random, 3, 3, 2));
        INDArray y = oneHot(DataType.DOUBLE, random, 3, 3);

        GradientCheck.Result result = GradientCheck.checkModel(model, x, List.of(y));

        assertThat(result.passed()).as("%s", result).isTrue();
        assertThat(model.layers()).containsExactly(net.encoder(), net.decoder(), net.dense(), net.softmax());
        assertThat(result.checked()).isEqualTo(model.countParams()).isEqualTo(2 * 4 * 3 * (2 + 3 + 1) + 3 * 3 + 3);
        // the check passes "both zero" entries: make sure the encoder's gradient, which only the states carry, is not
        for (Parameter parameter : net.encoder().parameters()) {
            assertThat(parameter.gradient().norm2Number().doubleValue()).as("encoder %s gradient", parameter.name())
                    .isGreaterThan(1e-4);
        }
    }

    /**
     * Several outputs, and tensors that feed several nodes: the encoder's h goes to the decoder and to a second head,
     * the decoder's output to two Dense layers, the first softmax output to a fourth head (so its backward pass is not
     * fused into the loss); the gradients of each are summed.
     */
    @Test
    void passesTheGradientCheckWithSeveralOutputsAndTensorsFeedingSeveralLayers() {
        Tensor encoderInput = Input.of(Shape.of(4, 2));
        List<Tensor> encoded = Graph.callAll(LSTM.builder(3).returnState(true).build(), encoderInput);
        Tensor decoderInput = Input.of(Shape.of(2, 2));
        Tensor decoded = Graph.call(LSTM.builder(3).returnSequences(false).build(), decoderInput,
                List.of(encoded.get(1), encoded.get(2)));
        Tensor first = Graph.call(new Activation("softmax"), Graph.call(new Dense(3), decoded));
        Tensor hidden = Graph.call(new Dense(4), decoded);
        Tensor second = Graph.call(new Activation("softmax"), Graph.call(new Dense(2),
                Graph.call(new Activation("tanh"), Graph.call(new Dense(4), encoded.get(1)))));
        Tensor third = Graph.call(new Activation("softmax"), hidden);
        Tensor fourth = Graph.call(new Activation("softmax"), Graph.call(new Dense(2), first));
        Model model = new Model(TestSupport.BACKEND, DataType.DOUBLE, List.of(encoderInput, decoderInput),
                List.of(first, second, third, fourth)).seed(8).compile(new CategoricalCrossentropy(), new SGD());
        Random random = new Random(9);
        List<INDArray> x = List.of(uniform(DataType.DOUBLE, random, 3, 4, 2),
                uniform(DataType.DOUBLE, random, 3, 2, 2));
        List<INDArray> y = List.of(oneHot(DataType.DOUBLE, random, 3, 3), oneHot(DataType.DOUBLE, random, 3, 2),
                oneHot(DataType.DOUBLE, random, 3, 4), oneHot(DataType.DOUBLE, random, 3, 2));

        GradientCheck.Result result = GradientCheck.checkModel(model, x, y);

        assertThat(result.passed()).as("%s", result).isTrue();
        assertThat(result.checked()).isEqualTo(model.countParams());
    }

    /**
     * A Bidirectional encoder: the decoder starts from the forward layer's h and the backward layer's c; the merged
     * output and the other two states feed nothing, so their gradients are zeros.
     */
    @Test
    void passesTheGradientCheckWithABidirectionalEncoderWhoseOutputIsUnused() {
        Tensor encoderInput = Input.of(Shape.of(4, 2));
        Bidirectional encoder = new Bidirectional(LSTM.builder(3).returnState(true).build());
        List<Tensor> encoded = Graph.callAll(encoder, encoderInput);
        assertThat(encoded).hasSize(5);
        Tensor decoderInput = Input.of(Shape.of(3, 2));
        Tensor decoded = Graph.call(LSTM.builder(3).build(), decoderInput, List.of(encoded.get(1), encoded.get(4)));
        Tensor output = Graph.call(new Activation("softmax"), Graph.call(new Dense(2), decoded));
        Model model = new Model(TestSupport.BACKEND, DataType.DOUBLE, List.of(encoderInput, decoderInput),
                List.of(output)).seed(5).compile(new CategoricalCrossentropy(), new SGD());
        Random random = new Random(6);
        List<INDArray> x = List.of(uniform(DataType.DOUBLE, random, 2, 4, 2),
                uniform(DataType.DOUBLE, random, 2, 3, 2));

        GradientCheck.Result result = GradientCheck.checkModel(model, x, List.of(oneHot(DataType.DOUBLE, random, 2,
                2)));

        assertThat(result.passed()).as("%s", result).isTrue();
        for (Parameter parameter : encoder.parameters()) {
            assertThat(parameter.gradient().norm2Number().doubleValue()).as("encoder %s gradient", parameter.name())
                    .isGreaterThan(1e-5);
        }
    }

    @Test
    void givesExactlyTheOutputsOfItsLayersRunByHand() {
        Seq2Seq net = encoderDecoder(DataType.FLOAT, 11, 6, 3, 4, 2, 5, 4);
        Random random = new Random(12);
        INDArray encoderX = uniform(DataType.FLOAT, random, 7, 6, 3);
        INDArray decoderX = uniform(DataType.FLOAT, random, 7, 4, 2);

        INDArray predicted = net.model().predict(List.of(encoderX, decoderX), 7).get(0);
        INDArray forward = net.model().forward(List.of(encoderX, decoderX), false).get(0).dup();

        net.encoder().forward(encoderX, false);
        List<INDArray> states = net.encoder().states();
        INDArray decoded = net.decoder().forward(decoderX, null, states, false);
        INDArray byHand = net.softmax().forward(net.dense().forward(decoded, false), false);
        assertThat(exact(predicted)).isEqualTo(exact(byHand));
        assertThat(exact(forward)).isEqualTo(exact(byHand));
        assertThat(predicted.shape()).containsExactly(7, 4);

        // and without the encoder's states the decoder says something else: the states reach it
        INDArray expected = byHand.dup();
        INDArray alone = net.softmax().forward(net.dense().forward(net.decoder().forward(decoderX, false), false),
                false);
        assertThat(alone.distance2(expected)).isGreaterThan(1e-3);
    }

    /**
     * Keras's inference models for an encoder-decoder: the trained layers called again, the encoder alone giving its
     * states, the decoder taking them as inputs; together they give the trained model's predictions.
     */
    @Test
    void inferenceModelsReuseTheTrainedLayers() {
        Seq2Seq net = encoderDecoder(DataType.FLOAT, 13, 6, 3, 4, 2, 5, 4);
        Random random = new Random(14);
        INDArray encoderX = uniform(DataType.FLOAT, random, 7, 6, 3);
        INDArray decoderX = uniform(DataType.FLOAT, random, 7, 4, 2);
        INDArray predicted = net.model().predict(List.of(encoderX, decoderX), 7).get(0);

        Model encoderModel = new Model(TestSupport.BACKEND, List.of(net.encoderInput()), net.states());

        Tensor decoderInput = Input.of(Shape.of(4, 2), "decoder_input");
        List<Tensor> givenStates = List.of(Input.of(Shape.of(5), "h"), Input.of(Shape.of(5), "c"));
        Tensor decoded = Graph.call(net.decoder(), decoderInput, givenStates);
        Tensor output = Graph.call(net.softmax(), Graph.call(net.dense(), decoded));
        Model decoderModel = new Model(TestSupport.BACKEND, List.of(decoderInput, givenStates.get(0),
                givenStates.get(1)), List.of(output));

        List<INDArray> states = encoderModel.predict(List.of(encoderX), 32);
        INDArray stepByStep = decoderModel.predict(List.of(decoderX, states.get(0), states.get(1)), 32).get(0);
        assertThat(exact(stepByStep)).isEqualTo(exact(predicted));
        assertThat(encoderModel.layers()).containsExactly(net.encoder());
        assertThat(decoderModel.parameters()).hasSize(3 + 2);
    }

    /**
     * Two outputs: the loss is the sum of the outputs' losses, logged with a loss and an accuracy per output under the
     * name of the layer that makes it; listeners get the Model; a stop in the middle of an epoch gives a state that
     * such a model cannot resume from, and says so.
     */
    @Test
    void fitsSeveralOutputsWithALossAndAnAccuracyPerOutput() {
        Model model = twoOutputs();
        Random random = new Random(5);
        List<INDArray> x = List.of(uniform(DataType.FLOAT, random, 40, 4, 2));
        List<INDArray> y = List.of(oneHot(DataType.FLOAT, random, 40, 3), oneHot(DataType.FLOAT, random, 40, 2));
        List<Model> seen = new ArrayList<>();
        FitState[] stopped = {null};
        Callback listener = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                seen.add((Model) context().model());
            }

            @Override
            public void onInterrupt(FitState state) {
                stopped[0] = state;
            }
        };

        History history = model.fit(x, y, new FitOptions().epochs(2).batchSize(8).verbose(0)
                .validationData(x, y).callbacks(listener));

        assertThat(history.asMap()).containsOnlyKeys("loss", "activation_loss", "second_loss", "activation_accuracy",
                "second_accuracy", "val_loss", "val_activation_loss", "val_second_loss", "val_activation_accuracy",
                "val_second_accuracy");
        for (int epoch = 0; epoch < 2; epoch++) {
            assertThat(history.get("loss").get(epoch)).isCloseTo(history.get("activation_loss").get(epoch)
                    + history.get("second_loss").get(epoch), within(1e-6));
        }
        Map<String, Double> scores = model.evaluate(x, y, 16, 0);
        assertThat(scores.get("loss")).isCloseTo(history.get("val_loss").get(1),
                within(1e-6));
        assertThat(seen).containsExactly(model, model);

        // stopped in the middle of an epoch, it resumes with every output's sums to the run never stopped
        History whole = twoOutputs().fit(x, y, new FitOptions().epochs(2).batchSize(8).verbose(0));
        Model interrupted = twoOutputs();
        int[] steps = {0};
        interrupted.fit(x, y, new FitOptions().epochs(2).batchSize(8).verbose(0).callbacks(listener)
                .stopSignal(() -> ++steps[0] == 7));
        assertThat(stopped[0].midEpoch()).isTrue();
        assertThat(stopped[0].running()).containsOnlyKeys("loss", "seen", "activation_loss", "second_loss",
                "activation_accuracy", "second_accuracy");
        History resumed = interrupted.fit(x, y, new FitOptions().epochs(2).batchSize(8).verbose(0)
                .resume(stopped[0]));
        assertThat(resumed.asMap()).isEqualTo(whole.asMap());
    }

    private static Model twoOutputs() {
        Tensor input = Input.of(Shape.of(4, 2));
        Tensor encoded = Graph.call(LSTM.builder(4).build(), input);
        Tensor first = Graph.call(new Activation("softmax"), Graph.call(new Dense(3), encoded));
        Activation second = new Activation("softmax");
        second.setName("second");
        return new Model(TestSupport.BACKEND, List.of(input), List.of(first, Graph.call(second,
                Graph.call(new Dense(2), encoded)))).seed(3).compile(new CategoricalCrossentropy(), new SGD(),
                "accuracy");
    }

    /** The summary is computed from the graph, in Keras 2's functional layout. */
    @Test
    void summaryListsEachLayerWithItsShapesParametersAndInputs() {
        Model model = encoderDecoder(DataType.FLOAT, 1, 5, 2, 3, 1, 8, 3).model();
        assertThat(model.summary()).isEqualTo(String.join("\n",
                "Model: \"model\"",
                "_".repeat(98),
                " Layer (type)                   Output Shape         Param #     Connected to",
                "=".repeat(98),
                " encoder_input (InputLayer)     [(None, 5, 2)]       0           []",
                "",
                " decoder_input (InputLayer)     [(None, 3, 1)]       0           []",
                "",
                " lstm (LSTM)                    [(None, 8),          352         ['encoder_input[0][0]']",
                "                                 (None, 8),",
                "                                 (None, 8)]",
                "",
                " lstm_1 (LSTM)                  (None, 8)            320         ['decoder_input[0][0]',",
                "                                                                  'lstm[0][1]',",
                "                                                                  'lstm[0][2]']",
                "",
                " dense (Dense)                  (None, 3)            27          ['lstm_1[0][0]']",
                "",
                " activation (Activation)        (None, 3)            0           ['dense[0][0]']",
                "=".repeat(98),
                "Total params: 699",
                "Trainable params: 699",
                "Non-trainable params: 0",
                "_".repeat(98),
                ""));
        assertThat(model.countParams()).isEqualTo(4 * 8 * (2 + 8 + 1) + 4 * 8 * (1 + 8 + 1) + 8 * 3 + 3);
    }

    /**
     * The class is the sign of the first of 10 steps the encoder reads (the other 9 are noise); the decoder sees only
     * zeros. Trained with fit, the encoder-decoder learns it: the state reaches the decoder, and the encoder learns
     * through it to keep the first step (its state untrained keeps too little of it: about 63 % held-out accuracy when
     * the encoder gets no gradient). A decoder without the encoder's state can only give every sample the same answer.
     */
    @Test
    void learnsATaskThatOnlyTheEncodersStateCanSolve() {
        int steps = 10;
        INDArray[] train = firstSignTask(512, steps, 21);
        INDArray[] test = firstSignTask(256, steps, 22);
        Seq2Seq net = encoderDecoder(DataType.FLOAT, 23, steps, 1, 2, 1, 8, 2);
        Model model = net.model().compile(new CategoricalCrossentropy(), new Adam(0.02), "accuracy").build();
        List<INDArray> encoderBefore = values(net.encoder());
        assertThat(encoderBefore).hasSize(3);

        History history = model.fit(List.of(train[0], train[1]), train[2], new FitOptions().epochs(25).batchSize(32)
                .verbose(0));

        Map<String, Double> scores = model.evaluate(List.of(test[0], test[1]), test[2], 64, 0);
        assertThat(scores.get("accuracy")).as("held-out accuracy with the encoder's state").isGreaterThan(0.9);
        assertThat(history.get("accuracy").get(24)).isGreaterThan(0.9);
        List<INDArray> encoderAfter = values(net.encoder());
        for (int i = 0; i < encoderBefore.size(); i++) {
            assertThat(encoderAfter.get(i).distance2(encoderBefore.get(i))).as("encoder weights moved")
                    .isGreaterThan(0.1);
        }

        Tensor decoderInput = Input.of(Shape.of(2, 1));
        Tensor output = Graph.call(new Activation("softmax"), Graph.call(new Dense(2),
                Graph.call(LSTM.builder(8).build(), decoderInput)));
        Model alone = new Model(TestSupport.BACKEND, List.of(decoderInput), List.of(output)).seed(23)
                .compile(new CategoricalCrossentropy(), new Adam(0.02), "accuracy");
        alone.fit(List.of(train[1]), train[2], new FitOptions().epochs(25).batchSize(32).verbose(0));
        assertThat(alone.evaluate(List.of(test[1]), test[2], 64, 0).get("accuracy"))
                .as("held-out accuracy without the encoder's state").isBetween(0.4, 0.6);
    }

    /** @return encoder inputs, decoder inputs (zeros) and one-hot classes (the first step's sign), balanced */
    private static INDArray[] firstSignTask(int samples, int steps, long seed) {
        Random random = new Random(seed);
        float[] x = new float[samples * steps];
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            for (int t = 0; t < steps; t++) {
                x[i * steps + t] = (float) (random.nextDouble() * 2 - 1);
            }
            // balanced classes: flip the whole sequence for every other sample when needed
            int wanted = i % 2;
            if ((x[i * steps] > 0 ? 1 : 0) != wanted) {
                for (int t = 0; t < steps; t++) {
                    x[i * steps + t] = -x[i * steps + t];
                }
            }
            labels[i] = wanted;
        }
        return new INDArray[] {Nd4j.create(x, new long[] {samples, steps, 1}, 'c'),
            Nd4j.zeros(DataType.FLOAT, samples, 2, 1), Categorical.toCategorical(labels, 2)};
    }

    private static List<INDArray> values(LSTM layer) {
        List<INDArray> copies = new ArrayList<>();
        for (Parameter parameter : layer.parameters()) {
            copies.add(parameter.value().dup());
        }
        return copies;
    }
}
