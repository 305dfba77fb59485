package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Loss;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.ConfigValues;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.AbstractOptimizer;
import dev.rnn4j.core.optimizers.Adam;
import dev.rnn4j.core.optimizers.RMSprop;
import dev.rnn4j.core.optimizers.SGD;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Optimizers and losses are rebuilt through {@link Registry}: a user's own round-trip once registered, an unknown name
 * is refused naming the known ones, and files in the format written before the registry still load.
 */
class RegistryTest {
    /** Test-only names, so the JVM-wide registrations cannot clash with those of other tests. */
    private static final String OPTIMIZER_NAME = "RegistryTestSignSGD";
    private static final String LOSS_NAME = "registry_test_scaled_crossentropy";

    @TempDir
    Path folder;

    @BeforeAll
    static void registerTheTestOptimizerAndLoss() {
        Registry.OPTIMIZERS.register(OPTIMIZER_NAME, SignSGD::fromConfig);
        Registry.LOSSES.register(LOSS_NAME, ScaledCrossentropy::fromConfig);
    }

    @Test
    void aRegisteredOptimizerAndLossRoundTripThroughAModelFile() throws IOException {
        Path file = save(new ScaledCrossentropy(2.5), new SignSGD(0.02, 0.5));
        String config = config(file);
        assertThat(config).contains("\"loss\": {").contains("\"class_name\": \"" + LOSS_NAME + "\"")
                .contains("\"class_name\": \"" + OPTIMIZER_NAME + "\"");

        Sequential loaded = ModelFile.load(file, TestSupport.BACKEND);

        assertThat(loaded.loss()).isInstanceOf(ScaledCrossentropy.class);
        assertThat(loaded.loss().config()).isEqualTo(Map.of("scale", 2.5));
        assertThat(loaded.optimizer()).isInstanceOf(SignSGD.class);
        assertThat(loaded.optimizer().config()).isEqualTo(Map.of("learning_rate", 0.02, "decay", 0.5));
    }

    @Test
    void theBuiltInsRoundTripThroughTheirFromConfig() {
        for (Optimizer optimizer : List.of(new SGD(0.3, 0.5, true), new Adam(0.002, 0.8, 0.99, 1e-6, true),
                new RMSprop(0.003, 0.95, 0.5, 1e-5, true))) {
            Optimizer rebuilt = Registry.OPTIMIZERS.create(optimizer.name(), optimizer.config());
            assertThat(rebuilt).isInstanceOf(optimizer.getClass());
            assertThat(rebuilt.config()).as(optimizer.name()).isEqualTo(optimizer.config());
        }
        assertThat(Registry.LOSSES.create("categorical_crossentropy", Map.of()))
                .isInstanceOf(CategoricalCrossentropy.class);
    }

    @Test
    void aBuiltInLossIsStillWrittenAsAPlainName() throws IOException {
        assertThat(config(save(new CategoricalCrossentropy(), new SGD())))
                .contains("\"loss\": \"categorical_crossentropy\"");
    }

    @Test
    void aFileInTheEarlierFormatStillLoads() throws IOException {
        // As written before the registry: the loss as a name; here also an optimizer without config (defaults).
        Path file = editConfig(save(new CategoricalCrossentropy(), new Adam(0.005)), config -> config
                .getAsJsonObject("compile").add("optimizer", JsonParser.parseString("{\"class_name\": \"RMSprop\"}")));

        Sequential loaded = ModelFile.load(file, TestSupport.BACKEND);

        assertThat(loaded.loss()).isInstanceOf(CategoricalCrossentropy.class);
        assertThat(loaded.optimizer()).isInstanceOf(RMSprop.class);
        assertThat(loaded.optimizer().config()).isEqualTo(new RMSprop().config());
    }

