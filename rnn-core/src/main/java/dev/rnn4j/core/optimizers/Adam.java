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
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Keras's {@code Adam} (Kingma and Ba 2014), with Keras's defaults (learning rate 0.001, beta_1 0.9, beta_2 0.999,
 * epsilon 1e-7) and Keras's update, {@code t} counting steps from 1:
 * <pre>
 * m = beta_1 * m + (1 - beta_1) * g
 * v = beta_2 * v + (1 - beta_2) * g²
 * v_hat = max(v_hat, v)                                   (amsgrad only; then v_hat replaces v below)
 * lr_t = learning_rate * sqrt(1 - beta_2^t) / (1 - beta_1^t)
 * w = w - lr_t * m / (sqrt(v) + epsilon)
 * </pre>
 * The moments (and {@code v_hat} with amsgrad) are created on the first step, one set per parameter, in the
 * parameter's data type; {@link #state} names them as Keras does: {@code momentum} (m), {@code velocity} (v) and
 * {@code velocity_hat}.
 */
public final class Adam extends AbstractOptimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final boolean amsgrad;
    /** Keyed by identity: the parameter objects live as long as their layers. */
    private final Map<Parameter, Slots> slots = new IdentityHashMap<>();
    private static final String MOMENTUM = "momentum";
    private static final String VELOCITY = "velocity";
    private static final String VELOCITY_HAT = "velocity_hat";

    /** Keras's defaults: learning rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7, no amsgrad. */
    public Adam() {
        this(0.001);
    }

    /**
     * @param learningRate a positive, finite rate
     */
    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7, false);
    }

    /**
     * @param learningRate a positive, finite rate
     * @param beta1        the decay of the first moment, in [0, 1)
     * @param beta2        the decay of the second moment, in [0, 1)
     * @param epsilon      added to the denominator, at least 0
     * @param amsgrad      whether to use the maximum of the past second moments (Reddi et al. 2018)
     */
    public Adam(double learningRate, double beta1, double beta2, double epsilon, boolean amsgrad) {
        super(learningRate);
        this.beta1 = checkDecay("beta_1", beta1);
        this.beta2 = checkDecay("beta_2", beta2);
        if (!(epsilon >= 0.0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("Adam epsilon: expected a finite value of at least 0, found " + epsilon);
        }
        this.epsilon = epsilon;
        this.amsgrad = amsgrad;
    }

    private static double checkDecay(String name, double value) {
        if (!(value >= 0.0 && value < 1.0)) {
            throw new IllegalArgumentException("Adam " + name + ": expected a value in [0, 1), found " + value);
        }
        return value;
    }

    @Override
    public String name() {
        return "Adam";
    }

    @Override
    public void step(List<Parameter> parameters, Backend backend) {
        clip(parameters, backend);
        long t = iterations() + 1;
        double rate = learningRate() * Math.sqrt(1.0 - Math.pow(beta2, t)) / (1.0 - Math.pow(beta1, t));
        for (Parameter parameter : parameters) {
            Slots slot = slots.computeIfAbsent(parameter, key -> new Slots(key, backend, amsgrad));
            INDArray gradient = parameter.gradient();
            // m = beta_1 * m + (1 - beta_1) * g
            slot.momentum.muli(beta1);
            backend.axpy(1.0 - beta1, gradient, slot.momentum);
            // v = beta_2 * v + (1 - beta_2) * g²
            backend.multiply(gradient, gradient, slot.scratch);
            slot.velocity.muli(beta2);
            backend.axpy(1.0 - beta2, slot.scratch, slot.velocity);
            INDArray secondMoment = slot.velocity;
            if (amsgrad) {
                Transforms.max(slot.maximumVelocity, slot.velocity, false);
                secondMoment = slot.maximumVelocity;
            }
            // w = w - lr_t * m / (sqrt(v) + epsilon)
            slot.scratch.assign(secondMoment);
            Transforms.sqrt(slot.scratch, false).addi(epsilon).rdivi(slot.momentum);
            backend.axpy(-rate, slot.scratch, parameter.value());
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
        state.put(MOMENTUM, slot.momentum);
        state.put(VELOCITY, slot.velocity);
        if (slot.maximumVelocity != null) {
            state.put(VELOCITY_HAT, slot.maximumVelocity);
        }
        return state;
    }

    @Override
    public void restoreState(Parameter parameter, Map<String, INDArray> state) {
        if (state.isEmpty()) {
            slots.remove(parameter);
            return;
        }
        SlotArrays.checkNames(name(), parameter, state,
                amsgrad ? Set.of(MOMENTUM, VELOCITY, VELOCITY_HAT) : Set.of(MOMENTUM, VELOCITY));
        slots.put(parameter, new Slots(parameter, state));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("learning_rate", learningRate());
        config.put("beta_1", beta1);
        config.put("beta_2", beta2);
        config.put("epsilon", epsilon);
        config.put("amsgrad", amsgrad);
        putClipping(config);
        return config;
    }

    /**
     * Rebuilds an Adam from its {@link #config()}, as Keras's {@code from_config}; missing keys take Keras's defaults
     * ({@code learning_rate} 0.001, {@code beta_1} 0.9, {@code beta_2} 0.999, {@code epsilon} 1e-7, {@code amsgrad}
     * false), unknown keys are ignored.
     *
     * @param config the config, as read back from JSON
     * @return a new Adam
     * @throws IllegalArgumentException naming the key for a bad value
     */
    public static Adam fromConfig(Map<String, Object> config) {
        return readClipping(new Adam(ConfigValues.optionalDouble(config, "learning_rate", 0.001),
                ConfigValues.optionalDouble(config, "beta_1", 0.9),
                ConfigValues.optionalDouble(config, "beta_2", 0.999),
                ConfigValues.optionalDouble(config, "epsilon", 1e-7),
                ConfigValues.optionalBoolean(config, "amsgrad", false)), config);
    }

    /** The state of one parameter, and a scratch array of its shape. */
    private static final class Slots {
        final INDArray momentum;
        final INDArray velocity;
        final INDArray maximumVelocity;
        final INDArray scratch;

        Slots(Parameter parameter, Backend backend, boolean amsgrad) {
            momentum = backend.zeros(parameter.value().dataType(), parameter.shape());
            velocity = backend.zeros(parameter.value().dataType(), parameter.shape());
            maximumVelocity = amsgrad ? backend.zeros(parameter.value().dataType(), parameter.shape()) : null;
            scratch = backend.zeros(parameter.value().dataType(), parameter.shape());
        }

        Slots(Parameter parameter, Map<String, INDArray> state) {
            momentum = SlotArrays.copy("Adam", parameter, MOMENTUM, state.get(MOMENTUM));
            velocity = SlotArrays.copy("Adam", parameter, VELOCITY, state.get(VELOCITY));
            maximumVelocity = state.containsKey(VELOCITY_HAT)
                    ? SlotArrays.copy("Adam", parameter, VELOCITY_HAT, state.get(VELOCITY_HAT))
                    : null;
            scratch = SlotArrays.zerosLike(parameter);
        }
    }
}
