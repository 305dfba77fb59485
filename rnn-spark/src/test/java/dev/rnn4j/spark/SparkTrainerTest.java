package dev.rnn4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.backend.cpu.Nd4jCpuBackend;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.History;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.Checkpoints;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.Dropout;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.Adam;
import dev.rnn4j.core.optimizers.RMSprop;
import dev.rnn4j.core.optimizers.SGD;
import dev.rnn4j.core.regularizers.L2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer on local Spark against single-machine {@code fit}: the same batches give the same weights, bit for bit
 * with one worker and within float tolerance with two (where the sums of the gradients run in another order).
 */
class SparkTrainerTest {
    private static final Backend BACKEND = new Nd4jCpuBackend();
    private static final int TIMESTEPS = 3;
    private static final int FEATURES = 2;
    private static final int CLASSES = 3;
    private JavaSparkContext spark;

    @AfterEach
    void stopSpark() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    private JavaSparkContext spark(String master) {
        spark = SparkTrainer.startContext(master, "rnn-spark-test");
        return spark;
    }

    private static Sequential model(Supplier<Optimizer> optimizer, boolean dropout) {
        return model(optimizer, dropout, false);
    }

    private static Sequential model(Supplier<Optimizer> optimizer, boolean dropout, boolean regularized) {
        Sequential model = new Sequential(BACKEND).seed(7);
        model.add(SimpleRNN.builder(5).build());
        if (dropout) {
            model.add(new Dropout(0.3));
        }
        model.add(regularized ? Dense.builder(CLASSES).kernelRegularizer(new L2(0.05)).build() : new Dense(CLASSES));
        model.add(new Activation("softmax"));
        model.build(Shape.of(TIMESTEPS, FEATURES));
        model.compile(new CategoricalCrossentropy(), optimizer.get());
        return model;
    }

    private static INDArray inputs(int samples) {
        Random random = new Random(11);
        float[] values = new float[samples * TIMESTEPS * FEATURES];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return Nd4j.create(values, new long[] {samples, TIMESTEPS, FEATURES}, 'c');
    }

    private static INDArray targets(int samples) {
        Random random = new Random(13);
        float[] values = new float[samples * CLASSES];
        for (int i = 0; i < samples; i++) {
            values[i * CLASSES + random.nextInt(CLASSES)] = 1.0f;
        }
        return Nd4j.create(values, new long[] {samples, CLASSES}, 'c');
    }

    private static History fitOneMachine(Sequential model, int samples, int epochs, int batchSize) {
        return model.fit(inputs(samples), targets(samples), new FitOptions().epochs(epochs).batchSize(batchSize)
                .verbose(0));
    }

    private static float[] weights(Sequential model) {
        List<Parameter> parameters = model.parameters();
        int total = 0;
        for (Parameter parameter : parameters) {
            total += (int) parameter.size();
        }
        float[] all = new float[total];
        int at = 0;
        for (Parameter parameter : parameters) {
            float[] values = parameter.value().dup('c').reshape(parameter.size()).toFloatVector();
            System.arraycopy(values, 0, all, at, values.length);
            at += values.length;
        }
        return all;
    }

    @Test
    void oneWorkerGivesTheWeightsOfOneMachineBitForBit() {
        int samples = 26;
        Sequential alone = model(() -> new Adam(0.01), false);
        History expected = fitOneMachine(alone, samples, 2, 8);
        Sequential start = model(() -> new Adam(0.01), false);
        SparkTrainer.Result result = new SparkTrainer(spark("local[1]"), 1)
                .fit(start, inputs(samples), targets(samples), 2, 8);
        assertThat(weights(result.model())).isEqualTo(weights(alone));
        assertThat(result.model().optimizer().iterations()).isEqualTo(alone.optimizer().iterations()).isEqualTo(8);
        assertThat(result.history().get("loss")).hasSize(2);
        for (int epoch = 0; epoch < 2; epoch++) {
            assertThat(result.history().get("loss").get(epoch)).isCloseTo(expected.get("loss").get(epoch),
                    within(1e-12));
        }
        assertThat(weights(start)).as("the model given is not changed").isEqualTo(weights(model(Adam::new, false)));
    }

