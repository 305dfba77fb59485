package dev.rnn4j.spark;

import dev.rnn4j.core.FitState;
import dev.rnn4j.core.History;
import dev.rnn4j.core.SeededRandom;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.Values;
import dev.rnn4j.core.io.Checkpoints;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Synchronous data-parallel training of a {@link Sequential} on Apache Spark: {@code workers} replicas of the model,
 * one per task of a barrier stage, each computing the gradients of its slice of every global batch; a ring
 * all-reduce between the tasks ({@link RingAllReduce}) sums them, and every replica takes the same optimizer step.
 * With global batch size {@code B} this is single-machine {@code fit} with batch size {@code B}, whatever the number
 * of workers (up to the order of float sums), for every optimizer: parameters and optimizer slots stay identical on
 * every worker without being sent.
 *
 * <pre>{@code
 * JavaSparkContext spark = SparkTrainer.startContext("local[2]", "mnist");
 * SparkTrainer.Result result = new SparkTrainer(spark, 2).fit(model, xTrain, yTrain, 20, 2 * 64);
 * ModelFile.save(result.model(), Path.of("model.zip"));
 * }</pre>
 *
 * <p>Per epoch: the driver shuffles the sample order with the generator single-machine {@code fit} would use (the
 * model's, from its state at the start; dropout draws aside), so the global batches are {@code fit}'s batches; a Spark
 * shuffle sends each sample to the worker whose slice of its batch holds it; one barrier job runs the epoch
 * ({@link EpochTask}); rank 0 sends back the model, optimizer state included, as checkpoint bytes. The last batch of
 * an epoch may have fewer rows than workers: a worker without rows in it contributes a zero gradient (weight zero), so
 * every worker takes every step. Dropout masks come from a generator per worker, seeded from the model's seed, the
 * epoch and the rank.
 *
 * <p>The model given to {@link #fit} is not changed; the result holds the trained copy.
 */
public final class SparkTrainer {
    /** Rows per block of the data RDD: small enough to spread over the workers, large enough to batch the copies. */
    private static final int BLOCK_ROWS = 1024;
    /** A line {@code some.package.SomeException: message}, as Spark quotes a failed task's exception. */
    private static final Pattern TASK_EXCEPTION = Pattern.compile("[\\w.$]+(Exception|Error)(: .*)?");
    private final JavaSparkContext context;
    private final int workers;
    private Duration ringTimeout = Duration.ofMinutes(5);
    private boolean shuffle = true;
    private Checkpoints checkpoints;
    private PrintStream out;

    /** The trained model and its history. */
    public record Result(Sequential model, History history) {
    }

    /**
     * @param context the Spark context to train on
     * @param workers replicas, one barrier task each, at least 1 and at most the task slots Spark offers
     */
    public SparkTrainer(JavaSparkContext context, int workers) {
        this.context = Objects.requireNonNull(context, "context is null");
        if (workers < 1) {
            throw new IllegalArgumentException("workers: expected at least 1, found " + workers);
        }
        this.workers = workers;
    }

    /**
     * Starts a Spark context for a master URL ({@code local[2]}, {@code spark://host:7077}, ...), the web UI off.
     *
     * @param master  the master URL
     * @param appName the application's name in Spark
     * @return the running context; stop it when done
     * @throws IllegalArgumentException in one line, naming the master, when Spark rejects it
     */
    public static JavaSparkContext startContext(String master, String appName) {
        Objects.requireNonNull(master, "master is null");
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName).set("spark.ui.enabled", "false");
        try {
            return new JavaSparkContext(conf);
        } catch (Exception e) {
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getName());
            throw new IllegalArgumentException("spark master '" + master + "': Spark could not start with it: "
                    + reason, e);
        }
    }

    /**
     * @param timeout the longest any wait of a worker in the ring may take: the neighbours' connections, and each
     *                segment, which waits for the slowest worker's gradients (so longer than a step)
     * @return this
     */
    public SparkTrainer ringTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("ring timeout: expected a positive duration, found " + timeout);
        }
        this.ringTimeout = timeout;
        return this;
    }

    /**
     * @param shuffle whether each epoch shuffles the samples (true, as {@code fit}), or keeps their order
     * @return this
     */
    public SparkTrainer shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /**
     * @param checkpoints where the driver writes a checkpoint after every epoch (weights, optimizer state, order and
     *                    history, as single-machine {@code fit} does), or null for none
     * @return this
     */
    public SparkTrainer checkpoints(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
        return this;
    }

    /**
     * @param out where one line per epoch is printed (time, loss, and where the slowest worker's time went), or null
     *            for none
     * @return this
     */
    public SparkTrainer printTo(PrintStream out) {
        this.out = out;
        return this;
    }

    /**
     * Trains a copy of the model on the workers.
     *
     * @param model     a built, compiled float32 model; not changed
     * @param x         inputs {@code [samples, ...inputShape]}
     * @param y         targets {@code [samples, ...outputShape]}
     * @param epochs    epochs, at least 0
     * @param batchSize samples per global batch (what single-machine {@code fit} calls the batch size): with
     *                  per-worker batch {@code b}, {@code workers * b}
     * @return the trained copy and the loss per epoch
     * @throws IllegalArgumentException for a model or data the trainer cannot take, or more workers than task slots
     * @throws IllegalStateException    when the loss becomes NaN or infinite
     */
    public Result fit(Sequential model, INDArray x, INDArray y, int epochs, int batchSize) {
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(x, "x is null");
        Objects.requireNonNull(y, "y is null");
        if (!model.isBuilt() || model.optimizer() == null) {
            throw new IllegalArgumentException("SparkTrainer.fit: expected a built and compiled model, found one "
                    + (model.isBuilt() ? "not compiled" : "not built") + "; call build(inputShape) and compile(...)");
        }
        if (model.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("SparkTrainer.fit: expected a float32 model, found " + model.dataType());
        }
        if (x.rank() < 2 || y.rank() < 1 || x.size(0) != y.size(0) || x.size(0) < 1) {
            throw new IllegalArgumentException("SparkTrainer.fit: expected x [samples, ...] and y [samples, ...] with"
                    + " the same samples, found x " + Arrays.toString(x.shape()) + " and y "
                    + Arrays.toString(y.shape()));
        }
        if (epochs < 0 || batchSize < 1) {
            throw new IllegalArgumentException("SparkTrainer.fit: expected epochs >= 0 and batch size >= 1, found "
                    + epochs + " and " + batchSize);
        }
        try {
            // fit's own checks of x and y against the model, on one sample, before any Spark work.
            model.computeLoss(Values.rows(x, 0, 1), Values.rows(y, 0, 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SparkTrainer.fit: the first sample does not fit the model: "
                    + e.getMessage(), e);
        }
        checkSlots();
        int samples = Math.toIntExact(x.size(0));
        GlobalBatches batches = new GlobalBatches(samples, Math.min(batchSize, samples), workers);
        long[] inputShape = Arrays.copyOfRange(x.shape(), 1, x.rank());
        long[] targetShape = Arrays.copyOfRange(y.shape(), 1, y.rank());
        // fit's order: its generator's state now, advanced by the shuffles alone.
        SeededRandom orderRandom = new SeededRandom(0);
        orderRandom.restore(model.random().state());
        int[] order = new int[samples];
        Arrays.setAll(order, i -> i);
        History history = new History();
        byte[] current = ModelBytes.write(model, new FitState(0, 0, batches.steps(), batches.batchSize(), order,
                history, Map.of(), Map.of()));
        JavaRDD<SampleBlock> data = context.parallelize(blocks(x, y), workers).persist(StorageLevel.MEMORY_ONLY());
        ClassTag<EpochResult> resultTag = ClassTag$.MODULE$.apply(EpochResult.class);
        try {
            for (int epoch = 0; epoch < epochs; epoch++) {
                long start = System.nanoTime();
                if (shuffle) {
                    shuffle(order, orderRandom);
                }
                int[] positions = new int[samples];
                for (int i = 0; i < samples; i++) {
                    positions[order[i]] = i;
                }
                Broadcast<int[]> positionsShared = context.broadcast(positions);
                Broadcast<byte[]> modelShared = context.broadcast(current);
                JavaRDD<SampleRow> rows = data.flatMapToPair(new KeyByWorker(positionsShared, batches))
                        .partitionBy(new HashPartitioner(workers)).values();
                RDD<EpochResult> epochRun = rows.rdd().barrier().mapPartitions(new EpochTask(modelShared, batches,
                        inputShape, targetShape, model.seed(), epoch, ringTimeout), false, resultTag);
                List<EpochResult> results = run(epochRun, epoch + 1);
                positionsShared.destroy();
                modelShared.destroy();
                current = combine(results, epoch + 1, epochs, history);
                WorkerTimes slowest = slowest(results);
                if (checkpoints != null) {
                    writeCheckpoint(current, model, new FitState(epoch + 1, 0, batches.steps(), batches.batchSize(),
                            order, history, lastLogs(history), Map.of()));
                }
                if (out != null) {
                    out.printf(Locale.ROOT, "Epoch %d/%d - %.1fs - loss: %.4f - slowest worker: setup %.1fs,"
                            + " compute %.1fs, all-reduce %.1fs, update %.1fs%n", epoch + 1, epochs,
                            (System.nanoTime() - start) / 1e9, history.get("loss").get(epoch), slowest.setup() / 1e9,
                            slowest.compute() / 1e9, slowest.allReduce() / 1e9, slowest.update() / 1e9);
                }
            }
        } finally {
            data.unpersist(false);
        }
        return new Result(ModelBytes.read(current, model.backend()).model(), history);
    }

    /**
     * @return the workers' results of one epoch
     * @throws IllegalStateException in one line, the failed task's own message included, when the stage fails
     */
    private static List<EpochResult> run(RDD<EpochResult> epochRun, int epoch) {
        try {
            return new ArrayList<>(epochRun.toJavaRDD().collect());
        } catch (Exception e) {
            List<String> lines = String.valueOf(e.getMessage()).lines().toList();
            String stage = lines.isEmpty() ? e.getClass().getName() : lines.get(0);
            // Spark's first line names the stage; the failed task's exception follows it as "Class: message".
            String task = lines.stream().skip(1).filter(line -> TASK_EXCEPTION.matcher(line).matches()).findFirst()
                    .map(line -> line + "; ").orElse("");
            throw new IllegalStateException("SparkTrainer: epoch " + epoch + " failed: " + task + stage, e);
        }
    }

    /** @return the times of the worker that took longest outside the ring (the one the others wait for) */
    private static WorkerTimes slowest(List<EpochResult> results) {
        WorkerTimes slowest = results.get(0).times();
        for (EpochResult result : results) {
            WorkerTimes times = result.times();
            if (times.setup() + times.compute() + times.update() > slowest.setup() + slowest.compute()
                    + slowest.update()) {
                slowest = times;
            }
        }
        return slowest;
    }

    /** Fails at once where a barrier stage would wait for slots that never come. */
    private void checkSlots() {
        int taskCpus = context.getConf().getInt("spark.task.cpus", 1);
        int slots = context.defaultParallelism() / Math.max(1, taskCpus);
        if (workers > slots) {
            throw new IllegalArgumentException("SparkTrainer: " + workers + " workers need " + workers + " task slots"
                    + " at once (one barrier stage), master " + context.master() + " offers " + slots
                    + "; use at most " + slots + " workers or a master with more cores");
        }
    }

    /** @return the epoch's model bytes (rank 0's); appends the epoch's mean loss to the history */
    private byte[] combine(List<EpochResult> results, int epoch, int epochs, History history) {
        double lossSum = 0.0;
        long seen = 0;
        byte[] model = null;
        for (EpochResult result : results) {
            lossSum += result.lossSum();
            seen += result.seen();
            if (result.rank() == 0) {
                model = result.checkpoint();
            }
        }
        if (model == null || results.size() != workers) {
            throw new IllegalStateException("SparkTrainer: epoch " + epoch + " returned " + results.size()
                    + " results, expected " + workers + " with rank 0's model");
        }
        double loss = lossSum / seen;
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "SparkTrainer: the loss became %s at epoch"
                    + " %d of %d; lower the learning rate or check the data for NaN or infinite values", loss, epoch,
                    epochs));
        }
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", loss);
        history.append(logs);
        return model;
    }

    private static Map<String, Double> lastLogs(History history) {
        Map<String, Double> logs = new LinkedHashMap<>();
        history.asMap().forEach((key, values) -> logs.put(key, values.get(values.size() - 1)));
        return logs;
    }

    private void writeCheckpoint(byte[] bytes, Sequential model, FitState state) {
        try {
            checkpoints.write(ModelBytes.read(bytes, model.backend()).model(), state);
        } catch (IOException e) {
            throw new UncheckedIOException("SparkTrainer: could not write the checkpoint of epoch " + state.epoch()
                    + " to " + checkpoints.folder() + ": " + e, e);
        }
    }

    /** Fit's shuffle ({@code ArraySource}): Fisher-Yates over the last epoch's order, {@code j = nextInt(i + 1)}. */
    private static void shuffle(int[] order, SeededRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }

    /** @return the samples as blocks of floats, C order */
    private static List<SampleBlock> blocks(INDArray x, INDArray y) {
        int samples = Math.toIntExact(x.size(0));
        List<SampleBlock> blocks = new ArrayList<>();
        for (int first = 0; first < samples; first += BLOCK_ROWS) {
            int rows = Math.min(BLOCK_ROWS, samples - first);
            blocks.add(new SampleBlock(first, rows, floats(x, first, rows), floats(y, first, rows)));
        }
        return blocks;
    }

    private static float[] floats(INDArray array, int first, int rows) {
        INDArray part = Values.rows(array, first, first + rows);
        return part.castTo(DataType.FLOAT).dup('c').reshape(part.length()).toFloatVector();
    }
}
