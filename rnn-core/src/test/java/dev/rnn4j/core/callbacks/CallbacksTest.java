package dev.rnn4j.core.callbacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Callback;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.FitState;
import dev.rnn4j.core.History;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The callback API and Keras's callbacks, against the sequences Keras's own tests use
 * ({@code keras/src/callbacks/*_test.py}): a scripted callback before the one tested puts the logged values in
 * place, and sets the first weight to the epoch's index (Keras's {@code DummyModel.set_weight_to_epoch}).
 */
class CallbacksTest {
    private static final INDArray X = Nd4j.rand(DataType.FLOAT, 8, 3);
    private static final INDArray Y = Nd4j.createFromArray(new float[][] {
        {1, 0}, {0, 1}, {1, 0}, {0, 1}, {1, 0}, {0, 1}, {1, 0}, {0, 1}});

    @TempDir
    Path folder;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private static Sequential model() {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(3);
        model.add(new Dense(2)).add(new Activation("softmax"));
        model.build(Shape.of(3));
        model.compile(new CategoricalCrossentropy(), new SGD(0.1), "accuracy");
        return model;
    }

    private FitOptions options(int epochs) {
        return new FitOptions().epochs(epochs).batchSize(4).verbose(0)
                .output(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** Puts {@code values[epoch]} under {@code key} in each epoch's logs and the epoch's index in the first weight. */
    private static Callback script(String key, double... values) {
        return new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                logs.put(key, values[epoch]);
                context().model().parameters().get(0).value().assign(epoch);
            }
        };
    }

    private static double firstWeight(Sequential model) {
        return model.parameters().get(0).value().getDouble(0);
    }

    @Test
    void hooksComeInKerasOrderWithTheirLogs() {
        List<String> calls = new ArrayList<>();
        Callback recorder = new Callback() {
            @Override
            public void onTrainBegin(Map<String, Double> logs) {
                calls.add("train_begin " + logs.keySet());
            }

            @Override
            public void onEpochBegin(int epoch, Map<String, Double> logs) {
                calls.add("epoch_begin " + epoch);
            }

            @Override
            public void onBatchBegin(int batch, Map<String, Double> logs) {
                calls.add("batch_begin " + batch);
            }

            @Override
            public void onBatchEnd(int batch, Map<String, Double> logs) {
                calls.add("batch_end " + batch + " " + logs.keySet());
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                calls.add("epoch_end " + epoch + " " + logs.keySet() + " " + context().state().epoch());
            }

            @Override
            public void onTrainEnd(Map<String, Double> logs) {
                calls.add("train_end " + logs.keySet());
            }
        };
        Sequential model = model();
        model.fit(X, Y, options(3).initialEpoch(1).validationData(X, Y).callbacks(recorder));
        assertThat(calls).containsExactly("train_begin []",
                "epoch_begin 1", "batch_begin 0", "batch_end 0 [loss, accuracy]", "batch_begin 1",
                "batch_end 1 [loss, accuracy]", "epoch_end 1 [loss, accuracy, val_loss, val_accuracy] 2",
                "epoch_begin 2", "batch_begin 0", "batch_end 0 [loss, accuracy]", "batch_begin 1",
                "batch_end 1 [loss, accuracy]", "epoch_end 2 [loss, accuracy, val_loss, val_accuracy] 3",
                "train_end [loss, accuracy, val_loss, val_accuracy]");
    }

    @Test
    void earlyStoppingStopsAfterPatienceAsKerasTest() {
        double[] losses = {10.0, 9.0, 8.0, 9.0, 8.9, 8.8, 8.7, 8.6, 8.5};
        for (int patience = 0; patience <= 3; patience++) {
            EarlyStopping stopper = new EarlyStopping().monitor("loss").patience(patience);
            History history = model().fit(X, Y, options(losses.length).callbacks(script("loss", losses), stopper));
            assertThat(stopper.stoppedEpoch()).as("patience %d", patience).isEqualTo(Math.max(patience, 1) + 2);
            assertThat(history.epochs()).isEqualTo(stopper.stoppedEpoch() + 1);
            assertThat(history.get("loss")).startsWith(10.0, 9.0, 8.0);
        }
    }

    @Test
    void earlyStoppingRestoresTheBestWeightsAsKerasTest() {
        Sequential model = model();
        EarlyStopping stopper = new EarlyStopping().monitor("val_loss").patience(2).restoreBestWeights(true);
        History history = model.fit(X, Y, options(5).callbacks(script("val_loss", 0.2, 0.15, 0.1, 0.11, 0.12),
                stopper));
        assertThat(history.epochs()).isEqualTo(5);
        assertThat(firstWeight(model)).isEqualTo(2.0);

        // no epoch beats the baseline: training stops after patience epochs, with the best weights back
        Sequential baseline = model();
        history = baseline.fit(X, Y, options(6).callbacks(script("val_loss", 0.9, 0.8, 0.7, 0.71, 0.72, 0.73),
                new EarlyStopping().patience(5).baseline(0.5).restoreBestWeights(true).verbose(true)));
        assertThat(history.epochs()).isEqualTo(5);
        assertThat(firstWeight(baseline)).isEqualTo(2.0);
        assertThat(printed()).contains("Epoch 5: early stopping\n",
                "Restoring model weights from the end of the best epoch: 3.\n");

        // another callback stops training: the best weights come back too
        Sequential stopped = model();
        Callback stopAtFour = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                if (epoch == 3) {
                    context().stopTraining();
                }
            }
        };
        history = stopped.fit(X, Y, options(6).callbacks(script("val_loss", 0.9, 0.8, 0.7, 0.71, 0.72, 0.73),
                new EarlyStopping().patience(5).baseline(0.5).restoreBestWeights(true), stopAtFour));
        assertThat(history.epochs()).isEqualTo(4);
        assertThat(firstWeight(stopped)).isEqualTo(2.0);
    }

    @Test
    void earlyStoppingHonoursModeMinDeltaAndStartFromEpoch() {
        // accuracy goes up: auto mode maximises it; gains of 0.01 are below minDelta 0.05
        EarlyStopping up = new EarlyStopping().monitor("val_accuracy").minDelta(0.05);
        History history = model().fit(X, Y, options(5).callbacks(script("val_accuracy", 0.5, 0.51, 0.52, 0.6, 0.7),
                up));
        assertThat(history.epochs()).isEqualTo(2);
        assertThat(up.bestEpoch()).isEqualTo(0);
        // the first two epochs are not watched
        EarlyStopping late = new EarlyStopping().monitor("loss").startFromEpoch(2);
        history = model().fit(X, Y, options(5).callbacks(script("loss", 1, 2, 3, 4, 5), late));
        assertThat(history.epochs()).isEqualTo(4);
        assertThatThrownBy(() -> new EarlyStopping().mode("lowest")).hasMessage(
                "EarlyStopping mode: expected 'min', 'max' or 'auto', found 'lowest'");
        assertThatThrownBy(() -> new EarlyStopping().patience(-1)).hasMessage(
                "EarlyStopping patience: expected at least 0, found -1");
        assertThatThrownBy(() -> model().fit(X, Y, options(2).callbacks(script("custom", 1, 2),
                new EarlyStopping().monitor("custom")))).hasMessage("EarlyStopping monitors 'custom', but mode 'auto'"
                        + " cannot tell whether it should go up or down; pass mode 'max' or 'min'");
    }

    @Test
    void aMonitoredQuantityNeverLoggedIsWarnedAboutOnce() {
        History history = model().fit(X, Y, options(3).callbacks(new EarlyStopping()));
        assertThat(history.epochs()).isEqualTo(3);
        String warning = "WARNING: EarlyStopping is conditioned on 'val_loss', which is not in the logs; available:"
                + " loss, accuracy\n";
        assertThat(printed()).isEqualTo(warning);
    }

    @Test
    void reduceLrOnPlateauFollowsKerasRules() {
        Sequential model = model();
        ReduceLROnPlateau reduce = new ReduceLROnPlateau().monitor("val_loss").factor(0.5).patience(1).cooldown(2)
                .minLr(0.02);
        History history = model.fit(X, Y, options(7).callbacks(script("val_loss", 1, 1, 1, 1, 1, 0.5, 0.5), reduce));
        // Keras counts the cooldown down before it looks: epoch 1 waits 1, 0.1 -> 0.05, cooldown 2; epoch 2 in
        // cooldown; epoch 3 out of it, waits 1: -> 0.025; epoch 4 in cooldown; epoch 5 improves; epoch 6 waits 1:
        // 0.025 * 0.5 is below minLr, so 0.02. Each epoch logs the rate it trained with.
        assertThat(history.get("learning_rate")).containsExactly(0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025);
        assertThat(model.optimizer().learningRate()).isCloseTo(0.02, within(1e-12));
        assertThatThrownBy(() -> new ReduceLROnPlateau().factor(1.0)).hasMessage(
                "ReduceLROnPlateau factor: expected a value in (0, 1), found 1.0");
    }

    @Test
    void learningRateSchedulerSetsEachEpochsRateBeforeItTrainsAndLogsIt() {
        Sequential model = model();
        List<Double> during = new ArrayList<>();
        Callback watcher = new Callback() {
            @Override
            public void onBatchEnd(int batch, Map<String, Double> logs) {
                during.add(context().model().optimizer().learningRate());
            }
        };
        History history = model.fit(X, Y, options(3).callbacks(new LearningRateScheduler(epoch -> 0.1 / (epoch + 1)),
                watcher));
        assertThat(during).containsExactly(0.1, 0.1, 0.05, 0.05, 0.1 / 3, 0.1 / 3);
        assertThat(history.get("learning_rate")).containsExactly(0.1, 0.05, 0.1 / 3);
        // a resumed run starts at its own epoch's rate
        model.fit(X, Y, options(10).initialEpoch(9).callbacks(new LearningRateScheduler(epoch -> 0.1 / (epoch + 1))));
        assertThat(model.optimizer().learningRate()).isCloseTo(0.01, within(1e-15));
        assertThatThrownBy(() -> model.fit(X, Y, options(3).callbacks(
                new LearningRateScheduler(epoch -> epoch < 2 ? 0.001 : 0.0)))).hasMessage(
                        "learning rate schedule: epoch 2: expected a positive finite rate, found 0.0");
    }

    @Test
    void modelCheckpointSavesEveryEpochOrTheBestOnlyUnderItsPattern() throws IOException {
        Sequential model = model();
        String pattern = folder.resolve("model-{epoch:02d}-{val_loss:.2f}.zip").toString();
        ModelCheckpoint best = new ModelCheckpoint(pattern).saveBestOnly(true).verbose(true);
        model.fit(X, Y, options(4).callbacks(script("val_loss", 0.5, 0.4, 0.45, 0.3), best));
        try (var files = Files.list(folder)) {
            assertThat(files.map(path -> path.getFileName().toString()).sorted()).containsExactly(
                    "model-01-0.50.zip", "model-02-0.40.zip", "model-04-0.30.zip");
        }
        assertThat(best.lastSaved()).isEqualTo(folder.resolve("model-04-0.30.zip"));
        assertThat(printed()).contains("Epoch 3: val_loss did not improve from 0.4");
        Sequential loaded = ModelFile.load(best.lastSaved(), TestSupport.BACKEND);
        assertThat(firstWeight(loaded)).isEqualTo(3.0);

        ModelCheckpoint every = new ModelCheckpoint(folder.resolve("every-{epoch}.zip").toString());
        model().fit(X, Y, options(2).callbacks(every));
        assertThat(folder.resolve("every-1.zip")).isRegularFile();
        assertThat(folder.resolve("every-2.zip")).isRegularFile();

        assertThatThrownBy(() -> model().fit(X, Y, options(1).callbacks(
                new ModelCheckpoint(folder.resolve("m-{val_auc}.zip").toString())))).hasMessage(
                        "ModelCheckpoint filepath '" + folder.resolve("m-{val_auc}.zip") + "': {val_auc} is neither"
                                + " epoch nor in the logs; available: epoch, loss, accuracy");
        assertThatThrownBy(() -> new ModelCheckpoint("m-{epoch:x}.zip")).hasMessage("ModelCheckpoint filepath"
                + " 'm-{epoch:x}.zip': format 'x' of {epoch}: expected an integer format such as 02d or a decimal one"
                + " such as .4f");
    }

    @Test
    void csvLoggerWritesKerasRowsAndAppendsForAResumedRun() throws IOException {
        Path csv = folder.resolve("log.csv");
        model().fit(X, Y, options(2).callbacks(script("val_loss", 0.5, 0.00001), new CSVLogger(csv)));
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("epoch,accuracy,loss,val_loss");
        assertThat(lines.get(1)).startsWith("0,").endsWith(",0.5");
        assertThat(lines.get(2)).startsWith("1,").endsWith(",1e-05");

        model().fit(X, Y, options(3).initialEpoch(2).callbacks(new CSVLogger(csv, ",", true)));
        lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3)).startsWith("2,").endsWith(",NA");
        try (var files = Files.list(folder)) {
            assertThat(files).containsExactly(csv);
        }

        assertThat(List.of(CSVLogger.python(0.0001), CSVLogger.python(1e-5), CSVLogger.python(123.0),
                CSVLogger.python(0.30000000000000004), CSVLogger.python(-1.5e20), CSVLogger.python(1e16),
                CSVLogger.python(Double.NaN))).containsExactly("0.0001", "1e-05", "123.0", "0.30000000000000004",
                        "-1.5e+20", "1e+16", "nan");
    }

    @Test
    void terminateOnNaNStopsWhereFitWouldOtherwiseFail() {
        INDArray bad = X.dup();
        bad.putScalar(new long[] {5, 1}, Float.NaN);
        History history = model().fit(bad, Y, options(3).callbacks(new TerminateOnNaN()));
        assertThat(history.epochs()).isEqualTo(1);
        assertThat(history.get("loss").get(0)).isNaN();
        assertThat(printed()).isEqualTo("Batch 1: Invalid loss, terminating training\n");
        assertThatThrownBy(() -> model().fit(bad, Y, options(3).shuffle(false))).hasMessage("fit: the loss became NaN"
                + " at epoch 1, batch 2 of 2; lower the learning rate (now 0.1) or check the data for NaN or infinite"
                + " values (TerminateOnNaN stops instead)");
    }

    @Test
    void theStateAtAnEpochsEndHoldsWhatCallbacksBeforeAdded() {
        FitState[] seen = {null};
        Callback reader = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                seen[0] = context().state();
            }
        };
        History history = model().fit(X, Y, options(2).callbacks(new LearningRateScheduler(epoch -> 0.05), reader));
        assertThat(seen[0].history().asMap()).isEqualTo(history.asMap());
        assertThat(seen[0].history().get("learning_rate")).containsExactly(0.05, 0.05);
        assertThatThrownBy(() -> reader.onEpochEnd(0, Map.of())).hasMessage(
                "FitContext.state() is known in onEpochEnd only");
    }
}
