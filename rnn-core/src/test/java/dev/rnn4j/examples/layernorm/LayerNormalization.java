package dev.rnn4j.examples.layernorm;

import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.layers.AbstractLayer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Keras's {@code LayerNormalization} over the last axis: each sample (and each timestep of a sequence) is normalized
 * over its features, then scaled and shifted per feature:
 * <pre>
 * mean = average of x over the features,  variance = average of (x - mean)² over the features
 * y = gamma * (x - mean) / sqrt(variance + epsilon) + beta
 * </pre>
 * Parameters: {@code gamma [features]} (ones) and {@code beta [features]} (zeros). Works on {@code [batch, features]}
 * and on {@code [batch, timesteps, features]}.
 */
public final class LayerNormalization extends AbstractLayer {
    private final double epsilon;
    private INDArray gamma;
    private INDArray beta;
    /** Saved by forward for backward: (x - mean) / sqrt(variance + epsilon), and 1 / sqrt(variance + epsilon). */
    private INDArray normalized;
    private INDArray inverseDeviation;

    /** Keras's default epsilon, 1e-3. */
    public LayerNormalization() {
        this(1e-3);
    }

    /**
     * @param epsilon added to the variance, positive
     */
    public LayerNormalization(double epsilon) {
        if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("LayerNormalization epsilon: expected a positive number, found "
                    + epsilon);
        }
        this.epsilon = epsilon;
    }

    /**
     * Rebuilds the layer from its {@link #config()}, for model files.
     *
     * @param config the saved config; a missing epsilon takes Keras's default
     * @return a new layer
     */
    public static Layer fromConfig(Map<String, Object> config) {
        Object epsilon = config.getOrDefault("epsilon", 1e-3);
        if (!(epsilon instanceof Number number)) {
            throw new IllegalArgumentException("epsilon: expected a number, found " + epsilon);
        }
        return new LayerNormalization(number.doubleValue());
    }

    @Override
    public Shape outputShape(Shape inputShape) {
        return inputShape;
    }

    @Override
    public long countParams(Shape inputShape) {
        return 2L * inputShape.last();
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("epsilon", epsilon);
        return config;
    }

    @Override
    protected void buildInternal(Shape inputShape) {
        gamma = addWeight("gamma", new int[] {inputShape.last()}, Initializers.constant(1.0));
        beta = addWeight("beta", new int[] {inputShape.last()}, Initializers.zeros());
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        INDArray x = rows(input);
        INDArray centered = x.subColumnVector(x.mean(true, 1));
        INDArray variance = centered.mul(centered).mean(true, 1);
        inverseDeviation = Transforms.pow(variance.addi(epsilon), -0.5, false);
        normalized = centered.muliColumnVector(inverseDeviation);
        INDArray y = normalized.mulRowVector(row(gamma)).addiRowVector(row(beta));
        return y.reshape('c', input.shape());
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        INDArray dy = rows(outputGradient);
        parameter("gamma").gradient().assign(dy.mul(normalized).sum(0));
        parameter("beta").gradient().assign(dy.sum(0));
        if (!needInputGradient) {
            return null;
        }
        // dx = (dn - mean(dn) - n * mean(dn * n)) / sqrt(variance + epsilon), with dn = dy * gamma, per row
        INDArray dNormalized = dy.mulRowVector(row(gamma));
        INDArray meanOfProducts = dNormalized.mul(normalized).mean(true, 1);
        INDArray dx = dNormalized.subiColumnVector(dNormalized.mean(true, 1))
                .subi(normalized.mulColumnVector(meanOfProducts))
                .muliColumnVector(inverseDeviation);
        return dx.reshape('c', outputGradient.shape());
    }

    /** @return the array as a matrix of feature rows, {@code [samples (x timesteps), features]} */
    private INDArray rows(INDArray array) {
        long features = inputShape().last();
        return array.dup('c').reshape('c', array.length() / features, features);
    }

    private static INDArray row(INDArray vector) {
        return vector.reshape(1, vector.length());
    }
}
