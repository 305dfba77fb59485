package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Regularizer;
import java.util.Map;

/**
 * Keras's {@code SimpleRNNCell}: {@code h_t = activation(x_t · kernel + h'_{t-1} · recurrent_kernel + bias)}.
 * Parameters {@code kernel [features, units]}, {@code recurrent_kernel [units, units]}, {@code bias [units]}. Backward
 * takes the activation's derivative from the stored state.
 */
public final class SimpleRNNCell extends RecurrentCell {
    private final ActivationFunction activation;
    private final boolean useBias;
    private final Initializer kernelInitializer;
    private final Initializer recurrentInitializer;
    private final Initializer biasInitializer;
    private final Regularizer kernelRegularizer;
    private final Regularizer recurrentRegularizer;
    private final Regularizer biasRegularizer;

    /**
     * Keras's defaults: tanh, bias, no dropout.
     *
     * @param units the size of the state, at least 1
     */
    public SimpleRNNCell(int units) {
        this(SimpleRNN.builder(units));
    }

    SimpleRNNCell(RecurrentBuilder<?> settings) {
        super(settings.units, settings.dropout, settings.recurrentDropout);
        settings.check("SimpleRNN");
        this.activation = settings.activation;
        this.useBias = settings.useBias;
        this.kernelInitializer = settings.kernelInitializer;
        this.recurrentInitializer = settings.recurrentInitializer;
        this.biasInitializer = settings.biasInitializer;
        this.kernelRegularizer = settings.kernelRegularizer;
        this.recurrentRegularizer = settings.recurrentRegularizer;
        this.biasRegularizer = settings.biasRegularizer;
    }

    @Override
    public void declareWeights(Weights weights) {
        weights.kernel(kernelInitializer, kernelRegularizer);
        weights.recurrentKernel(recurrentInitializer, recurrentRegularizer);
        if (useBias) {
            weights.bias(biasInitializer, biasRegularizer);
        }
    }

    @Override
    public void forward(CellStep step) {
        step.backend().activation(activation, step.projection(0), step.newState(0));
    }

    @Override
    public void backward(CellStep step) {
        step.backend().activationBackward(activation, step.newState(0), step.stateGradient(0),
                step.projectionGradient(0));
    }

    /**
     * @param config the cell's {@link #config()}, as Keras's {@code from_config} (missing keys take Keras's defaults)
     * @return a new cell
     */
    public static SimpleRNNCell fromConfig(Map<String, Object> config) {
        return SimpleRNN.builder(dev.rnn4j.core.ConfigValues.requiredInt(config, "units")).readConfig(config).cell();
    }

    @Override
    public Map<String, Object> config() {
        return RecurrentBuilder.writeConfig(this, activation, useBias, kernelInitializer,
                recurrentInitializer, biasInitializer, kernelRegularizer, recurrentRegularizer, biasRegularizer);
    }
}
