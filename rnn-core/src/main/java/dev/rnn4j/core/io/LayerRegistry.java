package dev.rnn4j.core.io;

import static dev.rnn4j.core.ConfigValues.describe;

import dev.rnn4j.api.Layer;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Bidirectional;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.Dropout;
import dev.rnn4j.core.layers.Embedding;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.GRUCell;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.layers.LSTMCell;
import dev.rnn4j.core.layers.Masking;
import dev.rnn4j.core.layers.RNN;
import dev.rnn4j.core.layers.RecurrentCell;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.layers.SimpleRNNCell;
import dev.rnn4j.core.layers.TimeDistributed;
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
 * <p>Built in: {@code SimpleRNN}, {@code LSTM}, {@code GRU}, {@code RNN} (its cell by type: {@code SimpleRNNCell},
 * {@code LSTMCell}, {@code GRUCell} and those of {@link #registerCell}), {@code Bidirectional} (its inner layer by
 * type), {@code Dense} and {@code Activation}; each is read back by its own class's {@code fromConfig} (Keras's
 * {@code from_config}), initializers included, and missing keys take Keras's defaults, unknown keys are ignored.
 * Others are added by {@link #register} or by a {@link LayerProvider} found through
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
            Map.of("SimpleRNNCell", SimpleRNNCell::fromConfig, "LSTMCell", LSTMCell::fromConfig,
                    "GRUCell", GRUCell::fromConfig));
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
        builtIns.put("SimpleRNN", SimpleRNN::fromConfig);
        builtIns.put("LSTM", LSTM::fromConfig);
        builtIns.put("GRU", GRU::fromConfig);
        builtIns.put("RNN", config -> RNN.fromConfig(config, cell(config)));
        builtIns.put("Bidirectional", config -> Bidirectional.fromConfig(config, inner(config)));
        builtIns.put("TimeDistributed", config -> TimeDistributed.fromConfig(config, inner(config)));
        builtIns.put("Dense", Dense::fromConfig);
        builtIns.put("Activation", Activation::fromConfig);
        builtIns.put("Embedding", Embedding::fromConfig);
        builtIns.put("Masking", Masking::fromConfig);
        builtIns.put("Dropout", Dropout::fromConfig);
        return Collections.unmodifiableMap(builtIns);
    }

    /** The inner layer of a wrapper's config, {@code {"layer": {"class_name": ..., "config": {...}}}}, by its type. */
    private static Layer inner(Map<String, Object> config) {
        if (!(config.get("layer") instanceof Map<?, ?> inner) || !(inner.get("class_name") instanceof String type)
                || !(inner.get("config") instanceof Map<?, ?> innerConfig)) {
            throw new IllegalArgumentException("layer: expected {\"class_name\": ..., \"config\": {...}}, found "
                    + describe(config.get("layer")));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> layerConfig = (Map<String, Object>) innerConfig;
        return create(type, layerConfig);
    }

    /** The cell of an {@code RNN} layer's config, {@code {"class_name": ..., "config": {...}}}, by its type. */
    private static RecurrentCell cell(Map<String, Object> config) {
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
        return factory.apply(Collections.unmodifiableMap(values));
    }
}
