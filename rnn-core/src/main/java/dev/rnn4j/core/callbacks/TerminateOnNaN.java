package dev.rnn4j.core.callbacks;

import dev.rnn4j.core.Callback;
import java.util.Map;

/**
 * Keras's {@code TerminateOnNaN}: when a batch's loss is NaN or infinite, training stops after that batch (the epoch
 * ends there, with its logs). Without it, fit stops with an error that names the epoch, the batch and the learning
 * rate.
 */
public final class TerminateOnNaN extends Callback {
    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
        Double loss = logs.get("loss");
        if (loss != null && !Double.isFinite(loss)) {
            context().out().println("Batch " + batch + ": Invalid loss, terminating training");
            context().stopTraining();
        }
    }
}
