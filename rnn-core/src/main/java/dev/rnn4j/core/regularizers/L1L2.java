package dev.rnn4j.core.regularizers;

import dev.rnn4j.api.Regularizer;
import dev.rnn4j.core.Values;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Keras's {@code L1L2(l1, l2)}: {@code penalty = l1 * sum(|w|) + l2 * sum(w^2)}, gradient
 * {@code l1 * sign(w) + 2 * l2 * w}; a factor of 0 leaves its term out, as Keras.
 */
public final class L1L2 implements Regularizer {
    private final double l1;
    private final double l2;

    /**
     * @param l1 the L1 factor, finite and at least 0 (Keras's class default 0; the name {@code "l1_l2"} gives 0.01)
     * @param l2 the L2 factor, finite and at least 0 (likewise)
     * @throws IllegalArgumentException naming the argument and the value
     */
    public L1L2(double l1, double l2) {
        this.l1 = Regularizers.checkFactor("L1L2 l1", l1);
        this.l2 = Regularizers.checkFactor("L1L2 l2", l2);
    }

    /** @return the L1 factor */
    public double l1() {
        return l1;
    }

    /** @return the L2 factor */
    public double l2() {
        return l2;
    }

    @Override
    public double penalty(INDArray weights) {
        double[] values = Values.of(weights);
        double penalty = 0.0;
        if (l1 != 0.0) {
            penalty += l1 * Regularizers.sumOfAbsolute(values);
        }
        if (l2 != 0.0) {
            penalty += l2 * Regularizers.sumOfSquares(values);
        }
        return penalty;
    }

    @Override
    public void addGradient(INDArray weights, INDArray gradient) {
        if (l1 != 0.0) {
            gradient.addi(Transforms.sign(weights, true).muli(l1));
        }
        if (l2 != 0.0) {
            gradient.addi(weights.mul(2.0 * l2));
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("l1", l1);
        config.put("l2", l2);
        return config;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof L1L2 that && Double.compare(l1, that.l1) == 0 && Double.compare(l2, that.l2) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(l1) + Double.hashCode(l2);
    }

    @Override
    public String toString() {
        return "L1L2(l1=" + l1 + ", l2=" + l2 + ")";
    }
}
