package dev.rnn4j.core;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras 2's progress output ({@code Progbar}) for one epoch or one evaluation.
 * <ul>
 *   <li>verbose 1 on a terminal: a bar redrawn in place with {@code \r}, at most every 100 ms, ending in
 *   {@code 469/469 [==============================] - 31s 64ms/step - loss: 0.7446 - accuracy: 0.7800};</li>
 *   <li>verbose 1 elsewhere (a log file, a pipe): only that finished line, so logs stay readable;</li>
 *   <li>verbose 2: {@code 469/469 - 31s - loss: 0.7446 - accuracy: 0.7800 - 31s/epoch - 64ms/step};</li>
 *   <li>verbose 0: nothing.</li>
 * </ul>
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final int verbose;
    private final boolean interactive;
    private final int target;
    private final long start;
    private long lastDraw;
    private int lastLength;

    /**
     * @param out         where to print
     * @param verbose     0, 1 or 2
     * @param interactive whether {@code out} is a terminal that honours {@code \r}
     * @param target      the number of steps
     */
    public ProgressBar(PrintStream out, int verbose, boolean interactive, int target) {
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose: expected 0, 1 or 2, found " + verbose);
        }
        this.out = out;
        this.verbose = verbose;
        this.interactive = interactive;
        this.target = target;
        this.start = System.nanoTime();
    }

    /** @return whether standard output looks like a terminal */
    public static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    /**
     * Reports progress; cheap when nothing is drawn.
     *
     * @param current the steps done
     * @param values  running averages to show, in order
     */
    public void update(int current, Map<String, Double> values) {
        boolean finished = current >= target;
        if (verbose == 0 || (!finished && (verbose == 2 || !interactive))) {
            return;
        }
        long now = System.nanoTime();
        if (!finished && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - start) / 1e9;
        String line = verbose == 2 ? epochLine(current, values, elapsed) : barLine(current, values, elapsed);
        if (interactive && verbose == 1) {
            int padding = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(padding));
            lastLength = line.length();
            if (finished) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    private String barLine(int current, Map<String, Double> values, double elapsed) {
        int digits = String.valueOf(target).length();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%" + digits + "d/%d [", current, target));
        int filled = target == 0 ? WIDTH : (int) ((long) WIDTH * current / target);
        if (filled > 0) {
            line.append("=".repeat(filled - 1)).append(current < target ? '>' : '=');
        }
        line.append(".".repeat(WIDTH - filled)).append(']');
        if (current < target) {
            double perStep = current == 0 ? 0 : elapsed / current;
            line.append(" - ETA: ").append(eta(perStep * (target - current)));
        } else {
            line.append(String.format(Locale.ROOT, " - %.0fs", elapsed)).append(perStep(elapsed / Math.max(1, target),
                    "step"));
        }
        appendValues(line, values);
        return line.toString();
    }

    private String epochLine(int current, Map<String, Double> values, double elapsed) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%d/%d - %.0fs", current, target, elapsed));
        appendValues(line, values);
        line.append(" - ").append(perStep(elapsed, "epoch").trim());
        line.append(" - ").append(perStep(elapsed / Math.max(1, target), "step").trim());
        return line.toString();
    }

    private static void appendValues(StringBuilder line, Map<String, Double> values) {
        values.forEach((key, value) -> line.append(" - ").append(key).append(": ").append(formatValue(value)));
    }

    /**
     * @param value a loss or metric
     * @return Keras's format: 4 decimals, or scientific notation for magnitudes at most 1e-3
     */
    static String formatValue(double value) {
        return Math.abs(value) > 1e-3 ? String.format(Locale.ROOT, "%.4f", value)
                : String.format(Locale.ROOT, "%.4e", value);
    }

    private static String perStep(double seconds, String unit) {
        if (seconds >= 1 || seconds == 0) {
            return String.format(Locale.ROOT, " %.0fs/%s", seconds, unit);
        }
        if (seconds >= 1e-3) {
            return String.format(Locale.ROOT, " %.0fms/%s", seconds * 1e3, unit);
        }
        return String.format(Locale.ROOT, " %.0fus/%s", seconds * 1e6, unit);
    }

    private static String eta(double seconds) {
        long whole = (long) seconds;
        if (whole > 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, (whole % 3600) / 60, whole % 60);
        }
        if (whole > 60) {
            return String.format(Locale.ROOT, "%d:%02d", whole / 60, whole % 60);
        }
        return whole + "s";
    }
}
