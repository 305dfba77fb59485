package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Layer;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.layers.Bidirectional;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.layers.RNN;
import dev.rnn4j.core.layers.SimpleRNN;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Configs are written and read by the layers themselves, initializers included, and configs as files wrote them before
 * initializers were saved still read, with Keras's defaults.
 */
class ConfigBesideTheLayerTest {

    private static List<Layer> layersWithNonDefaultInitializers() {
        return List.of(
                SimpleRNN.builder(3).kernelInitializer(Initializers.orthogonal(0.5))
                        .biasInitializer(Initializers.constant(0.25)).build(),
                LSTM.builder(3).recurrentInitializer(Initializers.glorotUniform()).biasInitializer(Initializers.ones())
                        .returnSequences(true).build(),
                GRU.builder(3).kernelInitializer(Initializers.zeros()).goBackwards(true).build(),
                new RNN(GRU.builder(2).recurrentInitializer(Initializers.orthogonal(2.0)).cell(), true),
                new Bidirectional(LSTM.builder(2).kernelInitializer(Initializers.constant(-0.5)).build(),
                        Bidirectional.MergeMode.SUM),
                new Dense(4, ActivationFunction.RELU, true, Initializers.orthogonal(1.5), Initializers.constant(0.1)));
    }

    @Test
    void everyLayerReadsItsOwnConfigBackWithItsInitializers() {
        for (Layer layer : layersWithNonDefaultInitializers()) {
            Layer read = LayerRegistry.create(layer.typeName(), layer.config());
            assertThat(read).as(layer.typeName()).isInstanceOf(layer.getClass());
            assertThat(read.config()).as(layer.typeName()).isEqualTo(layer.config());
        }
        assertThat(SimpleRNN.fromConfig(layersWithNonDefaultInitializers().get(0).config()).config())
                .containsEntry("bias_initializer", Map.of("class_name", "Constant", "config", Map.of("value", 0.25)));
    }

    @Test
    void configsWithoutInitializersReadWithKerasDefaults() {
        // the form model files had before initializers were saved
        Map<String, Object> old = new LinkedHashMap<>(Map.of("units", 5, "activation", "tanh", "use_bias", true,
                "dropout", 0.2, "recurrent_dropout", 0.0, "return_sequences", false));
        Map<String, Object> read = LayerRegistry.create("SimpleRNN", old).config();
        assertThat(read).containsEntry("units", 5).containsEntry("dropout", 0.2)
                .containsEntry("kernel_initializer", Initializers.glorotUniform().config())
                .containsEntry("recurrent_initializer", Initializers.orthogonal().config())
                .containsEntry("bias_initializer", Initializers.zeros().config());
        assertThat(LayerRegistry.create("Dense", Map.of("units", 2)).config())
                .containsEntry("kernel_initializer", Initializers.glorotUniform().config());
    }

    @Test
    void aNamedInitializerIsReadAndABadOneNamesTheKey() {
        assertThat(LayerRegistry.create("LSTM", Map.of("units", 2, "kernel_initializer", "orthogonal")).config())
                .containsEntry("kernel_initializer", Initializers.orthogonal().config());
        assertThatThrownBy(() -> LayerRegistry.create("GRU", Map.of("units", 2, "bias_initializer", "lecun_weird")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bias_initializer: initializer: unknown initializer 'lecun_weird'");
    }
}
