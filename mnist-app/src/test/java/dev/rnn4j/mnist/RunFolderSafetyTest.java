package dev.rnn4j.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.rnn4j.core.io.AtomicFiles;
import dev.rnn4j.core.testkit.SmallFileSystem;
import dev.rnn4j.mnist.AppRun.Result;
import dev.rnn4j.mnist.data.MnistDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost, nothing mixed: a run folder holding a run is not written over unless asked, a checkpoint of another
 * run is not resumed, a failed write names the file the user knows and says where the weights are, and every output
 * has the same file mode. In-process, on a tiny data set in MNIST's files.
 */
class RunFolderSafetyTest {
    @TempDir
    static Path data;

    @TempDir
    Path runs;

    /** 24 training and 10 test images of 6x5 pixels, labels 0..9. */
    @BeforeAll
    static void writeData() throws IOException {
        AppRun.writeTinyMnist(data);
    }

    /** @param more options, each given replacing its default (a flag alone is added) */
    private static String[] train(Path out, String... more) {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>(java.util.Map.of("--data-dir",
                data.toString(), "--epochs", "2", "--batch-size", "8", "--units", "6", "--seed", "3", "--verbose", "0",
                "--out", out.toString()));
        List<String> flags = new java.util.ArrayList<>();
        for (int i = 0; i < more.length; i++) {
            if (i + 1 < more.length && !more[i + 1].startsWith("--")) {
                options.put(more[i], more[++i]);
            } else {
                flags.add(more[i]);
            }
        }
        List<String> args = new java.util.ArrayList<>(List.of("train"));
        options.forEach((option, value) -> args.addAll(List.of(option, value)));
        args.addAll(flags);
        return args.toArray(String[]::new);
    }

    /** Runs the app with a hook run after training, before the outputs are written. */
    private static Result runWithHook(Runnable beforeOutputs, String... args) {
        return AppRun.runTrain(train -> train.beforeOutputs = beforeOutputs, args);
    }

    @Test
    void aFolderHoldingARunIsRefusedUnlessOverwriteWhichLeavesNothingStale() throws IOException {
        Path run = runs.resolve("run");
        assertThat(AppRun.run(train(run)).status()).isZero();
        byte[] first = Files.readAllBytes(run.resolve("model.zip"));
        // A checkpoint the new run would never write: --overwrite must not leave it for a later --resume.
        Files.copy(run.resolve("checkpoints/checkpoint-2.zip"), run.resolve("checkpoints/checkpoint-9.zip"));

        Result again = AppRun.run(train(run, "--units", "7"));
        assertThat(again.status()).isEqualTo(2);
        assertThat(again.err().lines()).hasSize(1);
        assertThat(again.err()).startsWith("error: --out " + run + ": the folder holds a run already (")
                .contains("model.zip").contains("replace it with --overwrite, or choose another --out");
        assertThat(again.out()).as("refused before any data is loaded").doesNotContain("x_train");
        assertThat(Files.readAllBytes(run.resolve("model.zip"))).isEqualTo(first);

        Result replaced = AppRun.run(train(run, "--units", "7", "--overwrite"));
        assertThat(replaced.status()).as(replaced.out() + replaced.err()).isZero();
        assertThat(replaced.out()).contains("--overwrite: deleted the earlier run in " + run);
        assertThat(run.resolve("checkpoints")).isDirectoryNotContaining("glob:**/checkpoint-9.zip");
        assertThat(JsonParser.parseString(Files.readString(run.resolve("run.json"))).getAsJsonObject()
                .get("units").getAsInt()).isEqualTo(7);
    }

    @Test
    void anInterruptedRunInTheFolderIsPointedAtResume() throws IOException {
        Path run = runs.resolve("stopped");
        Result stopped = AppRun.runStoppingAfter(3, train(run));
        assertThat(stopped.status()).as(stopped.out() + stopped.err()).isEqualTo(130);
        Result again = AppRun.run(train(run));
        assertThat(again.status()).isEqualTo(2);
        assertThat(again.err()).contains("continue it with --resume " + run + ", replace it with --overwrite");
    }

