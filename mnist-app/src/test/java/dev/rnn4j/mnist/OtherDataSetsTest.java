package dev.rnn4j.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rnn4j.mnist.AppRun.Result;
import dev.rnn4j.mnist.data.MnistDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data sets in MNIST's files that are not MNIST: other image sizes and other labels (here 7x9 images labelled 1..12,
 * as EMNIST's letters are labelled 1..26). The class count comes from the labels unless --classes says otherwise.
 */
class OtherDataSetsTest {
    @TempDir
    static Path data;

    @TempDir
    Path runs;

    @BeforeAll
    static void writeData() throws IOException {
        Random random = new Random(5);
        AppRun.writeSplit(data, random, MnistDataset.TRAIN_IMAGES, MnistDataset.TRAIN_LABELS, 40, 7, 9, i -> 1 + i % 12);
        AppRun.writeSplit(data, random, MnistDataset.TEST_IMAGES, MnistDataset.TEST_LABELS, 12, 7, 9, i -> 1 + i % 12);
    }

    private Result train(Path out, String... extra) {
        String[] base = {"train", "--data-dir", data.toString(), "--epochs", "1", "--batch-size", "8", "--units", "5",
            "--verbose", "0", "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return AppRun.run(args);
    }

    @Test
    void takesTheImageSizeAndTheClassCountFromTheData() throws IOException {
        Path out = runs.resolve("letters");
        Result result = train(out);

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).contains("x_train shape: (40, 7, 9)").contains("num_labels: 12")
                .contains("simple_rnn (SimpleRNN)      (None, 5)").contains("dense (Dense)               (None, 13)")
                .contains("Test accuracy: ");
        Result summary = AppRun.run("summary", "--model", out.resolve("model.zip").toString());
        assertThat(summary.out()).contains("simple_rnn (SimpleRNN)      (None, 5)").contains("(None, 13)");

        Result evaluated = AppRun.run("evaluate", "--data-dir", data.toString(), "--model", out.resolve("model.zip").toString());
        assertThat(evaluated.status()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).contains("Test accuracy: ").contains("(12 images)");
    }

    @Test
    void aClassCountTooSmallForTheLabelsIsOneLineNamingTheLabelAndTheOption() {
        Result result = train(runs.resolve("ten"), "--classes", "10");

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).startsWith("error: ").contains("training label 9 is 10")
                .contains("expected labels in 0..9 (--classes 10)").doesNotContain("\tat ");
    }

    @Test
    void evaluateChecksTheLabelsAgainstTheModelsOutputs() throws IOException {
        Path out = runs.resolve("fifteen");
        assertThat(train(out, "--classes", "15").status()).isZero();

        Result wrong = AppRun.run("evaluate", "--data-dir", data.toString(), "--model", out.resolve("model.zip").toString(),
                "--classes", "13");
        assertThat(wrong.status()).isEqualTo(2);
        assertThat(wrong.err()).contains("--classes").contains("has 15 outputs").contains("found --classes 13");

        Result right = AppRun.run("evaluate", "--data-dir", data.toString(), "--model", out.resolve("model.zip").toString());
        assertThat(right.status()).as(right.err()).isZero();
    }
}
