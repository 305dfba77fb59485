package dev.rnn4j.api;

import java.util.Random;

/**
 * Makes the initial values of a weight, as Keras's initializers do ({@code glorot_uniform}, {@code orthogonal},
 * {@code zeros}, ...).
 */
@FunctionalInterface
public interface Initializer {
    /**
     * @param shape  the weight's shape in Keras's layout, for example {@code [features, units]}
     * @param random the generator to draw from
     * @return the values in C order, {@code product(shape)} of them
     */
    double[] initialize(int[] shape, Random random);
}
