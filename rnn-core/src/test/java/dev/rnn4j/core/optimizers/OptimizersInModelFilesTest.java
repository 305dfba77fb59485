package dev.rnn4j.core.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.core.io.ModelFileException;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model compiled with Adam or RMSprop loads compiled with the same optimizer and settings. */
class OptimizersInModelFilesTest {
    @TempDir
    Path folder;

    @Test
    void adamRoundTrips() throws Exception {
        Optimizer loaded = roundTrip(new Adam(0.002, 0.8, 0.99, 1e-6, true));
        assertThat(loaded).isInstanceOf(Adam.class);
        assertThat(loaded.config()).containsEntry("learning_rate", 0.002).containsEntry("beta_1", 0.8)
                .containsEntry("beta_2", 0.99).containsEntry("epsilon", 1e-6).containsEntry("amsgrad", true);
    }

    @Test
    void rmspropRoundTrips() throws Exception {
        Optimizer loaded = roundTrip(new RMSprop(0.003, 0.95, 0.5, 1e-5, true));
        assertThat(loaded).isInstanceOf(RMSprop.class);
        assertThat(loaded.config()).containsEntry("learning_rate", 0.003).containsEntry("rho", 0.95)
                .containsEntry("momentum", 0.5).containsEntry("epsilon", 1e-5).containsEntry("centered", true);
    }

    @Test
    void aBadOptimizerSettingNamesTheKey() throws Exception {
        Path file = save(new Adam());
        Path edited = folder.resolve("edited.zip");
        try (ZipFile zip = new ZipFile(file.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(edited))) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                byte[] bytes = zip.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(ModelFile.CONFIG_ENTRY)) {
                    bytes = new String(bytes, StandardCharsets.UTF_8).replace("\"beta_1\": 0.9", "\"beta_1\": 1.5")
                            .getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        assertThatThrownBy(() -> ModelFile.load(edited, TestSupport.BACKEND)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("compile.optimizer.config: Adam beta_1").hasMessageContaining("1.5");
    }

    private Optimizer roundTrip(Optimizer optimizer) throws Exception {
        return ModelFile.load(save(optimizer), TestSupport.BACKEND).optimizer();
    }

    private Path save(Optimizer optimizer) throws Exception {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(2);
        model.add(new Dense(2)).add(new Activation("softmax"));
        model.build(Shape.of(3));
        model.compile(new CategoricalCrossentropy(), optimizer, "accuracy");
        Path file = folder.resolve(optimizer.name() + ".zip");
        ModelFile.save(model, file);
        return file;
    }
}
