package dev.rnn4j.core.io;

import dev.rnn4j.api.Loss;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.core.losses.BinaryCrossentropy;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.losses.Huber;
import dev.rnn4j.core.losses.MeanAbsoluteError;
import dev.rnn4j.core.losses.MeanSquaredError;
import dev.rnn4j.core.losses.SparseCategoricalCrossentropy;
import dev.rnn4j.core.optimizers.Adam;
import dev.rnn4j.core.optimizers.RMSprop;
import dev.rnn4j.core.optimizers.SGD;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The optimizers and losses {@link ModelFile#load} can rebuild, as {@link LayerRegistry} does for layers: name (the
 * object's {@code name()}, stored in {@code config.json}) to a factory that makes the object from its saved
 * {@code config()}, usually the class's static {@code fromConfig} (Keras's {@code from_config}).
 *
 * <p>Built in: {@link #OPTIMIZERS} {@code SGD}, {@code Adam}, {@code RMSprop}; {@link #LOSSES}
 * {@code categorical_crossentropy}, {@code sparse_categorical_crossentropy}, {@code binary_crossentropy},
 * {@code mean_squared_error} ({@code mse}), {@code mean_absolute_error} ({@code mae}), {@code huber}. Add others before loading a model that uses them:
 * <pre>{@code
 * Registry.OPTIMIZERS.register("Lion", Lion::fromConfig);
 * }</pre>
 *
 * <p>A factory receives the config as {@link LayerRegistry} describes (JSON values as plain Java values) and throws
 * {@link IllegalArgumentException} naming the key for a bad value. Thread-safe; global to the JVM, as Keras's custom
 * objects are to a process.
 *
 * @param <T> what the registry makes
 */
public final class Registry<T> {
    /** The optimizers, by {@link Optimizer#name()}. */
    public static final Registry<Optimizer> OPTIMIZERS = new Registry<>("optimizer", "optimizers", "OPTIMIZERS",
            Map.of("SGD", SGD::fromConfig, "Adam", Adam::fromConfig, "RMSprop", RMSprop::fromConfig));
    /** The losses, by {@link Loss#name()}. */
    public static final Registry<Loss> LOSSES = new Registry<>("loss", "losses", "LOSSES",
            Map.of("categorical_crossentropy", CategoricalCrossentropy::fromConfig,
                    "sparse_categorical_crossentropy", SparseCategoricalCrossentropy::fromConfig,
                    "binary_crossentropy", BinaryCrossentropy::fromConfig,
                    "mean_squared_error", MeanSquaredError::fromConfig,
                    "mean_absolute_error", MeanAbsoluteError::fromConfig,
                    "huber", Huber::fromConfig,
                    // Keras's short names, read only: a loss is saved under its name()
                    "mse", MeanSquaredError::fromConfig,
                    "mae", MeanAbsoluteError::fromConfig));

    private final String kind;
    private final String kinds;
    private final String field;
    private final Map<String, Function<Map<String, Object>, ? extends T>> builtIns;
    private final Map<String, Function<Map<String, Object>, ? extends T>> registered = new ConcurrentHashMap<>();

    private Registry(String kind, String kinds, String field,
            Map<String, Function<Map<String, Object>, ? extends T>> builtIns) {
        this.kind = kind;
        this.kinds = kinds;
        this.field = field;
        this.builtIns = builtIns;
    }

    /**
     * Registers a name, replacing an earlier registration of it. The built-in names cannot be replaced.
     *
     * @param name    the name, as the object's {@code name()} returns it
     * @param factory makes the object from its config
     * @throws IllegalArgumentException for a blank name or a built-in name
     */
    public void register(String name, Function<Map<String, Object>, ? extends T> factory) {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(factory, "factory is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: expected the " + kind + "'s name, found '" + name + "'");
        }
        if (builtIns.containsKey(name)) {
            throw new IllegalArgumentException("name: " + name + " is a built-in " + kind + " and cannot be replaced;"
                    + " register yours under its own name");
        }
        registered.put(name, factory);
    }

    /** @return every known name, sorted: the built-ins and the registered ones */
    public Set<String> knownNames() {
        Set<String> names = new TreeSet<>(builtIns.keySet());
        names.addAll(registered.keySet());
        return Collections.unmodifiableSet(names);
    }

    /**
     * @param name a name
     * @return whether a factory is known for it
     */
    public boolean isKnown(String name) {
        Objects.requireNonNull(name, "name is null");
        return factory(name) != null;
    }

    /**
     * Makes the object a known name stands for.
     *
     * @param name   the name
     * @param config its config, as described above
     * @return a new object
     * @throws IllegalArgumentException for an unknown name (naming the known ones) or a bad config (naming the key)
     */
    public T create(String name, Map<String, Object> config) {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(config, "config is null");
        Function<Map<String, Object>, ? extends T> factory = factory(name);
        if (factory == null) {
            throw new IllegalArgumentException(unknown(name));
        }
        T made = factory.apply(Collections.unmodifiableMap(new LinkedHashMap<>(config)));
        if (made == null) {
            throw new IllegalArgumentException("the factory for " + kind + " " + name + " returned null");
        }
        return made;
    }

    /**
     * @param name a name that is not known
     * @return the message for it: the name, the known names, and how to add one
     */
    String unknown(String name) {
        return "unknown " + kind + " '" + name + "'; known " + kinds + ": " + String.join(", ", knownNames())
                + " (add others with Registry." + field + ".register)";
    }

    private Function<Map<String, Object>, ? extends T> factory(String name) {
        Function<Map<String, Object>, ? extends T> factory = builtIns.get(name);
        return factory != null ? factory : registered.get(name);
    }
}
