package dev.rnn4j.api;

import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients, one step per batch. State (velocities, moments) is kept per parameter and
 * created on the first update that needs it; the parameters' value arrays are changed in place.
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
}
