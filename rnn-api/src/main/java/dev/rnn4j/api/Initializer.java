package dev.rnn4j.api;

import java.util.Map;
import java.util.Random;

/**
 * Makes the initial values of a weight, as Keras's initializers do ({@code glorot_uniform}, {@code orthogonal},
 * {@code zeros}, ...).
 *
 * <p>An initializer that can be saved with its layer says how through {@link #config()}; a lambda cannot.
 */
@FunctionalInterface
public interface Initializer {
    /**
     * @param shape  the weight's shape in Keras's layout, for example {@code [features, units]}
     * @param random the generator to draw from
     * @return the values in C order, {@code product(shape)} of them
     */
    double[] initialize(int[] shape, Random random);

    /**
     * Keras's serialized form, {@code {"class_name": "Orthogonal", "config": {"gain": 1.0}}}, from which
     * {@code Initializers.fromConfig} in rnn-core rebuilds the built-ins.
     *
     * @return the form, or {@code null} (the default) for an initializer that cannot be saved, such as a lambda
     */
    default Map<String, Object> config() {
        return null;
    }
}
