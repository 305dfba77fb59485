package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad model file fails with a one-line {@link ModelFileException} naming the file, entry and problem. */
class ModelFileBadFileTest {
    @TempDir
    Path folder;

    private Path good;
    private Path bad;

    @BeforeEach
    void saveAGoodModel() throws IOException {
        good = folder.resolve("good.zip");
        bad = folder.resolve("bad.zip");
        ModelFile.save(ModelFileTest.smallModel(5), good);
    }

    /** Copies the good file to {@link #bad}, replacing (null value: removing) or adding entries. */
    private Path rewrite(Map<String, byte[]> changes) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(good.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        changes.forEach((name, bytes) -> {
            if (bytes == null) {
                entries.remove(name);
            } else {
                entries.put(name, bytes);
            }
        });
        try (OutputStream out = Files.newOutputStream(bad); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return bad;
    }

    private Path rewrite(String name, byte[] bytes) throws IOException {
        Map<String, byte[]> changes = new LinkedHashMap<>();
        changes.put(name, bytes);
        return rewrite(changes);
    }

    private Path editConfig(Consumer<JsonObject> edit) throws IOException {
        JsonObject config;
        try (ZipFile zip = new ZipFile(good.toFile());
                InputStream in = zip.getInputStream(zip.getEntry("config.json"))) {
            config = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        }
        edit.accept(config);
        return rewrite("config.json", config.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void assertLoadFails(Path file, String... fragments) {
        assertThatThrownBy(() -> ModelFile.load(file, TestSupport.BACKEND))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
                .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
    }

    private static byte[] npy(String dtype, String shape, int dataBytes) {
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
        ByteBuffer buffer = ByteBuffer.allocate(10 + dict.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) dict.length());
        return buffer.put(dict.getBytes(StandardCharsets.ISO_8859_1)).array();
    }

    @Test
    void theGoodFileLoads() throws IOException {
        Sequential model = ModelFile.load(good, TestSupport.BACKEND);
        assertThat(model.optimizer().config()).containsEntry("momentum", 0.9).containsEntry("nesterov", true);
        // Entries outside weights/ are ignored.
        Sequential withReadme = ModelFile.load(rewrite("README.txt", "notes".getBytes(StandardCharsets.UTF_8)),
                TestSupport.BACKEND);
        assertThat(withReadme.parameters()).hasSize(5);
    }

    @Test
    void notAZip() throws IOException {
        Files.writeString(bad, "{\"format\": \"rnn4j-model\"}");
        assertLoadFails(bad, "expected a model file", "not a zip or is truncated");
        Files.write(bad, new byte[0]);
        assertLoadFails(bad, "not a zip or is truncated");
    }

    @Test
    void aTruncatedZip() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        Files.write(bad, Arrays.copyOf(bytes, bytes.length / 2));
        assertLoadFails(bad, "not a zip or is truncated");
        Files.write(bad, Arrays.copyOf(bytes, bytes.length - 10));
        assertLoadFails(bad, "not a zip or is truncated");
    }

    @Test
    void aMissingFile() {
        assertThatThrownBy(() -> ModelFile.load(folder.resolve("none.zip"), TestSupport.BACKEND))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("none.zip");
        assertLoadFails(folder, "expected a model file (a zip), found a folder");
    }

    @Test
    void aMissingConfig() throws IOException {
        assertLoadFails(rewrite("config.json", null), ", entry config.json: missing",
                "weights/simple_rnn/kernel.npy");
    }

    @Test
    void aConfigThatIsNotJson() throws IOException {
        assertLoadFails(rewrite("config.json", "{\"format\": ".getBytes(StandardCharsets.UTF_8)),
                ", entry config.json: expected JSON");
        assertLoadFails(rewrite("config.json", "[1, 2]".getBytes(StandardCharsets.UTF_8)),
                ", entry config.json: expected a JSON object, found [1,2]");
    }

    @Test
    void anUnknownFormat() throws IOException {
        assertLoadFails(editConfig(c -> c.addProperty("format", "keras")),
                ", entry config.json: format: expected 'rnn4j-model', found \"keras\"");
        assertLoadFails(editConfig(c -> c.remove("format")), "format: expected 'rnn4j-model', found nothing");
    }

    @Test
    void aNewerFormatVersion() throws IOException {
        assertLoadFails(editConfig(c -> c.addProperty("format_version", 2)), ", entry config.json:",
                "format_version 2 was written by a newer rnn4j", "upgrade rnn4j");
        assertLoadFails(editConfig(c -> c.addProperty("format_version", "one")),
                "format_version: expected an integer, found \"one\"");
    }

    @Test
    void anUnknownLayerType() throws IOException {
        Path file = editConfig(c -> c.getAsJsonArray("layers").get(1).getAsJsonObject()
                .addProperty("class_name", "Conv1D"));
        assertLoadFails(file, ", entry config.json: layers[1] 'dense' (Conv1D): unknown layer type 'Conv1D'",
                "known types: Activation, Bidirectional, Dense, ", "SimpleRNN", "LayerRegistry.register");
    }

    @Test
    void aBadLayerConfig() throws IOException {
        Path file = editConfig(c -> c.getAsJsonArray("layers").get(0).getAsJsonObject()
                .getAsJsonObject("config").addProperty("units", "many"));
        assertLoadFails(file, ", entry config.json: layers[0] 'simple_rnn' (SimpleRNN): bad config",
                "units: expected an integer, found 'many'");
        Path negative = editConfig(c -> c.getAsJsonArray("layers").get(1).getAsJsonObject()
                .getAsJsonObject("config").addProperty("units", -3));
        assertLoadFails(negative, "layers[1] 'dense' (Dense)", "units: expected at least 1, found -3");
        Path duplicate = editConfig(c -> c.getAsJsonArray("layers").get(1).getAsJsonObject()
                .addProperty("name", "simple_rnn"));
        assertLoadFails(duplicate, "layers[1] 'simple_rnn'", "already used");
    }

    @Test
    void aBadInputShape() throws IOException {
        Path file = editConfig(c -> c.add("input_shape", JsonParser.parseString("[5]")));
        assertLoadFails(file, ", entry config.json: input_shape [5] does not fit the layers");
        Path zero = editConfig(c -> c.add("input_shape", JsonParser.parseString("[5, 0]")));
        assertLoadFails(zero, "input_shape[1]: expected a positive integer or null (a size each batch sets), found 0");
    }

    @Test
    void aMissingWeight() throws IOException {
        assertLoadFails(rewrite("weights/dense/bias.npy", null),
                ", entry weights/dense/bias.npy: missing weight entry",
                "the bias of layer dense (Dense), shape [3]");
    }

    @Test
    void aWeightOfTheWrongShape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, new long[] {3, 8}, new float[24]);
        assertLoadFails(rewrite("weights/dense/kernel.npy", out.toByteArray()),
                ", entry weights/dense/kernel.npy: shape: expected [8, 3]", "found [3, 8]");
    }

    @Test
    void aWeightOfTheWrongDtype() throws IOException {
        assertLoadFails(rewrite("weights/dense/kernel.npy", npy("<i4", "(8, 3)", 96)),
                ", entry weights/dense/kernel.npy: .npy dtype: expected '<f4'", "found '<i4'");
        assertLoadFails(rewrite("weights/dense/kernel.npy", npy("<f4", "(8, 3)", 50)),
                ", entry weights/dense/kernel.npy: .npy data length: expected 96 bytes", "found 50");
        assertLoadFails(rewrite("weights/dense/kernel.npy", "not numpy".getBytes(StandardCharsets.UTF_8)),
                ", entry weights/dense/kernel.npy: not a .npy file");
    }

    @Test
    void float64WeightsAreConverted() throws IOException {
        ByteBuffer values = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5).putDouble(-1)
                .putDouble(2);
        byte[] header = npy("<f8", "(3,)", 0);
        byte[] bytes = Arrays.copyOf(header, header.length + 24);
        System.arraycopy(values.array(), 0, bytes, header.length, 24);
        Sequential model = ModelFile.load(rewrite("weights/dense/bias.npy", bytes), TestSupport.BACKEND);
        assertThat(model.layers().get(1).parameters().get(1).value().toFloatVector()).containsExactly(0.5f, -1f, 2f);
    }

    @Test
    void aForgedHugeWeightHeaderFailsWithoutAllocating() throws IOException {
        assertLoadFails(rewrite("weights/simple_rnn/recurrent_kernel.npy", npy("<f4", "(2147483000,)", 16)),
                ", entry weights/simple_rnn/recurrent_kernel.npy: shape: expected [8, 8]", "found [2147483000]");
        assertLoadFails(rewrite("weights/simple_rnn/recurrent_kernel.npy",
                npy("<f4", "(9223372036854775807, 9223372036854775807)", 16)),
                ", entry weights/simple_rnn/recurrent_kernel.npy: .npy shape");
    }

    @Test
    void anExtraWeightIsRejected() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, new long[] {3}, new float[3]);
        assertLoadFails(rewrite("weights/dense/gamma.npy", out.toByteArray()),
                ", entry weights/dense/gamma.npy: unexpected weight entry");
        assertLoadFails(rewrite("weights/old_layer/kernel.npy", out.toByteArray()),
                ", entry weights/old_layer/kernel.npy: unexpected weight entry");
    }

    @Test
    void anUnknownLossOrOptimizer() throws IOException {
        assertLoadFails(editConfig(c -> c.getAsJsonObject("compile").addProperty("loss", "poisson")),
                ", entry config.json: compile.loss: unknown loss 'poisson'", "categorical_crossentropy");
        assertLoadFails(editConfig(c -> c.getAsJsonObject("compile").getAsJsonObject("optimizer")
                .addProperty("class_name", "Adagrad")),
                ", entry config.json: compile.optimizer.class_name: unknown optimizer 'Adagrad'", "SGD");
        assertLoadFails(editConfig(c -> c.getAsJsonObject("compile").getAsJsonObject("optimizer")
                .getAsJsonObject("config").addProperty("learning_rate", -1)),
                "compile.optimizer.config: SGD learning_rate: expected a positive finite value, found -1.0");
        assertLoadFails(editConfig(c -> c.getAsJsonObject("compile").add("metrics",
                JsonParser.parseString("[\"f1_score\"]"))),
                "compile.metrics: metrics: unknown metric 'f1_score'; known: accuracy, acc, binary_accuracy");
    }
}
