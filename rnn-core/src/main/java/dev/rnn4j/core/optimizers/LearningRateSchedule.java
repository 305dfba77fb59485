package dev.rnn4j.core.optimizers;

/**
 * A learning rate per epoch, as Keras's {@code LearningRateScheduler(schedule)} callback takes it: epoch {@code e}
 * (0-based) trains with {@code rate(e)}. Applied by {@link LearningRateScheduler}; {@link ExponentialDecay} and
 * {@link StepDecay} are built in, and any lambda will do:
 * <pre>{@code
 * LearningRateSchedule warmUp = epoch -> epoch < 2 ? 0.001 : 0.01;
 * }</pre>
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /**
     * @param epoch the epoch about to train, 0-based
     * @return its learning rate, positive and finite
     */
    double rate(int epoch);
}
