package dev.rnn4j.core.optimizers;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.core.ConfigValues;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Keras's {@code RMSprop} (Hinton 2012), with Keras's defaults (learning rate 0.001, rho 0.9, momentum 0, epsilon
 * 1e-7, not centered) and Keras's update, where epsilon is added under the square root:
 * <pre>
 * v = rho * v + (1 - rho) * g²
 * a = rho * a + (1 - rho) * g                      (centered only)
 * denominator = v + epsilon,  or  v - a² + epsilon (centered)
 * increment = learning_rate * g / sqrt(denominator)
 * momentum = 0:  w = w - increment
 * otherwise:     s = momentum * s + increment;  w = w - s
 * </pre>
 * The slots are created on the first step, one per parameter: {@code v} always, {@code a} only when centered,
 * {@code s} only with momentum. {@link #state} names them as Keras does: {@code velocity} (v), {@code average_gradient}
 * (a) and {@code momentum} (s).
 */
public final class RMSprop extends AbstractOptimizer {
    private final double rho;
    private final double momentum;
    private final double epsilon;
    private final boolean centered;
    /** Keyed by identity: the parameter objects live as long as their layers. */
    private final Map<Parameter, Slots> slots = new IdentityHashMap<>();
    private static final String VELOCITY = "velocity";
    private static final String AVERAGE_GRADIENT = "average_gradient";
    private static final String MOMENTUM = "momentum";

    /** Keras's defaults: learning rate 0.001, rho 0.9, no momentum, epsilon 1e-7, not centered. */
    public RMSprop() {
        this(0.001);
    }

    /**
     * @param learningRate a positive, finite rate
     */
    public RMSprop(double learningRate) {
        this(learningRate, 0.9, 0.0, 1e-7, false);
    }

    /**
     * @param learningRate a positive, finite rate
     * @param rho          the decay of the mean square, in [0, 1)
     * @param momentum     in [0, 1)
     * @param epsilon      added under the square root, at least 0
     * @param centered     whether to divide by the estimated variance instead of the mean square
     */
    public RMSprop(double learningRate, double rho, double momentum, double epsilon, boolean centered) {
        super(learningRate);
        if (!(rho >= 0.0 && rho < 1.0)) {
            throw new IllegalArgumentException("RMSprop rho: expected a value in [0, 1), found " + rho);
        }
        if (!(momentum >= 0.0 && momentum < 1.0)) {
            throw new IllegalArgumentException("RMSprop momentum: expected a value in [0, 1), found " + momentum);
        }
        if (!(epsilon >= 0.0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("RMSprop epsilon: expected a finite value of at least 0, found "
                    + epsilon);
        }
        this.rho = rho;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.centered = centered;
    }

    @Override
    public String name() {
        return "RMSprop";
    }

    @Override
    public void step(List<Parameter> parameters, Backend backend) {
        clip(parameters, backend);
        for (Parameter parameter : parameters) {
            Slots slot = slots.computeIfAbsent(parameter, key -> new Slots(key, backend, centered, momentum > 0.0));
            INDArray gradient = parameter.gradient();
            // v = rho * v + (1 - rho) * g²
            backend.multiply(gradient, gradient, slot.scratch);
            slot.velocity.muli(rho);
            backend.axpy(1.0 - rho, slot.scratch, slot.velocity);
            // scratch = sqrt(v + epsilon), or sqrt(v - a² + epsilon) when centered
            slot.scratch.assign(slot.velocity);
            if (centered) {
                slot.averageGradient.muli(rho);
                backend.axpy(1.0 - rho, gradient, slot.averageGradient);
                backend.multiply(slot.averageGradient, slot.averageGradient, slot.squaredAverage);
                backend.axpy(-1.0, slot.squaredAverage, slot.scratch);
            }
            Transforms.sqrt(slot.scratch.addi(epsilon), false);
            // increment = learning_rate * g / scratch
            slot.scratch.rdivi(gradient);
            if (slot.momentum == null) {
                backend.axpy(-learningRate(), slot.scratch, parameter.value());
                continue;
            }
            slot.momentum.muli(momentum);
            backend.axpy(learningRate(), slot.scratch, slot.momentum);
            backend.axpy(-1.0, slot.momentum, parameter.value());
        }
        countStep();
    }

    @Override
    public Map<String, INDArray> state(Parameter parameter) {
        Slots slot = slots.get(parameter);
        if (slot == null) {
            return Map.of();
        }
        Map<String, INDArray> state = new LinkedHashMap<>();
        state.put(VELOCITY, slot.velocity);
        if (slot.averageGradient != null) {
            state.put(AVERAGE_GRADIENT, slot.averageGradient);
        }
        if (slot.momentum != null) {
            state.put(MOMENTUM, slot.momentum);
        }
        return state;
    }

    @Override
    public void restoreState(Parameter parameter, Map<String, INDArray> state) {
        if (state.isEmpty()) {
            slots.remove(parameter);
            return;
        }
        Set<String> expected = new LinkedHashSet<>();
        expected.add(VELOCITY);
        if (centered) {
            expected.add(AVERAGE_GRADIENT);
        }
        if (momentum > 0.0) {
            expected.add(MOMENTUM);
        }
        SlotArrays.checkNames(name(), parameter, state, expected);
        slots.put(parameter, new Slots(parameter, state));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("learning_rate", learningRate());
        config.put("rho", rho);
        config.put("momentum", momentum);
        config.put("epsilon", epsilon);
        config.put("centered", centered);
        putClipping(config);
        return config;
    }

    /**
     * Rebuilds an RMSprop from its {@link #config()}, as Keras's {@code from_config}; missing keys take Keras's
     * defaults ({@code learning_rate} 0.001, {@code rho} 0.9, {@code momentum} 0.0, {@code epsilon} 1e-7,
     * {@code centered} false), unknown keys are ignored.
     *
     * @param config the config, as read back from JSON
     * @return a new RMSprop
     * @throws IllegalArgumentException naming the key for a bad value
     */
    public static RMSprop fromConfig(Map<String, Object> config) {
        return readClipping(new RMSprop(ConfigValues.optionalDouble(config, "learning_rate", 0.001),
                ConfigValues.optionalDouble(config, "rho", 0.9),
                ConfigValues.optionalDouble(config, "momentum", 0.0),
                ConfigValues.optionalDouble(config, "epsilon", 1e-7),
                ConfigValues.optionalBoolean(config, "centered", false)), config);
    }

    /** The state of one parameter, and scratch arrays of its shape. */
    private static final class Slots {
        final INDArray velocity;
        final INDArray averageGradient;
        final INDArray squaredAverage;
        final INDArray momentum;
        final INDArray scratch;

        Slots(Parameter parameter, Backend backend, boolean centered, boolean withMomentum) {
            velocity = zeros(parameter, backend);
            averageGradient = centered ? zeros(parameter, backend) : null;
            squaredAverage = centered ? zeros(parameter, backend) : null;
            momentum = withMomentum ? zeros(parameter, backend) : null;
            scratch = zeros(parameter, backend);
        }

        Slots(Parameter parameter, Map<String, INDArray> state) {
            velocity = copy(parameter, VELOCITY, state);
            averageGradient = state.containsKey(AVERAGE_GRADIENT) ? copy(parameter, AVERAGE_GRADIENT, state) : null;
            squaredAverage = averageGradient != null ? SlotArrays.zerosLike(parameter) : null;
            momentum = state.containsKey(MOMENTUM) ? copy(parameter, MOMENTUM, state) : null;
            scratch = SlotArrays.zerosLike(parameter);
        }

        private static INDArray copy(Parameter parameter, String slot, Map<String, INDArray> state) {
            return SlotArrays.copy("RMSprop", parameter, slot, state.get(slot));
        }

        private static INDArray zeros(Parameter parameter, Backend backend) {
            return backend.zeros(parameter.value().dataType(), parameter.shape());
        }
    }
}
