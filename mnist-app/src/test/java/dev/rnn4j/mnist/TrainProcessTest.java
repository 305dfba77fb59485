package dev.rnn4j.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.rnn4j.mnist.AppRun.Result;
import dev.rnn4j.mnist.data.MnistDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} as its own process, the way a shell, a CI timeout or a supervisor runs it: one process (nothing left
 * running when it is killed), SIGTERM stopping like Ctrl-C, and a second run on the same folder refused at once.
 */
class TrainProcessTest {
    @TempDir
    static Path data;

    @TempDir
    Path runs;

    private final List<Process> started = new ArrayList<>();

    /** 200 training and 20 test images of 8x8 pixels: an epoch takes a fraction of a second, so runs go on. */
    @BeforeAll
    static void writeData() throws IOException {
        Random random = new Random(7);
        AppRun.writeSplit(data, random, MnistDataset.TRAIN_IMAGES, MnistDataset.TRAIN_LABELS, 200, 8, 8, i -> i % 10);
        AppRun.writeSplit(data, random, MnistDataset.TEST_IMAGES, MnistDataset.TEST_LABELS, 20, 8, 8, i -> i % 10);
    }

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    /** A child JVM running {@code train} for a long time, its output in a file. */
    private final class Run {
        final Process process;
        private final Path log;

        Run(Path out) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "train", "--data-dir", data.toString(), "--epochs", "100000", "--batch-size", "16", "--units",
                    "16", "--verbose", "2", "--out", out.toString()));
            log = Files.createTempFile(runs, "train", ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            started.add(process);
        }

        String text() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Waits until the output shows {@code marker}, the process still running. */
        void awaitOutput(String marker) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!text().contains(marker)) {
                assertThat(process.isAlive()).as("train ended early:%n%s", text()).isTrue();
                assertThat(System.nanoTime()).as("no '%s' in time:%n%s", marker, text()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }

        int awaitExit() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(text()).isTrue();
            return process.exitValue();
        }
    }

    @Test
    void killingTheStartedProcessLeavesNothingRunning() throws Exception {
        Path out = runs.resolve("killed");
        Run run = new Run(out);
        run.awaitOutput("Epoch 3/");
        assertThat(run.process.descendants().filter(ProcessHandle::isAlive).toList())
                .as("train runs in the process the user started").isEmpty();
        run.process.destroyForcibly();
        assertThat(run.process.waitFor(1, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(1000);
        assertThat(ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(process -> process.info().commandLine().orElse("").contains(out.toString())).toList())
                .as("no process still training into " + out).isEmpty();
    }

    @Test
    void sigtermWritesACheckpointAndExits143() throws Exception {
        Path out = runs.resolve("terminated");
        Run run = new Run(out);
        run.awaitOutput("Epoch 3/");
        run.process.destroy();
        assertThat(run.awaitExit()).as(run.text()).isEqualTo(143);
        assertThat(run.text()).contains("SIGTERM: stopping after the current step and writing a checkpoint")
                .contains("checkpoint written to " + out.resolve("checkpoints"))
                .contains("resume with: java -jar mnist-app/target/mnist-app.jar train --resume " + out);
        assertThat(JsonParser.parseString(Files.readString(out.resolve("run.json"))).getAsJsonObject()
                .get("status").getAsString()).isEqualTo("interrupted");
        try (var checkpoints = Files.list(out.resolve("checkpoints"))) {
            assertThat(checkpoints.map(path -> path.getFileName().toString()).toList()).isNotEmpty()
                    .allMatch(name -> name.matches("checkpoint-\\d+(-step-\\d+)?\\.zip"));
        }
    }

    @Test
    void aSecondRunOnTheSameFolderIsRefusedAndTheFirstGoesOn() throws Exception {
        Path out = runs.resolve("shared");
        Run first = new Run(out);
        first.awaitOutput("Epoch 2/");
        for (String[] args : List.of(new String[] {"train", "--data-dir", data.toString(), "--out", out.toString(),
            "--overwrite"}, new String[] {"train", "--resume", out.toString()})) {
            Result second = AppRun.run(args);
            assertThat(second.status()).isEqualTo(2);
            assertThat(second.err().lines()).hasSize(1);
            assertThat(second.err()).contains(out + ": another run (process " + first.process.pid()
                    + ") is writing to this folder");
        }
        int epochsBefore = first.text().split("Epoch ").length;
        first.awaitOutput("Epoch " + (epochsBefore + 2) + "/");
        first.process.destroy();
        assertThat(first.awaitExit()).isEqualTo(143);
        Result resumed = AppRun.run("train", "--resume", out.toString(), "--epochs", "1");
        assertThat(resumed.status()).isEqualTo(2);
        assertThat(resumed.err()).as("the first run's checkpoints are its own").contains("--epochs 1: " + out
                + " has trained");
    }
}
