package dev.rnn4j.core.layers;

/**
 * Keras's {@code GRU}, gated recurrent unit, in its default {@code reset_after=True} form: {@link RNN} over a
 * {@link GRUCell} (gate order {@code z, r, h}, {@code h_0 = 0}). Input {@code [batch, timesteps, features]}; output
 * {@code [batch, units]} or, with {@code returnSequences}, {@code [batch, timesteps, units]}. Parameters:
 * {@code kernel [features, 3·units]} (Glorot-uniform), {@code recurrent_kernel [units, 3·units]} (orthogonal over the
 * whole matrix, as Keras), {@code bias [2, 3·units]} (zeros; row 0 the input bias, row 1 the recurrent bias).
 */
public final class GRU extends RNN {
    /**
     * Keras's defaults: tanh and sigmoid, bias, reset after, last state only, no dropout.
     *
     * @param units the size of the state, at least 1
     */
    public GRU(int units) {
        this(builder(units));
    }

    private GRU(Builder builder) {
        super(builder.cell(), builder.layerOptions());
    }

    /**
     * @param config the layer's {@link #config()}, as Keras's {@code from_config} (missing keys take Keras's defaults)
     * @return a new unbuilt layer
     * @throws IllegalArgumentException for {@code reset_after} false, a form rnn4j does not have
     */
    public static GRU fromConfig(java.util.Map<String, Object> config) {
        return readConfig(config).build();
    }

    static Builder readConfig(java.util.Map<String, Object> config) {
        if (!dev.rnn4j.core.ConfigValues.optionalBoolean(config, "reset_after", true)) {
            throw new IllegalArgumentException("reset_after: expected true (rnn4j's GRU is Keras's default"
                    + " reset_after=True form), found false");
        }
        return builder(dev.rnn4j.core.ConfigValues.requiredInt(config, "units")).readConfig(config);
    }

    /**
     * @param units the size of the state, at least 1
     * @return a builder for the optional settings, Keras's defaults preset
     */
    public static Builder builder(int units) {
        return new Builder(units);
    }

    /** Optional settings of {@link GRU}, with Keras's defaults. */
    public static final class Builder extends RecurrentBuilder.Gated<Builder> {
        private Builder(int units) {
            super(units);
        }

        @Override
        Builder self() {
            return this;
        }

        /** @return the layer; invalid settings throw {@link IllegalArgumentException} naming the argument */
        public GRU build() {
            return new GRU(this);
        }

        /** @return the cell alone, for {@link RNN} or a wrapper */
        public GRUCell cell() {
            return new GRUCell(this);
        }
    }
}
