package dev.rnn4j.mnist;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Callback;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.data.Batch;
import dev.rnn4j.core.data.BatchIterator;
import dev.rnn4j.core.data.BatchSource;
import dev.rnn4j.core.data.Padding;
import dev.rnn4j.core.data.RecordFile;
import dev.rnn4j.core.data.RecordFileWriter;
import dev.rnn4j.core.data.RecordFormat;
import dev.rnn4j.core.data.RecordSource;
import dev.rnn4j.core.data.SequenceRecord;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the notebook's model from a record file many times the JVM's heap and from the same images in memory, and
 * prints steps per second of both, the file source's own read rate, and the process's resident memory while the
 * file streams through: the proof that a data set larger than memory trains at the speed of one in memory.
 */
@Command(name = "bench-data", mixinStandardHelpOptions = true,
        description = "Training from a record file larger than the heap against the in-memory path: steps per second"
                + " and resident memory (run with a small -Xmx, e.g. java -Xmx256m -jar ...)")
final class BenchDataCommand implements Callable<Integer> {
    @Mixin
    CommonOptions data = new CommonOptions();

    @Option(names = "--heap-multiple", defaultValue = "10",
            description = "File size as a multiple of the maximum heap (default: ${DEFAULT-VALUE}).")
    double heapMultiple;

    @Option(names = "--file", paramLabel = "FILE",
            description = "The record file to write and read (default: a temporary file, deleted at the end).")
    Path file;

    @Option(names = "--memory-steps", defaultValue = "600",
            description = "Steps timed on the in-memory path (default: ${DEFAULT-VALUE}).")
    int memorySteps;

    @Option(names = "--file-steps", defaultValue = "0",
            description = "Steps timed on the file source; 0: one whole pass over the file (default).")
    int fileSteps;

    @Option(names = "--batch-size", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--shuffle-buffer", defaultValue = "10000",
            description = "Records in the file source's shuffle buffer (default: ${DEFAULT-VALUE}).")
    int shuffleBuffer;

    @Option(names = "--prefetch", defaultValue = "4",
            description = "Batches the loader thread builds ahead (default: ${DEFAULT-VALUE}).")
    int prefetch;

