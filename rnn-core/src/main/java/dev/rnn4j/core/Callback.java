package dev.rnn4j.core;

import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Keras's {@code keras.callbacks.Callback}: {@code fit} calls these hooks as it trains, with the logs Keras gives
 * them. Epochs and batches are 0-based, as in Keras: {@code onEpochEnd(0, logs)} follows the first epoch (the
 * progress line says {@code Epoch 1/…}); a run resumed at epoch {@code e} starts with {@code onEpochBegin(e, …)}.
 *
 * <ul>
 *   <li>{@link #onTrainBegin} and {@link #onEpochBegin} get empty logs;</li>
 *   <li>{@link #onBatchEnd} gets the epoch's running logs so far ({@code loss} and each metric);</li>
 *   <li>{@link #onEpochEnd} gets the epoch's logs, with {@code val_…} after validation. Keys a callback adds (as
 *   {@code learning_rate}) reach {@link History} and the progress line, which come after every callback;</li>
 *   <li>{@link #onTrainEnd} gets the last epoch's logs.</li>
 * </ul>
 * A callback reads and steers the run through {@link #context()}: the model, {@link FitContext#stopTraining()}, and at
 * an epoch's end {@link FitContext#state()}. {@link #onInterrupt} (not in Keras) is called instead of
 * {@code onTrainEnd} when fit stops at its {@linkplain FitOptions#stopSignal stop signal}.
 */
public abstract class Callback {
    private FitContext context;

    /**
     * Called by fit before {@link #onTrainBegin}.
     *
     * @param context the run's context
     */
    public final void setContext(FitContext context) {
        this.context = Objects.requireNonNull(context, "context is null");
    }

    /**
     * @return the run's context
     * @throws IllegalStateException outside fit
     */
    protected final FitContext context() {
        if (context == null) {
            throw new IllegalStateException(getClass().getSimpleName() + ": not in a fit yet; pass it to"
                    + " FitOptions.callback");
        }
        return context;
    }

    /** @param logs empty */
    public void onTrainBegin(Map<String, Double> logs) {
    }

    /** @param logs the last epoch's logs */
    public void onTrainEnd(Map<String, Double> logs) {
    }

    /**
     * @param epoch the epoch starting, 0-based
     * @param logs  empty
     */
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
    }

    /**
     * @param epoch the epoch just finished, 0-based
     * @param logs  its logs, validation included; keys added here reach {@link History}
     */
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
    }

    /**
     * @param batch the batch starting, 0-based within its epoch
     * @param logs  empty
     */
    public void onBatchBegin(int batch, Map<String, Double> logs) {
    }

    /**
     * @param batch the batch just trained, 0-based within its epoch
     * @param logs  the epoch's running logs after it
     */
    public void onBatchEnd(int batch, Map<String, Double> logs) {
    }

    /**
     * Called once when fit stops at its stop signal (Ctrl-C), after the step in progress; at an epoch's end, after
     * {@link #onEpochEnd}.
     *
     * @param state the state reached; in the middle of an epoch when {@code state.midEpoch()}
     */
    public void onInterrupt(FitState state) {
    }

    /**
     * Keras's {@code LambdaCallback(on_epoch_end=...)}.
     *
     * @param action called with the 0-based epoch and its logs after every epoch
     * @return a callback that does only that
     */
    public static Callback atEpochEnd(BiConsumer<Integer, Map<String, Double>> action) {
        Objects.requireNonNull(action, "action is null");
        return new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                action.accept(epoch, logs);
            }
        };
    }
}
