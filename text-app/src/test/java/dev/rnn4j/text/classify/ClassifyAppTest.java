package dev.rnn4j.text.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import dev.rnn4j.text.TextAppRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifyAppTest {
    @TempDir
    Path dir;

    static final String[] WORDS = {"the", "a", "of", "and", "to", "in", "is", "it", "that", "was"};

    /** Two classes told apart by a few words among common ones; one duplicate document. */
    static Path corpus(Path root) throws IOException {
        Random random = new Random(4);
        String[][] marks = {{"bad", "awful", "poor"}, {"good", "great", "fine"}};
        String[] classes = {"neg", "pos"};
        for (int c = 0; c < 2; c++) {
            Path folder = Files.createDirectories(root.resolve(classes[c]));
            for (int d = 0; d < 40; d++) {
                StringBuilder text = new StringBuilder();
                int length = 5 + random.nextInt(30);
                for (int w = 0; w < length; w++) {
                    text.append(random.nextInt(4) == 0 ? marks[c][random.nextInt(3)]
                            : WORDS[random.nextInt(WORDS.length)]).append(' ');
                }
                Files.writeString(folder.resolve(String.format("%03d.txt", d)), text);
            }
        }
        Files.copy(root.resolve("pos/000.txt"), root.resolve("pos/copy.txt"));
        return root;
    }

    @Test
    void trainsOnAFolderOfClassesAndPredicts() throws IOException {
        Path data = corpus(dir.resolve("data"));
        Path run = dir.resolve("run");
        TextAppRun.Result trained = TextAppRun.run("classify", "train", "--data", data.toString(), "--units", "8",
                "--embedding", "8", "--epochs", "12", "--batch-size", "8", "--learning-rate", "0.01", "--verbose",
                "0", "--out", run.toString());
        assertThat(trained.status()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("80 after removing 1 exact duplicates; classes [neg, pos] with [40, 40]")
                .contains("Split (seed 1, stratified): 58 training, 6 validation, 16 test")
                .contains("Test accuracy:").contains("pos: precision").contains("ROC AUC");
        for (String name : List.of("model.zip", "history.csv", "run.json", "loss.png", "accuracy.png",
                "confusion_matrix.png", "roc.png")) {
            assertThat(run.resolve(name)).isNotEmptyFile();
        }
        Map<?, ?> runJson = new Gson().fromJson(Files.readString(run.resolve("run.json")), Map.class);
        assertThat(((Number) runJson.get("test_accuracy")).doubleValue()).isGreaterThanOrEqualTo(0.8);
        assertThat(((Number) runJson.get("test_roc_auc")).doubleValue()).isGreaterThanOrEqualTo(0.85);

        TextAppRun.Result predicted = TextAppRun.run("classify", "predict", "--model",
                run.resolve("model.zip").toString(), "--text", "good great fine good the a great");
        assertThat(predicted.status()).as(predicted.err()).isZero();
        assertThat(predicted.out()).startsWith("--text\tpos\t");
        TextAppRun.Result file = TextAppRun.run("classify", "predict", "--model", run.resolve("model.zip").toString(),
                "--file", data.resolve("pos/001.txt").toString());
        assertThat(file.out()).startsWith(data.resolve("pos/001.txt") + "\t");

        TextAppRun.Result evaluated = TextAppRun.run("classify", "evaluate", "--model",
                run.resolve("model.zip").toString(), "--data", data.toString());
        assertThat(evaluated.status()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).contains("the test part of the split: 16 documents").contains(String.format(
                java.util.Locale.ROOT, "Test accuracy: %.2f%%", 100 * ((Number) runJson.get("test_accuracy"))
                        .doubleValue()));
    }

    @Test
    void badFoldersAreOneLine() throws IOException {
        Path one = Files.createDirectories(dir.resolve("one/only"));
        Files.writeString(one.resolve("a.txt"), "text");
        TextAppRun.Result result = TextAppRun.run("classify", "train", "--data", dir.resolve("one").toString(),
                "--out", dir.resolve("r1").toString());
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.errorLine()).isEqualTo("error: --data " + dir.resolve("one") + ": expected at least two"
                + " class subfolders of documents, found 1 ([only])");

        Path data = corpus(dir.resolve("data"));
        Files.createDirectories(data.resolve("empty"));
        assertThat(TextAppRun.run("classify", "train", "--data", data.toString(), "--out",
                dir.resolve("r2").toString()).errorLine()).isEqualTo("error: --data " + data + ": class folder empty"
                + " is empty; expected at least one document in each class folder");
        Files.delete(data.resolve("empty"));
        Files.write(data.resolve("pos/picture.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
        assertThat(TextAppRun.run("classify", "train", "--data", data.toString(), "--out",
                dir.resolve("r3").toString()).errorLine()).isEqualTo("error: --data " + data + ": "
                + data.resolve("pos/picture.png") + ": expected a text document, found a binary file (a NUL byte at"
                + " offset 4); remove it from the folder");
        assertThat(dir.resolve("r3/run.json")).doesNotExist();
    }

    @Test
    void splitIsStratifiedSeededAndDisjoint() throws IOException {
        Documents.Corpus read = Documents.read(corpus(dir.resolve("data")), "--data", null);
        List<List<Documents.Document>> split = Documents.split(read.documents(), 2, 0.2, 1);
        assertThat(split.get(1)).hasSize(16);
        assertThat(split.get(1).stream().filter(d -> d.label() == 0).count()).isEqualTo(8);
        assertThat(split.get(0)).doesNotContainAnyElementsOf(split.get(1));
        assertThat(Documents.split(read.documents(), 2, 0.2, 1)).isEqualTo(split);
        assertThat(Documents.split(read.documents(), 2, 0.2, 2).get(1)).isNotEqualTo(split.get(1));
    }

    @Test
    void scoresMatchHandComputedFigures() {
        int[] labels = {0, 0, 1, 1, 1};
        double[][] p = {{0.9, 0.1}, {0.4, 0.6}, {0.2, 0.8}, {0.7, 0.3}, {0.5, 0.5}};
        Scores scores = Scores.of(labels, p, 2);
        // Ties go to the first class: row 4 (0.5, 0.5) is predicted 0.
        assertThat(scores.confusion()).isEqualTo(new int[][] {{1, 1}, {2, 1}});
        assertThat(scores.accuracy()).isEqualTo(0.4);
        assertThat(scores.precision(1)).isEqualTo(0.5);
        assertThat(scores.recall(1)).isEqualTo(1.0 / 3);
        // Positives 0.8, 0.3, 0.5 against negatives 0.1, 0.6: pairs won 2 + 1 + 1 = 4 of 6.
        assertThat(scores.auc()).isEqualTo(4.0 / 6);
        assertThat(scores.roc()[0]).containsExactly(0, 0);
        assertThat(scores.roc()[scores.roc().length - 1]).containsExactly(1, 1);
    }

    @Test
    void tokenizerKeepsTheTrainingVocabularyAndMapsTheRestToOov() {
        WordTokenizer tokenizer = WordTokenizer.fit(List.of("Win $100 now!!", "win the prize, win"), 10, 2, 50);
        assertThat(tokenizer.tokens()).containsExactly("win", "!");
        assertThat(tokenizer.encode("WIN big!")).containsExactly(2, WordTokenizer.OOV, 3);
        assertThat(WordTokenizer.split("It's 5$ <b>", 10)).containsExactly("it's", "5", "$", "<", "b", ">");
        assertThat(tokenizer.encode("")).containsExactly(WordTokenizer.OOV);
    }
}
