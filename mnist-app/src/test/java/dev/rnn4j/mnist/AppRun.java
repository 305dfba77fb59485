package dev.rnn4j.mnist;

import dev.rnn4j.mnist.data.IdxReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import picocli.CommandLine;

/** For tests of the commands: runs the app in-process with its console captured, and writes tiny IDX data sets. */
final class AppRun {
    private AppRun() {
    }

    /** What a run returned and printed. */
    record Result(int status, String out, String err) {
    }

    static Result run(String... args) {
        return run(CommandLine.defaultFactory(), args);
    }

    /**
     * Runs the app with {@code train}'s test hooks set.
     *
     * @param setup sets a {@link TrainCommand}'s hooks ({@code stopRequest}, {@code beforeOutputs})
     */
    static Result runTrain(java.util.function.Consumer<TrainCommand> setup, String... args) {
        return run(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                K command = CommandLine.defaultFactory().create(type);
                if (command instanceof TrainCommand train) {
                    setup.accept(train);
                }
                return command;
            }
        }, args);
    }

    /** Runs {@code train} with a stop request (what Ctrl-C sets) checked after every step. */
    static Result runStopping(java.util.function.BooleanSupplier stopRequest, String... args) {
        return runTrain(train -> train.stopRequest = stopRequest, args);
    }

    /** Runs {@code train}, asking it to stop at the {@code checks}-th check of the stop request. */
    static Result runStoppingAfter(int checks, String... args) {
        int[] seen = {0};
        return runStopping(() -> ++seen[0] >= checks, args);
    }

    /** @param factory makes the commands (a test's factory can set a command's test hooks) */
    static Result run(CommandLine.IFactory factory, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(outStream);
            System.setErr(errStream);
            status = Main.run(factory, args);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Writes 24 training and 10 test images of 6x5 random pixels, labels 0..9, in MNIST's files. */
    static void writeTinyMnist(Path dir) throws IOException {
        Random random = new Random(1);
        writeSplit(dir, random, dev.rnn4j.mnist.data.MnistDataset.TRAIN_IMAGES,
                dev.rnn4j.mnist.data.MnistDataset.TRAIN_LABELS, 24, 6, 5, i -> i % 10);
        writeSplit(dir, random, dev.rnn4j.mnist.data.MnistDataset.TEST_IMAGES,
                dev.rnn4j.mnist.data.MnistDataset.TEST_LABELS, 10, 6, 5, i -> i % 10);
    }

    /**
     * Writes {@code count} random images of {@code rows x cols} pixels and their labels in MNIST's files.
     *
     * @param label the label of image {@code i}
     */
    static void writeSplit(Path dir, Random random, String imagesName, String labelsName, int count, int rows,
            int cols, IntUnaryOperator label) throws IOException {
        int size = rows * cols;
        ByteBuffer images = ByteBuffer.allocate(16 + count * size).putInt(IdxReader.IMAGES_MAGIC).putInt(count)
                .putInt(rows).putInt(cols);
        byte[] pixels = new byte[count * size];
        random.nextBytes(pixels);
        Files.write(dir.resolve(imagesName), images.put(pixels).array());
        ByteBuffer labels = ByteBuffer.allocate(8 + count).putInt(IdxReader.LABELS_MAGIC).putInt(count);
        for (int i = 0; i < count; i++) {
            labels.put((byte) label.applyAsInt(i));
        }
        Files.write(dir.resolve(labelsName), labels.array());
    }
}
