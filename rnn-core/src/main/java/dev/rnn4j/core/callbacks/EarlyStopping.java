package dev.rnn4j.core.callbacks;

import dev.rnn4j.api.Parameter;
import dev.rnn4j.core.Callback;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code EarlyStopping}: stops training once the monitored quantity has not improved by more than
 * {@code minDelta} for {@code patience} epochs, optionally putting back the weights of the best epoch. Keras's defaults:
 * monitor {@code val_loss}, minDelta 0, patience 0, mode {@code auto}, no baseline, restoreBestWeights false,
 * startFromEpoch 0.
 * <pre>{@code
 * model.fit(x, y, new FitOptions().epochs(100).validationSplit(0.1)
 *         .callbacks(new EarlyStopping().monitor("val_loss").patience(3).restoreBestWeights(true)));
 * }</pre>
 * The counters start again with each fit (as in Keras): a resumed run does not remember the best epoch of the run
 * before.
 */
public final class EarlyStopping extends Callback {
    private String monitorName = "val_loss";
    private String mode = "auto";
    private double minDelta;
    private int patience;
    private Double baseline;
    private boolean restoreBestWeights;
    private int startFromEpoch;
    private boolean verbose;

    private Monitor monitor;
    private int wait;
    private int stoppedEpoch;
    private Double best;
    private int bestEpoch;
    private List<INDArray> bestWeights;

    /**
     * @param monitor the logged quantity to watch, as {@code val_loss} or {@code val_accuracy}
     * @return this
     */
    public EarlyStopping monitor(String monitor) {
        this.monitorName = monitor;
        return this;
    }

    /**
     * @param mode {@code min}, {@code max}, or {@code auto} (losses go down, each metric its own way)
     * @return this
     */
    public EarlyStopping mode(String mode) {
        this.mode = Monitor.checkMode("EarlyStopping", mode);
        return this;
    }

    /**
     * @param minDelta the smallest change that counts as an improvement (its absolute value, as Keras)
     * @return this
     */
    public EarlyStopping minDelta(double minDelta) {
        this.minDelta = Monitor.checkNonNegative("EarlyStopping minDelta", Math.abs(minDelta));
        return this;
    }

    /**
     * @param patience epochs without improvement after which training stops
     * @return this
     */
    public EarlyStopping patience(int patience) {
        this.patience = Monitor.checkNonNegative("EarlyStopping patience", patience);
        return this;
    }

    /**
     * @param baseline a value the quantity must beat before waiting restarts
     * @return this
     */
    public EarlyStopping baseline(double baseline) {
        this.baseline = baseline;
        return this;
    }

    /**
     * @param restoreBestWeights whether to put back, when training ends, the weights of the epoch with the best value
     * @return this
     */
    public EarlyStopping restoreBestWeights(boolean restoreBestWeights) {
        this.restoreBestWeights = restoreBestWeights;
        return this;
    }

    /**
     * @param startFromEpoch epochs (0-based index) before which nothing is watched, for a warm-up
     * @return this
     */
    public EarlyStopping startFromEpoch(int startFromEpoch) {
        this.startFromEpoch = Monitor.checkNonNegative("EarlyStopping startFromEpoch", startFromEpoch);
        return this;
    }

    /**
     * @param verbose whether to print when training stops and when weights are restored
     * @return this
     */
    public EarlyStopping verbose(boolean verbose) {
        this.verbose = verbose;
        return this;
    }

    /** @return the 0-based epoch training stopped after, or -1 when it did not stop early */
    public int stoppedEpoch() {
        return stoppedEpoch - 1;
    }

    /** @return the 0-based epoch with the best value so far (-1 before any) */
    public int bestEpoch() {
        return best == null ? -1 : bestEpoch;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        monitor = new Monitor("EarlyStopping", monitorName, mode);
        wait = 0;
        stoppedEpoch = 0;
        best = null;
        bestEpoch = 0;
        bestWeights = null;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Double current = monitor.value(context(), logs);
        if (current == null || epoch < startFromEpoch) {
            return;
        }
        if (restoreBestWeights && bestWeights == null) {
            bestWeights = weights();
            bestEpoch = epoch;
        }
        wait++;
        if (monitor.improves(context(), current, best, minDelta)) {
            best = current;
            bestEpoch = epoch;
            if (restoreBestWeights) {
                bestWeights = weights();
            }
            if (baseline == null || monitor.improves(context(), current, baseline, minDelta)) {
                wait = 0;
            }
            return;
        }
        if (wait >= patience && epoch > 0) {
            stoppedEpoch = epoch + 1;
            context().stopTraining();
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        if (stoppedEpoch > 0 && verbose) {
            context().out().println("Epoch " + stoppedEpoch + ": early stopping");
        }
        if (restoreBestWeights && bestWeights != null) {
            if (verbose) {
                context().out().println("Restoring model weights from the end of the best epoch: " + (bestEpoch + 1)
                        + ".");
            }
            List<Parameter> parameters = context().model().parameters();
            for (int i = 0; i < parameters.size(); i++) {
                parameters.get(i).value().assign(bestWeights.get(i));
            }
        }
    }

    private List<INDArray> weights() {
        List<INDArray> copies = new ArrayList<>();
        for (Parameter parameter : context().model().parameters()) {
            copies.add(parameter.value().dup());
        }
        return copies;
    }
}
