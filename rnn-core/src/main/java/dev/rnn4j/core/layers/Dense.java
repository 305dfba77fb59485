package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.ConfigValues;
import dev.rnn4j.core.initializers.Initializers;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code Dense}: {@code y = activation(x · kernel + bias)} over the last axis, {@code kernel [in, units]}
 * (Glorot-uniform), {@code bias [units]} (zeros). A rank-3 input {@code [batch, timesteps, in]} is transformed at every
 * timestep, as Keras does, and its mask passes through.
 */
public final class Dense extends AbstractLayer {
    private final int units;
    private final ActivationFunction activation;
    private final boolean useBias;
    private final Initializer kernelInitializer;
    private final Initializer biasInitializer;

    private INDArray kernel;
    private INDArray bias;
    private final Map<Integer, Buffers> buffersByRows = new HashMap<>();
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
        if (units < 1) {
            throw new IllegalArgumentException("Dense units: expected at least 1, found " + units);
        }
        this.units = units;
        this.activation = Objects.requireNonNull(activation, "activation is null");
        this.useBias = useBias;
        this.kernelInitializer = Objects.requireNonNull(kernelInitializer, "kernelInitializer is null");
        this.biasInitializer = Objects.requireNonNull(biasInitializer, "biasInitializer is null");
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
        return config;
    }

    /**
     * @param config the layer's {@link #config()}, as Keras's {@code from_config}: {@code units}, {@code activation}
     *               (linear), {@code use_bias} (true), {@code kernel_initializer} (glorot_uniform),
     *               {@code bias_initializer} (zeros)
     * @return a new unbuilt layer
     */
    public static Dense fromConfig(Map<String, Object> config) {
        return new Dense(ConfigValues.requiredInt(config, "units"),
                ConfigValues.activation(config, "activation", ActivationFunction.LINEAR),
                ConfigValues.optionalBoolean(config, "use_bias", true),
                ConfigValues.initializer(config, "kernel_initializer", Initializers.glorotUniform()),
                ConfigValues.initializer(config, "bias_initializer", Initializers.zeros()));
    }

    @Override
    protected void buildInternal(Shape inputShape) {
        kernel = addWeight("kernel", new int[] {inputShape.last(), units}, kernelInitializer);
        bias = useBias ? addWeight("bias", new int[] {units}, biasInitializer) : null;
    }

    @Override
    protected INDArray forwardInternal(INDArray input, boolean training) {
        Backend backend = backend();
        INDArray matrix = asMatrix(input);
        int rows = Math.toIntExact(matrix.size(0));
        Buffers buffers = buffersByRows.computeIfAbsent(rows, count -> new Buffers(count, input));
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

    /** Arrays for one number of rows (batch, or batch times timesteps). */
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
