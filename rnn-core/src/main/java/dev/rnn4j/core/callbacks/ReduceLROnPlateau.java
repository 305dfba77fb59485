package dev.rnn4j.core.callbacks;

import dev.rnn4j.api.Optimizer;
import dev.rnn4j.core.Callback;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's {@code ReduceLROnPlateau}: multiplies the learning rate by {@code factor} once the monitored quantity has not
 * improved by more than {@code minDelta} for {@code patience} epochs, then waits {@code cooldown} epochs before
 * counting again, never going below {@code minLr}. Keras's defaults: monitor {@code val_loss}, factor 0.1, patience
 * 10, mode {@code auto}, minDelta 1e-4, cooldown 0, minLr 0. Each epoch's logs hold the rate as
 * {@code learning_rate}.
 */
public final class ReduceLROnPlateau extends Callback {
    private String monitorName = "val_loss";
    private String mode = "auto";
    private double factor = 0.1;
    private int patience = 10;
    private double minDelta = 1e-4;
    private int cooldown;
    private double minLr;
    private boolean verbose;

    private Monitor monitor;
    private Double best;
    private int wait;
    private int cooldownCounter;

    /**
     * @param monitor the logged quantity to watch
     * @return this
     */
    public ReduceLROnPlateau monitor(String monitor) {
        this.monitorName = monitor;
        return this;
    }

    /**
     * @param mode {@code min}, {@code max} or {@code auto}
     * @return this
     */
    public ReduceLROnPlateau mode(String mode) {
        this.mode = Monitor.checkMode("ReduceLROnPlateau", mode);
        return this;
    }

    /**
     * @param factor what the rate is multiplied by, in (0, 1)
     * @return this
     */
    public ReduceLROnPlateau factor(double factor) {
        if (!(factor > 0.0 && factor < 1.0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau factor: expected a value in (0, 1), found "
                    + factor);
        }
        this.factor = factor;
        return this;
    }

    /**
     * @param patience epochs without improvement before the rate is reduced
     * @return this
     */
    public ReduceLROnPlateau patience(int patience) {
        this.patience = Monitor.checkNonNegative("ReduceLROnPlateau patience", patience);
        return this;
    }

    /**
     * @param minDelta the smallest change that counts as an improvement
     * @return this
     */
    public ReduceLROnPlateau minDelta(double minDelta) {
        this.minDelta = Monitor.checkNonNegative("ReduceLROnPlateau minDelta", minDelta);
        return this;
    }

    /**
     * @param cooldown epochs after a reduction during which no improvement is waited for
     * @return this
     */
    public ReduceLROnPlateau cooldown(int cooldown) {
        this.cooldown = Monitor.checkNonNegative("ReduceLROnPlateau cooldown", cooldown);
        return this;
    }

    /**
     * @param minLr the lowest rate
     * @return this
     */
    public ReduceLROnPlateau minLr(double minLr) {
        this.minLr = Monitor.checkNonNegative("ReduceLROnPlateau minLr", minLr);
        return this;
    }

    /**
     * @param verbose whether to print each reduction
     * @return this
     */
    public ReduceLROnPlateau verbose(boolean verbose) {
        this.verbose = verbose;
        return this;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        monitor = new Monitor("ReduceLROnPlateau", monitorName, mode);
        best = null;
        wait = 0;
        cooldownCounter = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Optimizer optimizer = Monitor.optimizer(context(), "ReduceLROnPlateau");
        logs.put("learning_rate", optimizer.learningRate());
        Double current = monitor.value(context(), logs);
        if (current == null) {
            return;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (monitor.improves(context(), current, best, minDelta)) {
            best = current;
            wait = 0;
        } else if (cooldownCounter == 0) {
            wait++;
            if (wait >= patience) {
                double old = optimizer.learningRate();
                // Keras compares with the float32 minimum: a rate already at it is left alone.
                if (old > (float) minLr) {
                    double reduced = Math.max(old * factor, minLr);
                    optimizer.setLearningRate(reduced);
                    if (verbose) {
                        context().out().printf(Locale.ROOT,
                                "%nEpoch %d: ReduceLROnPlateau reducing learning rate to %s.%n", epoch + 1, reduced);
                    }
                    cooldownCounter = cooldown;
                    wait = 0;
                }
            }
        }
    }
}
