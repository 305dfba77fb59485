package dev.rnn4j.mnist.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws one training-curve chart (loss or accuracy against epoch) with XChart, in the spirit of the
 * matplotlib plots of a Keras notebook.
 */
final class HistoryChart {

    static final int WIDTH = 800;
    static final int HEIGHT = 520;

    /** matplotlib's "tab10" colours: training is blue, validation orange, as in most Keras notebooks. */
    private static final Color[] COLORS = {
        new Color(0x1F, 0x77, 0xB4), new Color(0xFF, 0x7F, 0x0E), new Color(0x2C, 0xA0, 0x2C),
        new Color(0xD6, 0x27, 0x28), new Color(0x94, 0x67, 0xBD), new Color(0x8C, 0x56, 0x4B),
        new Color(0xE3, 0x77, 0xC2), new Color(0x7F, 0x7F, 0x7F), new Color(0xBC, 0xBD, 0x22),
        new Color(0x17, 0xBE, 0xCF),
    };

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 20);
    private static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    private static final Font NO_DATA_FONT = new Font(Font.SANS_SERIF, Font.ITALIC, 18);

    /** Series with at most this many epochs get a marker on every point, so short runs stay visible. */
    private static final int MARKER_LIMIT = 60;

    /** Runs with at least this many epochs get slanted x labels. */
    private static final int SLANTED_LABELS_FROM = 100;

    private HistoryChart() {}

    /** Keys for the loss chart: {@code loss}, {@code val_loss} and any other {@code *loss}. */
    static final Predicate<String> LOSS_KEYS = key -> key.endsWith("loss");

    /** Keys for the accuracy chart: {@code accuracy}, {@code val_accuracy}, and the older {@code acc}. */
    static final Predicate<String> ACCURACY_KEYS = key -> key.endsWith("accuracy") || key.endsWith("acc");

    /**
     * The series of {@code history} whose key matches, training series first, then {@code val_*},
     * each in the map's order.
     */
    static Map<String, List<Double>> select(Map<String, List<Double>> history, Predicate<String> keys) {
        Map<String, List<Double>> selected = new LinkedHashMap<>();
        for (boolean validation : new boolean[] {false, true}) {
            history.forEach((key, values) -> {
                if (key != null && keys.test(key) && key.startsWith("val_") == validation) {
                    selected.put(key, values);
                }
            });
        }
        return selected;
    }

    /**
     * Renders the chart. Null, NaN and infinite values are left out of the line (a gap, or a shorter
     * line); a series with no finite value is left out. When nothing is left to plot the picture shows
     * the title and "No data".
     *
     * @param title the chart title, e.g. {@code Model loss}
     * @param yTitle the y axis title, e.g. {@code loss}
     * @param series name to values, the value at index {@code i} belonging to epoch {@code i + 1}
     */
    static BufferedImage render(String title, String yTitle, Map<String, List<Double>> series) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle("epoch").yAxisTitle(yTitle)
                .build();
        style(chart.getStyler());

        int epochs = 0;
        int colour = 0;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, List<Double>> entry : series.entrySet()) {
            List<Double> values = entry.getValue() == null ? List.of() : entry.getValue();
            List<Integer> x = new ArrayList<>(values.size());
            List<Double> y = new ArrayList<>(values.size());
            boolean anyFinite = false;
            for (int i = 0; i < values.size(); i++) {
                Double v = values.get(i);
                boolean finite = v != null && Double.isFinite(v);
                if (finite) {
                    anyFinite = true;
                    yMin = Math.min(yMin, v);
                    yMax = Math.max(yMax, v);
                }
                x.add(i + 1);
                y.add(finite ? v : Double.NaN);
            }
            if (!anyFinite) {
                continue;
            }
            epochs = Math.max(epochs, values.size());
            XYSeries s = chart.addSeries(entry.getKey(), x, y);
            Color c = COLORS[colour++ % COLORS.length];
            s.setLineColor(c);
            s.setMarkerColor(c);
            s.setLineStyle(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            s.setMarker(values.size() <= MARKER_LIMIT ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        if (epochs == 0) {
            return noData(title);
        }
        XYStyler styler = chart.getStyler();
        epochTicks(styler, epochs);
        if (epochs == 1) {
            // Whole-number bounds, so the ticks land on 0, 1, 2 rather than on halves.
            styler.setXAxisMin(0.0).setXAxisMax(2.0);
        } else {
            styler.setXAxisMin(1.0).setXAxisMax((double) epochs);
        }
        if (yMax - yMin < 1e-12) {
            // A flat line (or a single point): give the y axis some height around the value.
            double d = Math.max(Math.abs(yMax) * 0.05, 0.01);
            styler.setYAxisMin(yMin - d).setYAxisMax(yMax + d);
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static void style(XYStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(Color.DARK_GRAY);
        styler.setPlotGridLinesColor(new Color(0xDD, 0xDD, 0xDD));
        styler.setChartTitleBoxVisible(false);
        styler.setChartTitleFont(TITLE_FONT);
        styler.setChartTitlePadding(10);
        styler.setAxisTitleFont(AXIS_TITLE_FONT);
        styler.setAxisTickLabelsFont(TICK_FONT);
        styler.setLegendFont(LEGEND_FONT);
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        styler.setMarkerSize(6);
        styler.setChartPadding(14);
        styler.setAntiAlias(true);
    }

    /**
     * Epochs are whole numbers, printed without decimals. XChart 3.8 puts the ticks of evenly spaced
     * x values on data points (every epoch for a short run, every k-th for a longer one) and only
     * checks that the labels do not touch; three-digit labels are slanted so they stay apart.
     */
    private static void epochTicks(XYStyler styler, int epochs) {
        styler.setXAxisDecimalPattern("#0");
        if (epochs >= SLANTED_LABELS_FROM) {
            styler.setXAxisLabelRotation(45);
        }
    }

    /** A chart-sized picture with the title and "No data", for a history with nothing to plot. */
    private static BufferedImage noData(String title) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            drawCentered(g, TITLE_FONT, title, 40);
            g.setColor(Color.DARK_GRAY);
            g.drawRect(60, 70, WIDTH - 120, HEIGHT - 130);
            drawCentered(g, NO_DATA_FONT, "No data", HEIGHT / 2 + 10);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawCentered(Graphics2D g, Font font, String text, int baseline) {
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(text, (WIDTH - fm.stringWidth(text)) / 2, baseline);
    }
}
