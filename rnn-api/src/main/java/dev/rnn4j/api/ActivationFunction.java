package dev.rnn4j.api;

import java.util.Locale;

/**
 * The elementwise (and row-wise, for softmax) activation functions, under Keras's names. Every derivative is computed
 * from the function's output {@code y}, so layers keep only their outputs:
 * <ul>
 *   <li>{@code linear}: {@code y = x}, {@code dx = dy}</li>
 *   <li>{@code tanh}: {@code dx = dy * (1 - y*y)}</li>
 *   <li>{@code relu}: {@code y = max(x, 0)}, {@code dx = dy * (y > 0)}</li>
 *   <li>{@code sigmoid}: {@code y = 1 / (1 + exp(-x))}, {@code dx = dy * y * (1 - y)}</li>
 *   <li>{@code softmax} over the last axis of a 2-D array: {@code dx = y * (dy - sum(dy * y, row))}</li>
 * </ul>
 */
public enum ActivationFunction {
    LINEAR, TANH, RELU, SIGMOID, SOFTMAX;

    /** @return Keras's name: {@code tanh}, {@code softmax}, ... */
    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name Keras's name, case-insensitive
     * @return the function
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static ActivationFunction fromKerasName(String name) {
        for (ActivationFunction function : values()) {
            if (function.kerasName().equalsIgnoreCase(name)) {
                return function;
            }
        }
        throw new IllegalArgumentException("activation: expected one of linear, tanh, relu, sigmoid, softmax, found '"
                + name + "'");
    }
}
