package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Categorical;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.FitState;
import dev.rnn4j.core.History;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.data.BatchSource;
import dev.rnn4j.core.data.Padding;
import dev.rnn4j.core.data.RecordFile;
import dev.rnn4j.core.data.RecordFileWriter;
import dev.rnn4j.core.data.RecordFormat;
import dev.rnn4j.core.data.RecordSource;
import dev.rnn4j.core.data.SequenceRecord;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.Adam;
import dev.rnn4j.core.optimizers.RMSprop;
import dev.rnn4j.core.optimizers.SGD;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A run stopped after an epoch, or in the middle of one, and resumed from its checkpoint in a new model and a new
 * optimizer ends with the same weights, bit for bit, and the same history as a run that was never stopped.
 */
class CheckpointsTest {
    private static final int SAMPLES = 40;
    private static final int BATCH = 8; // 5 steps per epoch
    private static final int EPOCHS = 4;

    @TempDir
    Path folder;

    private static final INDArray X;
    private static final INDArray Y;

    static {
        Random random = new Random(11);
        float[] values = new float[SAMPLES * 5 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        X = Nd4j.create(values, new long[] {SAMPLES, 5, 4}, 'c');
        int[] labels = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            labels[i] = random.nextInt(3);
        }
        Y = Categorical.toCategorical(labels, 3);
    }

    /** A recurrent cell with dropout, and a stateful optimizer. */
    record Setup(String name, Supplier<Layer> cell, Supplier<Optimizer> optimizer) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> setups() {
        return Stream.of(
                Arguments.of(new Setup("SimpleRNN + SGD with Nesterov momentum",
                        () -> SimpleRNN.builder(6).dropout(0.3).build(), () -> new SGD(0.05, 0.9, true))),
                Arguments.of(new Setup("LSTM + Adam with amsgrad",
                        () -> LSTM.builder(5).dropout(0.2).recurrentDropout(0.2).build(),
                        () -> new Adam(0.01, 0.9, 0.999, 1e-7, true))),
                Arguments.of(new Setup("GRU + centered RMSprop with momentum",
                        () -> GRU.builder(5).dropout(0.25).build(), () -> new RMSprop(0.01, 0.9, 0.5, 1e-7, true))));
    }

    private static Sequential model(Setup setup) {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(7);
        model.add(setup.cell().get());
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.build(Shape.of(5, 4));
        model.compile(new CategoricalCrossentropy(), setup.optimizer().get(), "accuracy");
        return model;
    }

    private static FitOptions options() {
        return new FitOptions().epochs(EPOCHS).batchSize(BATCH).verbose(0).validationSplit(0.2);
    }

