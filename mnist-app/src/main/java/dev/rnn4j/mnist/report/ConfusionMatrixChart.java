package dev.rnn4j.mnist.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Draws a confusion matrix as a heat map with the count in every cell, in the style of
 * scikit-learn's {@code ConfusionMatrixDisplay}. Plain Java2D rather than XChart's heat map, which
 * cannot switch the text to white on dark cells nor label the colour bar with whole counts.
 */
final class ConfusionMatrixChart {

    /** matplotlib's "Blues" colour map, from 0 (almost white) to 1 (dark blue). */
    private static final int[][] BLUES = {
        {247, 251, 255}, {222, 235, 247}, {198, 219, 239}, {158, 202, 225}, {107, 174, 214},
        {66, 146, 198}, {33, 113, 181}, {8, 81, 156}, {8, 48, 107},
    };

    private static final Color INK = new Color(0x20, 0x20, 0x20);
    private static final Color GRID = new Color(0xD0, 0xD8, 0xE0);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 20);
    private static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 17);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);

    private static final int PAD = 18;
    private static final int GAP = 10;
    private static final int TICK_GAP = 8;
    private static final int TICK_LENGTH = 5;
    private static final int BAR_GAP = 24;
    private static final int BAR_WIDTH = 22;

    private ConfusionMatrixChart() {}

    /**
     * Checks that {@code counts} is a non-empty square matrix of non-negative counts whose size is
     * {@code classNames.size()}.
     *
     * @throws IllegalArgumentException naming the argument, what was expected and what was found
     */
    static void validate(int[][] counts, List<String> classNames) {
        if (counts == null) {
            throw new IllegalArgumentException("counts: expected a square matrix, found null");
        }
        if (classNames == null) {
            throw new IllegalArgumentException("classNames: expected one name per class, found null");
        }
        int n = counts.length;
        if (n == 0) {
            throw new IllegalArgumentException("counts: expected at least one class, found an empty matrix");
        }
        for (int i = 0; i < n; i++) {
            if (counts[i] == null) {
                throw new IllegalArgumentException(
                        "counts: expected a square " + n + "x" + n + " matrix, found row " + i + " null");
            }
            if (counts[i].length != n) {
                throw new IllegalArgumentException("counts: expected a square " + n + "x" + n
                        + " matrix, found " + counts[i].length + " columns in row " + i);
            }
        }
        if (classNames.size() != n) {
            throw new IllegalArgumentException("classNames: expected " + n
                    + " names (one per row of counts), found " + classNames.size());
        }
        for (int i = 0; i < n; i++) {
            if (classNames.get(i) == null) {
                throw new IllegalArgumentException("classNames: expected a name for class " + i + ", found null");
            }
            for (int j = 0; j < n; j++) {
                if (counts[i][j] < 0) {
                    throw new IllegalArgumentException("counts: expected non-negative counts, found "
                            + counts[i][j] + " at [" + i + "][" + j + "]");
                }
            }
        }
    }

    /**
     * The title: {@code Confusion matrix (test accuracy 97.62%)}, or {@code (no samples)} when every
     * count is zero.
     */
    static String title(int[][] counts) {
        long total = 0;
        long correct = 0;
        for (int i = 0; i < counts.length; i++) {
            for (int j = 0; j < counts[i].length; j++) {
                total += counts[i][j];
            }
            correct += counts[i][i];
        }
        if (total == 0) {
            return "Confusion matrix (no samples)";
        }
        return String.format(Locale.ROOT, "Confusion matrix (test accuracy %.2f%%)", 100.0 * correct / total);
    }

    /**
     * Renders the heat map: columns are the predicted class (left to right), rows the true class (top
     * to bottom, like a printed matrix), coloured with matplotlib's "Blues" map from 0 to the largest
     * count, with a colour bar on the right. With many classes the cells shrink (to 10 px at least);
     * counts that no longer fit are left out and only every k-th class is labelled.
     *
     * @param counts a matrix accepted by {@link #validate}
     * @param classNames the class names, in row order
     */
    static BufferedImage render(int[][] counts, List<String> classNames) {
        return new Layout(counts, classNames).draw();
    }

    /** Sizes measured from the text, then the drawing. */
    private static final class Layout {

        private final int[][] counts;
        private final List<String> names;
        private final int n;
        private final int max;
        private final String title;

        private final int cell;
        /** The font of the counts, or null when cells are too small to hold them. */
        private final Font valueFont;
        /** Label every row (true class) when they fit, else every {@code rowStep}-th. */
        private final int rowStep;
        /** Label every column (predicted class) when they fit, else every {@code columnStep}-th. */
        private final int columnStep;
        private final boolean rotateXLabels;
        private final int xLabelsHeight;
        private final int matrixLeft;
        private final int matrixTop;
        private final int matrixSize;
        private final int barLeft;
        private final int width;
        private final int height;
        private final int[] barTicks;

        Layout(int[][] counts, List<String> names) {
            this.counts = counts;
            this.names = names;
            this.n = counts.length;
            this.max = max(counts);
            this.title = title(counts);
            // About 640 px for up to 10 classes, cells of 64 px up to 12, then about 768 px in all,
            // with cells of at least 10 px (so the picture grows past 76 classes).
            this.cell = n <= 12 ? Math.max(64, 640 / n) : Math.max(10, 768 / n);
            this.matrixSize = n * cell;
            this.barTicks = ticks(Math.max(1, max));

            Graphics2D g = scratch();
            try {
                FontMetrics tick = g.getFontMetrics(TICK_FONT);
                FontMetrics axis = g.getFontMetrics(AXIS_TITLE_FONT);
                FontMetrics head = g.getFontMetrics(TITLE_FONT);
                this.valueFont = fitValueFont(g);

                int maxName = 0;
                for (String name : names) {
                    maxName = Math.max(maxName, tick.stringWidth(name));
                }
                this.rowStep = Math.max(1, (int) Math.ceil((double) tick.getHeight() / cell));
                this.rotateXLabels = maxName > rowStep * cell - 6;
                // Slanted labels a step apart are step * cell / sqrt(2) apart across the slant.
                this.columnStep = rotateXLabels
                        ? Math.max(1, (int) Math.ceil(tick.getHeight() * Math.sqrt(2) / cell))
                        : rowStep;
                // A slanted label ends at its column and runs down-left at 45 degrees.
                int slant = (int) Math.ceil((maxName + tick.getAscent()) * Math.sqrt(0.5));
                this.xLabelsHeight = rotateXLabels ? slant : tick.getHeight();
                int maxBarLabel = 0;
                for (int t : barTicks) {
                    maxBarLabel = Math.max(maxBarLabel, tick.stringWidth(Integer.toString(t)));
                }

                int leftOfMatrix = PAD + axis.getHeight() + GAP + maxName + TICK_GAP;
                int leftOfSlant = rotateXLabels ? PAD + slant - cell / 2 : 0;
                this.matrixLeft = Math.max(leftOfMatrix, leftOfSlant);
                this.matrixTop = PAD + head.getHeight() + GAP;
                this.barLeft = matrixLeft + matrixSize + BAR_GAP;
                int right = barLeft + BAR_WIDTH + TICK_LENGTH + TICK_GAP + maxBarLabel + PAD;
                int bottom = matrixTop + matrixSize + TICK_GAP + xLabelsHeight + GAP + axis.getHeight() + PAD;
                int titleWidth = head.stringWidth(title) + 2 * PAD;
                this.width = Math.max(right, titleWidth);
                this.height = bottom;
            } finally {
                g.dispose();
            }
        }

        BufferedImage draw() {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            try {
                hints(g);
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, width, height);
                drawTitle(g);
                drawCells(g);
                drawAxes(g);
                drawColourBar(g);
            } finally {
                g.dispose();
            }
            return image;
        }

        private void drawTitle(Graphics2D g) {
            g.setFont(TITLE_FONT);
            g.setColor(INK);
            FontMetrics fm = g.getFontMetrics();
            int centre = Math.min(Math.max(matrixLeft + matrixSize / 2, fm.stringWidth(title) / 2 + PAD),
                    width - PAD - fm.stringWidth(title) / 2);
            g.drawString(title, centre - fm.stringWidth(title) / 2f, PAD + fm.getAscent());
        }

        private void drawCells(Graphics2D g) {
            FontMetrics fm = valueFont == null ? null : g.getFontMetrics(valueFont);
            if (valueFont != null) {
                g.setFont(valueFont);
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    int x = matrixLeft + j * cell;
                    int y = matrixTop + i * cell;
                    double fraction = (double) counts[i][j] / Math.max(1, max);
                    g.setColor(blues(fraction));
                    g.fillRect(x, y, cell, cell);
                    if (fm == null) {
                        continue;
                    }
                    // Dark cells get white text, as scikit-learn's ConfusionMatrixDisplay does.
                    g.setColor(fraction > 0.5 ? Color.WHITE : INK);
                    String text = Integer.toString(counts[i][j]);
                    g.drawString(text, x + (cell - fm.stringWidth(text)) / 2f,
                            y + (cell - fm.getAscent() - fm.getDescent()) / 2f + fm.getAscent());
                }
            }
            g.setColor(GRID);
            g.setStroke(new BasicStroke(1f));
            for (int k = 1; k < n; k++) {
                g.draw(new Line2D.Double(matrixLeft + k * cell, matrixTop, matrixLeft + k * cell, matrixTop + matrixSize));
                g.draw(new Line2D.Double(matrixLeft, matrixTop + k * cell, matrixLeft + matrixSize, matrixTop + k * cell));
            }
            g.setColor(INK);
            g.draw(new Rectangle2D.Double(matrixLeft, matrixTop, matrixSize, matrixSize));
        }

        private void drawAxes(Graphics2D g) {
            g.setColor(INK);
            g.setFont(TICK_FONT);
            FontMetrics fm = g.getFontMetrics();
            int xLabelsTop = matrixTop + matrixSize + TICK_GAP;
            for (int k = 0; k < n; k += rowStep) {
                // Rows (true class): right-aligned left of the row.
                String name = names.get(k);
                g.drawString(name, matrixLeft - TICK_GAP - fm.stringWidth(name),
                        matrixTop + k * cell + (cell - fm.getAscent() - fm.getDescent()) / 2f + fm.getAscent());
            }
            for (int k = 0; k < n; k += columnStep) {
                // Columns (predicted class): centred under the column, or slanted when too wide.
                String name = names.get(k);
                float centre = matrixLeft + k * cell + cell / 2f;
                if (rotateXLabels) {
                    AffineTransform saved = g.getTransform();
                    g.translate(centre + fm.getAscent() / 2.0, xLabelsTop);
                    g.rotate(-Math.PI / 4);
                    g.drawString(name, (float) -fm.stringWidth(name), fm.getAscent() / 2f);
                    g.setTransform(saved);
                } else {
                    g.drawString(name, centre - fm.stringWidth(name) / 2f, xLabelsTop + fm.getAscent());
                }
            }
            int xLabelsBottom = xLabelsTop + xLabelsHeight;

            g.setFont(AXIS_TITLE_FONT);
            FontMetrics am = g.getFontMetrics();
            String xTitle = "Predicted label";
            g.drawString(xTitle, matrixLeft + (matrixSize - am.stringWidth(xTitle)) / 2f,
                    xLabelsBottom + GAP + am.getAscent());
            String yTitle = "True label";
            AffineTransform saved = g.getTransform();
            g.translate(PAD + am.getAscent(), matrixTop + (matrixSize + am.stringWidth(yTitle)) / 2.0);
            g.rotate(-Math.PI / 2);
            g.drawString(yTitle, 0f, 0f);
            g.setTransform(saved);
        }

        private void drawColourBar(Graphics2D g) {
            for (int y = 0; y < matrixSize; y++) {
                g.setColor(blues(1.0 - (y + 0.5) / matrixSize));
                g.fillRect(barLeft, matrixTop + y, BAR_WIDTH, 1);
            }
            g.setColor(INK);
            g.setStroke(new BasicStroke(1f));
            g.draw(new Rectangle2D.Double(barLeft, matrixTop, BAR_WIDTH, matrixSize));
            g.setFont(TICK_FONT);
            FontMetrics fm = g.getFontMetrics();
            int top = Math.max(1, max);
            for (int t : barTicks) {
                double y = matrixTop + matrixSize * (1.0 - (double) t / top);
                g.draw(new Line2D.Double(barLeft + BAR_WIDTH, y, barLeft + BAR_WIDTH + TICK_LENGTH, y));
                g.drawString(Integer.toString(t), barLeft + BAR_WIDTH + TICK_LENGTH + TICK_GAP,
                        (float) (y + (fm.getAscent() - fm.getDescent()) / 2.0));
            }
        }

        /**
         * The largest font, at most 16 pt (22 pt in big cells) and at least 8 pt, in which the widest
         * count fits a cell; null if even 8 pt does not fit.
         */
        private Font fitValueFont(Graphics2D g) {
            String widest = Integer.toString(max);
            for (int size = cell >= 100 ? 22 : 16; size >= 8; size--) {
                Font font = new Font(Font.SANS_SERIF, Font.PLAIN, size);
                FontMetrics fm = g.getFontMetrics(font);
                if (fm.stringWidth(widest) <= cell - 6 && fm.getAscent() + fm.getDescent() <= cell - 4) {
                    return font;
                }
            }
            return null;
        }
    }

    /**
     * Colour-bar ticks: 0 and "nice" steps (1, 2 or 5 times a power of ten, about five of them) up to
     * {@code max}.
     *
     * @param max the top of the colour bar, at least 1
     */
    static int[] ticks(int max) {
        if (max <= 0) {
            return new int[] {0};
        }
        double rough = max / 5.0;
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = power;
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= rough) {
                step = m * power;
                break;
            }
        }
        int intStep = Math.max(1, (int) Math.round(step));
        int count = max / intStep + 1;
        int[] ticks = new int[count];
        for (int k = 0; k < count; k++) {
            ticks[k] = k * intStep;
        }
        return ticks;
    }

    /** matplotlib's "Blues" colour map at {@code fraction} in [0, 1], linearly interpolated. */
    static Color blues(double fraction) {
        double f = Math.min(1.0, Math.max(0.0, fraction)) * (BLUES.length - 1);
        int k = Math.min(BLUES.length - 2, (int) Math.floor(f));
        double t = f - k;
        int[] a = BLUES[k];
        int[] b = BLUES[k + 1];
        return new Color(
                (int) Math.round(a[0] + (b[0] - a[0]) * t),
                (int) Math.round(a[1] + (b[1] - a[1]) * t),
                (int) Math.round(a[2] + (b[2] - a[2]) * t));
    }

    private static Graphics2D scratch() {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        hints(g);
        return g;
    }

    private static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    }

    private static int max(int[][] counts) {
        int max = 0;
        for (int[] row : counts) {
            for (int v : row) {
                max = Math.max(max, v);
            }
        }
        return max;
    }
}
