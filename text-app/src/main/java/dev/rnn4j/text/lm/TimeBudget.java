package dev.rnn4j.text.lm;

import dev.rnn4j.core.Callback;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stops training after the epoch past which the next would end beyond the budget (judged by the slowest epoch so
 * far), so a run takes at most about the minutes given, whatever the machine's speed. Put it after the callbacks
 * whose work at an epoch's end counts (the validation).
 */
final class TimeBudget extends Callback {
    private final double seconds;
    private final List<Double> epochSeconds;
    private final PrintStream console;
    private long epochStart;
    private boolean stopped;

    /**
     * @param minutes the budget; 0 for none
     * @param earlier the seconds of the epochs a resumed run trained before
     * @param console where the stop is reported
     */
    TimeBudget(double minutes, List<Double> earlier, PrintStream console) {
        this.seconds = minutes * 60;
        this.epochSeconds = new java.util.ArrayList<>(earlier);
        this.console = console;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        epochStart = System.nanoTime();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        epochSeconds.add((System.nanoTime() - epochStart) / 1e9);
        if (seconds <= 0 || epoch + 1 >= context().epochs()) {
            return;
        }
        double spent = epochSeconds.stream().mapToDouble(Double::doubleValue).sum();
        double slowest = epochSeconds.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        if (spent + slowest > seconds) {
            stopped = true;
            context().stopTraining();
            console.printf(Locale.ROOT, "%nStopping after epoch %d: %.1f of the %.0f minutes (--minutes) are spent,"
                    + " and another epoch takes about %.1f more%n", epoch + 1, spent / 60, seconds / 60,
                    slowest / 60);
        }
    }

    boolean stopped() {
        return stopped;
    }
}