    @Test
    void twoWorkersWithBatchBEqualOneMachineWithBatchTwoBForEachOptimizer() {
        JavaSparkContext context = spark("local[2]");
        int samples = 25;  // 4 global batches of 8, 8, 8, 1: the last leaves worker 0 without rows
        List<Supplier<Optimizer>> optimizers = List.of(() -> new SGD(0.1, 0.9, false), () -> new Adam(0.01),
                () -> new RMSprop(0.01));
        for (Supplier<Optimizer> optimizer : optimizers) {
            Sequential alone = model(optimizer, false);
            History expected = fitOneMachine(alone, samples, 2, 8);
            SparkTrainer.Result result = new SparkTrainer(context, 2)
                    .fit(model(optimizer, false), inputs(samples), targets(samples), 2, 2 * 4);
            String name = alone.optimizer().name();
            float[] distributed = weights(result.model());
            float[] single = weights(alone);
            assertThat(distributed).as(name).isNotEqualTo(weights(model(optimizer, false)));
            for (int i = 0; i < single.length; i++) {
                assertThat(distributed[i]).as("%s, weight %d", name, i).isCloseTo(single[i], within(2e-5f));
            }
            for (int epoch = 0; epoch < 2; epoch++) {
                assertThat(result.history().get("loss").get(epoch)).as(name)
                        .isCloseTo(expected.get("loss").get(epoch), within(1e-5));
            }
            assertThat(result.model().optimizer().iterations()).as(name).isEqualTo(8);
        }
    }

    @Test
    void aRegularizedModelCountsItsPenaltyOnceInTheGradientAndTheLoss() {
        int samples = 24;
        Sequential alone = model(() -> new SGD(0.1), false, true);
        History expected = fitOneMachine(alone, samples, 2, 8);
        SparkTrainer.Result result = new SparkTrainer(spark("local[2]"), 2)
                .fit(model(() -> new SGD(0.1), false, true), inputs(samples), targets(samples), 2, 8);
        float[] distributed = weights(result.model());
        float[] single = weights(alone);
        for (int i = 0; i < single.length; i++) {
            assertThat(distributed[i]).as("weight %d", i).isCloseTo(single[i], within(2e-5f));
        }
        for (int epoch = 0; epoch < 2; epoch++) {
            assertThat(result.history().get("loss").get(epoch)).isCloseTo(expected.get("loss").get(epoch),
                    within(1e-5));
        }
    }

    @Test
    void workersAndEpochsDrawFromDifferentDropoutGeneratorsThatRepeat() {
        assertThat(EpochTask.dropoutSeed(7, 0, 0)).isEqualTo(EpochTask.dropoutSeed(7, 0, 0));
        assertThat(List.of(EpochTask.dropoutSeed(7, 0, 0), EpochTask.dropoutSeed(7, 0, 1),
                EpochTask.dropoutSeed(7, 1, 0), EpochTask.dropoutSeed(8, 0, 0))).doesNotHaveDuplicates();
    }

    @Test
    void twoWorkersOfOneExecutorComputeSideBySideWithoutStalling() {
        // Slices of 64 rows: enough for the CPU backend to cut a recurrence into parts, if it had several threads.
        int samples = 512;
        Sequential alone = model(() -> new SGD(0.05), false);
        History expected = fitOneMachine(alone, samples, 1, 128);
        SparkTrainer.Result result = new SparkTrainer(spark("local[2]"), 2).ringTimeout(Duration.ofSeconds(30))
                .fit(model(() -> new SGD(0.05), false), inputs(samples), targets(samples), 1, 128);
        assertThat(result.history().get("loss").get(0)).isCloseTo(expected.get("loss").get(0), within(1e-5));
    }

