package dev.rnn4j.mnist.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the pictures the MNIST app leaves in its run folder: the model diagram, the loss and
 * accuracy curves, and the confusion matrix, all as PNG.
 *
 * <p><b>Files.</b> Every picture is encoded into a hidden temporary file ({@code .<name>.<random>.part})
 * in the target folder and then moved over the target with {@code ATOMIC_MOVE} (or
 * {@code REPLACE_EXISTING} where the file system cannot move atomically), so an existing picture is
 * never left half-written and a failed write leaves no temporary file behind. Missing parent folders
 * are created.
 *
 * <p><b>Headless.</b> Everything is drawn into a {@link java.awt.image.BufferedImage}; no window is
 * opened and no global state (system property, look and feel) is changed. The app should run with
 * {@code -Djava.awt.headless=true}; on Linux a JVM without a display falls back to headless on its
 * own.
 *
 * <p>Methods are stateless and may be called from several threads.
 */
public final class Charts {

    private Charts() {}

    /**
     * Draws the model the way Keras's {@code plot_model(model, show_shapes=True)} does: one box per
     * layer, top to bottom, joined by arrows; each box shows {@code name: Type} and a small table
     * {@code input: | (None, 28, 28)} / {@code output: | (None, 256)}. Unless the first layer is
     * already an {@code InputLayer}, an input box {@code <first name>_input: InputLayer} whose input
     * and output are the first layer's input shape is drawn on top, as Keras does for a
     * {@code Sequential} model. The picture is sized to fit the longest text.
     *
     * @param layers the layers in order, first to last; not empty, no null element
     * @param png the file to write
     * @throws IllegalArgumentException if {@code layers} is empty or holds null
     * @throws NullPointerException if an argument is null
     * @throws IOException if the file cannot be written
     */
    public static void writeModelDiagram(List<DiagramLayer> layers, Path png) throws IOException {
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(png, "png");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("layers: expected at least one layer, found none");
        }
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) == null) {
                throw new IllegalArgumentException("layers: expected a layer at index " + i + ", found null");
            }
        }
        PngFiles.write(ModelDiagram.render(ModelDiagram.withInputBox(layers)), png);
    }

    /**
     * Draws the training curves of a Keras-style history, as two charts: "Model loss" (the series
     * whose key ends in {@code loss}: {@code loss}, {@code val_loss}) and "Model accuracy" (keys
     * ending in {@code accuracy} or {@code acc}: {@code accuracy}, {@code val_accuracy}). The x axis
     * is the epoch, starting at 1; there is one line per series and a legend with the keys.
     *
     * <p>Lenient by design, since it runs at the end of a training run: {@code val_*} series may be
     * absent, series may differ in length, null/NaN/infinite values are skipped (the line has a gap),
     * and a series with no finite value is left out. If a chart has nothing to plot (empty history,
     * or only NaN) it is still written, showing its title and "No data", rather than failing.
     *
     * @param history series name to per-epoch values (index 0 is epoch 1); may be empty
     * @param lossPng the file for the loss chart
     * @param accuracyPng the file for the accuracy chart
     * @throws NullPointerException if an argument is null
     * @throws IOException if a file cannot be written
     */
    public static void writeHistoryCurves(Map<String, List<Double>> history, Path lossPng, Path accuracyPng)
            throws IOException {
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(lossPng, "lossPng");
        Objects.requireNonNull(accuracyPng, "accuracyPng");
        PngFiles.write(HistoryChart.render("Model loss", "loss",
                HistoryChart.select(history, HistoryChart.LOSS_KEYS)), lossPng);
        PngFiles.write(HistoryChart.render("Model accuracy", "accuracy",
                HistoryChart.select(history, HistoryChart.ACCURACY_KEYS)), accuracyPng);
    }

    /**
     * Draws a confusion matrix as a heat map with the count in each cell: rows are the true class
     * (first class on top, axis title "True label"), columns the predicted class (axis title
     * "Predicted label"). The title gives the overall accuracy, the trace over the total, e.g.
     * {@code Confusion matrix (test accuracy 97.62%)}, or says {@code no samples} if all counts are 0.
     *
     * @param counts {@code counts[true][predicted]}: a non-empty square matrix of non-negative counts
     * @param classNames one name per class, in row order, e.g. {@code "0".."9"}
     * @param png the file to write
     * @throws IllegalArgumentException if {@code counts} is null, empty, not square or holds a negative
     *     count, or {@code classNames} is null, holds null or its size is not the matrix size; the
     *     message names the argument, what was expected and what was found
     * @throws NullPointerException if {@code png} is null
     * @throws IOException if the file cannot be written
     */
    public static void writeConfusionMatrix(int[][] counts, List<String> classNames, Path png) throws IOException {
        ConfusionMatrixChart.validate(counts, classNames);
        Objects.requireNonNull(png, "png");
        PngFiles.write(ConfusionMatrixChart.render(counts, classNames), png);
    }
}
