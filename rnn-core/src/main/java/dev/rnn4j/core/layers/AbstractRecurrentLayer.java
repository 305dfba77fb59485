package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Shape;

/**
 * The settings and shape rules every recurrent layer shares: input {@code [batch, timesteps, features]}, output
 * {@code [batch, units]} or, with {@code returnSequences}, {@code [batch, timesteps, units]}. A layer adds its own
 * settings and its math.
 */
public abstract class AbstractRecurrentLayer extends AbstractLayer {
    protected final int units;
    protected final ActivationFunction activation;
    protected final boolean useBias;
    protected final boolean returnSequences;
    protected final double dropout;
    protected final Initializer kernelInitializer;
    protected final Initializer recurrentInitializer;
    protected final Initializer biasInitializer;

    /**
     * @param builder   the settings, checked here
     * @param layerType the layer's type name, for messages
     */
    AbstractRecurrentLayer(RecurrentBuilder<?> builder, String layerType) {
        builder.check(layerType);
        this.units = builder.units;
        this.activation = builder.activation;
        this.useBias = builder.useBias;
        this.returnSequences = builder.returnSequences;
        this.dropout = builder.dropout;
        this.kernelInitializer = builder.kernelInitializer;
        this.recurrentInitializer = builder.recurrentInitializer;
        this.biasInitializer = builder.biasInitializer;
    }

    /** @return the size of the state */
    public final int units() {
        return units;
    }

    /** @return whether the output is every state rather than the last */
    public final boolean returnSequences() {
        return returnSequences;
    }

    /** @return the input dropout rate */
    public final double dropout() {
        return dropout;
    }

    @Override
    public Shape outputShape(Shape inputShape) {
        requireRank(inputShape, 2, "[batch, timesteps, features]");
        return returnSequences ? Shape.of(inputShape.dim(0), units) : Shape.of(units);
    }
}
