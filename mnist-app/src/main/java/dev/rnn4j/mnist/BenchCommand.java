package dev.rnn4j.mnist;

import com.google.gson.Gson;
import com.sun.management.GarbageCollectionNotificationInfo;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.RNN;
import dev.rnn4j.core.layers.RecurrentCell;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures the notebook's training and inference speed on the real data: epoch time (median after a warm-up), ms per
 * step split into data / forward / backward / update, FLOP per batch from the shapes and the rate reached, inference
 * samples per second, the longest GC pause and the peak resident memory. Prints a table and one JSON line.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the notebook's model: epoch time, step split, GFLOP/s, inference rate, GC, RSS.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions data = new CommonOptions();

    @Option(names = "--epochs", defaultValue = "5", description = "Measured epochs after two warm-up epochs"
            + " (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--quick", description = "Epochs of 20 steps instead of 469, after a warm-up of 120 steps"
            + " (about 30 s in all); epoch times are scaled to a full epoch.")
    boolean quick;

    @Option(names = "--cell", defaultValue = "simple",
            description = "Recurrent cell: simple (SimpleRNN), lstm or gru (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--units", defaultValue = "256", description = "Recurrent units (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--batch-size", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--compare-kernels", description = "Run the benchmark once per OpenBLAS kernel setting worth"
            + " comparing on this CPU (as set or chosen by the app, OpenBLAS's own detection, SkylakeX, Haswell), each"
            + " in its own JVM, and print them side by side; use with --quick for about 2 minutes.")
    boolean compareKernels;

    @Option(names = "--compare-threads", description = "Run the benchmark with as many threads as there are processors,"
            + " then with each power of two below that down to 1 (-Drnn4j.threads), each in its own JVM with the same"
            + " OpenBLAS kernels, and print them side by side.")
    boolean compareThreads;

    @Option(names = "--compare-blas", description = "Run the benchmark with the CPU backend's products on Intel MKL and"
            + " on OpenBLAS (-Drnn4j.blas), each in its own JVM with the same OpenBLAS kernels for ND4J, and print them"
            + " side by side.")
    boolean compareBlas;

    /** One child run of a comparison: its label, its OpenBLAS kernel setting (null: detection), extra JVM options. */
    private record Variant(String label, String coreType, List<String> jvmOptions) {
    }

    @Override
    public Integer call() throws Exception {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs: expected at least 1, found " + epochs);
        }
        List<String> comparisons = new ArrayList<>();
        if (compareKernels) {
            comparisons.add("--compare-kernels");
        }
        if (compareThreads) {
            comparisons.add("--compare-threads");
        }
        if (compareBlas) {
            comparisons.add("--compare-blas");
        }
        if (comparisons.size() > 1) {
            throw new IllegalArgumentException(String.join(" and ", comparisons) + ": expected one comparison per run,"
                    + " found " + comparisons.size());
        }
        if (compareKernels) {
            List<Variant> variants = new ArrayList<>();
            for (String setting : OpenBlasKernels.comparableSettings()) {
                variants.add(new Variant(OpenBlasKernels.label(setting), setting, List.of()));
            }
            return compareRuns("--compare-kernels", OpenBlasKernels.CORETYPE, variants);
        }
        if (compareThreads) {
            return compareProperty("--compare-threads", "threads", "rnn4j.threads",
                    threadCounts(Runtime.getRuntime().availableProcessors()));
        }
        if (compareBlas) {
            return compareProperty("--compare-blas", "products on", "rnn4j.blas", "mkl", "openblas");
        }
        AtomicLong longestPauseMillis = watchGcPauses();
        Backend backend = Backends.load();
        MnistData mnist = MnistData.load(data.dataDir, data.mirrors, System.out, data.classes);
        Shape input = Shape.of(mnist.dataset.rows(), mnist.dataset.cols());
        Sequential model = NotebookModel.create(backend, 1, input, NotebookModel.Cell.fromOption(cell), 1, units, 0.2,
                mnist.classes, 0.01);
        long flopPerBatch = trainingFlop(model, batchSize);
        int samples = Math.toIntExact(mnist.xTrain.size(0));
        int stepsPerEpoch = (samples + batchSize - 1) / batchSize;

        System.out.println(backend.describe());
        INDArray trainX = mnist.xTrain;
        INDArray trainY = mnist.yTrain;
        if (quick) {
            long subset = Math.min(samples, 20L * batchSize);
            trainX = trainX.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, subset),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c');
            trainY = trainY.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, subset),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c');
        }
        int measuredSteps = Math.toIntExact((trainX.size(0) + batchSize - 1) / batchSize);
        // The JIT reaches the per-call Java code around each product (about 200 calls a step) only after 100-200
        // steps: quick epochs measured right after 20 warm-up steps ran 1.5-2x slower than later ones. HotSpot's C2
        // still compiles through the second full epoch (the notebook's epochs: 7.3, 6.2, then 4.3-5.6 s), so two
        // warm-up epochs keep it out of the median that stands for the notebook's later epochs.
        int warmUpRounds = quick ? 6 : 2;
        System.out.println("warm-up: " + warmUpRounds * measuredSteps + " steps ...");
        FitOptions fit = new FitOptions().epochs(1).batchSize(batchSize).verbose(0);
        for (int round = 0; round < warmUpRounds; round++) {
            long start = System.nanoTime();
            model.fit(trainX, trainY, fit);
            if (!quick) {
                System.out.printf(Locale.ROOT, "  warm-up epoch %d: %.2f s%n", round + 1,
                        (System.nanoTime() - start) / 1e9);
            }
        }
        long pauseAfterWarmUp = longestPauseMillis.getAndSet(0);

        List<Double> epochSeconds = new ArrayList<>();
        for (int round = 0; round < epochs; round++) {
            long start = System.nanoTime();
            model.fit(trainX, trainY, fit);
            double seconds = (System.nanoTime() - start) / 1e9;
            epochSeconds.add(seconds * stepsPerEpoch / measuredSteps);
            System.out.printf(Locale.ROOT, "  epoch %d: %.2f s for %d steps%n", round + 1, seconds, measuredSteps);
        }
        long trainingPause = longestPauseMillis.get();
        StepTimes times = new StepTimes();
        runSteps(model, backend, mnist, 30, times);
        double epochMedian = median(epochSeconds);
        double stepMillis = epochMedian / stepsPerEpoch * 1e3;
        double inference128 = inferenceRate(model, mnist.xTest, 128);
        double inference1024 = inferenceRate(model, mnist.xTest, 1024);
        long peakRssKib = peakRssKib();

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("backend", backend.describe());
        result.put("threads", backend.parallelism());
        result.put("batch_size", batchSize);
        result.put("cell", NotebookModel.Cell.fromOption(cell).option());
        result.put("units", units);
        result.put("steps_per_epoch", stepsPerEpoch);
        result.put("epoch_seconds_median", round(epochMedian, 3));
        result.put("epoch_seconds", epochSeconds.stream().map(value -> round(value, 3)).toList());
        result.put("ms_per_step", round(stepMillis, 2));
        result.put("ms_data", round(times.median(times.data), 3));
        result.put("ms_forward", round(times.median(times.forward), 3));
        result.put("ms_backward", round(times.median(times.backward), 3));
        result.put("ms_update", round(times.median(times.update), 3));
        result.put("flop_per_batch", flopPerBatch);
        result.put("gflops", round(flopPerBatch / (stepMillis / 1e3) / 1e9, 1));
        result.put("inference_per_second_batch_128", Math.round(inference128));
        result.put("inference_per_second_batch_1024", Math.round(inference1024));
        result.put("gc_longest_pause_ms_training", trainingPause);
        result.put("gc_longest_pause_ms_warmup", pauseAfterWarmUp);
        result.put("peak_rss_mib", peakRssKib < 0 ? null : round(peakRssKib / 1024.0, 1));

        System.out.println();
        System.out.printf(Locale.ROOT, "%-34s %s%n", "training epoch (median)", String.format(Locale.ROOT,
                "%.2f s  (%s)", epochMedian, epochSeconds.stream().map(value -> String.format(Locale.ROOT, "%.2f", value))
                        .toList()));
        System.out.printf(Locale.ROOT, "%-34s %.2f ms%n", "per step", stepMillis);
        System.out.printf(Locale.ROOT, "%-34s data %.2f, forward %.2f, backward %.2f, update %.2f ms (medians)%n",
                "  split", times.median(times.data), times.median(times.forward), times.median(times.backward),
                times.median(times.update));
        System.out.printf(Locale.ROOT, "%-34s %.4f GFLOP -> %.1f GFLOP/s%n", "FLOP per batch (from shapes)",
                flopPerBatch / 1e9, flopPerBatch / (stepMillis / 1e3) / 1e9);
        System.out.printf(Locale.ROOT, "%-34s %,.0f samples/s (batch 128), %,.0f samples/s (batch 1024)%n",
                "inference", inference128, inference1024);
        System.out.printf(Locale.ROOT, "%-34s %d ms (warm-up %d ms)%n", "longest GC pause in training",
                trainingPause, pauseAfterWarmUp);
        System.out.printf(Locale.ROOT, "%-34s %s%n", "peak RSS",
                peakRssKib < 0 ? "unknown" : String.format(Locale.ROOT, "%.0f MiB", peakRssKib / 1024.0));
        System.out.println("JSON " + new Gson().toJson(result));
        return 0;
    }

    /**
     * @param processors the processors available
     * @return {@code processors}, then each power of two below it down to 1, largest first
     */
    static String[] threadCounts(int processors) {
        List<String> counts = new ArrayList<>();
        counts.add(Integer.toString(Math.max(1, processors)));
        for (int count = Integer.highestOneBit(Math.max(1, processors)); count >= 1; count /= 2) {
            if (count < processors) {
                counts.add(Integer.toString(count));
            }
        }
        return counts.toArray(String[]::new);
    }

    /** The same benchmark in one child JVM per variant, one after the other, then a side-by-side table. */
    /** One run per value of a system property, all with the current (or the app's) OpenBLAS kernels. */
    private int compareProperty(String option, String column, String property, String... values) throws Exception {
        String kernels = OpenBlasKernels.comparableSettings().get(0);
        String suffix = " (" + OpenBlasKernels.CORETYPE + " " + OpenBlasKernels.label(kernels) + ")";
        List<Variant> variants = new ArrayList<>();
        for (String value : values) {
            variants.add(new Variant(value + suffix, kernels, List.of("-D" + property + "=" + value)));
        }
        return compareRuns(option, column, variants);
    }

    private int compareRuns(String option, String column, List<Variant> variants) throws Exception {
        java.util.Optional<String> launcher = ProcessHandle.current().info().command();
        if (launcher.isEmpty()) {
            throw new IllegalStateException(option + ": cannot find this JVM's launcher to start the runs");
        }
        List<String> args = new ArrayList<>(List.of("bench", "--epochs", Integer.toString(epochs), "--cell", cell,
                "--units", Integer.toString(units), "--batch-size", Integer.toString(batchSize)));
        if (data.classes != null) {
            args.addAll(List.of("--classes", data.classes.toString()));
        }
        if (quick) {
            args.add("--quick");
        }
        if (data.dataDir != null) {
            args.addAll(List.of("--data-dir", data.dataDir.toString()));
        }
        for (java.net.URI mirror : data.mirrors) {
            args.addAll(List.of("--mirror", mirror.toString()));
        }
        List<com.google.gson.JsonObject> results = new ArrayList<>();
        Gson gson = new Gson();
        for (Variant variant : variants) {
            String label = variant.label();
            System.out.println("== " + column + " " + label);
            ProcessBuilder builder = new ProcessBuilder(OpenBlasKernels.javaCommand(launcher.get(), Main.class,
                    variant.jvmOptions(), args)).redirectErrorStream(true);
            OpenBlasKernels.applySetting(builder, variant.coreType());
            Process child = builder.start();
            String json = null;
            try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                    child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("JSON ")) {
                        json = line.substring(5);
                    } else if (!line.contains("WARN")) {
                        System.out.println("   " + line);
                    }
                }
            }
            int status = child.waitFor();
            if (status != 0 || json == null) {
                throw new IllegalStateException(option + ": the run with " + column + " " + label + " failed (exit status " + status + ", " + (json == null ? "no" : "a")
                        + " JSON line); its output is above");
            }
            com.google.gson.JsonObject result = com.google.gson.JsonParser.parseString(json).getAsJsonObject();
            result.addProperty("setting", label);
            results.add(result);
        }
        System.out.println();
        int width = Math.max(column.length(), variants.stream().mapToInt(variant -> variant.label().length()).max()
                .orElse(0));
        System.out.printf(Locale.ROOT, "%-" + width + "s %12s %10s %9s %22s %8s%n", column, "epoch median",
                "ms/step", "GFLOP/s", "inference/s 128 / 1024", "vs first");
        double first = results.get(0).get("epoch_seconds_median").getAsDouble();
        for (com.google.gson.JsonObject result : results) {
            double epoch = result.get("epoch_seconds_median").getAsDouble();
            System.out.printf(Locale.ROOT, "%-" + width + "s %10.2f s %10.2f %9.1f %11.0f / %8.0f %7.2fx%n",
                    result.get("setting").getAsString(), epoch, result.get("ms_per_step").getAsDouble(),
                    result.get("gflops").getAsDouble(), result.get("inference_per_second_batch_128").getAsDouble(),
                    result.get("inference_per_second_batch_1024").getAsDouble(), first / epoch);
        }
        System.out.println("(\"vs first\": the first row's epoch time divided by this row's; runs one after the"
                + " other on a shared machine differ by up to 30 % on their own, so repeat before trusting a ratio)");
        com.google.gson.JsonObject all = new com.google.gson.JsonObject();
        com.google.gson.JsonArray runs = new com.google.gson.JsonArray();
        results.forEach(runs::add);
        all.add(option.substring(2).replace('-', '_'), runs);
        System.out.println("JSON " + gson.toJson(all));
        return 0;
    }

    /**
     * Runs training steps the way fit does, timing data, forward, backward and update separately. The forward pass is
     * run twice per step (once alone, once inside computeGradients), so these steps are slower than fit's; only the
     * split comes from here, the epoch times come from fit.
     */
    private void runSteps(Sequential model, Backend backend, MnistData mnist, int steps, StepTimes times) {
        int samples = Math.toIntExact(mnist.xTrain.size(0));
        int[] order = new int[samples];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < samples; i++) {
            order[i] = i;
        }
        for (int i = samples - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        INDArray x = backend.zeros(model.dataType(), Shape.ofBatch(mnist.xTrain.shape()).withBatch(batchSize));
        INDArray y = backend.zeros(model.dataType(), Shape.ofBatch(mnist.yTrain.shape()).withBatch(batchSize));
        for (int step = 0; step < steps; step++) {
            int from = (step * batchSize) % (samples - batchSize);
            long t0 = System.nanoTime();
            backend.gatherRows(mnist.xTrain, order, from, x);
            backend.gatherRows(mnist.yTrain, order, from, y);
            long t1 = System.nanoTime();
            model.forward(x, true);
            long t2 = System.nanoTime();
            model.computeGradients(x, y, true);
            long t3 = System.nanoTime();
            model.optimizer().step(model.parameters(), backend);
            long t4 = System.nanoTime();
            times.data.add((t1 - t0) / 1e6);
            times.forward.add((t2 - t1) / 1e6);
            times.backward.add(Math.max(0, (t3 - t2) - (t2 - t1)) / 1e6);
            times.update.add((t4 - t3) / 1e6);
        }
    }

    /**
     * Multiply-adds of one training step, times two: the forward and backward products recurrent and Dense layers
     * compute (the first layer's input gradient is not computed, and with {@code h_0 = 0} the first step has no
     * recurrent product, so neither has its weight gradient). Elementwise work is not counted.
     */
    static long trainingFlop(Sequential model, int batch) {
        long flop = 0;
        Shape shape = model.inputShape();
        boolean first = true;
        for (Layer layer : model.layers()) {
            if (layer instanceof RNN rnn) {
                long steps = shape.dim(0);
                long features = shape.last();
                long units = rnn.units();
                long width = (long) rnn.cell().gates() * units;
                long input = 2L * batch * steps * features * width;
                // Forward, recurrent_kernel's gradient and BPTT: steps - 1 products each (every step for a cell whose
                // recurrent product comes apart, as GRU's).
                long products = rnn.cell().recurrence() == RecurrentCell.Recurrence.SEPARATE ? steps : steps - 1;
                long recurrent = 2L * batch * products * units * width;
                flop += input + recurrent + input + recurrent + recurrent + (first ? 0 : input);
            } else if (layer instanceof Dense dense) {
                long rows = (long) batch * (shape.rank() == 2 ? shape.dim(0) : 1);
                long product = 2L * rows * shape.last() * dense.units();
                flop += product * (first ? 2 : 3);
            }
            shape = layer.outputShape(shape);
            first = false;
        }
        return flop;
    }

    /**
     * Inference rate: {@code predict} over the whole array, median of 5 after 3 warm-up passes. In fresh JVMs the
     * first two passes over 10,000 sequences at batch 1024 ran at 12,000 and 21,000-30,000 per s against 26,000-45,000
     * for the later ones (the arrays of each batch size are allocated on first use, and the JIT compiles the loop).
     */
    private static double inferenceRate(Sequential model, INDArray x, int batch) {
        for (int i = 0; i < 3; i++) {
            model.predict(x, batch);
        }
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            model.predict(x, batch);
            rates.add(x.size(0) / ((System.nanoTime() - start) / 1e9));
        }
        return median(rates);
    }

    private static AtomicLong watchGcPauses() {
        AtomicLong longest = new AtomicLong();
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                            .equals(notification.getType())) {
                        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
                                .from((CompositeData) notification.getUserData());
                        // Concurrent cycles run beside the application; only stop-the-world pauses count.
                        if (!info.getGcName().contains("Concurrent")) {
                            longest.accumulateAndGet(info.getGcInfo().getDuration(), Math::max);
                        }
                    }
                }, null, null);
            }
        }
        return longest;
    }

    /** @return VmHWM from /proc/self/status in KiB, or -1 where unavailable */
    static long peakRssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception unavailable) {
            return -1;
        }
        return -1;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /** Per-step times in milliseconds. */
    private static final class StepTimes {
        final List<Double> data = new ArrayList<>();
        final List<Double> forward = new ArrayList<>();
        final List<Double> backward = new ArrayList<>();
        final List<Double> update = new ArrayList<>();

        double median(List<Double> values) {
            return values.isEmpty() ? 0 : BenchCommand.median(values);
        }
    }
}
