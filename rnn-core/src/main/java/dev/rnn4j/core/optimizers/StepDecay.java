package dev.rnn4j.core.optimizers;

/**
 * The classic step schedule: the rate is multiplied by {@code factor} every {@code stepEpochs} epochs,
 * {@code rate(epoch) = initialRate * factor ^ floor(epoch / stepEpochs)}.
 *
 * @param initialRate the rate of epoch 0, positive and finite
 * @param factor      the factor per step, positive and finite (0.5 halves the rate)
 * @param stepEpochs  epochs per step, at least 1
 */
public record StepDecay(double initialRate, double factor, int stepEpochs) implements LearningRateSchedule {
    /** Checks the arguments. */
    public StepDecay {
        if (!(initialRate > 0.0) || Double.isInfinite(initialRate)) {
            throw new IllegalArgumentException("StepDecay initialRate: expected a positive finite value, found "
                    + initialRate);
        }
        if (!(factor > 0.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("StepDecay factor: expected a positive finite value, found " + factor);
        }
        if (stepEpochs < 1) {
            throw new IllegalArgumentException("StepDecay stepEpochs: expected at least 1, found " + stepEpochs);
        }
    }

    @Override
    public double rate(int epoch) {
        return initialRate * Math.pow(factor, Math.floorDiv(epoch, stepEpochs));
    }
}
