package dev.rnn4j.text;

import dev.rnn4j.core.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The pictures of a run (learning curves, ROC curve, confusion matrix, forecast), written as PNG atomically. */
public final class Pictures {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private Pictures() {
    }

    /**
     * One line per series, skipping non-finite values; x is 1, 2, ... (epochs) unless {@code x} is given.
     *
     * @param title  the chart's title
     * @param xTitle the x axis's title
     * @param yTitle the y axis's title
     * @param x      the x values shared by every series, or null for 1, 2, ...
     * @param series name to values, in legend order
     * @param png    the file
     * @throws IOException when the file cannot be written
     */
    public static void lines(String title, String xTitle, String yTitle, double[] x, Map<String, List<Double>> series,
            Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart);
        int added = 0;
        for (Map.Entry<String, List<Double>> entry : series.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            List<Double> values = entry.getValue();
            for (int i = 0; i < values.size(); i++) {
                Double value = values.get(i);
                if (value != null && Double.isFinite(value)) {
                    xs.add(x == null ? i + 1.0 : x[i]);
                    ys.add(value);
                }
            }
            if (!xs.isEmpty()) {
                XYSeries line = chart.addSeries(entry.getKey(), xs, ys);
                line.setMarker(xs.size() <= 40 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
                line.setLineStyle(new BasicStroke(xs.size() <= 400 ? 2f : 1.2f));
                added++;
            }
        }
        if (added == 0) {
            chart.setTitle(title + " (no data)");
            chart.addSeries("none", new double[] {0}, new double[] {0});
        }
        write(BitmapEncoder.getBufferedImage(chart), png);
    }

    /** A learning curve of the history's series whose keys {@code keys} names, those present. */
    public static void history(String title, String yTitle, Map<String, List<Double>> history, List<String> keys,
            Path png) throws IOException {
        Map<String, List<Double>> chosen = new LinkedHashMap<>();
        for (String key : keys) {
            if (history.containsKey(key)) {
                chosen.put(key, history.get(key));
            }
        }
        lines(title, "epoch", yTitle, null, chosen, png);
    }

    /**
     * @param counts     {@code counts[true][predicted]}
     * @param classNames the classes' names
     * @param title      the title
     * @param png        the file
     * @throws IOException when the file cannot be written
     */
    public static void confusionMatrix(int[][] counts, List<String> classNames, String title, Path png)
            throws IOException {
        int n = counts.length;
        HeatMapChart chart = new HeatMapChartBuilder().width(560).height(520).title(title).xAxisTitle("Predicted label")
                .yAxisTitle("True label").build();
        org.knowm.xchart.style.HeatMapStyler styler = chart.getStyler();
        styler.setShowValue(true);
        styler.setValueFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendVisible(false);
        styler.setChartTitleBoxVisible(false);
        styler.setRangeColors(new Color[] {new Color(0xF7FBFF), new Color(0x6BAED6), new Color(0x08306B)});
        List<String> rows = new ArrayList<>();
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            // XChart draws the first y category at the bottom: the first true class goes last, so it is on top.
            rows.add(classNames.get(n - 1 - t));
            for (int p = 0; p < n; p++) {
                cells.add(new Number[] {p, t, counts[n - 1 - t][p]});
            }
        }
        chart.addSeries("counts", classNames, rows, cells);
        write(BitmapEncoder.getBufferedImage(chart), png);
    }

    private static void style(XYChart chart) {
        org.knowm.xchart.style.XYStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xDD, 0xDD, 0xDD));
        styler.setChartTitleBoxVisible(false);
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setMarkerSize(5);
        styler.setAntiAlias(true);
    }

    private static void write(BufferedImage image, Path png) throws IOException {
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available in this Java runtime");
            }
        });
    }
}
