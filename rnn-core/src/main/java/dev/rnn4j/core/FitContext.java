package dev.rnn4j.core;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a {@link Callback} sees of the run: the model (Keras's {@code self.model}), fit's parameters (Keras's
 * {@code self.params}), the stop flag (Keras's {@code model.stop_training}) and, at an epoch's end, the whole state a
 * checkpoint needs.
 */
public final class FitContext {
    private final Trainable model;
    private final int epochs;
    private final int stepsPerEpoch;
    private final int verbose;
    private final PrintStream out;
    private final Set<String> warned = new HashSet<>();
    private boolean stopTraining;
    private Supplier<FitState> state;

    FitContext(Trainable model, int epochs, int stepsPerEpoch, int verbose, PrintStream out) {
        this.model = model;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.verbose = verbose;
        this.out = out;
    }

    /** @return the model being trained: a {@link Sequential} or a {@link Model} */
    public Trainable model() {
        return model;
    }

    /** @return the epochs fit trains to (the {@code epochs} argument) */
    public int epochs() {
        return epochs;
    }

    /** @return the steps of one epoch */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** @return fit's verbosity: 0, 1 or 2 */
    public int verbose() {
        return verbose;
    }

    /** @return where fit prints progress, for a callback's own messages */
    public PrintStream out() {
        return out;
    }

    /**
     * Asks fit to stop, as Keras's {@code model.stop_training = True}: after a batch, fit ends the epoch there
     * (validation and {@code onEpochEnd} still run); after an epoch, it trains no more.
     */
    public void stopTraining() {
        stopTraining = true;
    }

    /** @return whether a callback asked fit to stop */
    public boolean stopRequested() {
        return stopTraining;
    }

    /**
     * @return the run's state at the end of the epoch being ended, the history including this epoch's logs with what
     *         callbacks before this one added (what a checkpoint writes)
     * @throws IllegalStateException outside {@link Callback#onEpochEnd}
     */
    public FitState state() {
        if (state == null) {
            throw new IllegalStateException("FitContext.state() is known in onEpochEnd only");
        }
        return state.get();
    }

    void state(Supplier<FitState> state) {
        this.state = state;
    }

    /**
     * Prints a warning once per key, as Keras's {@code warnings.warn} does (a monitored quantity never logged).
     *
     * @param key     what the warning is about
     * @param message the warning
     */
    public void warnOnce(String key, String message) {
        Objects.requireNonNull(message, "message is null");
        if (warned.add(key)) {
            out.println("WARNING: " + message);
        }
    }
}
