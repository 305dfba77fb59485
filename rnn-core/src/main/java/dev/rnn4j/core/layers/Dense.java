package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Regularizer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.ConfigValues;
import dev.rnn4j.core.ShapeCache;
import dev.rnn4j.core.initializers.Initializers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code Dense}: {@code y = activation(x · kernel + bias)} over the last axis, {@code kernel [in, units]}
 * (Glorot-uniform), {@code bias [units]} (zeros). A rank-3 input {@code [batch, timesteps, in]} is transformed at every
 * timestep, as Keras does, and its mask passes through. {@link #builder} sets the optional arguments, the weights'
 * regularizers among them ({@code Dense.builder(10).kernelRegularizer(new L2(0.01)).build()}).
 */
public final class Dense extends AbstractLayer {
    private final int units;
    private final ActivationFunction activation;
    private final boolean useBias;
    private final Initializer kernelInitializer;
    private final Initializer biasInitializer;
    private final Regularizer kernelRegularizer;
    private final Regularizer biasRegularizer;

    private INDArray kernel;
    private INDArray bias;
    private final ShapeCache<Buffers> buffersByShape = new ShapeCache<>();
    private Buffers last;
    private INDArray lastInput;

    /**
     * A linear layer (no activation), with bias.
     *
     * @param units the output size, at least 1
     */
    public Dense(int units) {
        this(units, ActivationFunction.LINEAR);
    }

    /**
     * @param units      the output size, at least 1
     * @param activation the activation applied to the output
     */
    public Dense(int units, ActivationFunction activation) {
        this(units, activation, true, Initializers.glorotUniform(), Initializers.zeros());
    }

    /**
     * @param units             the output size, at least 1
     * @param activation        the activation applied to the output
     * @param useBias           whether to add a bias
     * @param kernelInitializer the kernel's initializer
     * @param biasInitializer   the bias's initializer
     */
    public Dense(int units, ActivationFunction activation, boolean useBias, Initializer kernelInitializer,
            Initializer biasInitializer) {
        this(builder(units).activation(activation).useBias(useBias).kernelInitializer(kernelInitializer)
                .biasInitializer(biasInitializer));
    }

    private Dense(Builder builder) {
        int units = builder.units;
        if (units < 1) {
            throw new IllegalArgumentException("Dense units: expected at least 1, found " + units);
        }
        this.units = units;
        this.activation = Objects.requireNonNull(builder.activation, "activation is null");
        this.useBias = builder.useBias;
        this.kernelInitializer = Objects.requireNonNull(builder.kernelInitializer, "kernelInitializer is null");
        this.biasInitializer = Objects.requireNonNull(builder.biasInitializer, "biasInitializer is null");
        this.kernelRegularizer = builder.kernelRegularizer;
        this.biasRegularizer = builder.biasRegularizer;
    }

    /**
     * @param units the output size, at least 1
     * @return a builder for the optional arguments, Keras's defaults preset: linear, bias, Glorot-uniform kernel,
     *         zero bias, no regularizers
     */
    public static Builder builder(int units) {
        return new Builder(units);
    }

    /** Optional arguments of {@link Dense}, with Keras's defaults. */
    public static final class Builder {
        private final int units;
        private ActivationFunction activation = ActivationFunction.LINEAR;
        private boolean useBias = true;
        private Initializer kernelInitializer = Initializers.glorotUniform();
        private Initializer biasInitializer = Initializers.zeros();
        private Regularizer kernelRegularizer;
        private Regularizer biasRegularizer;

        private Builder(int units) {
            this.units = units;
        }

        /**
         * @param activation the activation applied to the output (default linear)
         * @return this
         */
        public Builder activation(ActivationFunction activation) {
            this.activation = activation;
            return this;
        }

        /**
         * @param useBias whether to add a bias (default true)
         * @return this
         */
        public Builder useBias(boolean useBias) {
            this.useBias = useBias;
            return this;
        }

        /**
         * @param initializer the kernel's initializer (default Glorot-uniform)
         * @return this
         */
        public Builder kernelInitializer(Initializer initializer) {
            this.kernelInitializer = initializer;
            return this;
        }

        /**
         * @param initializer the bias's initializer (default zeros)
         * @return this
         */
        public Builder biasInitializer(Initializer initializer) {
            this.biasInitializer = initializer;
            return this;
        }

        /**
         * @param regularizer the penalty on the kernel, or null for none (the default)
         * @return this
         */
        public Builder kernelRegularizer(Regularizer regularizer) {
            this.kernelRegularizer = regularizer;
            return this;
        }

        /**
         * @param regularizer the penalty on the bias, or null for none (the default)
         * @return this
         */
        public Builder biasRegularizer(Regularizer regularizer) {
            this.biasRegularizer = regularizer;
            return this;
        }

        /** @return the layer; invalid arguments throw {@link IllegalArgumentException} naming the argument */
        public Dense build() {
            return new Dense(this);
        }
    }

    /** @return the output size */
    public int units() {
        return units;
    }

    /** @return the output activation */
    public ActivationFunction activation() {
        return activation;
    }

    @Override
    public Shape outputShape(Shape inputShape) {
        if (inputShape.rank() < 1 || inputShape.rank() > 2) {
            throw new IllegalArgumentException(label() + ": expected input of shape (None, features) or"
                    + " (None, timesteps, features), found " + inputShape);
        }
        requireFixedFeatures(inputShape);
        return inputShape.rank() == 1 ? Shape.of(units) : Shape.of(inputShape.dim(0), units);
    }

    /** @return true: every timestep is transformed alike, and the mask passes through as in Keras */
    @Override
    public boolean supportsMasking() {
        return true;
    }

    @Override
    public long countParams(Shape inputShape) {
        return (long) inputShape.last() * units + (useBias ? units : 0);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("units", units);
        config.put("activation", activation.kerasName());
        config.put("use_bias", useBias);
        ConfigValues.putInitializer(config, "kernel_initializer", kernelInitializer);
        ConfigValues.putInitializer(config, "bias_initializer", biasInitializer);
        ConfigValues.putRegularizer(config, "kernel_regularizer", kernelRegularizer);
        ConfigValues.putRegularizer(config, "bias_regularizer", biasRegularizer);
        return config;
    }

    /**
     * @param config the layer's {@link #config()}, as Keras's {@code from_config}: {@code units}, {@code activation}
     *               (linear), {@code use_bias} (true), {@code kernel_initializer} (glorot_uniform),
     *               {@code bias_initializer} (zeros), {@code kernel_regularizer} and {@code bias_regularizer} (none)
     * @return a new unbuilt layer
     */
    public static Dense fromConfig(Map<String, Object> config) {
        return builder(ConfigValues.requiredInt(config, "units"))
                .activation(ConfigValues.activation(config, "activation", ActivationFunction.LINEAR))
                .useBias(ConfigValues.optionalBoolean(config, "use_bias", true))
                .kernelInitializer(ConfigValues.initializer(config, "kernel_initializer", Initializers.glorotUniform()))
                .biasInitializer(ConfigValues.initializer(config, "bias_initializer", Initializers.zeros()))
                .kernelRegularizer(ConfigValues.regularizer(config, "kernel_regularizer"))
                .biasRegularizer(ConfigValues.regularizer(config, "bias_regularizer"))
                .build();
    }

    @Override
    protected void buildInternal(Shape inputShape) {
        kernel = addWeight("kernel", new int[] {inputShape.last(), units}, kernelInitializer, kernelRegularizer);
        bias = useBias ? addWeight("bias", new int[] {units}, biasInitializer, biasRegularizer) : null;
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        Backend backend = backend();
        INDArray matrix = asMatrix(input);
        int rows = Math.toIntExact(matrix.size(0));
        Buffers buffers = buffersByShape.get(input.shape(), () -> new Buffers(rows, input));
        last = buffers;
        lastInput = matrix;
        backend.gemm(matrix, kernel, buffers.output, false, false, 1.0, 0.0);
        if (useBias) {
            backend.addRowVector(buffers.output, bias);
        }
        if (activation != ActivationFunction.LINEAR) {
            backend.activation(activation, buffers.output, buffers.output);
        }
        return buffers.outputShaped;
    }

    @Override
    protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
        Backend backend = backend();
        Buffers buffers = last;
        INDArray gradient = asMatrix(outputGradient);
        if (activation != ActivationFunction.LINEAR) {
            backend.activationBackward(activation, buffers.output, gradient, buffers.preActivationGradient);
            gradient = buffers.preActivationGradient;
        }
        backend.gemm(lastInput, gradient, parameter("kernel").gradient(), true, false, 1.0, 0.0);
        if (useBias) {
            backend.sumRows(gradient, parameter("bias").gradient());
        }
        if (!needInputGradient) {
            return null;
        }
        backend.gemm(gradient, kernel, buffers.inputGradient, false, true, 1.0, 0.0);
        return buffers.inputGradientShaped;
    }

    private static INDArray asMatrix(INDArray array) {
        INDArray contiguous = array.rank() == 2 || (array.ordering() == 'c' && !array.isView()) ? array
                : array.dup('c');
        return contiguous.rank() == 2 ? contiguous
                : contiguous.reshape('c', contiguous.length() / contiguous.size(-1), contiguous.size(-1));
    }

    /** Arrays for one input shape: {@code rows} is the batch, or the batch times the timesteps. */
    private final class Buffers {
        final INDArray output;
        final INDArray outputShaped;
        final INDArray preActivationGradient;
        final INDArray inputGradient;
        final INDArray inputGradientShaped;

        Buffers(int rows, INDArray input) {
            Backend backend = backend();
            output = backend.zeros(dataType(), rows, units);
            preActivationGradient = backend.zeros(dataType(), rows, units);
            inputGradient = backend.zeros(dataType(), rows, inputShape().last());
            if (input.rank() == 2) {
                outputShaped = output;
                inputGradientShaped = inputGradient;
            } else {
                outputShaped = output.reshape('c', input.size(0), input.size(1), units);
                inputGradientShaped = inputGradient.reshape('c', input.shape());
            }
        }
    }
}
