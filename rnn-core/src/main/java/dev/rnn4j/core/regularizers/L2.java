package dev.rnn4j.core.regularizers;

import dev.rnn4j.api.Regularizer;
import dev.rnn4j.core.Values;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code L2(l2)}: {@code penalty = l2 * sum(w^2)}, gradient {@code 2 * l2 * w}. Keras 3 has no factor 1/2,
 * so with SGD it is weight decay by {@code 2 * learning_rate * l2} per step.
 */
public final class L2 implements Regularizer {
    private final double l2;

    /**
     * @param l2 the factor, finite and at least 0 (Keras's default for {@code "l2"}: 0.01)
     * @throws IllegalArgumentException naming the argument and the value
     */
    public L2(double l2) {
        this.l2 = Regularizers.checkFactor("L2 l2", l2);
    }

    /** @return the factor */
    public double l2() {
        return l2;
    }

    @Override
    public double penalty(INDArray weights) {
        return l2 * Regularizers.sumOfSquares(Values.of(weights));
    }

    @Override
    public void addGradient(INDArray weights, INDArray gradient) {
        if (l2 != 0.0) {
            gradient.addi(weights.mul(2.0 * l2));
        }
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("l2", l2);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof L2 that && Double.compare(l2, that.l2) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(l2);
    }

    @Override
    public String toString() {
        return "L2(l2=" + l2 + ")";
    }
}
