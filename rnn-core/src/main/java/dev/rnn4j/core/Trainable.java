package dev.rnn4j.core;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Loss;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import java.util.List;

/** What {@link Sequential} and the functional {@link Model} share, as callbacks see the model being trained. */
public interface Trainable {
    /** @return the parameters the optimizer updates, in a fixed order */
    List<Parameter> parameters();

    /** @return the compiled optimizer, or null before compile */
    Optimizer optimizer();

    /** @return the compiled loss, or null before compile */
    Loss loss();

    /** @return the compiled metric names */
    List<String> metrics();

    /** @return the backend the model computes with */
    Backend backend();

    /** @return the model's generator (shuffling, dropout) */
    SeededRandom random();

    /** @return Keras's summary table */
    String summary();
}
