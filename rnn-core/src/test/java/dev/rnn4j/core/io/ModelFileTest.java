package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Categorical;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelFileTest {
    @TempDir
    Path folder;

    /** The notebook's model: SimpleRNN(256, dropout 0.2) -> Dense(10) -> softmax on (28, 28), compiled with SGD. */
    static Sequential notebookModel(long seed) {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(seed);
        model.add(SimpleRNN.builder(256).dropout(0.2).build());
        model.add(new Dense(10));
        model.add(new Activation("softmax"));
        model.build(Shape.of(28, 28));
        model.compile(new CategoricalCrossentropy(), new SGD(), "accuracy");
        return model;
    }

    static INDArray[] randomData(int samples, int timesteps, int features, int classes, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, samples, timesteps, features);
        Random random = new Random(seed);
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            labels[i] = random.nextInt(classes);
        }
        return new INDArray[] {x, Categorical.toCategorical(labels, classes)};
    }

    @Test
    void keepsAnApplicationsAssetsBesideTheModelAndLoadIgnoresThem() throws IOException {
        Sequential model = notebookModel(3);
        Path plain = folder.resolve("plain.zip");
        Path withAssets = folder.resolve("assets.zip");
        ModelFile.save(model, plain);
        ModelFile.save(model, withAssets, Map.of("vocabulary.json", "{\"chars\": \"ab\u00e9\"}", "notes.txt", "x"));

        assertThat(ModelFile.readAssets(withAssets)).containsExactly(Map.entry("notes.txt", "x"),
                Map.entry("vocabulary.json", "{\"chars\": \"ab\u00e9\"}"));
        assertThat(ModelFile.readAssets(plain)).isEmpty();
        try (ZipFile zip = new ZipFile(withAssets.toFile())) {
            assertThat(zip.getEntry("assets/vocabulary.json")).isNotNull();
        }
        Sequential loaded = ModelFile.load(withAssets, TestSupport.BACKEND);
        assertThat(loaded.summary()).isEqualTo(model.summary());
        assertThatThrownBy(() -> ModelFile.save(model, folder.resolve("bad.zip"), Map.of("../escape", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("asset name '../escape'");
        assertThat(folder.resolve("bad.zip")).doesNotExist();
    }

    @Test
    void roundTripsTheNotebookModel() throws IOException {
        Sequential model = notebookModel(42);
        INDArray[] data = randomData(64, 28, 28, 10, 7);
        // One epoch, so that the biases are not zeros any more.
        model.fit(data[0], data[1], new FitOptions().epochs(1).batchSize(32).verbose(0));
        Path file = folder.resolve("model.zip");
        ModelFile.save(model, file);

        Sequential loaded = ModelFile.load(file, TestSupport.BACKEND);

        assertThat(loaded.isBuilt()).isTrue();
        assertThat(loaded.inputShape()).isEqualTo(Shape.of(28, 28));
        assertThat(loaded.seed()).isEqualTo(42);
        assertThat(loaded.layers()).hasSameSizeAs(model.layers());
        for (int i = 0; i < model.layers().size(); i++) {
            Layer expected = model.layers().get(i);
            Layer actual = loaded.layers().get(i);
            assertThat(actual.getClass()).isEqualTo(expected.getClass());
            assertThat(actual.name()).isEqualTo(expected.name());
            assertThat(actual.config()).isEqualTo(expected.config());
        }
        assertThat(loaded.layers()).extracting(Layer::name).containsExactly("simple_rnn", "dense", "activation");
        assertThat(loaded.summary()).isEqualTo(model.summary());
        assertThat(loaded.loss()).isInstanceOf(CategoricalCrossentropy.class);
        assertThat(loaded.optimizer()).isInstanceOf(SGD.class);
        assertThat(loaded.optimizer().config()).isEqualTo(model.optimizer().config());
        assertThat(loaded.metrics()).containsExactly("accuracy");

        List<Parameter> expectedParameters = model.parameters();
        List<Parameter> actualParameters = loaded.parameters();
        assertThat(actualParameters).hasSize(5);
        for (int i = 0; i < expectedParameters.size(); i++) {
            Parameter expected = expectedParameters.get(i);
            Parameter actual = actualParameters.get(i);
            assertThat(actual.name()).isEqualTo(expected.name());
            assertThat(actual.shape()).isEqualTo(expected.shape());
            assertThat(actual.value().dataType()).isEqualTo(DataType.FLOAT);
            assertThat(bits(actual.value())).as(expected.name()).isEqualTo(bits(expected.value()));
        }
        assertThat(bits(model.parameters().get(2).value())).as("trained bias").isNotEqualTo(new int[256]);

        INDArray batch = randomData(20, 28, 28, 10, 99)[0];
        assertThat(bits(loaded.predict(batch, 8))).isEqualTo(bits(model.predict(batch, 8)));
        assertThat(loaded.evaluate(data[0], data[1], 32, 0)).isEqualTo(model.evaluate(data[0], data[1], 32, 0));

        // Saving the loaded model gives the same bytes: same config, same weights, fixed entry times.
        Path again = folder.resolve("again.zip");
        ModelFile.save(loaded, again);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void writesTheDocumentedConfig() throws IOException {
        Sequential model = notebookModel(1234567890123L);
        Path file = folder.resolve("model.zip");
        ModelFile.save(model, file);
        JsonObject config;
        try (ZipFile zip = new ZipFile(file.toFile());
                InputStream in = zip.getInputStream(zip.getEntry("config.json"))) {
            config = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        }
        assertThat(config.get("format").getAsString()).isEqualTo("rnn4j-model");
        assertThat(config.get("format_version").getAsInt()).isEqualTo(1);
        assertThat(config.get("class_name").getAsString()).isEqualTo("Sequential");
        assertThat(config.get("input_shape").toString()).isEqualTo("[28,28]");
        assertThat(config.get("seed").getAsLong()).isEqualTo(1234567890123L);
        JsonArray layers = config.getAsJsonArray("layers");
        assertThat(layers.toString()).isEqualTo("[{\"class_name\":\"SimpleRNN\",\"name\":\"simple_rnn\",\"config\":"
                + "{\"units\":256,\"activation\":\"tanh\",\"use_bias\":true,"
                + "\"kernel_initializer\":{\"class_name\":\"GlorotUniform\",\"config\":{}},\"recurrent_initializer\":{\"class_name\":\"Orthogonal\",\"config\":{\"gain\":1.0}},\"bias_initializer\":{\"class_name\":\"Zeros\",\"config\":{}},"
                + "\"kernel_regularizer\":null,\"recurrent_regularizer\":null,\"bias_regularizer\":null,"
                + "\"dropout\":0.2,\"recurrent_dropout\":0.0,"
                + "\"return_sequences\":false,\"return_state\":false,\"go_backwards\":false,\"stateful\":false,"
                + "\"zero_output_for_mask\":false}},"
                + "{\"class_name\":\"Dense\",\"name\":\"dense\",\"config\":"
                + "{\"units\":10,\"activation\":\"linear\",\"use_bias\":true,\"kernel_initializer\":{\"class_name\":\"GlorotUniform\",\"config\":{}},\"bias_initializer\":{\"class_name\":\"Zeros\",\"config\":{}},"
                + "\"kernel_regularizer\":null,\"bias_regularizer\":null}},"
                + "{\"class_name\":\"Activation\",\"name\":\"activation\",\"config\":{\"activation\":\"softmax\"}}]");
        assertThat(config.get("compile").toString()).isEqualTo("{\"loss\":\"categorical_crossentropy\","
                + "\"optimizer\":{\"class_name\":\"SGD\",\"config\":"
                + "{\"learning_rate\":0.01,\"momentum\":0.0,\"nesterov\":false}},\"metrics\":[\"accuracy\"]}");
    }

    @Test
    void anUncompiledModelHasNoCompileSectionAndLoadsUncompiled() throws IOException {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(3);
        model.add(SimpleRNN.builder(6).returnSequences(true).useBias(false).build());
        model.add(new Dense(2, dev.rnn4j.api.ActivationFunction.RELU));
        model.build(Shape.of(4, 3));
        Path file = folder.resolve("plain.zip");
        ModelFile.save(model, file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertThat(Collections.list(zip.entries())).extracting(ZipEntry::getName).containsExactly("config.json",
                    "weights/simple_rnn/kernel.npy", "weights/simple_rnn/recurrent_kernel.npy",
                    "weights/dense/kernel.npy", "weights/dense/bias.npy");
        }
        Sequential loaded = ModelFile.load(file, TestSupport.BACKEND);
        assertThat(loaded.loss()).isNull();
        assertThat(loaded.optimizer()).isNull();
        assertThat(loaded.layers().get(0).config()).isEqualTo(model.layers().get(0).config());
        assertThat(loaded.layers().get(1).config()).isEqualTo(model.layers().get(1).config());
        INDArray x = randomData(3, 4, 3, 2, 5)[0];
        assertThat(bits(loaded.predict(x, 3))).isEqualTo(bits(model.predict(x, 3)));
    }

    // ------------------------------------------------------------------------- an independent .npy reader

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** Reads a .npy as NumPy documents it, without rnn4j's reader: the shape, then the floats. */
    private static Object[] readNpyIndependently(byte[] bytes) {
        assertThat(Arrays.copyOf(bytes, 6)).isEqualTo(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'});
        assertThat(bytes[6]).as("major version").isEqualTo((byte) 1);
        assertThat(bytes[7]).as("minor version").isEqualTo((byte) 0);
        int headerLength = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertThat((10 + headerLength) % 64).as("data alignment").isZero();
        assertThat(header).endsWith("\n").startsWith("{");
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        assertThat(descr.find() && fortran.find() && shape.find()).as(header).isTrue();
        assertThat(descr.group(1)).isEqualTo("<f4");
        assertThat(fortran.group(1)).isEqualTo("False");
        long[] dims = Arrays.stream(shape.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        long count = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        assertThat(bytes.length - 10 - headerLength).as("data bytes").isEqualTo(count * 4);
        float[] values = new float[(int) count];
        ByteBuffer.wrap(bytes, 10 + headerLength, (int) count * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .get(values);
        return new Object[] {dims, values};
    }

    @Test
    void everyWeightIsAPlainNpyThatNumpyCanRead() throws IOException {
        Sequential model = notebookModel(11);
        INDArray[] data = randomData(32, 28, 28, 10, 3);
        model.fit(data[0], data[1], new FitOptions().epochs(1).batchSize(32).verbose(0));
        Path file = folder.resolve("model.zip");
        ModelFile.save(model, file);

        Map<String, long[]> expectedShapes = new LinkedHashMap<>();
        expectedShapes.put("weights/simple_rnn/kernel.npy", new long[] {28, 256});
        expectedShapes.put("weights/simple_rnn/recurrent_kernel.npy", new long[] {256, 256});
        expectedShapes.put("weights/simple_rnn/bias.npy", new long[] {256});
        expectedShapes.put("weights/dense/kernel.npy", new long[] {256, 10});
        expectedShapes.put("weights/dense/bias.npy", new long[] {10});
        Map<String, INDArray> parameters = new LinkedHashMap<>();
        for (Layer layer : model.layers()) {
            for (Parameter parameter : layer.parameters()) {
                parameters.put("weights/" + layer.name() + "/" + parameter.name() + ".npy", parameter.value());
            }
        }
        List<String> seen = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (!entry.getName().endsWith(".npy")) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                Object[] array = readNpyIndependently(bytes);
                assertThat((long[]) array[0]).as(entry.getName()).isEqualTo(expectedShapes.get(entry.getName()));
                INDArray value = parameters.get(entry.getName());
                assertThat(bits((float[]) array[1])).as(entry.getName()).isEqualTo(bits(value));
                seen.add(entry.getName());
            }
        }
        assertThat(seen).containsExactlyElementsOf(expectedShapes.keySet());
    }

    // ------------------------------------------------------------------------------------- safe saving

    @Test
    void savingReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = folder.resolve("model.zip");
        Files.writeString(file, "an older model");
        Sequential model = smallModel(5);
        ModelFile.save(model, file);
        assertThat(ModelFile.load(file, TestSupport.BACKEND).seed()).isEqualTo(5);
        Sequential other = smallModel(6);
        ModelFile.save(other, file);
        assertThat(ModelFile.load(file, TestSupport.BACKEND).seed()).isEqualTo(6);
        assertThat(listFolder()).containsExactly("model.zip");
    }

    @Test
    void aSavedModelHasTheUsualPermissionsOfANewFile() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                folder.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path file = folder.resolve("model.zip");
        ModelFile.save(smallModel(5), file);
        Path plain = Files.createFile(folder.resolve("plain.txt"));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void savingAnUnbuiltModelFailsAndKeepsTheOldFile() throws IOException {
        Path file = folder.resolve("model.zip");
        ModelFile.save(smallModel(5), file);
        byte[] before = Files.readAllBytes(file);
        Sequential unbuilt = new Sequential(TestSupport.BACKEND).seed(1);
        unbuilt.add(new Dense(3));
        assertThatThrownBy(() -> ModelFile.save(unbuilt, file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not built");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(listFolder()).containsExactly("model.zip");
    }

    @Test
    void aFailureHalfWayThroughSavingKeepsTheOldFileAndDeletesTheTemporaryOne() throws IOException {
        Path file = folder.resolve("model.zip");
        ModelFile.save(smallModel(5), file);
        byte[] before = Files.readAllBytes(file);
        Sequential failing = new Sequential(TestSupport.BACKEND).seed(1);
        failing.add(new Dense(3));
        failing.add(new ModelFileTestLayers.Scale("Scale", 2.0, true));
        failing.build(Shape.of(4));
        assertThatThrownBy(() -> ModelFile.save(failing, file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed on purpose");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(listFolder()).containsExactly("model.zip");
        assertThat(ModelFile.load(file, TestSupport.BACKEND).seed()).isEqualTo(5);
    }

    @Test
    void savingIntoAMissingFolderCreatesIt() throws IOException {
        Path file = folder.resolve("no/such/folder/model.zip");
        ModelFile.save(smallModel(5), file);
        assertThat(ModelFile.load(file, TestSupport.BACKEND).seed()).isEqualTo(5);
    }

    @Test
    void aFileWhereTheFolderShouldBeFailsNamingTheModelFile() throws IOException {
        Files.writeString(folder.resolve("taken"), "a file, not a folder");
        Path file = folder.resolve("taken/model.zip");
        assertThatThrownBy(() -> ModelFile.save(smallModel(5), file)).isInstanceOf(FileWriteException.class)
                .hasMessageStartingWith("cannot write " + file + ": ");
        assertThat(listFolder()).containsExactly("taken");
    }

    // ------------------------------------------------------------------------------------- user layers

    @Test
    void aRegisteredUserLayerRoundTrips() throws IOException {
        LayerRegistry.register("RegisteredScale", ModelFileTestLayers.Scale.factory("RegisteredScale"));
        assertThat(LayerRegistry.knownTypes()).contains("RegisteredScale", "SimpleRNN", "Dense", "Activation");
        roundTripWithScale("RegisteredScale");
    }

    @Test
    void aLayerProviderFoundByServiceLoaderAddsLayers() throws IOException {
        Path services = folder.resolve("plugin/META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(LayerProvider.class.getName()),
                "# a plugin jar's services file\n" + ModelFileTestLayers.Provider.class.getName() + "\n");
        try (URLClassLoader plugin = new URLClassLoader(new URL[] {folder.resolve("plugin").toUri().toURL()},
                getClass().getClassLoader())) {
            assertThat(LayerRegistry.loadProviders(plugin)).isEqualTo(1);
        }
        assertThat(LayerRegistry.knownTypes()).contains(ModelFileTestLayers.PROVIDED_TYPE);
        roundTripWithScale(ModelFileTestLayers.PROVIDED_TYPE);
    }

    @Test
    void builtInTypesCannotBeReplaced() {
        assertThatThrownBy(() -> LayerRegistry.register("Dense", config -> new Dense(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Dense is a built-in layer type");
        assertThatThrownBy(() -> LayerRegistry.create("NoSuchLayer", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown layer type 'NoSuchLayer'")
                .hasMessageContaining("known types: Activation, Bidirectional, Dense, ").hasMessageContaining("SimpleRNN");
    }

    @Test
    void builtInFactoriesUseKerasDefaultsForMissingKeys() {
        SimpleRNN rnn = (SimpleRNN) LayerRegistry.create("SimpleRNN", Map.of("units", 7));
        assertThat(rnn.config()).isEqualTo(SimpleRNN.builder(7).build().config());
        Dense dense = (Dense) LayerRegistry.create("Dense", Map.of("units", 3.0));
        assertThat(dense.config()).isEqualTo(new Dense(3).config());
        assertThatThrownBy(() -> LayerRegistry.create("Dense", Map.of("units", 2.5)))
                .hasMessageContaining("units: expected an integer, found 2.5");
        assertThatThrownBy(() -> LayerRegistry.create("Activation", Map.of("activation", "swish")))
                .hasMessageContaining("swish");
    }

    private void roundTripWithScale(String typeName) throws IOException {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(8);
        model.add(SimpleRNN.builder(4).build());
        model.add(new ModelFileTestLayers.Scale(typeName, 1.5, false));
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.build(Shape.of(5, 2));
        model.layers().get(1).parameters().get(0).value().assign(Nd4j.create(new float[] {0.5f, -1f, 2f, 3.25f}));
        Path file = folder.resolve(typeName + ".zip");
        ModelFile.save(model, file);
        Sequential loaded = ModelFile.load(file, TestSupport.BACKEND);
        assertThat(loaded.layers().get(1).typeName()).isEqualTo(typeName);
        assertThat(loaded.layers().get(1).name()).isEqualTo(model.layers().get(1).name());
        assertThat(loaded.layers().get(1).parameters().get(0).value().toFloatVector())
                .containsExactly(0.5f, -1f, 2f, 3.25f);
        INDArray x = randomData(6, 5, 2, 3, 1)[0];
        assertThat(bits(loaded.predict(x, 6))).isEqualTo(bits(model.predict(x, 6)));
    }

    // ------------------------------------------------------------------------------------- helpers

    static Sequential smallModel(long seed) {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(seed);
        model.add(SimpleRNN.builder(8).build());
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.build(Shape.of(5, 4));
        model.compile(new CategoricalCrossentropy(), new SGD(0.05, 0.9, true), "accuracy");
        return model;
    }

    private List<String> listFolder() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static int[] bits(INDArray array) {
        return bits(array.castTo(DataType.FLOAT).dup('c').data().asFloat());
    }

    static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
