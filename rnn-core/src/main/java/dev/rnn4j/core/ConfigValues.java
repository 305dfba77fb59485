package dev.rnn4j.core;

import java.util.Map;

/**
 * Typed reads from a config map as read back from JSON (strings, {@link Boolean}s, {@link Number}s, {@code null},
 * lists and maps), for the {@code fromConfig} readers of optimizers, losses and initializers. A missing key takes the
 * default; a bad value is an {@link IllegalArgumentException} naming the key, what was expected and what was found.
 */
public final class ConfigValues {
    private ConfigValues() {
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
