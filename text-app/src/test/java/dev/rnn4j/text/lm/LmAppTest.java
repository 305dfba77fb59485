package dev.rnn4j.text.lm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.text.TextAppRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmAppTest {
    @TempDir
    Path dir;

    static final String[] TINY = {"--units", "16", "--embedding", "8", "--seq-length", "20", "--batch-size", "4",
        "--minutes", "0", "--verbose", "0"};

    private Path text() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            text.append("the cat sat on the mat. the dog sat on the log.\n");
        }
        return Files.writeString(dir.resolve("tiny.txt"), text);
    }

    private static String[] args(String... first) {
        String[] all = new String[first.length + TINY.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(TINY, 0, all, first.length, TINY.length);
        return all;
    }

    @Test
    void trainsWritesTheRunFolderThenEvaluatesAndGeneratesReproducibly() throws IOException {
        Path text = text();
        Path run = dir.resolve("run");
        TextAppRun.Result trained = TextAppRun.run(args("lm", "train", "--text", text.toString(), "--epochs", "3",
                "--out", run.toString()));
        assertThat(trained.status()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("Text: " + text + ", 2,880 characters, 15 distinct")
                .contains("Validation: the last 288 characters as 4 streams");
        for (String name : new String[] {"model.zip", "history.csv", "history.json", "run.json", "bpc.png",
            "sample.txt"}) {
            assertThat(run.resolve(name)).isNotEmptyFile();
        }
        Map<?, ?> runJson = new Gson().fromJson(Files.readString(run.resolve("run.json")), Map.class);
        assertThat(runJson.get("status")).isEqualTo("finished");
        assertThat(runJson.get("epochs_trained")).isEqualTo(3.0);
        double bpc = ((Number) runJson.get("val_bpc")).doubleValue();
        // A text of two repeated sentences is learnt far below the 3.9 bits of 15 equally likely characters.
        assertThat(bpc).isLessThan(3.0);
        assertThat(Files.readString(run.resolve("history.csv"))).startsWith("epoch,").contains("val_bpc")
                .contains("val_perplexity");
        assertThat(ModelFile.readAssets(run.resolve("model.zip"))).containsKey("text-app.json");

        TextAppRun.Result evaluated = TextAppRun.run("lm", "evaluate", "--model", run.resolve("model.zip").toString(),
                "--text", text.toString());
        assertThat(evaluated.status()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).contains(String.format(java.util.Locale.ROOT, "%.3f bits per character", bpc));

        String[] generate = {"lm", "generate", "--model", run.resolve("model.zip").toString(), "--prompt", "the ",
            "--length", "60", "--seed", "5"};
        TextAppRun.Result one = TextAppRun.run(generate);
        TextAppRun.Result two = TextAppRun.run(generate);
        assertThat(one.status()).as(one.err()).isZero();
        assertThat(one.out()).startsWith("the ").isEqualTo(two.out());
        assertThat(one.out().strip().codePointCount(0, one.out().strip().length())).isBetween(60, 64);
        assertThat(one.err()).contains("characters per second");

        TextAppRun.Result unknown = TextAppRun.run("lm", "generate", "--model", run.resolve("model.zip").toString(),
                "--prompt", "Call me");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.errorLine()).isEqualTo("error: --prompt: character 'C' (U+0043) at position 0 is not among"
                + " the 15 characters the model was trained on; expected only those");
    }

    @Test
    void aStoppedRunResumesFromItsCheckpointAndFinishes() throws IOException {
        Path text = text();
        Path run = dir.resolve("run");
        int[] checks = {0};
        TextAppRun.Result stopped = TextAppRun.runWith(LmTrainCommand.class,
                command -> command.stopRequest = () -> ++checks[0] >= 12,
                args("lm", "train", "--text", text.toString(), "--epochs", "3", "--out", run.toString()));
        assertThat(stopped.status()).as(stopped.err()).isEqualTo(130);
        assertThat(stopped.out()).contains("Interrupted in epoch").contains("lm train --resume " + run);
        assertThat(run.resolve("model.zip")).doesNotExist();
        TextAppRun.Result refused = TextAppRun.run("lm", "train", "--resume", run.toString(), "--units", "8");
        assertThat(refused.errorLine()).startsWith("error: --units cannot be used with --resume");

        TextAppRun.Result resumed = TextAppRun.run("lm", "train", "--resume", run.toString(), "--verbose", "0");
        assertThat(resumed.status()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("Resuming " + run + " from epoch");
        Map<?, ?> runJson = new Gson().fromJson(Files.readString(run.resolve("run.json")), Map.class);
        assertThat(runJson.get("status")).isEqualTo("finished");
        assertThat(runJson.get("epochs_trained")).isEqualTo(3.0);
    }

    @Test
    void theTimeBudgetStopsAfterAnEpoch() throws IOException {
        Path run = dir.resolve("run");
        String[] all = args("lm", "train", "--text", text().toString(), "--epochs", "4", "--out", run.toString());
        all[all.length - 3] = "0.0001";
        TextAppRun.Result result = TextAppRun.run(all);
        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).contains("Stopping after epoch 1:");
        assertThat(new Gson().fromJson(Files.readString(run.resolve("run.json")), Map.class).get("epochs_trained"))
                .isEqualTo(1.0);
    }

    @Test
    void badTextIsOneLineAndLeavesNoRun() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        Path binary = Files.write(dir.resolve("b.bin"), new byte[] {'a', 0, 'b'});
        Path latin1 = Files.write(dir.resolve("l.txt"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        Path run = dir.resolve("run");
        TextAppRun.Result result = TextAppRun.run(args("lm", "train", "--text", empty.toString(), "--out",
                run.toString()));
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.errorLine()).isEqualTo("error: --text " + empty + ": expected text, found an empty file");
        assertThat(TextAppRun.run(args("lm", "train", "--text", binary.toString(), "--out", run.toString()))
                .errorLine()).isEqualTo("error: --text " + binary + ": expected UTF-8 text, found a binary file (a NUL"
                + " byte at offset 1)");
        assertThat(TextAppRun.run(args("lm", "train", "--text", latin1.toString(), "--out", run.toString()))
                .errorLine()).startsWith("error: --text " + latin1 + ": expected UTF-8 text, found bytes that are not"
                + " UTF-8 near offset 3");
        Path shortText = Files.writeString(dir.resolve("short.txt"), "abcdef");
        assertThat(TextAppRun.run(args("lm", "train", "--text", shortText.toString(), "--out", run.toString()))
                .errorLine()).startsWith("error: the training part of " + shortText + ": expected at least 81"
                + " characters");
        assertThat(run.resolve("model.zip")).doesNotExist();
        assertThat(run.resolve("run.json")).doesNotExist();
        assertThat(TextAppRun.run("lm", "generate", "--model", dir.resolve("none.zip").toString()).errorLine())
                .startsWith("error: file not found: " + dir.resolve("none.zip"));
    }
}
