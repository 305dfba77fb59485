package dev.rnn4j.spark;

import dev.rnn4j.api.Backend;
import dev.rnn4j.core.FitState;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.Checkpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A model between the driver and the workers: the bytes of an rnn4j checkpoint (config, weights, optimizer slots and
 * iteration count, generator state), float32 and so exact; Spark moves bytes, never ND4J arrays.
 */
final class ModelBytes {
    private ModelBytes() {
    }

    /**
     * @param model a built, compiled model
     * @param state the fit state to store with it
     * @return the checkpoint's bytes
     */
    static byte[] write(Sequential model, FitState state) {
        Path folder = null;
        try {
            folder = Files.createTempDirectory("rnn4j-spark-");
            Path file = new Checkpoints(folder, 1).write(model, state);
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("rnn-spark: could not write the model to a temporary checkpoint: " + e, e);
        } finally {
            delete(folder);
        }
    }

    /**
     * @param bytes   a checkpoint's bytes from {@link #write}
     * @param backend the backend the model computes with
     * @return the model, compiled, with its weights, optimizer state and generator restored
     */
    static Checkpoints.Restored read(byte[] bytes, Backend backend) {
        Path folder = null;
        try {
            folder = Files.createTempDirectory("rnn4j-spark-");
            Path file = folder.resolve("checkpoint-0.zip");
            Files.write(file, bytes);
            return Checkpoints.restore(file, backend);
        } catch (IOException e) {
            throw new UncheckedIOException("rnn-spark: could not read the model from its checkpoint bytes: " + e, e);
        } finally {
            delete(folder);
        }
    }

    private static void delete(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A temporary folder left behind costs disk space only; the training result is unaffected.
        }
    }
}