    @Test
    void filesThatNoRunWritesAreNeverDeleted() throws IOException {
        Path folder = Files.createDirectories(runs.resolve("mine"));
        Files.writeString(folder.resolve("notes.txt"), "my notes");
        Result refused = AppRun.run(train(folder, "--overwrite"));
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).contains("--out " + folder + ": the folder holds files that a run does not write"
                + " (notes.txt); rnn4j never deletes them");
        assertThat(folder.resolve("notes.txt")).hasContent("my notes");
    }

    @Test
    void badRunFoldersAreRefusedBeforeAnyDataIsLoaded() throws IOException {
        Result empty = AppRun.run(train(Path.of("")));
        assertThat(empty.err()).isEqualTo("error: --out: expected a folder, found an empty path"
                + System.lineSeparator());
        Path file = Files.writeString(runs.resolve("a-file"), "x");
        Result aFile = AppRun.run(train(file));
        assertThat(aFile.status()).isEqualTo(2);
        assertThat(aFile.err()).contains("--out " + file + ": a file of that name is in the way; expected a run"
                + " folder");
        assertThat(aFile.out()).doesNotContain("x_train");
        Result units = AppRun.run(train(runs.resolve("big"), "--units", "100000"));
        assertThat(units.err()).contains("--units 100000: the recurrent_kernel of a simple cell (100000 x 100000)"
                + " would hold 10,000,000,000 values, above the 2,147,483,639 one weight can hold; expected at most"
                + " 46,340 units with --cell simple");
        assertThat(runs.resolve("big")).doesNotExist();
    }

    @Test
    void leftoversOfAKilledWriterAreRemovedByTheNextRun() throws IOException {
        Path run = runs.resolve("run");
        Path stale = Files.createDirectories(run.resolve("checkpoints"))
                .resolve("checkpoint-1.zip.3141592653.tmp");
        Files.writeString(stale, "half a checkpoint");
        Path staleTemp = run.resolve(".model.png." + "2rvaje2zlvg8t.part");
        Files.writeString(staleTemp, "half a picture");
        Result result = AppRun.run(train(run));
        assertThat(result.status()).as(result.out() + result.err()).isZero();
        assertThat(stale).doesNotExist();
        assertThat(staleTemp).doesNotExist();
    }

    @Test
    void aCheckpointOfAnotherRunIsNotResumed() throws IOException {
        Path mine = runs.resolve("mine");
        Path other = runs.resolve("other");
        assertThat(AppRun.runStoppingAfter(3, train(mine)).status()).isEqualTo(130);
        assertThat(AppRun.run(train(other, "--units", "9", "--epochs", "3")).status()).isZero();
        Files.copy(other.resolve("checkpoints/checkpoint-3.zip"), mine.resolve("checkpoints/checkpoint-3.zip"),
                StandardCopyOption.REPLACE_EXISTING);
        Result resumed = AppRun.run("train", "--resume", mine.toString());
        assertThat(resumed.status()).isEqualTo(2);
        assertThat(resumed.err()).contains("--resume " + mine + ": the latest checkpoint, checkpoint-3.zip, is not of"
                + " this run: units 9 in the checkpoint, 6 in run.json").contains("--overwrite");
        assertThat(resumed.out()).doesNotContain("Resuming");
    }

    @Test
    void aFinishedRunSaysSoAndFewerEpochsAreRefused() throws IOException {
        Path run = runs.resolve("run");
        assertThat(AppRun.run(train(run)).status()).isZero();
        byte[] model = Files.readAllBytes(run.resolve("model.zip"));
        Result resumed = AppRun.run("train", "--resume", run.toString());
        assertThat(resumed.status()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("Nothing to resume: " + run + " finished all 2 epochs and wrote its"
                + " outputs; to train on, add --epochs N with N above 2").doesNotContain("epoch 3/2");
        Result fewer = AppRun.run("train", "--resume", run.toString(), "--epochs", "1");
        assertThat(fewer.status()).isEqualTo(2);
        assertThat(fewer.err()).contains("--epochs 1: " + run + " has trained 2 epochs already");
        assertThat(Files.readAllBytes(run.resolve("model.zip"))).isEqualTo(model);
    }

    @Test
    void aFullDiskAtTheFinalSaveSaysWhereTheWeightsAreAndResumeWritesTheOutputs() throws Exception {
        Path reference = runs.resolve("reference");
        assertThat(AppRun.run(train(reference)).status()).isZero();
        try (SmallFileSystem disk = SmallFileSystem.mount(runs.resolve("disk"), 1024)) {
            Path run = disk.root().resolve("run");
            Path[] filler = {null};
            Result full = runWithHook(() -> {
                try {
                    filler[0] = disk.fill();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, train(run));
            assertThat(full.status()).isEqualTo(2);
            assertThat(full.err().lines()).hasSize(1);
            assertThat(full.err()).isEqualTo("error: cannot write " + run.resolve("model.zip")
                    + ": no space left on device; the weights of epoch 2 are safe in "
                    + run.resolve("checkpoints").resolve("checkpoint-2.zip") + ", and --resume " + run
                    + " writes the outputs again once there is room" + System.lineSeparator());
            assertThat(listAll(run)).noneMatch(AtomicFiles::isLeftover);
            Files.delete(filler[0]);

            Result resumed = AppRun.run("train", "--resume", run.toString());
            assertThat(resumed.status()).as(resumed.out() + resumed.err()).isZero();
            assertThat(resumed.out()).contains("Resuming " + run + ": all 2 epochs are trained (checkpoint-2.zip);"
                    + " writing the outputs again");
            assertThat(Files.mismatch(run.resolve("model.zip"), reference.resolve("model.zip"))).isEqualTo(-1L);
        }
    }

    @Test
    void aReadOnlyFolderIsNamedAsGivenBeforeAnyDataIsLoaded() throws Exception {
        try (SmallFileSystem disk = SmallFileSystem.mount(runs.resolve("disk"), 1024)) {
            Path run = Files.createDirectories(disk.root().resolve("run"));
            disk.makeReadOnly();
            Result readOnly = AppRun.run(train(run));
            assertThat(readOnly.status()).isEqualTo(2);
            assertThat(readOnly.err()).isEqualTo("error: cannot write " + run + ": read-only file system"
                    + System.lineSeparator());
            assertThat(readOnly.out()).doesNotContain("x_train");
        }
    }

    @Test
    void aFullDiskAtACheckpointSaysWhichOneAndWhatIsIntact() throws Exception {
        try (SmallFileSystem disk = SmallFileSystem.mount(runs.resolve("disk"), 1024)) {
            Path run = disk.root().resolve("run");
            // 3 steps an epoch; the fourth check comes in epoch 2, before its checkpoint.
            int[] checks = {0};
            Result full = AppRun.runStopping(() -> {
                if (++checks[0] == 4) {
                    try {
                        disk.fill();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return false;
            }, train(run));
            assertThat(full.status()).isEqualTo(2);
            assertThat(full.err()).isEqualTo("error: cannot write " + run.resolve("checkpoints")
                    .resolve("checkpoint-2.zip") + ": no space left on device; training stopped, and "
                    + run.resolve("checkpoints").resolve("checkpoint-1.zip") + " is intact: --resume " + run
                    + " continues from it" + System.lineSeparator());
        }
    }

    @Test
    void everyFileOfARunHasTheSameMode() throws IOException {
        Path run = runs.resolve("run");
        assertThat(AppRun.run(train(run)).status()).isZero();
        Set<String> modes;
        try (Stream<Path> files = Files.walk(run)) {
            modes = files.filter(Files::isRegularFile).map(file -> {
                try {
                    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).collect(Collectors.toSet());
        }
        assertThat(modes).hasSize(1);
        assertThat(listAll(run)).contains("model.zip", "history.csv", "history.json", "run.json", "model.png",
                "checkpoint-2.zip");
    }

    @Test
    void aTruncatedPngIsNamedAndSaidToBeIncomplete() throws IOException {
        Path run = runs.resolve("run");
        assertThat(AppRun.run(train(run)).status()).isZero();
        byte[] png = Files.readAllBytes(run.resolve("model.png"));
        Path truncated = Files.write(runs.resolve("digit.png"), java.util.Arrays.copyOf(png, png.length / 2));
        Result predicted = AppRun.run("predict", "--model", run.resolve("model.zip").toString(), "--image",
                truncated.toString());
        assertThat(predicted.status()).isEqualTo(2);
        assertThat(predicted.err().lines()).hasSize(1);
        assertThat(predicted.err()).startsWith("error: --image " + truncated + ": not a complete PNG (");
        Result folder = AppRun.run("predict", "--model", run.resolve("model.zip").toString(), "--image",
                runs.toString());
        assertThat(folder.err()).startsWith("error: --image " + runs + ": a folder, expected a PNG file");
    }

    @Test
    void evaluateReadsOnlyTheTestFilesAndAFolderInPlaceOfAFileIsNamed() throws IOException {
        Path run = runs.resolve("run");
        assertThat(AppRun.run(train(run)).status()).isZero();
        Path testOnly = Files.createDirectories(runs.resolve("test-only"));
        Files.copy(data.resolve(MnistDataset.TEST_IMAGES), testOnly.resolve(MnistDataset.TEST_IMAGES));
        Files.copy(data.resolve(MnistDataset.TEST_LABELS), testOnly.resolve(MnistDataset.TEST_LABELS));
        Result evaluated = AppRun.run("evaluate", "--model", run.resolve("model.zip").toString(), "--data-dir",
                testOnly.toString());
        assertThat(evaluated.status()).as(evaluated.out() + evaluated.err()).isZero();
        assertThat(evaluated.out()).contains("(10 images)");

        Files.delete(testOnly.resolve(MnistDataset.TEST_LABELS));
        Files.createDirectories(testOnly.resolve(MnistDataset.TEST_LABELS));
        Result folder = AppRun.run("evaluate", "--model", run.resolve("model.zip").toString(), "--data-dir",
                testOnly.toString());
        assertThat(folder.status()).isEqualTo(2);
        assertThat(folder.err()).isEqualTo("error: cannot use " + testOnly.resolve(MnistDataset.TEST_LABELS)
                + ": a folder, expected the IDX file " + MnistDataset.TEST_LABELS + " (raw or .gz)"
                + System.lineSeparator());
    }

    private static List<String> listAll(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString()).toList();
        }
    }
}
