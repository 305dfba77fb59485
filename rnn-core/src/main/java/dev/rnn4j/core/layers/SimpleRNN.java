package dev.rnn4j.core.layers;

/**
 * Keras's {@code SimpleRNN}: {@link RNN} over a {@link SimpleRNNCell}, {@code h_t = activation(x_t · kernel +
 * h_{t-1} · recurrent_kernel + bias)} with {@code h_0 = 0}. Input {@code [batch, timesteps, features]}; output
 * {@code [batch, units]} or, with {@code returnSequences}, {@code [batch, timesteps, units]}. Parameters, Keras's
 * names and shapes: {@code kernel [features, units]} (Glorot-uniform), {@code recurrent_kernel [units, units]}
 * (orthogonal), {@code bias [units]} (zeros).
 */
public final class SimpleRNN extends RNN {
    /**
     * The notebook's layer: tanh, bias, last state only, no dropout.
     *
     * @param units the size of the state, at least 1
     */
    public SimpleRNN(int units) {
        this(builder(units));
    }

    private SimpleRNN(Builder builder) {
        super(new SimpleRNNCell(builder), builder.layerOptions());
    }

    /**
     * @param config the layer's {@link #config()}, as Keras's {@code from_config} (missing keys take Keras's defaults)
     * @return a new unbuilt layer
     */
    public static SimpleRNN fromConfig(java.util.Map<String, Object> config) {
        return builder(dev.rnn4j.core.ConfigValues.requiredInt(config, "units")).readConfig(config).build();
    }

    /**
     * @param units the size of the state, at least 1
     * @return a builder for the optional settings, Keras's defaults preset
     */
    public static Builder builder(int units) {
        return new Builder(units);
    }

    /** Optional settings of {@link SimpleRNN}, with Keras's defaults. */
    public static final class Builder extends RecurrentBuilder<Builder> {
        private Builder(int units) {
            super(units);
        }

        @Override
        Builder self() {
            return this;
        }

        /** @return the layer; invalid settings throw {@link IllegalArgumentException} naming the argument */
        public SimpleRNN build() {
            return new SimpleRNN(this);
        }

        /** @return the cell alone, for {@link RNN} or a wrapper */
        public SimpleRNNCell cell() {
            return new SimpleRNNCell(this);
        }
    }
}
