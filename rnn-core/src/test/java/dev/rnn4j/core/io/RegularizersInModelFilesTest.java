package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.Embedding;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.losses.MeanSquaredError;
import dev.rnn4j.core.optimizers.SGD;
import dev.rnn4j.core.regularizers.L1;
import dev.rnn4j.core.regularizers.L1L2;
import dev.rnn4j.core.regularizers.L2;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regularizers are saved in Keras's form with their layers and come back with them. */
class RegularizersInModelFilesTest {
    @TempDir
    Path folder;

    private static Sequential model() {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(8);
        model.add(new Embedding(10, 4, true, Initializers.randomUniform(-0.05, 0.05), new L2(0.01)));
        model.add(LSTM.builder(3).kernelRegularizer(new L1L2(0.01, 0.02)).recurrentRegularizer(new L1(0.03))
                .returnSequences(true).build());
        model.add(GRU.builder(2).biasRegularizer(new L2(0.04)).build());
        model.add(Dense.builder(1).kernelRegularizer(new L1(0.05)).build());
        model.build(Shape.of(5));
        model.compile(new MeanSquaredError(), new SGD());
        return model;
    }

    @Test
    void aRoundTripKeepsEveryRegularizerAndThePenalty() throws Exception {
        Sequential model = model();
        Path file = folder.resolve("model.zip");
        ModelFile.save(model, file);
        Sequential loaded = ModelFile.load(file, TestSupport.BACKEND);
        for (int i = 0; i < model.layers().size(); i++) {
            assertThat(loaded.layers().get(i).config()).isEqualTo(model.layers().get(i).config());
        }
        assertThat(loaded.layers().get(1).config()).containsEntry("kernel_regularizer",
                Map.of("class_name", "L1L2", "config", Map.of("l1", 0.01, "l2", 0.02)))
                .containsEntry("bias_regularizer", null);
        assertThat(model.regularizationLoss()).isGreaterThan(0.0);
        assertThat(loaded.regularizationLoss()).isEqualTo(model.regularizationLoss());
        for (int i = 0; i < model.layers().size(); i++) {
            Layer layer = model.layers().get(i);
            assertThat(loaded.layers().get(i).regularizationLoss()).as(layer.name())
                    .isEqualTo(layer.regularizationLoss());
        }
    }

    @Test
    void theFileHoldsKerasFormsAndNulls() throws Exception {
        Path file = folder.resolve("model.zip");
        ModelFile.save(model(), file);
        JsonObject config;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            config = JsonParser.parseString(new String(zip.getInputStream(zip.getEntry(ModelFile.CONFIG_ENTRY))
                    .readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        }
        var layers = config.getAsJsonArray("layers");
        JsonObject embedding = layers.get(0).getAsJsonObject().getAsJsonObject("config");
        assertThat(embedding.get("embeddings_regularizer").toString())
                .isEqualTo("{\"class_name\":\"L2\",\"config\":{\"l2\":0.01}}");
        JsonObject gru = layers.get(2).getAsJsonObject().getAsJsonObject("config");
        assertThat(gru.get("kernel_regularizer").isJsonNull()).isTrue();
        assertThat(gru.get("recurrent_regularizer").isJsonNull()).isTrue();
        assertThat(gru.get("bias_regularizer").toString())
                .isEqualTo("{\"class_name\":\"L2\",\"config\":{\"l2\":0.04}}");
    }

    @Test
    void aPlainNameInAFileReadsWithKerasDefaults() throws Exception {
        Path edited = edit(dense -> dense.addProperty("kernel_regularizer", "l2"));
        Layer dense = ModelFile.load(edited, TestSupport.BACKEND).layers().get(3);
        assertThat(dense.config()).containsEntry("kernel_regularizer",
                Map.of("class_name", "L2", "config", Map.of("l2", 0.01)));
    }

    @Test
    void aBadRegularizerInAFileNamesTheLayerAndTheKey() throws Exception {
        Path negative = edit(dense -> dense.getAsJsonObject("kernel_regularizer").getAsJsonObject("config")
                .addProperty("l1", -0.05));
        assertThatThrownBy(() -> ModelFile.load(negative, TestSupport.BACKEND)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("dense").hasMessageContaining("kernel_regularizer: L1 l1: expected a finite"
                        + " number at least 0, found -0.05");
        Path unknown = edit(dense -> dense.getAsJsonObject("kernel_regularizer").addProperty("class_name",
                "Orthogonal"));
        assertThatThrownBy(() -> ModelFile.load(unknown, TestSupport.BACKEND)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("kernel_regularizer: regularizer: unknown regularizer 'Orthogonal'");
    }

    /** Saves {@link #model()} and changes the config of its Dense layer in config.json. */
    private Path edit(Consumer<JsonObject> change) throws Exception {
        Path file = folder.resolve("original.zip");
        ModelFile.save(model(), file);
        Path edited = folder.resolve("edited.zip");
        try (ZipFile zip = new ZipFile(file.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(edited))) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                byte[] bytes = zip.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(ModelFile.CONFIG_ENTRY)) {
                    JsonObject json = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8))
                            .getAsJsonObject();
                    change.accept(json.getAsJsonArray("layers").get(3).getAsJsonObject().getAsJsonObject("config"));
                    bytes = json.toString().getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        return edited;
    }
}