    @Test
    void aModelWithDropoutTrainsAndTheResultSavesAndCheckpointsAreWritten(@TempDir Path folder) throws Exception {
        int samples = 32;
        Sequential start = model(() -> new Adam(0.05), true);
        Checkpoints checkpoints = new Checkpoints(folder.resolve("checkpoints"), 2);
        SparkTrainer.Result result = new SparkTrainer(spark("local[2]"), 2).checkpoints(checkpoints)
                .fit(start, inputs(samples), targets(samples), 3, 8);
        List<Double> losses = result.history().get("loss");
        assertThat(losses).hasSize(3).allSatisfy(loss -> assertThat(loss).isFinite().isPositive());
        assertThat(losses.get(2)).isLessThan(losses.get(0));
        Path saved = folder.resolve("model.zip");
        ModelFile.save(result.model(), saved);
        Sequential loaded = ModelFile.load(saved, BACKEND);
        assertThat(weights(loaded)).isEqualTo(weights(result.model()));
        assertThat(Checkpoints.list(folder.resolve("checkpoints"))).extracting(path -> path.getFileName().toString())
                .containsExactly("checkpoint-2.zip", "checkpoint-3.zip");
        Checkpoints.Restored last = Checkpoints.restore(folder.resolve("checkpoints/checkpoint-3.zip"), BACKEND);
        assertThat(weights(last.model())).isEqualTo(weights(result.model()));
        assertThat(last.state().history().get("loss")).isEqualTo(losses);
        assertThat(Files.size(saved)).isPositive();
    }

    @Test
    void moreWorkersThanTaskSlotsFailAtOnceInOneLine() {
        JavaSparkContext context = spark("local[2]");
        long start = System.nanoTime();
        assertThatThrownBy(() -> new SparkTrainer(context, 3).fit(model(SGD::new, false), inputs(8), targets(8), 1,
                4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SparkTrainer: 3 workers need 3 task slots at once (one barrier stage), master local[2]"
                        + " offers 2; use at most 2 workers or a master with more cores");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(10.0);
    }

    @Test
    void aMasterUrlSparkRejectsFailsInOneLineNamingIt() {
        assertThatThrownBy(() -> spark("nonsense://here"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spark master 'nonsense://here': Spark could not start with it: ")
                .hasMessageContaining("nonsense://here")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aWorkerThatFailsFailsFitInOneLineWithTheWorkersReason() {
        JavaSparkContext context = spark("local[2]");
        long start = System.nanoTime();
        // A ring timeout too short to connect in: each worker fails in the rendezvous, none waits for long.
        assertThatThrownBy(() -> new SparkTrainer(context, 2).ringTimeout(Duration.ofNanos(1))
                .fit(model(SGD::new, false), inputs(8), targets(8), 1, 4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("SparkTrainer: epoch 1 failed: dev.rnn4j.spark.RingException: ring"
                        + " all-reduce, rank ")
                .hasMessageContaining("waited 1 ms to connect to rank ")
                .hasMessageNotContaining("\n");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(60.0);
    }

    @Test
    void targetsThatDoNotFitTheModelAreRefusedBeforeSparkRuns() {
        assertThatThrownBy(() -> new SparkTrainer(spark("local[1]"), 1).fit(model(SGD::new, false), inputs(8),
                Nd4j.zeros(8, CLASSES + 1), 1, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SparkTrainer.fit: the first sample does not fit the model: computeLoss: y must match"
                        + " the output of activation (Activation): expected shape (None, 3), found [1, 4]");
    }

    @Test
    void anUncompiledModelIsRefusedBeforeSparkRuns() {
        Sequential model = new Sequential(BACKEND).seed(1);
        model.add(new Dense(2));
        model.build(Shape.of(3));
        assertThatThrownBy(() -> new SparkTrainer(spark("local[1]"), 1).fit(model, Nd4j.zeros(4, 3),
                Nd4j.zeros(4, 2), 1, 2))
                .hasMessage("SparkTrainer.fit: expected a built and compiled model, found one not compiled; call"
                        + " build(inputShape) and compile(...)");
    }
}
