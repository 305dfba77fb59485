package dev.rnn4j.core.layers;

/**
 * Keras's {@code LSTM}, long short-term memory: {@link RNN} over an {@link LSTMCell} (gate order {@code i, f, c, o},
 * {@code h_0 = c_0 = 0}). Input {@code [batch, timesteps, features]}; output {@code [batch, units]} or, with
 * {@code returnSequences}, {@code [batch, timesteps, units]}. Parameters: {@code kernel [features, 4·units]}
 * (Glorot-uniform), {@code recurrent_kernel [units, 4·units]} (orthogonal over the whole matrix, as Keras),
 * {@code bias [4·units]} (zeros, and with {@code unitForgetBias} ones in the forget gate's slice); the count is
 * {@code 4·units·(features + units + 1)}. {@code recurrentDropout} masks {@code h_{t-1}} where it enters the
 * recurrent product, as Keras 3 does.
 */
public final class LSTM extends RNN {
    /**
     * Keras's defaults: tanh and sigmoid, bias with unit forget bias, last state only, no dropout.
     *
     * @param units the size of the state, at least 1
     */
    public LSTM(int units) {
        this(builder(units));
    }

    private LSTM(Builder builder) {
        super(builder.cell(), builder.layerOptions());
    }

    /**
     * @param config the layer's {@link #config()}, as Keras's {@code from_config} (missing keys take Keras's defaults)
     * @return a new unbuilt layer
     */
    public static LSTM fromConfig(java.util.Map<String, Object> config) {
        return readConfig(config).build();
    }

    static Builder readConfig(java.util.Map<String, Object> config) {
        return builder(dev.rnn4j.core.ConfigValues.requiredInt(config, "units")).readConfig(config)
                .unitForgetBias(dev.rnn4j.core.ConfigValues.optionalBoolean(config, "unit_forget_bias", true));
    }

    /**
     * @param units the size of the state, at least 1
     * @return a builder for the optional settings, Keras's defaults preset
     */
    public static Builder builder(int units) {
        return new Builder(units);
    }

    /** Optional settings of {@link LSTM}, with Keras's defaults. */
    public static final class Builder extends RecurrentBuilder.Gated<Builder> {
        private boolean unitForgetBias = true;

        private Builder(int units) {
            super(units);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * @param unitForgetBias whether the forget gate's bias starts at 1 (default true, as Keras)
         * @return this
         */
        public Builder unitForgetBias(boolean unitForgetBias) {
            this.unitForgetBias = unitForgetBias;
            return this;
        }

        /** @return the layer; invalid settings throw {@link IllegalArgumentException} naming the argument */
        public LSTM build() {
            return new LSTM(this);
        }

        /** @return the cell alone, for {@link RNN} or a wrapper */
        public LSTMCell cell() {
            return new LSTMCell(this, unitForgetBias);
        }
    }
}
