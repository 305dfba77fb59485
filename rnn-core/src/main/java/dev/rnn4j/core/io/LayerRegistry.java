package dev.rnn4j.core.io;

import static dev.rnn4j.core.ConfigValues.describe;
import static dev.rnn4j.core.ConfigValues.optionalBoolean;
import static dev.rnn4j.core.ConfigValues.optionalDouble;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Layer;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Bidirectional;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.layers.RNN;
import dev.rnn4j.core.layers.RecurrentCell;
import dev.rnn4j.core.layers.SimpleRNN;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The layer types {@link ModelFile#load} can rebuild: type name ({@code class_name} in {@code config.json}, the
 * layer's {@link Layer#typeName()}) to a factory that makes an unbuilt, unnamed layer from its saved
 * {@link Layer#config()}.
 *
 * <p>Built in: {@code SimpleRNN} ({@code units}, {@code activation}, {@code use_bias}, {@code return_sequences},
 * {@code dropout}), {@code LSTM} ({@code units}, {@code activation}, {@code recurrent_activation}, {@code use_bias},
 * {@code unit_forget_bias}, {@code return_sequences}, {@code dropout}, {@code recurrent_dropout}), {@code GRU}
 * ({@code units}, {@code activation}, {@code recurrent_activation}, {@code use_bias}, {@code return_sequences},
 * {@code dropout}, {@code recurrent_dropout}, {@code reset_after}, which must be true), {@code Dense} ({@code units},
 * {@code activation}, {@code use_bias}) and {@code Activation} ({@code activation}); missing keys take Keras's
 * defaults, unknown keys are ignored. Others are added by {@link #register} or by a {@link LayerProvider} found through
 * {@link ServiceLoader} (loaded once, on first use, from the thread's context class loader; {@link #loadProviders}
 * loads those of another class loader).
 *
 * <p>A factory receives the config as read back from JSON: strings, {@link Boolean}s, {@link Integer} (or {@link Long}
 * when it does not fit) for numbers written without a fraction or exponent, {@link Double} for the others, {@code null},
 * {@link java.util.List}s and {@link Map}s of these. A factory throws {@link IllegalArgumentException} naming the key for
 * a bad value; {@link ModelFile#load} reports it with the file and the layer.
 *
 * <p>Thread-safe. The registry is global to the JVM (as Keras's custom objects are to a process).
 */
public final class LayerRegistry {
    private static final Map<String, Function<Map<String, Object>, Layer>> BUILT_INS = builtIns();
    private static final Map<String, Function<Map<String, Object>, Layer>> REGISTERED = new ConcurrentHashMap<>();
    /** Cell types of {@code RNN} layers: the built-in cells, and those {@link #registerCell} adds. */
    private static final Map<String, Function<Map<String, Object>, RecurrentCell>> CELLS = new ConcurrentHashMap<>(
            Map.of("SimpleRNNCell", config -> simpleRnn(config).cell(),
                    "LSTMCell", config -> lstm(config).cell(),
                    "GRUCell", config -> gru(config).cell()));
    /** The provider classes already registered, so a provider seen again through another class loader counts once. */
    private static final Set<Class<?>> LOADED_PROVIDERS = new HashSet<>();
    private static boolean providersLoaded;

    private LayerRegistry() {
    }

    /**
     * Registers a layer type, replacing an earlier registration of the same name. The built-in types cannot be
     * replaced.
     *
     * @param typeName the type name, as the layer's {@link Layer#typeName()} returns it
     * @param factory  makes an unbuilt, unnamed layer from its config
     * @throws IllegalArgumentException for a blank name or a built-in type's name
     */
    public static void register(String typeName, Function<Map<String, Object>, Layer> factory) {
        Objects.requireNonNull(typeName, "typeName is null");
        Objects.requireNonNull(factory, "factory is null");
        if (typeName.isBlank()) {
            throw new IllegalArgumentException("typeName: expected a layer type name, found '" + typeName + "'");
        }
        if (BUILT_INS.containsKey(typeName)) {
            throw new IllegalArgumentException("typeName: " + typeName + " is a built-in layer type and cannot be"
                    + " replaced; register the layer under its own class name");
        }
        REGISTERED.put(typeName, factory);
    }

    /**
     * Registers a recurrent cell type for {@code RNN} layers in model files, replacing an earlier registration.
     *
     * @param typeName the cell's {@link RecurrentCell#typeName()}
     * @param factory  makes the cell from its {@link RecurrentCell#config()}
     */
    public static void registerCell(String typeName, Function<Map<String, Object>, RecurrentCell> factory) {
        Objects.requireNonNull(typeName, "typeName is null");
        Objects.requireNonNull(factory, "factory is null");
        if (typeName.isBlank()) {
            throw new IllegalArgumentException("typeName: expected a cell type name, found '" + typeName + "'");
        }
        CELLS.put(typeName, factory);
    }

    /**
     * Registers the layers of every {@link LayerProvider} that {@code loader} can see and that is not registered yet
     * (for plugin class loaders; the providers on the class path are loaded without this call, and first). A plugin
     * loader usually sees the class path's providers too, through its parent: those are not registered again.
     *
     * @param loader the class loader to search
     * @return the number of layer types registered by providers not seen before
     * @throws IllegalStateException naming the provider when one cannot be loaded or offers a built-in name
     */
    public static int loadProviders(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader is null");
        ensureProvidersLoaded();
        return loadNewProviders(loader);
    }

    private static synchronized int loadNewProviders(ClassLoader loader) {
        int count = 0;
        try {
            List<ServiceLoader.Provider<LayerProvider>> candidates = ServiceLoader.load(LayerProvider.class, loader)
                    .stream().toList();
            for (ServiceLoader.Provider<LayerProvider> candidate : candidates) {
                if (!LOADED_PROVIDERS.add(candidate.type())) {
                    continue;
                }
                LayerProvider provider = candidate.get();
                Map<String, Function<Map<String, Object>, Layer>> layers = provider.layers();
                if (layers == null) {
                    continue;
                }
                for (Map.Entry<String, Function<Map<String, Object>, Layer>> entry : layers.entrySet()) {
                    try {
                        register(entry.getKey(), entry.getValue());
                    } catch (RuntimeException e) {
                        throw new IllegalStateException("LayerProvider " + provider.getClass().getName()
                                + " offers layer type " + entry.getKey() + ": " + e.getMessage(), e);
                    }
                    count++;
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load a " + LayerProvider.class.getName() + ": " + e.getMessage(),
                    e);
        }
        return count;
    }

    /** @return every known type name, sorted: the built-ins, registered types and those of providers */
    public static Set<String> knownTypes() {
        ensureProvidersLoaded();
        Set<String> names = new TreeSet<>(BUILT_INS.keySet());
        names.addAll(REGISTERED.keySet());
        return Collections.unmodifiableSet(names);
    }

    /**
     * @param typeName a type name
     * @return whether a factory is known for it
     */
    public static boolean isKnown(String typeName) {
        return factory(typeName) != null;
    }

    /**
     * Makes a layer of a known type.
     *
     * @param typeName the type name
     * @param config   its config, as described above
     * @return a new unbuilt, unnamed layer
     * @throws IllegalArgumentException for an unknown type (naming the known ones) or a bad config (naming the key)
     */
    public static Layer create(String typeName, Map<String, Object> config) {
        Function<Map<String, Object>, Layer> factory = factory(typeName);
        if (factory == null) {
            throw new IllegalArgumentException("unknown layer type '" + typeName + "'; known types: "
                    + String.join(", ", knownTypes()) + " (add others with LayerRegistry.register or a LayerProvider)");
        }
        Layer layer = factory.apply(Collections.unmodifiableMap(new LinkedHashMap<>(config)));
        if (layer == null) {
            throw new IllegalArgumentException("the factory for layer type " + typeName + " returned null");
        }
        return layer;
    }

    private static Function<Map<String, Object>, Layer> factory(String typeName) {
        Function<Map<String, Object>, Layer> factory = BUILT_INS.get(typeName);
        if (factory != null) {
            return factory;
        }
        ensureProvidersLoaded();
        return REGISTERED.get(typeName);
    }

    private static synchronized void ensureProvidersLoaded() {
        if (providersLoaded) {
            return;
        }
        providersLoaded = true;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        loadNewProviders(loader != null ? loader : LayerRegistry.class.getClassLoader());
    }

    private static Map<String, Function<Map<String, Object>, Layer>> builtIns() {
        Map<String, Function<Map<String, Object>, Layer>> builtIns = new LinkedHashMap<>();
        builtIns.put("SimpleRNN", config -> simpleRnn(config).build());
        builtIns.put("LSTM", config -> lstm(config).build());
        builtIns.put("GRU", config -> gru(config).build());
        builtIns.put("RNN", config -> {
            if (!(config.get("cell") instanceof Map<?, ?> saved) || !(saved.get("class_name") instanceof String type)
                    || !(saved.get("config") instanceof Map<?, ?> cellConfig)) {
                throw new IllegalArgumentException("cell: expected {\"class_name\": ..., \"config\": {...}}, found "
                        + describe(config.get("cell")));
            }
            Function<Map<String, Object>, RecurrentCell> factory = CELLS.get(type);
            if (factory == null) {
                throw new IllegalArgumentException("cell: unknown cell type '" + type + "'; known cell types: "
                        + String.join(", ", new TreeSet<>(CELLS.keySet())) + " (add others with"
                        + " LayerRegistry.registerCell)");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> values = (Map<String, Object>) cellConfig;
            return new RNN(factory.apply(Collections.unmodifiableMap(values)), RNN.options()
                    .returnSequences(optionalBoolean(config, "return_sequences", false))
                    .returnState(optionalBoolean(config, "return_state", false))
                    .goBackwards(optionalBoolean(config, "go_backwards", false))
                    .stateful(optionalBoolean(config, "stateful", false))
                    .zeroOutputForMask(optionalBoolean(config, "zero_output_for_mask", false)));
        });
        builtIns.put("Bidirectional", config -> {
            if (!(config.get("layer") instanceof Map<?, ?> inner) || !(inner.get("class_name") instanceof String type)
                    || !(inner.get("config") instanceof Map<?, ?> innerConfig)) {
                throw new IllegalArgumentException("layer: expected {\"class_name\": ..., \"config\": {...}}, found "
                        + describe(config.get("layer")));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> layerConfig = (Map<String, Object>) innerConfig;
            Object mode = config.get("merge_mode");
            if (mode != null && !(mode instanceof String)) {
                throw new IllegalArgumentException("merge_mode: expected a name such as 'concat', found "
                        + describe(mode));
            }
            return new Bidirectional(create(type, layerConfig), config.containsKey("merge_mode")
                    ? Bidirectional.MergeMode.fromKerasName((String) mode) : Bidirectional.MergeMode.CONCAT);
        });
        builtIns.put("Dense", config -> new Dense(requiredInt(config, "units"),
                activation(config, "activation", ActivationFunction.LINEAR), optionalBoolean(config, "use_bias", true),
                Initializers.glorotUniform(), Initializers.zeros()));
        builtIns.put("Activation", config -> {
            Object name = config.get("activation");
            if (!(name instanceof String text)) {
                throw new IllegalArgumentException("activation: expected a name such as 'softmax', found "
                        + describe(name));
            }
            return new Activation(text);
        });
        return Collections.unmodifiableMap(builtIns);
    }

    /** The settings every recurrent layer reads, Keras's defaults for missing keys. */
    private static <B extends dev.rnn4j.core.layers.RecurrentBuilder<B>> B recurrent(B builder,
            Map<String, Object> config) {
        return builder.activation(activation(config, "activation", ActivationFunction.TANH))
                .useBias(optionalBoolean(config, "use_bias", true))
                .returnSequences(optionalBoolean(config, "return_sequences", false))
                .returnState(optionalBoolean(config, "return_state", false))
                .goBackwards(optionalBoolean(config, "go_backwards", false))
                .stateful(optionalBoolean(config, "stateful", false))
                .zeroOutputForMask(optionalBoolean(config, "zero_output_for_mask", false))
                .dropout(optionalDouble(config, "dropout", 0.0))
                .recurrentDropout(optionalDouble(config, "recurrent_dropout", 0.0));
    }

    private static SimpleRNN.Builder simpleRnn(Map<String, Object> config) {
        return recurrent(SimpleRNN.builder(requiredInt(config, "units")), config);
    }

    private static LSTM.Builder lstm(Map<String, Object> config) {
        return recurrent(LSTM.builder(requiredInt(config, "units")), config)
                .recurrentActivation(activation(config, "recurrent_activation", ActivationFunction.SIGMOID))
                .unitForgetBias(optionalBoolean(config, "unit_forget_bias", true));
    }

    private static GRU.Builder gru(Map<String, Object> config) {
        if (!optionalBoolean(config, "reset_after", true)) {
            throw new IllegalArgumentException("reset_after: expected true (rnn4j's GRU is Keras's default"
                    + " reset_after=True form), found false");
        }
        return recurrent(GRU.builder(requiredInt(config, "units")), config)
                .recurrentActivation(activation(config, "recurrent_activation", ActivationFunction.SIGMOID));
    }

    // ------------------------------------------------------------------------------------------ config helpers

    static int requiredInt(Map<String, Object> config, String key) {
        Object value = config.get(key);
        if (value instanceof Number number) {
            double asDouble = number.doubleValue();
            if (asDouble == Math.rint(asDouble) && asDouble >= Integer.MIN_VALUE && asDouble <= Integer.MAX_VALUE) {
                return (int) asDouble;
            }
        }
        throw new IllegalArgumentException(key + ": expected an integer, found " + describe(value));
    }

    private static ActivationFunction activation(Map<String, Object> config, String key,
            ActivationFunction defaultValue) {
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
}
