package dev.rnn4j.examples.layernorm;

import dev.rnn4j.api.Layer;
import dev.rnn4j.core.io.LayerProvider;
import java.util.Map;
import java.util.function.Function;

/**
 * Tells rnn4j how to rebuild {@link LayerNormalization} from a model file. Listed in
 * {@code META-INF/services/dev.rnn4j.core.io.LayerProvider}, so {@code ServiceLoader} finds it.
 */
public final class LayerNormalizationProvider implements LayerProvider {
    @Override
    public Map<String, Function<Map<String, Object>, Layer>> layers() {
        return Map.of("LayerNormalization", LayerNormalization::fromConfig);
    }
}
