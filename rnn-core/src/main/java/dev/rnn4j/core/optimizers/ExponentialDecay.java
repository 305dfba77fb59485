package dev.rnn4j.core.optimizers;

/**
 * Keras's {@code ExponentialDecay}, counted in epochs instead of steps:
 * {@code rate(epoch) = initialRate * decayRate ^ (epoch / decayEpochs)}, the exponent rounded down when
 * {@code staircase}.
 *
 * @param initialRate the rate of epoch 0, positive and finite
 * @param decayRate   the factor per {@code decayEpochs}, positive and finite
 * @param decayEpochs the number of epochs over which the rate is multiplied by {@code decayRate}, at least 1
 * @param staircase   whether the rate changes in steps every {@code decayEpochs} epochs
 */
public record ExponentialDecay(double initialRate, double decayRate, int decayEpochs, boolean staircase)
        implements LearningRateSchedule {
    /** Checks the arguments. */
    public ExponentialDecay {
        if (!(initialRate > 0.0) || Double.isInfinite(initialRate)) {
            throw new IllegalArgumentException("ExponentialDecay initial_learning_rate: expected a positive finite"
                    + " value, found " + initialRate);
        }
        if (!(decayRate > 0.0) || Double.isInfinite(decayRate)) {
            throw new IllegalArgumentException("ExponentialDecay decay_rate: expected a positive finite value, found "
                    + decayRate);
        }
        if (decayEpochs < 1) {
            throw new IllegalArgumentException("ExponentialDecay decay_steps: expected at least 1 epoch, found "
                    + decayEpochs);
        }
    }

    @Override
    public double rate(int epoch) {
        double exponent = (double) epoch / decayEpochs;
        return initialRate * Math.pow(decayRate, staircase ? Math.floor(exponent) : exponent);
    }
}
