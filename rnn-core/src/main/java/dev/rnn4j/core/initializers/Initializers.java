package dev.rnn4j.core.initializers;

import dev.rnn4j.api.Initializer;
import dev.rnn4j.core.ConfigValues;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Keras's weight initializers. Each draws from the generator it is given, so a seeded model is reproducible.
 *
 * <p>Each has Keras's serialized form as its {@link Initializer#config()}, read back by {@link #fromConfig}:
 * <pre>
 * zeros()             {"class_name": "Zeros", "config": {}}
 * ones()              {"class_name": "Ones", "config": {}}
 * constant(value)     {"class_name": "Constant", "config": {"value": value}}
 * glorotUniform()     {"class_name": "GlorotUniform", "config": {}}
 * orthogonal(gain)    {"class_name": "Orthogonal", "config": {"gain": gain}}
 * randomUniform(a, b) {"class_name": "RandomUniform", "config": {"minval": a, "maxval": b}}
 * </pre>
 * Two initializers with the same form are equal.
 */
public final class Initializers {
    /** The class names {@link #fromConfig} knows; it takes their snake_case names too, as Keras does. */
    private static final List<String> CLASS_NAMES = List.of("Constant", "GlorotUniform", "Ones", "Orthogonal",
            "RandomUniform", "Zeros");

    private Initializers() {
    }

    /** @return all zeros (Keras {@code zeros}) */
    public static Initializer zeros() {
        return new Named("Zeros", Map.of(), filled(0.0));
    }

    /** @return all ones (Keras {@code ones}) */
    public static Initializer ones() {
        return new Named("Ones", Map.of(), filled(1.0));
    }

    /**
     * @param value the value of every element, finite
     * @return Keras's {@code Constant(value)}
     */
    public static Initializer constant(double value) {
        checkFinite("Constant value", value);
        return new Named("Constant", Map.of("value", value), filled(value));
    }

    private static Initializer filled(double value) {
        return (shape, random) -> {
            double[] values = new double[size(shape)];
            Arrays.fill(values, value);
            return values;
        };
    }

    /**
     * Keras's {@code glorot_uniform}: uniform on {@code [-limit, limit]} with {@code limit = sqrt(6 / (fanIn + fanOut))},
     * where for a 2-D shape {@code [in, out]} fanIn = in and fanOut = out.
     *
     * @return the initializer
     */
    public static Initializer glorotUniform() {
        return new Named("GlorotUniform", Map.of(), (shape, random) -> {
            long[] fans = fans(shape);
            double limit = Math.sqrt(6.0 / (fans[0] + fans[1]));
            double[] values = new double[size(shape)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (random.nextDouble() * 2.0 - 1.0) * limit;
            }
            return values;
        });
    }

    /**
     * Keras's {@code RandomUniform(minval, maxval)}, {@code Embedding}'s default with {@code [-0.05, 0.05]} (Keras's
     * {@code "uniform"}).
     *
     * @param minval the lower bound, finite
     * @param maxval the upper bound, finite and at least {@code minval}
     * @return the initializer
     */
    public static Initializer randomUniform(double minval, double maxval) {
        checkFinite("RandomUniform minval", minval);
        checkFinite("RandomUniform maxval", maxval);
        if (maxval < minval) {
            throw new IllegalArgumentException("RandomUniform: expected minval <= maxval, found " + minval + " and "
                    + maxval);
        }
        return new Named("RandomUniform", Map.of("minval", minval, "maxval", maxval), (shape, random) -> {
            double[] values = new double[size(shape)];
            for (int i = 0; i < values.length; i++) {
                values[i] = minval + random.nextDouble() * (maxval - minval);
            }
            return values;
        });
    }

    /**
     * Keras's {@code orthogonal} with gain 1: see {@link #orthogonal(double)}.
     *
     * @return the initializer
     */
    public static Initializer orthogonal() {
        return orthogonal(1.0);
    }

