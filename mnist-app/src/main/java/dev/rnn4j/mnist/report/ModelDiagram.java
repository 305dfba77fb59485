package dev.rnn4j.mnist.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a Keras {@code plot_model(model, show_shapes=True)}-style diagram with Java2D: one box per
 * layer, stacked top to bottom and joined by arrows. Each box has three columns:
 *
 * <pre>
 * +------------------------+---------+----------------+
 * |                        | input:  | (None, 28, 28) |
 * | simple_rnn: SimpleRNN  +---------+----------------+
 * |                        | output: | (None, 256)    |
 * +------------------------+---------+----------------+
 * </pre>
 *
 * The columns have the same width in every box, sized from the longest text, so the boxes line up.
 */
final class ModelDiagram {

    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 17);
    private static final Font SHAPE_FONT = new Font(Font.MONOSPACED, Font.PLAIN, 16);
    private static final Color BACKGROUND = Color.WHITE;
    private static final Color INK = new Color(0x20, 0x20, 0x20);
    private static final Color NAME_FILL = new Color(0xE8, 0xF0, 0xFA);
    private static final Color INPUT_FILL = new Color(0xF2, 0xF2, 0xF2);
    private static final Color IO_FILL = Color.WHITE;

    private static final int MARGIN = 24;
    private static final int PAD_X = 14;
    private static final int PAD_Y = 7;
    private static final int ARROW_LENGTH = 44;
    private static final int ARROW_HEAD_LENGTH = 12;
    private static final int ARROW_HEAD_HALF_WIDTH = 7;
    private static final float LINE_WIDTH = 1.5f;

    private static final String INPUT_LABEL = "input:";
    private static final String OUTPUT_LABEL = "output:";

    private ModelDiagram() {}

    /**
     * The boxes to draw: {@code layers}, preceded by an {@code <first>_input: InputLayer} box when the
     * first layer is not already an input layer (Keras draws that box for a {@code Sequential} model
     * whose first layer was given an {@code input_shape}).
     */
    static List<DiagramLayer> withInputBox(List<DiagramLayer> layers) {
        List<DiagramLayer> boxes = new ArrayList<>(layers.size() + 1);
        DiagramLayer first = layers.get(0);
        if (!first.isInputLayer()) {
            boxes.add(new DiagramLayer(first.name() + "_input", DiagramLayer.INPUT_LAYER_TYPE,
                    first.inputShape(), first.inputShape()));
        }
        boxes.addAll(layers);
        return boxes;
    }

    /**
     * Renders the boxes (already including any input box) into a new image sized to fit the text.
     *
     * @param boxes at least one box
     * @return an RGB image
     */
    static BufferedImage render(List<DiagramLayer> boxes) {
        // Measure with the same rendering hints as the final drawing.
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D measure = scratch.createGraphics();
        int nameWidth;
        int labelWidth;
        int shapeWidth;
        int rowHeight;
        try {
            applyHints(measure);
            FontMetrics fm = measure.getFontMetrics(FONT);
            FontMetrics sm = measure.getFontMetrics(SHAPE_FONT);
            int maxName = 0;
            int maxShape = 0;
            for (DiagramLayer box : boxes) {
                maxName = Math.max(maxName, width(fm, box.label()));
                maxShape = Math.max(maxShape, width(sm, box.inputShape()));
                maxShape = Math.max(maxShape, width(sm, box.outputShape()));
            }
            nameWidth = maxName + 2 * PAD_X;
            labelWidth = Math.max(width(fm, INPUT_LABEL), width(fm, OUTPUT_LABEL)) + 2 * PAD_X;
            shapeWidth = maxShape + 2 * PAD_X;
            rowHeight = Math.max(fm.getHeight(), sm.getHeight()) + 2 * PAD_Y;
        } finally {
            measure.dispose();
        }

        int boxWidth = nameWidth + labelWidth + shapeWidth;
        int boxHeight = 2 * rowHeight;
        int n = boxes.size();
        int width = boxWidth + 2 * MARGIN;
        int height = n * boxHeight + (n - 1) * ARROW_LENGTH + 2 * MARGIN;

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            applyHints(g);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            g.setStroke(new BasicStroke(LINE_WIDTH));
            for (int i = 0; i < n; i++) {
                int top = MARGIN + i * (boxHeight + ARROW_LENGTH);
                drawBox(g, boxes.get(i), MARGIN, top, nameWidth, labelWidth, shapeWidth, rowHeight);
                if (i + 1 < n) {
                    drawArrow(g, MARGIN + boxWidth / 2.0, top + boxHeight, top + boxHeight + ARROW_LENGTH);
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawBox(Graphics2D g, DiagramLayer box, int left, int top,
            int nameWidth, int labelWidth, int shapeWidth, int rowHeight) {
        int boxWidth = nameWidth + labelWidth + shapeWidth;
        int boxHeight = 2 * rowHeight;
        int labelLeft = left + nameWidth;
        int shapeLeft = labelLeft + labelWidth;
        int middle = top + rowHeight;

        g.setColor(box.isInputLayer() ? INPUT_FILL : NAME_FILL);
        g.fillRect(left, top, nameWidth, boxHeight);
        g.setColor(IO_FILL);
        g.fillRect(labelLeft, top, labelWidth + shapeWidth, boxHeight);

        g.setColor(INK);
        g.draw(new Rectangle2D.Double(left, top, boxWidth, boxHeight));
        g.draw(new Line2D.Double(labelLeft, top, labelLeft, top + boxHeight));
        g.draw(new Line2D.Double(shapeLeft, top, shapeLeft, top + boxHeight));
        g.draw(new Line2D.Double(labelLeft, middle, left + boxWidth, middle));

        drawCentered(g, FONT, box.label(), left, top, nameWidth, boxHeight);
        drawLeft(g, FONT, INPUT_LABEL, labelLeft + PAD_X, top, rowHeight);
        drawLeft(g, FONT, OUTPUT_LABEL, labelLeft + PAD_X, middle, rowHeight);
        drawLeft(g, SHAPE_FONT, box.inputShape(), shapeLeft + PAD_X, top, rowHeight);
        drawLeft(g, SHAPE_FONT, box.outputShape(), shapeLeft + PAD_X, middle, rowHeight);
    }

    private static void drawArrow(Graphics2D g, double x, double fromY, double toY) {
        double headBase = toY - ARROW_HEAD_LENGTH;
        g.draw(new Line2D.Double(x, fromY, x, headBase));
        Path2D head = new Path2D.Double();
        head.moveTo(x, toY);
        head.lineTo(x - ARROW_HEAD_HALF_WIDTH, headBase);
        head.lineTo(x + ARROW_HEAD_HALF_WIDTH, headBase);
        head.closePath();
        g.fill(head);
    }

    private static void drawCentered(Graphics2D g, Font font, String text, int left, int top, int width, int height) {
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        float x = left + (width - (float) fm.getStringBounds(text, g).getWidth()) / 2f;
        g.drawString(text, x, baseline(fm, top, height));
    }

    private static void drawLeft(Graphics2D g, Font font, String text, int x, int top, int height) {
        g.setFont(font);
        g.drawString(text, (float) x, baseline(g.getFontMetrics(), top, height));
    }

    /** Baseline that centres the font's ascent+descent vertically in the cell. */
    private static float baseline(FontMetrics fm, int top, int height) {
        return top + (height - (fm.getAscent() + fm.getDescent())) / 2f + fm.getAscent();
    }

    private static int width(FontMetrics fm, String text) {
        return (int) Math.ceil(fm.getStringBounds(text, null).getWidth());
    }

    private static void applyHints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }
}
