package dev.rnn4j.api;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Updates parameters from their gradients, one step per batch. State (velocities, moments) is kept per parameter and
 * created on the first update that needs it; the parameters' value arrays are changed in place.
 *
 * <p>Checkpoints save and restore that state through {@link #state}, {@link #restoreState} and
 * {@link #restoreIterations}. An optimizer that keeps per-parameter state overrides all three; the defaults describe a
 * stateless optimizer.
 */
public interface Optimizer {

    /** @return Keras's name, for example {@code SGD} */
    String name();

    /**
     * Applies one update step to every parameter, using the gradients the last backward pass wrote.
     *
     * @param parameters the model's parameters, in a fixed order
     * @param backend    the backend to compute with
     */
    void step(List<Parameter> parameters, Backend backend);

    /** @return the current learning rate */
    double learningRate();

    /**
     * Sets the learning rate used from the next step on (for schedules).
     *
     * @param learningRate a positive, finite rate
     */
    void setLearningRate(double learningRate);

    /** @return the number of steps applied so far */
    long iterations();

    /** @return the constructor arguments under Keras's names */
    Map<String, Object> config();

    /**
     * The state this optimizer keeps for one parameter, for checkpoints: slot name (Keras's: {@code momentum},
     * {@code velocity}, ...) to an array of the parameter's shape. Empty before the first step and for optimizers that
     * keep no state.
     *
     * @param parameter one of the parameters given to {@link #step}
     * @return the slots, in a fixed order; the arrays are the optimizer's own, valid until the next step
     */
    default Map<String, INDArray> state(Parameter parameter) {
        return Map.of();
    }

    /**
     * Restores the state of one parameter from {@link #state}, before the first step of a resumed run: copies the
     * values into the optimizer's slots, creating them.
     *
     * @param parameter the parameter, of the model being resumed
     * @param state     slot name to values, of the parameter's shape
     * @throws IllegalArgumentException naming the slot for an unknown slot or a wrong shape
     */
    default void restoreState(Parameter parameter, Map<String, INDArray> state) {
        if (!state.isEmpty()) {
            throw new IllegalArgumentException(name() + " keeps no state per parameter; found slots " + state.keySet()
                    + " for parameter " + parameter.name());
        }
    }

    /**
     * Sets the number of steps applied so far, for a resumed run (Adam's bias correction depends on it).
     *
     * @param iterations at least 0
     * @throws UnsupportedOperationException when this optimizer cannot set its count (the default, unless the count
     *                                       already equals {@code iterations})
     */
    default void restoreIterations(long iterations) {
        if (iterations != iterations()) {
            throw new UnsupportedOperationException(name() + " cannot restore its iteration count");
        }
    }
}
