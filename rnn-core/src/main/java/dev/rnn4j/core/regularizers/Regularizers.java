package dev.rnn4j.core.regularizers;

import dev.rnn4j.api.Regularizer;
import dev.rnn4j.core.ConfigValues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Keras's weight regularizers by name and config ({@code keras.regularizers.get}), and the arithmetic they share.
 *
 * <pre>
 * L1(l1)        l1 * sum(|w|)                    {"class_name": "L1", "config": {"l1": l1}}
 * L2(l2)        l2 * sum(w^2)                    {"class_name": "L2", "config": {"l2": l2}}
 * L1L2(l1, l2)  l1 * sum(|w|) + l2 * sum(w^2)    {"class_name": "L1L2", "config": {"l1": l1, "l2": l2}}
 * </pre>
 * The plain names {@code "l1"}, {@code "l2"} and {@code "l1_l2"} (or the class names) give factors of 0.01, as
 * Keras documents them.
 */
public final class Regularizers {
    /** The plain names and the class names {@link #fromConfig} knows. */
    private static final Map<String, String> NAMES = Map.of("l1", "L1", "l2", "L2", "l1_l2", "L1L2", "L1", "L1",
            "L2", "L2", "L1L2", "L1L2");
    /** Keras's factor for a regularizer given by name. */
    private static final double DEFAULT_FACTOR = 0.01;

    private Regularizers() {
    }

    /**
     * Rebuilds a built-in regularizer, as Keras's {@code regularizers.get}: from its saved form
     * {@code {"class_name": "L2", "config": {"l2": 0.01}}} (a missing or null config, or a null factor, takes the
     * class's defaults: 0.01 for {@code L1} and {@code L2}, 0 for each factor of {@code L1L2}; other keys of the outer
     * object are ignored), from a plain name such as {@code "l2"} (factors of 0.01), or from null (none).
     *
     * @param config the form, the name or null, as read back from JSON
     * @return the regularizer, or null for null
     * @throws IllegalArgumentException for an unknown name (naming the known ones), an unknown config key, a factor
     *                                  that is not a number, or a negative, infinite or NaN factor
     */
    public static Regularizer fromConfig(Object config) {
        if (config == null) {
            return null;
        }
        if (config instanceof String name) {
            String className = className(name);
            return switch (className) {
                case "L1" -> new L1(DEFAULT_FACTOR);
                case "L2" -> new L2(DEFAULT_FACTOR);
                default -> new L1L2(DEFAULT_FACTOR, DEFAULT_FACTOR);
            };
        }
        if (config instanceof Map<?, ?> map && map.get("class_name") instanceof String name) {
            String className = className(name);
            Object arguments = map.get("config");
            if (arguments != null && !(arguments instanceof Map)) {
                throw new IllegalArgumentException(className + " config: expected an object, found "
                        + ConfigValues.describe(arguments));
            }
            Map<?, ?> values = arguments == null ? Map.of() : (Map<?, ?>) arguments;
            return switch (className) {
                case "L1" -> new L1(factor(className, values, Set.of("l1"), "l1", DEFAULT_FACTOR));
                case "L2" -> new L2(factor(className, values, Set.of("l2"), "l2", DEFAULT_FACTOR));
                default -> new L1L2(factor(className, values, Set.of("l1", "l2"), "l1", 0.0),
                        factor(className, values, Set.of("l1", "l2"), "l2", 0.0));
            };
        }
        throw new IllegalArgumentException("regularizer: expected a name such as 'l2', an object {class_name, config}"
                + " or null, found " + ConfigValues.describe(config));
    }

    /**
     * The saved form of a regularizer, Keras's {@code serialize}.
     *
     * @param regularizer a regularizer, or null
     * @return {@code {"class_name": name(), "config": config()}}, or null for null
     */
    public static Map<String, Object> toConfig(Regularizer regularizer) {
        if (regularizer == null) {
            return null;
        }
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("class_name", regularizer.name());
        form.put("config", new LinkedHashMap<>(regularizer.config()));
        return form;
    }

    /**
     * Checks a factor as Keras's {@code validate_float_arg}.
     *
     * @param what  the regularizer and argument, for the message ({@code L2 l2})
     * @param value the factor
     * @return the factor
     * @throws IllegalArgumentException unless it is finite and at least 0
     */
    static double checkFactor(String what, double value) {
        if (!(value >= 0.0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(what + ": expected a finite number at least 0, found " + value);
        }
        return value;
    }

    /** @return {@code sum(|w|)}, summed in double precision */
    static double sumOfAbsolute(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += Math.abs(value);
        }
        return sum;
    }

    /** @return {@code sum(w^2)}, summed in double precision */
    static double sumOfSquares(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value * value;
        }
        return sum;
    }

    private static String className(String name) {
        String className = NAMES.get(name);
        if (className == null) {
            throw new IllegalArgumentException("regularizer: unknown regularizer '" + name + "'; known: l1, l2, l1_l2"
                    + " (or their class names: L1, L2, L1L2)");
        }
        return className;
    }

    private static double factor(String className, Map<?, ?> config, Set<String> keys, String key,
            double defaultValue) {
        for (Object present : config.keySet()) {
            if (!keys.contains(String.valueOf(present))) {
                throw new IllegalArgumentException(className + " config: expected only " + String.join(" and ",
                        keys.stream().sorted().toList()) + ", found '" + present + "'");
            }
        }
        Object value = config.get(key);
        if (value == null) {
            return defaultValue; // Keras: None takes the default
        }
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException(className + " " + key + ": expected a number, found "
                    + ConfigValues.describe(value));
        }
        return number.doubleValue();
    }
}