    @Test
    void anUnknownNameNamesItAndTheKnownNames() throws IOException {
        Path unknownOptimizer = save(new CategoricalCrossentropy(), new Unregistered());
        assertThatThrownBy(() -> ModelFile.load(unknownOptimizer, TestSupport.BACKEND))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(unknownOptimizer + ", entry config.json: compile.optimizer.class_name: unknown optimizer"
                        + " 'Unregistered'; known optimizers: Adam, RMSprop, " + OPTIMIZER_NAME + ", SGD"
                        + " (add others with Registry.OPTIMIZERS.register)");

        assertThatThrownBy(() -> Registry.LOSSES.create("poisson", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown loss 'poisson'; known losses: binary_crossentropy, categorical_crossentropy, huber,"
                        + " mae, mean_absolute_error, mean_squared_error, mse, " + LOSS_NAME
                        + ", sparse_categorical_crossentropy (add others with Registry.LOSSES.register)");
    }

    @Test
    void aLossThatIsNeitherANameNorAnObjectIsRefused() throws IOException {
        Path file = editConfig(save(new CategoricalCrossentropy(), new SGD()),
                config -> config.getAsJsonObject("compile").addProperty("loss", 7));
        assertThatThrownBy(() -> ModelFile.load(file, TestSupport.BACKEND)).isInstanceOf(ModelFileException.class)
                .hasMessageEndingWith("compile.loss: expected a name or an object {class_name, config}, found 7");
    }

    @Test
    void aBadRegisteredConfigNamesTheKey() throws IOException {
        Path file = editConfig(save(new ScaledCrossentropy(2.5), new SGD()), config -> config.getAsJsonObject("compile")
                .getAsJsonObject("loss").getAsJsonObject("config").addProperty("scale", "big"));
        assertThatThrownBy(() -> ModelFile.load(file, TestSupport.BACKEND)).isInstanceOf(ModelFileException.class)
                .hasMessageEndingWith("compile.loss.config: scale: expected a number, found 'big'");
    }

    @Test
    void builtInNamesCannotBeReplacedAndBlankNamesAreRefused() {
        assertThatThrownBy(() -> Registry.OPTIMIZERS.register("SGD", SGD::fromConfig))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: SGD is a built-in optimizer and cannot be replaced; register yours under its own"
                        + " name");
        assertThatThrownBy(() -> Registry.LOSSES.register(" ", ScaledCrossentropy::fromConfig))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: expected the loss's name, found ' '");
    }

    private Path save(Loss loss, Optimizer optimizer) throws IOException {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(3);
        model.add(new Dense(2)).add(new Activation("softmax"));
        model.build(Shape.of(3));
        model.compile(loss, optimizer, "accuracy");
        Path file = folder.resolve(optimizer.name() + "-" + loss.name() + ".zip");
        ModelFile.save(model, file);
        return file;
    }

    private static String config(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile());
                InputStream in = zip.getInputStream(zip.getEntry(ModelFile.CONFIG_ENTRY))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Copies a model file with its {@code config.json} edited. */
    private Path editConfig(Path file, Consumer<JsonObject> edit) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        JsonObject config = JsonParser.parseString(new String(entries.get("config.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        edit.accept(config);
        entries.put("config.json", config.toString().getBytes(StandardCharsets.UTF_8));
        Path edited = folder.resolve("edited-" + file.getFileName());
        try (OutputStream out = Files.newOutputStream(edited); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return edited;
    }

    /** A user's optimizer: a step of {@code learning_rate * sign(g)}, with a setting to save. */
    static final class SignSGD extends AbstractOptimizer {
        private final double decay;

        SignSGD(double learningRate, double decay) {
            super(learningRate);
            this.decay = decay;
        }

        static SignSGD fromConfig(Map<String, Object> config) {
            return new SignSGD(ConfigValues.optionalDouble(config, "learning_rate", 0.01),
                    ConfigValues.optionalDouble(config, "decay", 0.0));
        }

        @Override
        public String name() {
            return OPTIMIZER_NAME;
        }

        @Override
        public void step(List<Parameter> parameters, Backend backend) {
            for (Parameter parameter : parameters) {
                INDArray sign = Transforms.sign(parameter.gradient());
                backend.axpy(-learningRate(), sign, parameter.value());
            }
            countStep();
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("learning_rate", learningRate());
            config.put("decay", decay);
            return config;
        }
    }

    /** A user's loss with an argument: categorical cross-entropy times {@code scale}. */
    static final class ScaledCrossentropy implements Loss {
        private final CategoricalCrossentropy crossentropy = new CategoricalCrossentropy();
        private final double scale;

        ScaledCrossentropy(double scale) {
            this.scale = scale;
        }

        static ScaledCrossentropy fromConfig(Map<String, Object> config) {
            return new ScaledCrossentropy(ConfigValues.optionalDouble(config, "scale", 1.0));
        }

        @Override
        public String name() {
            return LOSS_NAME;
        }

        @Override
        public Map<String, Object> config() {
            return Map.of("scale", scale);
        }

        @Override
        public double compute(INDArray predictions, INDArray targets) {
            return scale * crossentropy.compute(predictions, targets);
        }

        @Override
        public void gradient(INDArray predictions, INDArray targets, INDArray out) {
            crossentropy.gradient(predictions, targets, out);
            out.muli(scale);
        }
    }

    /** An optimizer nobody registers. */
    static final class Unregistered extends AbstractOptimizer {
        Unregistered() {
            super(0.1);
        }

        @Override
        public String name() {
            return "Unregistered";
        }

        @Override
        public void step(List<Parameter> parameters, Backend backend) {
            countStep();
        }

        @Override
        public Map<String, Object> config() {
            return Map.of("learning_rate", learningRate());
        }
    }
}