    /** Steps left out of each timing while the JIT compiles. */
    private static final int WARM_UP = 100;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Backend backend = Backends.load();
        MnistData mnist = MnistData.load(data.dataDir, data.mirrors, System.out, data.classes);
        int rows = mnist.dataset.rows();
        int cols = mnist.dataset.cols();
        int classes = mnist.classes;
        long heap = Runtime.getRuntime().maxMemory();
        long recordBytes = 4L * (rows * cols + classes) + 16;
        long records = (long) Math.ceil(heapMultiple * heap / recordBytes);
        Path target = file != null ? file : Files.createTempFile("rnn4j-bench-", ".records");
        System.out.println(backend.describe());
        System.out.printf(Locale.ROOT, "max heap %.0f MiB; writing %,d records (%d x %d images, %d classes) to %s%n",
                heap / 1048576.0, records, rows, cols, classes, target);
        try {
            long start = System.nanoTime();
            write(target, mnist, records);
            double writeSeconds = (System.nanoTime() - start) / 1e9;
            long size = Files.size(target);
            System.out.printf(Locale.ROOT, "file: %.2f GiB = %.1f x the heap, written in %.1f s%n",
                    size / 1073741824.0, (double) size / heap, writeSeconds);
            return measure(backend, mnist, target, size, heap);
        } finally {
            if (file == null) {
                Files.deleteIfExists(target);
            }
        }
    }

    private void write(Path target, MnistData mnist, long records) throws IOException {
        int pixels = mnist.dataset.rows() * mnist.dataset.cols();
        int classes = mnist.classes;
        int samples = Math.toIntExact(mnist.xTrain.size(0));
        // Read the images through their native buffers: a heap copy of the training set would not fit a small heap.
        FloatBuffer images = mnist.xTrain.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        FloatBuffer labels = mnist.yTrain.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        RecordFormat format = RecordFormat.vectors(mnist.dataset.cols()).withVectorTarget(classes);
        RecordFileWriter.write(target, format, writer -> {
            for (long i = 0; i < records; i++) {
                int sample = (int) (i % samples);
                float[] input = new float[pixels];
                images.get(sample * pixels, input, 0, pixels);
                float[] label = new float[classes];
                labels.get(sample * classes, label, 0, classes);
                writer.append(new SequenceRecord(mnist.dataset.rows(), input, label));
            }
        });
    }

    private int measure(Backend backend, MnistData mnist, Path target, long size, long heap) throws IOException,
            InterruptedException {
        Shape input = Shape.of(mnist.dataset.rows(), mnist.dataset.cols());
        Sequential model = NotebookModel.create(backend, 1, input, NotebookModel.Cell.SIMPLE, 1, 256, 0.2,
                mnist.classes, 0.01);
        double memoryRate = train(model, null, mnist, memorySteps);
        System.out.printf(Locale.ROOT, "in memory:   %.1f steps/s (%d steps after %d warm-up)%n", memoryRate,
                memorySteps, WARM_UP);
        try (RecordFile records = RecordFile.open(target)) {
            BatchSource source = source(records, mnist.dataset.rows());
            double readRate = read(source);
            System.out.printf(Locale.ROOT, "file source alone: %.1f batches/s (reading, shuffling and padding only)%n",
                    readRate);
            RssSampler sampler = new RssSampler();
            sampler.start();
            int steps = fileSteps > 0 ? fileSteps : source.batchesPerEpoch() - WARM_UP;
            double fileRate = train(model, source, mnist, steps);
            sampler.stop();
            System.out.printf(Locale.ROOT, "from file:   %.1f steps/s (%d steps after %d warm-up, %.0f %% of the"
                    + " file's %d batches)%n", fileRate, steps, WARM_UP,
                    100.0 * (steps + WARM_UP) / source.batchesPerEpoch(), source.batchesPerEpoch());
            sampler.report(heap);
            // Measured again after the file: the two paths' order must not decide which one the JIT favours.
            double memoryAfter = train(model, null, mnist, memorySteps);
            System.out.printf(Locale.ROOT, "in memory again: %.1f steps/s%n", memoryAfter);
            System.out.printf(Locale.ROOT, "file / memory: %.2f x the in-memory rate (mean of before and after)%n",
                    fileRate / ((memoryRate + memoryAfter) / 2));
        }
        return 0;
    }

    private BatchSource source(RecordFile records, int timesteps) throws IOException {
        return RecordSource.builder(records).batchSize(batchSize).shuffleBuffer(shuffleBuffer).seed(1)
                .padding(Padding.post().withMaxLength(timesteps, Padding.Truncating.NONE))
                .build().prefetch(prefetch);
    }

    /** @return batches per second of the source on its own, over as many batches as the file training reads */
    private double read(BatchSource source) {
        int batches = Math.min(source.batchesPerEpoch(), 2000);
        long start = System.nanoTime();
        long checksum = 0;
        try (BatchIterator iterator = source.open(1, 0)) {
            for (int i = 0; i < batches && iterator.hasNext(); i++) {
                Batch batch = iterator.next();
                checksum += batch.size();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (checksum == 0) {
            throw new IllegalStateException("bench-data: the file source yielded no rows");
        }
        return batches / seconds;
    }

    /**
     * @param source the batches, or null for the in-memory arrays
     * @return steps per second over {@code steps} steps after {@link #WARM_UP} warm-up steps
     */
    private double train(Sequential model, BatchSource source, MnistData mnist, int steps) {
        AtomicInteger done = new AtomicInteger();
        long[] startedAt = new long[1];
        Callback clock = new Callback() {
            @Override
            public void onBatchEnd(int batch, Map<String, Double> logs) {
                if (done.incrementAndGet() == WARM_UP) {
                    startedAt[0] = System.nanoTime();
                }
            }
        };
        int total = steps + WARM_UP;
        // The stop signal is asked after each step; fit ends there, as a run stopped for a checkpoint would.
        FitOptions options = new FitOptions().epochs(1000).batchSize(batchSize).verbose(0).callbacks(clock)
                .stopSignal(() -> done.get() >= total);
        if (source == null) {
            model.fit(mnist.xTrain, mnist.yTrain, options);
        } else {
            model.fit(source, options);
        }
        return steps / ((System.nanoTime() - startedAt[0]) / 1e9);
    }

    /** Samples the process's resident memory twice a second while the file trains. */
    private static final class RssSampler {
        private final List<long[]> samples = new ArrayList<>();
        private final Thread thread = new Thread(this::run, "rnn4j-rss-sampler");
        private volatile boolean running = true;
        private final long start = System.nanoTime();

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        private void run() {
            while (running) {
                long rss = rssKib();
                Runtime runtime = Runtime.getRuntime();
                synchronized (samples) {
                    samples.add(new long[] {(System.nanoTime() - start) / 1_000_000, rss,
                            (runtime.totalMemory() - runtime.freeMemory()) / 1024});
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }

        void report(long heap) {
            synchronized (samples) {
                if (samples.isEmpty()) {
                    return;
                }
                long max = 0;
                long heapMax = 0;
                for (long[] sample : samples) {
                    max = Math.max(max, sample[1]);
                    heapMax = Math.max(heapMax, sample[2]);
                }
                StringBuilder line = new StringBuilder("RSS while training from the file (MiB, at 10 % .. 100 % of"
                        + " the run):");
                for (int decile = 1; decile <= 10; decile++) {
                    long[] sample = samples.get(Math.min(samples.size() - 1, samples.size() * decile / 10));
                    line.append(String.format(Locale.ROOT, " %.0f", sample[1] / 1024.0));
                }
                System.out.println(line);
                long firstHalf = 0;
                long secondHalf = 0;
                for (int i = 0; i < samples.size(); i++) {
                    if (i < samples.size() / 2) {
                        firstHalf = Math.max(firstHalf, samples.get(i)[1]);
                    } else {
                        secondHalf = Math.max(secondHalf, samples.get(i)[1]);
                    }
                }
                System.out.printf(Locale.ROOT, "RSS max %.0f MiB (first half %.0f, second half %.0f); heap used max"
                        + " %.0f of %.0f MiB; %d samples over %.0f s%n", max / 1024.0, firstHalf / 1024.0,
                        secondHalf / 1024.0, heapMax / 1024.0, heap / 1048576.0, samples.size(),
                        samples.get(samples.size() - 1)[0] / 1000.0);
            }
        }

        private static long rssKib() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | NumberFormatException unavailable) {
                return -1;
            }
            return -1;
        }
    }
}
