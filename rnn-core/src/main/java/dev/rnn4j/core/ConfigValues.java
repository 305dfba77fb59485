package dev.rnn4j.core;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Regularizer;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.regularizers.Regularizers;
import java.util.Map;

/**
 * Typed reads from a config map as read back from JSON (strings, {@link Boolean}s, {@link Number}s, {@code null},
 * lists and maps), for the {@code fromConfig} readers of layers, optimizers, losses, initializers and regularizers.
 * A missing key takes the default; a bad value is an {@link IllegalArgumentException} naming the key, what was
 * expected and what was found.
 */
public final class ConfigValues {
    private ConfigValues() {
    }

    /**
     * @param config the config
     * @param key    the key
     * @return the integer under {@code key}
     * @throws IllegalArgumentException when it is missing or not an integer
     */
    public static int requiredInt(Map<?, ?> config, String key) {
        Object value = config.get(key);
        if (value instanceof Number number) {
            double asDouble = number.doubleValue();
            if (asDouble == Math.rint(asDouble) && asDouble >= Integer.MIN_VALUE && asDouble <= Integer.MAX_VALUE) {
                return (int) asDouble;
            }
        }
        throw new IllegalArgumentException(key + ": expected an integer, found " + describe(value));
    }

    /**
     * @param config       the config
     * @param key          the key
     * @param defaultValue the value when the key is missing
     * @return the activation named under {@code key} (Keras's name), or {@code defaultValue}
     * @throws IllegalArgumentException when the value is not a known activation's name
     */
    public static ActivationFunction activation(Map<?, ?> config, String key, ActivationFunction defaultValue) {
        Object value = config.get(key);
        if (value == null && !config.containsKey(key)) {
            return defaultValue;
        }
        if (value instanceof String name) {
            try {
                return ActivationFunction.fromKerasName(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage().replaceFirst("^activation: ", ""), e);
            }
        }
        throw new IllegalArgumentException(key + ": expected a name such as 'tanh', found " + describe(value));
    }

    /**
     * @param config       the config
     * @param key          the key ({@code kernel_initializer}, ...)
     * @param defaultValue the initializer when the key is missing or null (files written before initializers were
     *                     saved)
     * @return the initializer under {@code key}, read by {@link Initializers#fromConfig}
     * @throws IllegalArgumentException naming the key for a bad value
     */
    public static Initializer initializer(Map<?, ?> config, String key, Initializer defaultValue) {
        Object value = config.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Initializers.fromConfig(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes an initializer's serialized form under {@code key}; one without (a lambda) is left out, and reads back
     * as the default.
     *
     * @param config      the config being written
     * @param key         the key
     * @param initializer the initializer
     */
    public static void putInitializer(Map<String, Object> config, String key, Initializer initializer) {
        Map<String, Object> form = initializer.config();
        if (form != null) {
            config.put(key, form);
        }
    }

    /**
     * @param config the config
     * @param key    the key ({@code kernel_regularizer}, ...)
     * @return the regularizer under {@code key}, read by {@link Regularizers#fromConfig}; null when the key is missing
     *         or null (none, and files written before regularizers were saved)
     * @throws IllegalArgumentException naming the key for a bad value
     */
    public static Regularizer regularizer(Map<?, ?> config, String key) {
        try {
            return Regularizers.fromConfig(config.get(key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a regularizer's saved form under {@code key}, or null for none, as Keras's {@code get_config} does.
     *
     * @param config      the config being written
     * @param key         the key
     * @param regularizer the regularizer, or null
     */
    public static void putRegularizer(Map<String, Object> config, String key, Regularizer regularizer) {
        config.put(key, Regularizers.toConfig(regularizer));
    }

    /**
     * @param config       the config
     * @param key          the key
     * @param defaultValue the value when the key is missing
     * @return the number under {@code key}, or {@code defaultValue}
     * @throws IllegalArgumentException when the value is not a number
     */
    public static double optionalDouble(Map<?, ?> config, String key, double defaultValue) {
        Object value = config.get(key);
        if (value == null && !config.containsKey(key)) {
            return defaultValue;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        throw new IllegalArgumentException(key + ": expected a number, found " + describe(value));
    }

    /**
     * @param config       the config
     * @param key          the key
     * @param defaultValue the value when the key is missing
     * @return the boolean under {@code key}, or {@code defaultValue}
     * @throws IllegalArgumentException when the value is not {@code true} or {@code false}
     */
    public static boolean optionalBoolean(Map<?, ?> config, String key, boolean defaultValue) {
        Object value = config.get(key);
        if (value == null && !config.containsKey(key)) {
            return defaultValue;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        throw new IllegalArgumentException(key + ": expected true or false, found " + describe(value));
    }

    /**
     * @param value a config value
     * @return the value for a message: strings quoted, {@code nothing} for null
     */
    public static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }
}