    /** @return a callback that stops training after the given 1-based epoch */
    private static dev.rnn4j.core.Callback stopAfterEpoch(int epochs) {
        return new dev.rnn4j.core.Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                if (epoch + 1 >= epochs) {
                    context().stopTraining();
                }
            }
        };
    }

    private static void assertSameWeights(Sequential actual, Sequential expected) {
        List<Parameter> expectedParameters = expected.parameters();
        List<Parameter> actualParameters = actual.parameters();
        assertThat(actualParameters).hasSameSizeAs(expectedParameters);
        for (int i = 0; i < expectedParameters.size(); i++) {
            assertThat(ModelFileTest.bits(actualParameters.get(i).value()))
                    .as(actualParameters.get(i).name())
                    .containsExactly(ModelFileTest.bits(expectedParameters.get(i).value()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void resumedAfterAnEpochEndsBitIdenticalToAnUninterruptedRun(Setup setup) throws IOException {
        Sequential uninterrupted = model(setup);
        History expected = uninterrupted.fit(X, Y, options());

        Checkpoints checkpoints = new Checkpoints(folder, 2);
        Sequential first = model(setup);
        first.fit(X, Y, options().callbacks(checkpoints).callbacks(stopAfterEpoch(2)));
        assertThat(checkpoints.lastWritten()).isEqualTo(folder.resolve("checkpoint-2.zip"));

        Checkpoints.Restored restored = Checkpoints.restore(Checkpoints.latest(folder).orElseThrow(),
                TestSupport.BACKEND);
        assertThat(restored.state().epoch()).isEqualTo(2);
        assertThat(restored.state().midEpoch()).isFalse();
        assertThat(restored.model()).isNotSameAs(first);
        History resumed = restored.model().fit(X, Y, options().resume(restored.state()).callbacks(checkpoints));

        assertSameWeights(restored.model(), uninterrupted);
        assertThat(resumed.asMap()).isEqualTo(expected.asMap());
        assertThat(restored.model().optimizer().iterations()).isEqualTo(uninterrupted.optimizer().iterations());
        assertThat(Checkpoints.list(folder)).extracting(path -> path.getFileName().toString())
                .containsExactly("checkpoint-3.zip", "checkpoint-4.zip");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void stoppedInTheMiddleOfAnEpochAndResumedEndsBitIdentical(Setup setup) throws IOException {
        Sequential uninterrupted = model(setup);
        History expected = uninterrupted.fit(X, Y, options());

        // 32 training samples after the split: 4 steps per epoch; stop after step 2 of epoch 2.
        AtomicInteger steps = new AtomicInteger();
        Checkpoints checkpoints = new Checkpoints(folder, 3);
        History partial = model(setup).fit(X, Y, options().callbacks(checkpoints)
                .stopSignal(() -> steps.incrementAndGet() >= 6));
        assertThat(partial.epochs()).isEqualTo(1);
        assertThat(checkpoints.lastWritten()).isEqualTo(folder.resolve("checkpoint-2-step-2.zip"));
        assertThat(Checkpoints.latest(folder)).contains(folder.resolve("checkpoint-2-step-2.zip"));

        Checkpoints.Restored restored = Checkpoints.restore(checkpoints.lastWritten(), TestSupport.BACKEND);
        FitState state = restored.state();
        assertThat(state.epoch()).isEqualTo(1);
        assertThat(state.step()).isEqualTo(2);
        assertThat(state.seen()).isEqualTo(2 * BATCH);
        History resumed = restored.model().fit(X, Y, options().resume(state).callbacks(checkpoints));

        assertSameWeights(restored.model(), uninterrupted);
        assertThat(resumed.asMap()).isEqualTo(expected.asMap());
        assertThat(Checkpoints.list(folder)).extracting(path -> path.getFileName().toString())
                .containsExactly("checkpoint-2.zip", "checkpoint-3.zip", "checkpoint-4.zip");
    }

    /** Format 1 held the running sums of one output's loss and accuracy as four numbers. */
    @Test
    void aFormatOneCheckpointInTheMiddleOfAnEpochStillResumesBitIdentical() throws IOException {
        Setup setup = (Setup) setups().findFirst().orElseThrow().get()[0];
        Sequential uninterrupted = model(setup);
        History expected = uninterrupted.fit(X, Y, options());
        AtomicInteger steps = new AtomicInteger();
        Checkpoints checkpoints = new Checkpoints(folder, 3);
        model(setup).fit(X, Y, options().callbacks(checkpoints).stopSignal(() -> steps.incrementAndGet() >= 6));
        Path file = checkpoints.lastWritten();
        Path old = folder.resolve("old.zip");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile());
                java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(old))) {
            for (java.util.zip.ZipEntry entry : java.util.Collections.list(zip.entries())) {
                byte[] bytes = zip.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(Checkpoints.TRAINER_ENTRY)) {
                    com.google.gson.JsonObject trainer = com.google.gson.JsonParser.parseString(
                            new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
                    com.google.gson.JsonObject running = trainer.getAsJsonObject("running");
                    com.google.gson.JsonObject format1 = new com.google.gson.JsonObject();
                    format1.addProperty("loss_sum", running.getAsJsonArray("loss").get(0).getAsDouble());
                    format1.addProperty("correct", running.getAsJsonArray("accuracy").get(0).getAsLong());
                    format1.addProperty("seen", running.getAsJsonArray("seen").get(0).getAsLong());
                    format1.addProperty("counted", running.getAsJsonArray("accuracy").get(1).getAsLong());
                    trainer.add("running", format1);
                    trainer.addProperty("format_version", 1);
                    bytes = trainer.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        Checkpoints.Restored restored = Checkpoints.restore(old, TestSupport.BACKEND);
        assertThat(restored.state().running()).containsOnlyKeys("loss", "seen", "accuracy");
        History resumed = restored.model().fit(X, Y, options().resume(restored.state()));
        assertSameWeights(restored.model(), uninterrupted);
        assertThat(resumed.asMap()).isEqualTo(expected.asMap());
    }

    /** @return X and Y as a record file in {@code folder}, read back shuffled through a buffer, on a loader thread */
    private static BatchSource fileSource(Path file) throws IOException {
        if (!Files.exists(file)) {
            List<SequenceRecord> records = new ArrayList<>();
            float[] x = X.data().asFloat();
            float[] y = Y.data().asFloat();
            for (int i = 0; i < SAMPLES; i++) {
                float[] input = java.util.Arrays.copyOfRange(x, i * 20, i * 20 + 20);
                records.add(new SequenceRecord(5, input, java.util.Arrays.copyOfRange(y, i * 3, i * 3 + 3)));
            }
            RecordFileWriter.write(file, RecordFormat.vectors(4).withVectorTarget(3), records);
        }
        return RecordSource.builder(RecordFile.open(file)).batchSize(BATCH).shuffleBuffer(16).seed(5)
                .padding(Padding.post().withMaxLength(5, Padding.Truncating.NONE)).build().prefetch(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void aRunFromAFileSourceStoppedInTheMiddleOfAnEpochResumesBitIdentical(Setup setup) throws IOException {
        Path file = Files.createDirectories(folder.resolve("data")).resolve("train.records");
        FitOptions options = new FitOptions().epochs(EPOCHS).verbose(0);
        Sequential uninterrupted = model(setup);
        History expected = uninterrupted.fit(fileSource(file), options);

        // 5 batches per epoch; stop after batch 2 of epoch 2, then resume in a new process's model and source.
        AtomicInteger steps = new AtomicInteger();
        Checkpoints checkpoints = new Checkpoints(folder.resolve("checkpoints"), 3);
        model(setup).fit(fileSource(file), new FitOptions().epochs(EPOCHS).verbose(0).callbacks(checkpoints)
                .stopSignal(() -> steps.incrementAndGet() >= 7));
        Checkpoints.Restored restored = Checkpoints.restore(checkpoints.lastWritten(), TestSupport.BACKEND);
        assertThat(restored.state().epoch()).isEqualTo(1);
        assertThat(restored.state().step()).isEqualTo(2);
        assertThat(restored.state().samples()).as("a source keeps no order in the state").isZero();
        History resumed = restored.model().fit(fileSource(file), new FitOptions().epochs(EPOCHS).verbose(0)
                .resume(restored.state()));

        assertSameWeights(restored.model(), uninterrupted);
        assertThat(resumed.asMap()).isEqualTo(expected.asMap());
        assertThatThrownBy(() -> restored.model().fit(X, Y, options().resume(restored.state())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStopAtAnEpochsEndWritesNothingTwice() throws IOException {
        Setup setup = (Setup) setups().findFirst().orElseThrow().get()[0];
        AtomicInteger steps = new AtomicInteger();
        Checkpoints checkpoints = new Checkpoints(folder, 5);
        model(setup).fit(X, Y, options().callbacks(checkpoints).stopSignal(() -> steps.incrementAndGet() >= 4));
        assertThat(Checkpoints.list(folder)).containsExactly(folder.resolve("checkpoint-1.zip"));
    }

    @Test
    void keepsTheLastKAndLeavesNoTemporaryFiles() throws IOException {
        Setup setup = (Setup) setups().findFirst().orElseThrow().get()[0];
        model(setup).fit(X, Y, options().epochs(5).callbacks(new Checkpoints(folder, 2)));
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(path -> path.getFileName().toString()).sorted())
                    .containsExactly("checkpoint-4.zip", "checkpoint-5.zip");
        }
        assertThatThrownBy(() -> new Checkpoints(folder, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keepLast");
    }

    @Test
    void aFailingWriteKeepsThePreviousCheckpoints() throws IOException {
        Setup setup = (Setup) setups().findFirst().orElseThrow().get()[0];
        // A non-empty folder where checkpoint 3 should go makes its final rename fail.
        Files.createDirectories(folder.resolve("checkpoint-3.zip"));
        Files.writeString(folder.resolve("checkpoint-3.zip").resolve("in-the-way"), "x");
        Sequential model = model(setup);
        assertThatThrownBy(() -> model.fit(X, Y, options().callbacks(new Checkpoints(folder, 2))))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("checkpoint-3.zip");
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(path -> path.getFileName().toString()).sorted())
                    .containsExactly("checkpoint-1.zip", "checkpoint-2.zip", "checkpoint-3.zip");
        }
        Checkpoints.Restored restored = Checkpoints.restore(folder.resolve("checkpoint-2.zip"), TestSupport.BACKEND);
        assertThat(restored.state().epoch()).isEqualTo(2);
    }

    @Test
    void aCheckpointIsAlsoAModelFile() throws IOException {
        Setup setup = (Setup) setups().findFirst().orElseThrow().get()[0];
        Sequential model = model(setup);
        model.fit(X, Y, options().epochs(1).callbacks(new Checkpoints(folder, 1)));
        Sequential loaded = ModelFile.load(folder.resolve("checkpoint-1.zip"), TestSupport.BACKEND);
        assertSameWeights(loaded, model);
    }

    @Test
    void resumingWithOtherDataOrBatchSizeIsRefused() throws IOException {
        Setup setup = (Setup) setups().findFirst().orElseThrow().get()[0];
        AtomicInteger steps = new AtomicInteger();
        model(setup).fit(X, Y, options().callbacks(new Checkpoints(folder, 1))
                .stopSignal(() -> steps.incrementAndGet() >= 2));
        Checkpoints.Restored restored = Checkpoints.restore(Checkpoints.latest(folder).orElseThrow(),
                TestSupport.BACKEND);
        assertThatThrownBy(() -> restored.model().fit(X, Y, options().batchSize(4).resume(restored.state())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch size 8");
        assertThatThrownBy(() -> restored.model().fit(X, Y, options().validationSplit(0.5)
                .resume(restored.state()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 samples");
    }

    @Test
    void aCorruptCheckpointIsAnErrorNamingTheFile() throws IOException {
        Setup setup = (Setup) setups().findFirst().orElseThrow().get()[0];
        model(setup).fit(X, Y, options().epochs(2).callbacks(new Checkpoints(folder, 2)));
        Path latest = Checkpoints.latest(folder).orElseThrow();
        byte[] bytes = Files.readAllBytes(latest);
        Files.write(latest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> Checkpoints.restore(latest, TestSupport.BACKEND))
                .isInstanceOf(ModelFileException.class).hasMessageStartingWith(latest.toString());

        Path modelFile = folder.resolve("model.zip");
        ModelFile.save(model(setup), modelFile);
        assertThatThrownBy(() -> Checkpoints.restore(modelFile, TestSupport.BACKEND))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(modelFile + ", entry trainer.json: missing");
    }

    @Test
    void metadataIsStoredAndGivenBack() throws IOException {
        Setup setup = (Setup) setups().findFirst().orElseThrow().get()[0];
        Checkpoints checkpoints = new Checkpoints(folder, 1)
                .metadata(() -> Map.of("units", 6, "cell", "simple", "seconds", List.of(1.5, 2.5)));
        model(setup).fit(X, Y, options().epochs(1).callbacks(checkpoints));
        Checkpoints.Restored restored = Checkpoints.restore(checkpoints.lastWritten(), TestSupport.BACKEND);
        assertThat(restored.metadata()).containsEntry("units", 6).containsEntry("cell", "simple")
                .containsEntry("seconds", List.of(1.5, 2.5));
        assertThat(Checkpoints.latest(folder.resolve("absent"))).isEmpty();
    }
}
