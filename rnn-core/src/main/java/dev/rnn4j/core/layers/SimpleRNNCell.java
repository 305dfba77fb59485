package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import java.util.Map;

/**
 * Keras's {@code SimpleRNNCell}: {@code h_t = activation(x_t · kernel + h'_{t-1} · recurrent_kernel + bias)}.
 * Parameters {@code kernel [features, units]}, {@code recurrent_kernel [units, units]}, {@code bias [units]}. Backward
 * takes the activation's derivative from the stored state.
 */
public final class SimpleRNNCell extends RecurrentCell {
    private final ActivationFunction activation;
    private final RecurrentBuilder.CellWeights weightSettings;

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
        this.weightSettings = settings.weights();
    }

    @Override
    public void declareWeights(Weights weights) {
        weightSettings.declare(weights, false, weightSettings.biasInitializer());
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
        return weightSettings.config(this, activation);
    }
}
