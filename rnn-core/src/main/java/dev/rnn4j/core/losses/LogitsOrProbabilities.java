package dev.rnn4j.core.losses;

import java.util.LinkedHashMap;
import java.util.Map;

/** A {@link RowLoss} on probabilities or, with {@code from_logits}, on logits. */
abstract class LogitsOrProbabilities extends RowLoss {
    final boolean fromLogits;

    LogitsOrProbabilities(boolean fromLogits) {
        this.fromLogits = fromLogits;
    }

    /** @return whether the predictions are logits rather than probabilities */
    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("from_logits", fromLogits);
        return config;
    }
}
