package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Regularizer;
import dev.rnn4j.core.ConfigValues;
import dev.rnn4j.core.initializers.Initializers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The settings every recurrent layer shares, with Keras's defaults: tanh, bias, the last state only, no input dropout,
 * Glorot-uniform kernel, orthogonal recurrent kernel, zero bias, no regularizers. Each layer's builder extends it with
 * its own settings.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class RecurrentBuilder<B extends RecurrentBuilder<B>> {
    final int units;
    ActivationFunction activation = ActivationFunction.TANH;
    boolean useBias = true;
    boolean returnSequences;
    /** The layer's settings around the cell; {@code returnSequences} is copied in when the layer is made. */
    final RNN.Options options = RNN.options();
    double dropout;
    double recurrentDropout;
    Initializer kernelInitializer = Initializers.glorotUniform();
    Initializer recurrentInitializer = Initializers.orthogonal();
    Initializer biasInitializer = Initializers.zeros();
    Regularizer kernelRegularizer;
    Regularizer recurrentRegularizer;
    Regularizer biasRegularizer;

    RecurrentBuilder(int units) {
        this.units = units;
    }

    /** @return this builder as its concrete type */
    abstract B self();

    /**
     * @param activation the state (or candidate) activation, elementwise (default tanh)
     * @return this
     */
    public B activation(ActivationFunction activation) {
        this.activation = activation;
        return self();
    }

    /**
     * @param useBias whether to add a bias (default true)
     * @return this
     */
    public B useBias(boolean useBias) {
        this.useBias = useBias;
        return self();
    }

    /**
     * @param returnSequences output every state (default false: the last state only)
     * @return this
     */
    public B returnSequences(boolean returnSequences) {
        this.returnSequences = returnSequences;
        return self();
    }

    /**
     * @param returnState keep the last states for {@link RNN#states()} (default false)
     * @return this
     */
    public B returnState(boolean returnState) {
        options.returnState(returnState);
        return self();
    }

    /**
     * @param goBackwards run the steps from the last to the first, the output sequence in that order (default false)
     * @return this
     */
    public B goBackwards(boolean goBackwards) {
        options.goBackwards(goBackwards);
        return self();
    }

    /**
     * @param stateful carry the last states of a batch into the next, for batches of one size (default false)
     * @return this
     */
    public B stateful(boolean stateful) {
        options.stateful(stateful);
        return self();
    }

    /**
     * @param zeroOutputForMask with sequences, output zeros at masked steps instead of the previous output (default
     *                          false)
     * @return this
     */
    public B zeroOutputForMask(boolean zeroOutputForMask) {
        options.zeroOutputForMask(zeroOutputForMask);
        return self();
    }

    /** @return the layer settings, with {@code returnSequences} */
    RNN.Options layerOptions() {
        return options.returnSequences(returnSequences);
    }

    /**
     * @param dropout the input dropout rate in [0, 1) (default 0)
     * @return this
     */
    public B dropout(double dropout) {
        this.dropout = dropout;
        return self();
    }

    /**
     * @param recurrentDropout the dropout rate on the state where it enters the recurrent product, in [0, 1)
     *                         (default 0)
     * @return this
     */
    public B recurrentDropout(double recurrentDropout) {
        this.recurrentDropout = recurrentDropout;
        return self();
    }

    /**
     * @param initializer the kernel initializer (default Glorot-uniform)
     * @return this
     */
    public B kernelInitializer(Initializer initializer) {
        this.kernelInitializer = initializer;
        return self();
    }

    /**
     * @param initializer the recurrent kernel initializer (default orthogonal)
     * @return this
     */
    public B recurrentInitializer(Initializer initializer) {
        this.recurrentInitializer = initializer;
        return self();
    }

    /**
     * @param initializer the bias initializer (default zeros)
     * @return this
     */
    public B biasInitializer(Initializer initializer) {
        this.biasInitializer = initializer;
        return self();
    }

    /**
     * @param regularizer the penalty on the kernel, or null for none (the default)
     * @return this
     */
    public B kernelRegularizer(Regularizer regularizer) {
        this.kernelRegularizer = regularizer;
        return self();
    }

    /**
     * @param regularizer the penalty on the recurrent kernel, or null for none (the default)
     * @return this
     */
    public B recurrentRegularizer(Regularizer regularizer) {
        this.recurrentRegularizer = regularizer;
        return self();
    }

    /**
     * @param regularizer the penalty on the bias (for GRU both rows of {@code bias [2, 3·units]}, as Keras), or null
     *                    for none (the default)
     * @return this
     */
    public B biasRegularizer(Regularizer regularizer) {
        this.biasRegularizer = regularizer;
        return self();
    }

    /**
     * Applies a saved config's settings (Keras's names, {@link RecurrentCell#config()} and {@link RNN#config()});
     * missing keys keep the builder's values, which are Keras's defaults.
     *
     * @param config the config, as read back from JSON
     * @return this
     * @throws IllegalArgumentException naming the key for a bad value
     */
    public B readConfig(Map<String, Object> config) {
        activation(ConfigValues.activation(config, "activation", activation));
        useBias(ConfigValues.optionalBoolean(config, "use_bias", useBias));
        dropout(ConfigValues.optionalDouble(config, "dropout", dropout));
        recurrentDropout(ConfigValues.optionalDouble(config, "recurrent_dropout", recurrentDropout));
        kernelInitializer(ConfigValues.initializer(config, "kernel_initializer", kernelInitializer));
        recurrentInitializer(ConfigValues.initializer(config, "recurrent_initializer", recurrentInitializer));
        biasInitializer(ConfigValues.initializer(config, "bias_initializer", biasInitializer));
        if (config.containsKey("kernel_regularizer")) {
            kernelRegularizer(ConfigValues.regularizer(config, "kernel_regularizer"));
        }
        if (config.containsKey("recurrent_regularizer")) {
            recurrentRegularizer(ConfigValues.regularizer(config, "recurrent_regularizer"));
        }
        if (config.containsKey("bias_regularizer")) {
            biasRegularizer(ConfigValues.regularizer(config, "bias_regularizer"));
        }
        RNN.Options.read(options, config);
        returnSequences(ConfigValues.optionalBoolean(config, "return_sequences", returnSequences));
        return self();
    }

    /** @return the weight settings for a cell made from this builder */
    CellWeights weights() {
        return new CellWeights(useBias, kernelInitializer, recurrentInitializer, biasInitializer, kernelRegularizer,
                recurrentRegularizer, biasRegularizer);
    }

    /**
     * The settings of a cell's three projection weights, which every built-in cell shares.
     *
     * @param useBias              whether there is a bias
     * @param kernelInitializer    the kernel's initial values
     * @param recurrentInitializer the recurrent kernel's initial values
     * @param biasInitializer      the bias's initial values
     * @param kernelRegularizer    the kernel's penalty, or null
     * @param recurrentRegularizer the recurrent kernel's penalty, or null
     * @param biasRegularizer      the bias's penalty, or null
     */
    record CellWeights(boolean useBias, Initializer kernelInitializer, Initializer recurrentInitializer,
            Initializer biasInitializer, Regularizer kernelRegularizer, Regularizer recurrentRegularizer,
            Regularizer biasRegularizer) {
        /**
         * Declares kernel, recurrent kernel and, with {@code useBias}, the bias.
         *
         * @param weights  where to declare them
         * @param biasPair the bias as {@code [2, gates * units]} (GRU's {@code reset_after}) instead of a vector
         * @param bias     the bias's initial values (the cell may adjust {@link #biasInitializer}, as LSTM does)
         */
        void declare(RecurrentCell.Weights weights, boolean biasPair, Initializer bias) {
            weights.kernel(kernelInitializer, kernelRegularizer);
            weights.recurrentKernel(recurrentInitializer, recurrentRegularizer);
            if (useBias && biasPair) {
                weights.biasPair(bias, biasRegularizer);
            } else if (useBias) {
                weights.bias(bias, biasRegularizer);
            }
        }

        /** @return the settings every cell shares, under Keras's names, for a cell's {@link RecurrentCell#config()} */
        Map<String, Object> config(RecurrentCell cell, ActivationFunction activation) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("units", cell.units());
            config.put("activation", activation.kerasName());
            config.put("use_bias", useBias);
            ConfigValues.putInitializer(config, "kernel_initializer", kernelInitializer);
            ConfigValues.putInitializer(config, "recurrent_initializer", recurrentInitializer);
            ConfigValues.putInitializer(config, "bias_initializer", biasInitializer);
            ConfigValues.putRegularizer(config, "kernel_regularizer", kernelRegularizer);
            ConfigValues.putRegularizer(config, "recurrent_regularizer", recurrentRegularizer);
            ConfigValues.putRegularizer(config, "bias_regularizer", biasRegularizer);
            config.put("dropout", cell.dropout());
            config.put("recurrent_dropout", cell.recurrentDropout());
            return config;
        }
    }

    /**
     * Checks the shared settings.
     *
     * @param layerType the layer's type name, for messages
     * @throws IllegalArgumentException naming the argument and the value
     */
    void check(String layerType) {
        if (units < 1) {
            throw new IllegalArgumentException(layerType + " units: expected at least 1, found " + units);
        }
        checkRate(layerType, "dropout", dropout);
        checkRate(layerType, "recurrent_dropout", recurrentDropout);
        checkElementwise(layerType, "activation", activation);
        Objects.requireNonNull(kernelInitializer, "kernelInitializer is null");
        Objects.requireNonNull(recurrentInitializer, "recurrentInitializer is null");
        Objects.requireNonNull(biasInitializer, "biasInitializer is null");
    }

    static void checkRate(String layerType, String name, double rate) {
        if (!(rate >= 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException(layerType + " " + name + ": expected a rate in [0, 1), found " + rate);
        }
    }

    static void checkElementwise(String layerType, String name, ActivationFunction function) {
        Objects.requireNonNull(function, name + " is null");
        if (function == ActivationFunction.SOFTMAX) {
            throw new IllegalArgumentException(layerType + " " + name
                    + ": expected an elementwise activation, found softmax");
        }
    }

    /**
     * The settings of gated layers (LSTM, GRU): the gates' activation.
     *
     * @param <B> the concrete builder
     */
    public abstract static class Gated<B extends Gated<B>> extends RecurrentBuilder<B> {
        ActivationFunction recurrentActivation = ActivationFunction.SIGMOID;

        Gated(int units) {
            super(units);
        }

        /**
         * @param recurrentActivation the gates' activation, elementwise (default sigmoid)
         * @return this
         */
        public B recurrentActivation(ActivationFunction recurrentActivation) {
            this.recurrentActivation = recurrentActivation;
            return self();
        }

        @Override
        void check(String layerType) {
            super.check(layerType);
            checkElementwise(layerType, "recurrent_activation", recurrentActivation);
        }

        @Override
        public B readConfig(Map<String, Object> config) {
            recurrentActivation(ConfigValues.activation(config, "recurrent_activation", recurrentActivation));
            return super.readConfig(config);
        }
    }
}