    /**
     * Keras's {@code Orthogonal(gain)}: a QR decomposition of a standard Gaussian matrix, with the signs of Q's
     * columns fixed so that R has a positive diagonal, times {@code gain}. For a 2-D shape {@code [rows, cols]} the
     * rows (or the columns, whichever are fewer) are orthonormal when the gain is 1.
     *
     * @param gain the factor applied to the orthogonal matrix, finite
     * @return the initializer
     */
    public static Initializer orthogonal(double gain) {
        checkFinite("Orthogonal gain", gain);
        return new Named("Orthogonal", Map.of("gain", gain), (shape, random) -> {
            if (shape.length < 2) {
                throw new IllegalArgumentException("orthogonal: expected a shape of rank 2 or more, found "
                        + Arrays.toString(shape));
            }
            int columns = shape[shape.length - 1];
            int rows = size(shape) / columns;
            int tall = Math.max(rows, columns);
            int narrow = Math.min(rows, columns);
            double[][] basis = new double[narrow][tall]; // column vectors of the Gaussian matrix [tall, narrow]
            for (int i = 0; i < tall; i++) {
                for (int j = 0; j < narrow; j++) {
                    basis[j][i] = random.nextGaussian();
                }
            }
            orthonormalize(basis);
            double[] values = new double[rows * columns];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    // Q is [tall, narrow]; when rows < columns Keras transposes it.
                    values[r * columns + c] = gain * (rows >= columns ? basis[c][r] : basis[r][c]);
                }
            }
            return values;
        });
    }

    /**
     * Rebuilds a built-in initializer from its {@link Initializer#config()}, as Keras's {@code initializers.get}:
     * either that map, {@code {"class_name": ..., "config": {...}}} (a missing or null config takes Keras's defaults,
     * other keys are ignored), or a plain name, {@code "glorot_uniform"} or {@code "GlorotUniform"}, with the defaults.
     *
     * @param config the map or the name, as read back from JSON
     * @return the initializer
     * @throws IllegalArgumentException for an unknown name (naming the known ones), a config that is neither, a bad
     *                                  value (naming the key) or a seed (rnn4j's initializers draw from the model's
     *                                  generator)
     */
    public static Initializer fromConfig(Object config) {
        if (config instanceof String name) {
            return create(className(name), Map.of());
        }
        if (config instanceof Map<?, ?> map && map.get("class_name") instanceof String name) {
            Object arguments = map.get("config");
            if (arguments != null && !(arguments instanceof Map)) {
                throw new IllegalArgumentException(name + " config: expected an object, found "
                        + ConfigValues.describe(arguments));
            }
            return create(className(name), arguments == null ? Map.of() : (Map<?, ?>) arguments);
        }
        throw new IllegalArgumentException("initializer: expected a name such as 'glorot_uniform' or an object"
                + " {class_name, config}, found " + ConfigValues.describe(config));
    }

    private static String className(String name) {
        if ("uniform".equals(name)) {
            return "RandomUniform"; // Keras's alias, Embedding's default
        }
        for (String className : CLASS_NAMES) {
            if (className.equals(name) || snakeCase(className).equals(name)) {
                return className;
            }
        }
        List<String> known = CLASS_NAMES.stream().map(Initializers::snakeCase).toList();
        throw new IllegalArgumentException("initializer: unknown initializer '" + name + "'; known: "
                + String.join(", ", known) + " (or their class names: " + String.join(", ", CLASS_NAMES) + ")");
    }

    private static Initializer create(String className, Map<?, ?> config) {
        Object seed = config.get("seed");
        if (seed != null) {
            throw new IllegalArgumentException(className + " seed: expected none (rnn4j's initializers draw from the"
                    + " model's seeded generator), found " + ConfigValues.describe(seed));
        }
        return switch (className) {
            case "Zeros" -> zeros();
            case "Ones" -> ones();
            case "Constant" -> constant(number(className, config, "value", 0.0));
            case "GlorotUniform" -> glorotUniform();
            case "Orthogonal" -> orthogonal(number(className, config, "gain", 1.0));
            case "RandomUniform" -> randomUniform(number(className, config, "minval", -0.05),
                    number(className, config, "maxval", 0.05));
            default -> throw new IllegalStateException("no factory for known initializer " + className);
        };
    }

    private static double number(String className, Map<?, ?> config, String key, double defaultValue) {
        try {
            return ConfigValues.optionalDouble(config, key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(className + " " + e.getMessage(), e);
        }
    }

    private static String snakeCase(String className) {
        return className.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static void checkFinite(String what, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + ": expected a finite number, found " + value);
        }
    }

    /**
     * A built-in initializer with its Keras form. Equal to another with the same class name and arguments, so layer
     * configs holding initializers compare as their saved forms do.
     */
    private static final class Named implements Initializer {
        private final String className;
        private final Map<String, Object> arguments;
        private final Initializer body;

        Named(String className, Map<String, Object> arguments, Initializer body) {
            this.className = className;
            this.arguments = arguments;
            this.body = body;
        }

        @Override
        public double[] initialize(int[] shape, Random random) {
            return body.initialize(shape, random);
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("class_name", className);
            config.put("config", new LinkedHashMap<>(arguments));
            return config;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Named named && className.equals(named.className)
                    && arguments.equals(named.arguments);
        }

        @Override
        public int hashCode() {
            return Objects.hash(className, arguments);
        }

        @Override
        public String toString() {
            return className + arguments;
        }
    }

    /**
     * Modified Gram-Schmidt, twice for numerical orthogonality. Dividing by the positive norm gives R a positive
     * diagonal, which is exactly the sign fix Keras applies to its QR.
     */
    private static void orthonormalize(double[][] vectors) {
        for (int j = 0; j < vectors.length; j++) {
            double[] vector = vectors[j];
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double[] previous = vectors[k];
                    double dot = 0;
                    for (int i = 0; i < vector.length; i++) {
                        dot += previous[i] * vector[i];
                    }
                    for (int i = 0; i < vector.length; i++) {
                        vector[i] -= dot * previous[i];
                    }
                }
            }
            double norm = 0;
            for (double value : vector) {
                norm += value * value;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < vector.length; i++) {
                vector[i] /= norm;
            }
        }
    }

    private static long[] fans(int[] shape) {
        if (shape.length == 1) {
            return new long[] {shape[0], shape[0]};
        }
        long receptive = 1;
        for (int i = 0; i < shape.length - 2; i++) {
            receptive *= shape[i];
        }
        return new long[] {shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive};
    }

    private static int size(int[] shape) {
        long size = 1;
        for (int dim : shape) {
            size *= dim;
        }
        return Math.toIntExact(size);
    }
}
