package dev.rnn4j.mnist.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    @TempDir
    Path dir;

    static final List<DiagramLayer> NOTEBOOK_MODEL = List.of(
            new DiagramLayer("simple_rnn", "SimpleRNN", "(None, 28, 28)", "(None, 256)"),
            new DiagramLayer("dense", "Dense", "(None, 256)", "(None, 10)"),
            new DiagramLayer("activation", "Activation", "(None, 10)", "(None, 10)"));

    static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    static BufferedImage readPng(Path png) throws IOException {
        assertThat(png).isRegularFile();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("ImageIO.read(%s)", png).isNotNull();
        return image;
    }

    /** Names in the folder that look like leftovers of an interrupted write. */
    static List<String> leftovers(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".tmp") || n.endsWith(".part") || n.startsWith("."))
                    .toList();
        }
    }

    static Map<String, List<Double>> fakeHistory(int epochs, boolean withValidation) {
        Map<String, List<Double>> h = new LinkedHashMap<>();
        List<Double> loss = new ArrayList<>();
        List<Double> acc = new ArrayList<>();
        List<Double> valLoss = new ArrayList<>();
        List<Double> valAcc = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            loss.add(0.08 + 0.9 * Math.exp(-e / 3.0));
            acc.add(0.985 - 0.35 * Math.exp(-e / 2.5));
            valLoss.add(0.11 + 0.6 * Math.exp(-e / 2.5) + 0.002 * e + 0.01 * Math.sin(e));
            valAcc.add(0.975 - 0.2 * Math.exp(-e / 2.0) - 0.003 * Math.sin(e));
        }
        h.put("loss", loss);
        h.put("accuracy", acc);
        if (withValidation) {
            h.put("val_loss", valLoss);
            h.put("val_accuracy", valAcc);
        }
        return h;
    }

    static int[][] fakeConfusion() {
        int[] support = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
        int[][] m = new int[10][10];
        for (int i = 0; i < 10; i++) {
            int wrong = 0;
            for (int j = 0; j < 10; j++) {
                if (i != j) {
                    m[i][j] = (i * 7 + j * 3) % 5 == 0 ? (i + j) % 9 : (i + 2 * j) % 3;
                    wrong += m[i][j];
                }
            }
            m[i][i] = support[i] - wrong;
        }
        m[4][9] = 14;
        m[9][4] = 11;
        m[7][2] = 9;
        return m;
    }

    @Nested
    class ModelDiagramTest {

        @Test
        void writesAReadablePng() throws IOException {
            Path png = dir.resolve("model.png");
            Charts.writeModelDiagram(NOTEBOOK_MODEL, png);
            BufferedImage image = readPng(png);
            assertThat(image.getWidth()).isBetween(300, 2000);
            assertThat(image.getHeight()).isBetween(200, 2000);
        }

        @Test
        void heightGrowsWithTheNumberOfLayers() throws IOException {
            Path one = dir.resolve("one.png");
            Path three = dir.resolve("three.png");
            Charts.writeModelDiagram(NOTEBOOK_MODEL.subList(0, 1), one);
            Charts.writeModelDiagram(NOTEBOOK_MODEL, three);
            int h1 = readPng(one).getHeight();
            int h3 = readPng(three).getHeight();
            assertThat(h3).isGreaterThan(h1);
            // Two more boxes, each with an arrow: well over twice the extra height of nothing.
            assertThat(h3 - h1).isGreaterThan(100);
        }

        @Test
        void widthGrowsSoLongNamesFit() throws IOException {
            Path shortName = dir.resolve("short.png");
            Path longName = dir.resolve("long.png");
            Charts.writeModelDiagram(List.of(new DiagramLayer("d", "Dense", "(None, 4)", "(None, 2)")), shortName);
            Charts.writeModelDiagram(List.of(new DiagramLayer(
                    "a_really_long_layer_name_that_keeps_going_and_going", "Dense", "(None, 4)", "(None, 2)")), longName);
            assertThat(readPng(longName).getWidth()).isGreaterThan(readPng(shortName).getWidth() + 200);
        }

        @Test
        void doesNotAddASecondInputBoxWhenTheFirstLayerIsAnInputLayer() {
            List<DiagramLayer> withInput = List.of(
                    new DiagramLayer("input_1", "InputLayer", "[(None, 28, 28)]", "[(None, 28, 28)]"),
                    NOTEBOOK_MODEL.get(0));
            assertThat(ModelDiagram.withInputBox(withInput)).containsExactlyElementsOf(withInput);
            assertThat(ModelDiagram.withInputBox(NOTEBOOK_MODEL)).hasSize(4)
                    .first().isEqualTo(new DiagramLayer(
                            "simple_rnn_input", "InputLayer", "(None, 28, 28)", "(None, 28, 28)"));
        }

        @Test
        void rejectsAnEmptyModel() {
            assertThatThrownBy(() -> Charts.writeModelDiagram(List.of(), dir.resolve("x.png")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("layers");
            assertThat(dir.resolve("x.png")).doesNotExist();
        }

        @Test
        void layerRejectsBlankNames() {
            assertThatThrownBy(() -> new DiagramLayer(" ", "Dense", "", ""))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("name");
        }
    }

    @Nested
    class HistoryCurvesTest {

        @Test
        void writesLossAndAccuracyCharts() throws IOException {
            Path loss = dir.resolve("loss.png");
            Path accuracy = dir.resolve("accuracy.png");
            Charts.writeHistoryCurves(fakeHistory(20, true), loss, accuracy);
            assertThat(readPng(loss).getWidth()).isEqualTo(HistoryChart.WIDTH);
            assertThat(readPng(accuracy).getHeight()).isEqualTo(HistoryChart.HEIGHT);
        }

        @Test
        void toleratesMissingValidationNaNsNullsAndOneEpoch() throws IOException {
            Map<String, List<Double>> h = new LinkedHashMap<>();
            h.put("loss", Arrays.asList(0.9, Double.NaN, 0.5, null, Double.POSITIVE_INFINITY, 0.2));
            h.put("accuracy", List.of(0.7));
            h.put("val_accuracy", List.of(Double.NaN, Double.NaN));
            h.put("lr", List.of(0.001, 0.001));
            Charts.writeHistoryCurves(h, dir.resolve("loss.png"), dir.resolve("accuracy.png"));
            readPng(dir.resolve("loss.png"));
            readPng(dir.resolve("accuracy.png"));
        }

        @Test
        void emptyHistoryStillWritesChartsThatSayNoData() throws IOException {
            Map<String, List<Double>> empty = new LinkedHashMap<>();
            empty.put("loss", List.of());
            Charts.writeHistoryCurves(empty, dir.resolve("loss.png"), dir.resolve("accuracy.png"));
            assertThat(readPng(dir.resolve("loss.png")).getWidth()).isEqualTo(HistoryChart.WIDTH);
            Charts.writeHistoryCurves(Map.of(), dir.resolve("loss.png"), dir.resolve("accuracy.png"));
            assertThat(readPng(dir.resolve("accuracy.png")).getWidth()).isEqualTo(HistoryChart.WIDTH);
        }

        @Test
        void selectsTrainingSeriesBeforeValidationSeries() {
            Map<String, List<Double>> h = new LinkedHashMap<>();
            h.put("val_loss", List.of(1.0));
            h.put("val_accuracy", List.of(1.0));
            h.put("loss", List.of(1.0));
            h.put("accuracy", List.of(1.0));
            h.put("lr", List.of(1.0));
            assertThat(HistoryChart.select(h, HistoryChart.LOSS_KEYS)).containsOnlyKeys("loss", "val_loss");
            assertThat(HistoryChart.select(h, HistoryChart.LOSS_KEYS).keySet()).containsExactly("loss", "val_loss");
            assertThat(HistoryChart.select(h, HistoryChart.ACCURACY_KEYS).keySet())
                    .containsExactly("accuracy", "val_accuracy");
        }
    }

    @Nested
    class ConfusionMatrixTest {

        @Test
        void writesAHeatMap() throws IOException {
            Path png = dir.resolve("confusion.png");
            Charts.writeConfusionMatrix(fakeConfusion(), DIGITS, png);
            BufferedImage image = readPng(png);
            assertThat(image.getWidth()).isBetween(500, 2000);
            assertThat(image.getHeight()).isBetween(500, 2000);
        }

        @Test
        void writesAManyClassMatrixWithLongNames() throws IOException {
            int n = 100;
            int[][] m = new int[n][n];
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                names.add("a_rather_long_class_name_" + i);
                m[i][i] = 1000 + i;
                m[i][(i + 1) % n] = i % 4;
            }
            Path png = dir.resolve("many.png");
            Charts.writeConfusionMatrix(m, names, png);
            BufferedImage image = readPng(png);
            assertThat(image.getWidth()).isBetween(1000, 3000);
            assertThat(image.getHeight()).isBetween(1000, 3000);
        }

        @Test
        void colourBarTicksAreNiceAndEndAtOrBelowTheMaximum() {
            assertThat(ConfusionMatrixChart.ticks(1)).containsExactly(0, 1);
            assertThat(ConfusionMatrixChart.ticks(7)).containsExactly(0, 2, 4, 6);
            assertThat(ConfusionMatrixChart.ticks(1135)).containsExactly(0, 500, 1000);
            int[] huge = ConfusionMatrixChart.ticks(Integer.MAX_VALUE);
            assertThat(huge).isSorted().hasSizeBetween(3, 12).startsWith(0);
            assertThat(huge[huge.length - 1]).isPositive();
        }

        @Test
        void titleGivesTheOverallAccuracy() {
            assertThat(ConfusionMatrixChart.title(new int[][] {{97, 1}, {2, 0}}))
                    .isEqualTo("Confusion matrix (test accuracy 97.00%)");
            assertThat(ConfusionMatrixChart.title(new int[][] {{0, 0}, {0, 0}}))
                    .isEqualTo("Confusion matrix (no samples)");
        }

        @Test
        void writesAOneClassAndAnAllZeroMatrix() throws IOException {
            Charts.writeConfusionMatrix(new int[][] {{5}}, List.of("only"), dir.resolve("one.png"));
            Charts.writeConfusionMatrix(new int[3][3], List.of("a", "b", "c"), dir.resolve("zero.png"));
            readPng(dir.resolve("one.png"));
            readPng(dir.resolve("zero.png"));
        }

        @Test
        void rejectsANonSquareMatrix() {
            int[][] notSquare = {{1, 2, 3}, {4, 5, 6}};
            assertThatThrownBy(() -> Charts.writeConfusionMatrix(notSquare, List.of("a", "b"), dir.resolve("c.png")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("counts")
                    .hasMessageContaining("square 2x2")
                    .hasMessageContaining("found 3 columns in row 0");
            assertThat(dir.resolve("c.png")).doesNotExist();
        }

        @Test
        void rejectsAWrongNumberOfClassNames() {
            assertThatThrownBy(() -> Charts.writeConfusionMatrix(new int[2][2], DIGITS, dir.resolve("c.png")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("classNames")
                    .hasMessageContaining("expected 2")
                    .hasMessageContaining("found 10");
        }

        @Test
        void rejectsNegativeCountsAndEmptyOrNullMatrices() {
            assertThatThrownBy(() -> Charts.writeConfusionMatrix(
                    new int[][] {{1, -1}, {0, 1}}, List.of("a", "b"), dir.resolve("c.png")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("counts")
                    .hasMessageContaining("non-negative")
                    .hasMessageContaining("-1 at [0][1]");
            assertThatThrownBy(() -> Charts.writeConfusionMatrix(new int[0][0], List.of(), dir.resolve("c.png")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("counts");
            assertThatThrownBy(() -> Charts.writeConfusionMatrix(null, List.of(), dir.resolve("c.png")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("counts");
        }
    }

    @Nested
    class FilesTest {

        @Test
        void createsMissingFoldersAndLeavesNoTemporaryFiles() throws IOException {
            Path run = dir.resolve("runs/2024-01-01/plots");
            Charts.writeModelDiagram(NOTEBOOK_MODEL, run.resolve("model.png"));
            Charts.writeHistoryCurves(fakeHistory(5, true), run.resolve("loss.png"), run.resolve("accuracy.png"));
            Charts.writeConfusionMatrix(fakeConfusion(), DIGITS, run.resolve("confusion.png"));
            try (Stream<Path> files = Files.list(run)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("model.png", "loss.png", "accuracy.png", "confusion.png");
            }
        }

        @Test
        void replacesAnExistingPictureWhole() throws IOException {
            Path png = dir.resolve("model.png");
            Files.writeString(png, "not a picture");
            Charts.writeModelDiagram(NOTEBOOK_MODEL, png);
            readPng(png);
            Charts.writeModelDiagram(NOTEBOOK_MODEL.subList(0, 1), png);
            readPng(png);
            assertThat(leftovers(dir)).isEmpty();
        }

        @Test
        void aFailedWriteLeavesNoTemporaryFileAndKeepsWhatWasThere() throws IOException {
            Path folderInTheWay = dir.resolve("model.png");
            Files.createDirectory(folderInTheWay);
            assertThatThrownBy(() -> Charts.writeModelDiagram(NOTEBOOK_MODEL, folderInTheWay))
                    .isInstanceOf(IOException.class);
            assertThat(folderInTheWay).isDirectory();
            assertThat(leftovers(dir)).isEmpty();
        }
    }

    /**
     * Writes the notebook's three pictures: to the folder named by the system property
     * {@code rnn4j.report.sampleDir} when set (to look at them), else to the test's temporary folder.
     */
    @Test
    void writesTheNotebookSamples() throws IOException {
        String sampleDir = System.getProperty("rnn4j.report.sampleDir");
        Path out = sampleDir == null || sampleDir.isBlank() ? dir : Path.of(sampleDir);
        Charts.writeModelDiagram(NOTEBOOK_MODEL, out.resolve("model.png"));
        Charts.writeHistoryCurves(fakeHistory(20, true), out.resolve("loss.png"), out.resolve("accuracy.png"));
        Charts.writeConfusionMatrix(fakeConfusion(), DIGITS, out.resolve("confusion_matrix.png"));
        for (String name : List.of("model.png", "loss.png", "accuracy.png", "confusion_matrix.png")) {
            readPng(out.resolve(name));
        }
        assertThat(leftovers(out)).isEmpty();
    }
}
