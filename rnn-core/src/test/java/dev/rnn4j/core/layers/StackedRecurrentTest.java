package dev.rnn4j.core.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rnn4j.api.Shape;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.GradientCheck;
import dev.rnn4j.core.History;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.RMSprop;
import dev.rnn4j.core.optimizers.SGD;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Recurrent layers stacked through {@code returnSequences}: every layer but the last returns its sequence. */
class StackedRecurrentTest {

    @Test
    void aStackOfAllThreeCellsPassesTheModelGradientCheck() {
        Sequential model = new Sequential(TestSupport.BACKEND, DataType.DOUBLE).seed(4);
        model.add(SimpleRNN.builder(3).returnSequences(true).build());
        model.add(LSTM.builder(3).returnSequences(true).biasInitializer(LSTMTest.uniform()).build());
        model.add(GRU.builder(2).biasInitializer(LSTMTest.uniform()).build());
        model.add(new Dense(2));
        model.add(new Activation("softmax"));
        model.build(Shape.of(3, 2));
        model.compile(new CategoricalCrossentropy(), new SGD());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 2).subi(0.5);
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}});
        GradientCheck.assertModel(model, x, y);
    }

    @Test
    void theSummaryShowsTheStackWithKerasCounts() {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(1);
        model.add(LSTM.builder(256).returnSequences(true).build());
        model.add(new LSTM(256));
        model.add(new Dense(10));
        model.add(new Activation("softmax"));
        model.build(Shape.of(28, 28));
        // Keras: LSTM(256) over 28 features 4*256*(28+256+1) = 291,840; over 256 features 4*256*(256+256+1) = 525,312.
        assertThat(model.summary()).contains("""
                 lstm (LSTM)                 (None, 28, 256)           291840
                 lstm_1 (LSTM)               (None, 256)               525312
                 dense (Dense)               (None, 10)                2570
                """).contains("Total params: 819,722");
    }

    @Test
    void aStackedGruTrainsWithRmspropAndSurvivesAModelFile(@TempDir Path folder) throws Exception {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(7);
        model.add(GRU.builder(6).returnSequences(true).dropout(0.1).recurrentDropout(0.1).build());
        model.add(new GRU(4));
        model.add(new Dense(2));
        model.add(new Activation("softmax"));
        model.build(Shape.of(5, 3));
        model.compile(new CategoricalCrossentropy(), new RMSprop(0.01), "accuracy");
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 5, 3).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 32, 2);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, x.getDouble(i, 0, 1) > 0 ? 1 : 0, 1.0);
        }
        History history = model.fit(x, y, new FitOptions().epochs(10).batchSize(8).verbose(0));
        List<Double> losses = history.asMap().get("loss");
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));

        Path file = folder.resolve("gru.zip");
        ModelFile.save(model, file);
        Sequential loaded = ModelFile.load(file, TestSupport.BACKEND);
        assertThat(loaded.summary()).isEqualTo(model.summary());
        assertThat(loaded.layers().get(0).config()).isEqualTo(model.layers().get(0).config());
        assertThat(loaded.optimizer()).isInstanceOf(RMSprop.class);
        assertThat(loaded.optimizer().config()).isEqualTo(model.optimizer().config());
        assertThat(loaded.predict(x, 32).data().asFloat()).containsExactly(model.predict(x, 32).data().asFloat());
    }
}
