package dev.rnn4j.core.optimizers;

import dev.rnn4j.api.Optimizer;

/**
 * What every optimizer keeps besides its slots: the learning rate (checked, settable for schedules) and the number of
 * steps taken (restorable for resumed training). A subclass calls {@link #countStep()} at the end of each step.
 */
public abstract class AbstractOptimizer implements Optimizer {
    private double learningRate;
    private long iterations;

    /**
     * @param learningRate a positive, finite rate
     */
    protected AbstractOptimizer(double learningRate) {
        setLearningRate(learningRate);
    }

    @Override
    public final double learningRate() {
        return learningRate;
    }

    @Override
    public final void setLearningRate(double learningRate) {
        if (!(learningRate > 0.0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException(name() + " learning_rate: expected a positive finite value, found "
                    + learningRate);
        }
        this.learningRate = learningRate;
    }

    @Override
    public final long iterations() {
        return iterations;
    }

    @Override
    public final void restoreIterations(long iterations) {
        if (iterations < 0) {
            throw new IllegalArgumentException(name() + " iterations: expected at least 0, found " + iterations);
        }
        this.iterations = iterations;
    }

    /** Records one finished step. */
    protected final void countStep() {
        iterations++;
    }
}
