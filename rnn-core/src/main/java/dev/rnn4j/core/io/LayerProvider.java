package dev.rnn4j.core.io;

import dev.rnn4j.api.Layer;
import java.util.Map;
import java.util.function.Function;

/**
 * Adds layer types to {@link LayerRegistry} from a jar, with no change to rnn4j: implement this interface in a public
 * class with a public no-argument constructor and name that class in the jar's
 * {@code META-INF/services/dev.rnn4j.core.io.LayerProvider}. The registry loads every provider on the class path
 * through {@link java.util.ServiceLoader} the first time it is used.
 *
 * <pre>{@code
 * public final class MyLayers implements LayerProvider {
 *     public Map<String, Function<Map<String, Object>, Layer>> layers() {
 *         return Map.of("Scale", config -> new Scale(((Number) config.get("factor")).doubleValue()));
 *     }
 * }
 * }</pre>
 */
public interface LayerProvider {
    /**
     * @return factories by type name (the name {@link Layer#typeName()} returns and model files store as
     * {@code class_name}); each builds an unbuilt, unnamed layer from the map its {@link Layer#config()} returned,
     * read back from JSON (see {@link LayerRegistry} for the value types)
     */
    Map<String, Function<Map<String, Object>, Layer>> layers();
}
