package dev.rnn4j.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rnn4j.mnist.AppRun.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} with checkpoints, a stop request (what Ctrl-C sets) and {@code --resume}, on a tiny data set in MNIST's
 * files: the resumed run writes the same model file, byte for byte, and the same history as a run never stopped.
 */
class TrainResumeTest {
    @TempDir
    static Path data;

    @TempDir
    Path runs;

    private static final String[] SETTINGS = {"--epochs", "3", "--batch-size", "8", "--units", "6", "--dropout", "0.3",
        "--seed", "3", "--verbose", "0"};

    /** 24 training and 10 test images of 6x5 pixels, labels 0..9. */
    @BeforeAll
    static void writeData() throws IOException {
        AppRun.writeTinyMnist(data);
    }

    private static Result run(BooleanSupplier stopRequest, String... args) {
        return AppRun.runStopping(stopRequest, args);
    }

    private static String[] args(String... more) {
        String[] all = new String[3 + SETTINGS.length + more.length];
        all[0] = "train";
        all[1] = "--data-dir";
        all[2] = data.toString();
        System.arraycopy(SETTINGS, 0, all, 3, SETTINGS.length);
        System.arraycopy(more, 0, all, 3 + SETTINGS.length, more.length);
        return all;
    }

    @Test
    void aStoppedRunResumedWritesTheModelOfARunNeverStopped() throws IOException {
        Path uninterrupted = runs.resolve("uninterrupted");
        Result first = run(() -> false, args("--out", uninterrupted.toString()));
        assertThat(first.status()).as(first.out() + first.err()).isZero();
        assertThat(uninterrupted.resolve("checkpoints")).isDirectoryContaining("glob:**/checkpoint-2.zip")
                .isDirectoryContaining("glob:**/checkpoint-3.zip").isDirectoryNotContaining("glob:**/checkpoint-1.zip");

        // 3 steps per epoch; the stop request is checked after each step but an epoch's last, and at an epoch's
        // end: the fifth check comes after step 2 of epoch 2.
        Path stopped = runs.resolve("stopped");
        AtomicInteger checks = new AtomicInteger();
        Result second = run(() -> checks.incrementAndGet() >= 5, args("--out", stopped.toString()));
        assertThat(second.status()).as(second.out() + second.err()).isEqualTo(130);
        Path checkpoint = stopped.resolve("checkpoints").resolve("checkpoint-2-step-2.zip");
        assertThat(second.out()).contains("Interrupted at epoch 2/3, step 2/3: checkpoint written to " + checkpoint
                + "; resume with: java -jar mnist-app/target/mnist-app.jar train --resume " + stopped);
        assertThat(stopped.resolve("model.zip")).doesNotExist();

        Result resumed = run(() -> false, "train", "--resume", stopped.toString(), "--verbose", "0");
        assertThat(resumed.status()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("Resuming " + stopped + " from epoch 2/3, step 3/3"
                + " (checkpoint-2-step-2.zip)");
        assertThat(Files.mismatch(stopped.resolve("model.zip"), uninterrupted.resolve("model.zip"))).isEqualTo(-1L);
        JsonObject expected = JsonParser.parseString(Files.readString(uninterrupted.resolve("history.json")))
                .getAsJsonObject();
        JsonObject actual = JsonParser.parseString(Files.readString(stopped.resolve("history.json")))
                .getAsJsonObject();
        assertThat(actual.get("loss")).isEqualTo(expected.get("loss"));
        assertThat(actual.get("accuracy")).isEqualTo(expected.get("accuracy"));
        assertThat(actual.getAsJsonArray("seconds")).hasSize(3);
        JsonObject summary = JsonParser.parseString(Files.readString(stopped.resolve("run.json"))).getAsJsonObject();
        assertThat(summary.get("units").getAsInt()).isEqualTo(6);
        assertThat(summary.get("seed").getAsLong()).isEqualTo(3);
    }

    @Test
    void resumeRefusesNewSettingsAndFoldersWithoutCheckpoints() throws IOException {
        Path run = runs.resolve("run");
        String[] oneEpoch = args("--out", run.toString());
        oneEpoch[java.util.Arrays.asList(oneEpoch).indexOf("--epochs") + 1] = "1";
        Result trained = run(() -> false, oneEpoch);
        assertThat(trained.status()).as(trained.out() + trained.err()).isZero();

        Result changed = run(() -> false, "train", "--resume", run.toString(), "--units", "8");
        assertThat(changed.status()).isEqualTo(2);
        assertThat(changed.err()).contains("--units cannot be used with --resume");

        Path empty = Files.createDirectories(runs.resolve("empty"));
        Result nothing = run(() -> false, "train", "--resume", empty.toString());
        assertThat(nothing.status()).isEqualTo(2);
        assertThat(nothing.err()).contains("no checkpoint in " + empty.resolve("checkpoints"));

        // Resuming a finished run with a higher --epochs goes on training.
        Result more = run(() -> false, "train", "--resume", run.toString(), "--epochs", "2", "--verbose", "0");
        assertThat(more.status()).as(more.out() + more.err()).isZero();
        assertThat(more.out()).contains("Resuming " + run + " from epoch 2/2");
        assertThat(JsonParser.parseString(Files.readString(run.resolve("history.json"))).getAsJsonObject()
                .getAsJsonArray("loss")).hasSize(2);
    }
}
