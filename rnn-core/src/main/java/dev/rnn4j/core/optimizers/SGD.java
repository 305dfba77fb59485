package dev.rnn4j.core.optimizers;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.core.ConfigValues;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code SGD}, with optional momentum and Nesterov momentum:
 * <pre>
 * momentum = 0:  w = w - learning_rate * g
 * otherwise:     velocity = momentum * velocity - learning_rate * g
 *                w = w + velocity                                   (plain)
 *                w = w + momentum * velocity - learning_rate * g    (Nesterov)
 * </pre>
 * Velocities are created on the first step, one per parameter, only when momentum is used; {@link #state} names
 * them {@code momentum}, as Keras's slot variables.
 */
public final class SGD extends AbstractOptimizer {
    private final double momentum;
    private final boolean nesterov;
    /** Keyed by identity: the parameter objects live as long as their layers. */
    private final Map<Parameter, INDArray> velocities = new IdentityHashMap<>();
    private static final String MOMENTUM_SLOT = "momentum";

    /** Keras's defaults: learning rate 0.01, no momentum. */
    public SGD() {
        this(0.01);
    }

    /**
     * @param learningRate a positive, finite rate
     */
    public SGD(double learningRate) {
        this(learningRate, 0.0, false);
    }

    /**
     * @param learningRate a positive, finite rate
     * @param momentum     in [0, 1)
     * @param nesterov     whether to use Nesterov momentum
     */
    public SGD(double learningRate, double momentum, boolean nesterov) {
        super(learningRate);
        if (!(momentum >= 0.0 && momentum < 1.0)) {
            throw new IllegalArgumentException("SGD momentum: expected a value in [0, 1), found " + momentum);
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    public String name() {
        return "SGD";
    }

    @Override
    public void step(List<Parameter> parameters, Backend backend) {
        clip(parameters, backend);
        for (Parameter parameter : parameters) {
            if (momentum == 0.0) {
                backend.axpy(-learningRate(), parameter.gradient(), parameter.value());
                continue;
            }
            INDArray velocity = velocities.computeIfAbsent(parameter,
                    key -> backend.zeros(key.value().dataType(), key.shape()));
            velocity.muli(momentum);
            backend.axpy(-learningRate(), parameter.gradient(), velocity);
            if (nesterov) {
                backend.axpy(momentum, velocity, parameter.value());
                backend.axpy(-learningRate(), parameter.gradient(), parameter.value());
            } else {
                backend.axpy(1.0, velocity, parameter.value());
            }
        }
        countStep();
    }

    @Override
    public Map<String, INDArray> state(Parameter parameter) {
        INDArray velocity = velocities.get(parameter);
        return velocity == null ? Map.of() : Map.of(MOMENTUM_SLOT, velocity);
    }

    @Override
    public void restoreState(Parameter parameter, Map<String, INDArray> state) {
        SlotArrays.checkNames(name(), parameter, state, momentum == 0.0 || state.isEmpty() ? Set.of()
                : Set.of(MOMENTUM_SLOT));
        if (state.isEmpty()) {
            velocities.remove(parameter);
            return;
        }
        velocities.put(parameter, SlotArrays.copy(name(), parameter, MOMENTUM_SLOT, state.get(MOMENTUM_SLOT)));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("learning_rate", learningRate());
        config.put("momentum", momentum);
        config.put("nesterov", nesterov);
        putClipping(config);
        return config;
    }

    /**
     * Rebuilds an SGD from its {@link #config()}, as Keras's {@code from_config}; missing keys take Keras's defaults
     * ({@code learning_rate} 0.01, {@code momentum} 0.0, {@code nesterov} false), unknown keys are ignored.
     *
     * @param config the config, as read back from JSON
     * @return a new SGD
     * @throws IllegalArgumentException naming the key for a bad value
     */
    public static SGD fromConfig(Map<String, Object> config) {
        return readClipping(new SGD(ConfigValues.optionalDouble(config, "learning_rate", 0.01),
                ConfigValues.optionalDouble(config, "momentum", 0.0),
                ConfigValues.optionalBoolean(config, "nesterov", false)), config);
    }
}
