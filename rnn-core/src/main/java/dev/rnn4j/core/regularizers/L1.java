package dev.rnn4j.core.regularizers;

import dev.rnn4j.api.Regularizer;
import dev.rnn4j.core.Values;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Keras's {@code L1(l1)}: {@code penalty = l1 * sum(|w|)}, gradient {@code l1 * sign(w)} (0 where {@code w} is 0).
 * Pushes weights to exactly 0, so it makes them sparse.
 */
public final class L1 implements Regularizer {
    private final double l1;

    /**
     * @param l1 the factor, finite and at least 0 (Keras's default for {@code "l1"}: 0.01)
     * @throws IllegalArgumentException naming the argument and the value
     */
    public L1(double l1) {
        this.l1 = Regularizers.checkFactor("L1 l1", l1);
    }

    /** @return the factor */
    public double l1() {
        return l1;
    }

    @Override
    public double penalty(INDArray weights) {
        return l1 * Regularizers.sumOfAbsolute(Values.of(weights));
    }

    @Override
    public void addGradient(INDArray weights, INDArray gradient) {
        if (l1 != 0.0) {
            gradient.addi(Transforms.sign(weights, true).muli(l1));
        }
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("l1", l1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof L1 that && Double.compare(l1, that.l1) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(l1);
    }

    @Override
    public String toString() {
        return "L1(l1=" + l1 + ")";
    }
}
