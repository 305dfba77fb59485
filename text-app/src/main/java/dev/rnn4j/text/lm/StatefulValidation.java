package dev.rnn4j.text.lm;

import dev.rnn4j.core.Callback;
import dev.rnn4j.core.Sequential;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per epoch: the states reset before training (each epoch reads the streams from their start), then the validation
 * part, as streams with the states carried across windows, scored into the logs as {@code val_loss} (nats per
 * character), {@code val_bpc} and {@code val_perplexity}, with {@code bpc} for the training loss. Put it first among
 * the callbacks, so that the checkpoints and the history hold its figures.
 */
final class StatefulValidation extends Callback {
    private static final double LN2 = Math.log(2);
    private final Sequential model;
    private final INDArray[] validation;
    private final int batch;

    StatefulValidation(Sequential model, INDArray[] validation, int batch) {
        this.model = model;
        this.validation = validation;
        this.batch = batch;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        CharLm.resetStates(model);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Double loss = logs.get("loss");
        if (loss != null) {
            logs.put("bpc", loss / LN2);
        }
        double nats = score(model, validation, batch);
        logs.put("val_loss", nats);
        logs.put("val_bpc", nats / LN2);
        logs.put("val_perplexity", Math.exp(nats));
    }

    /** @return the mean loss in nats per character over the streams, states carried from window to window */
    static double score(Sequential model, INDArray[] streams, int batch) {
        CharLm.resetStates(model);
        double nats = model.evaluate(streams[0], streams[1], batch, 0).get("loss");
        CharLm.resetStates(model);
        return nats;
    }
}
