package dev.rnn4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Shape;
import dev.rnn4j.backend.cpu.Nd4jCpuBackend;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.Checkpoints;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs the example of docs/distributed.md on a few random samples, and keeps the guide true to it: the code block
 * marked {@code <!-- quote: path -->} must appear in this file between the {@code // guide:} markers, line for line
 * (indentation aside).
 */
class DistributedGuideTest {
    private static final Pattern QUOTE = Pattern.compile("<!-- quote: (\\S+) -->\\n```[a-z]*\\n(.*?)\\n```",
            Pattern.DOTALL);

    @TempDir
    Path run;

    @Test
    void theGuidesExampleTrainsSavesAndCheckpoints() throws IOException {
        Backend backend = new Nd4jCpuBackend();
        int epochs = 1;
        Random random = new Random(5);
        int samples = 256;
        float[] pixels = new float[samples * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        float[] labels = new float[samples * 10];
        for (int i = 0; i < samples; i++) {
            labels[i * 10 + random.nextInt(10)] = 1.0f;
        }
        INDArray xTrain = Nd4j.create(pixels, new long[] {samples, 28, 28}, 'c');
        INDArray yTrain = Nd4j.create(labels, new long[] {samples, 10}, 'c');
        // guide: fit
        JavaSparkContext spark = SparkTrainer.startContext("local[2]", "mnist");   // or an existing context
        Sequential model = new Sequential(backend).seed(42);                       // built and compiled as for fit
        model.add(SimpleRNN.builder(256).build());
        model.add(new Dense(10));
        model.add(new Activation("softmax"));
        model.build(Shape.of(28, 28));
        model.compile(new CategoricalCrossentropy(), new SGD());
        SparkTrainer.Result result = new SparkTrainer(spark, 2)
                .checkpoints(new Checkpoints(run.resolve("checkpoints"), 2))      // optional, written by the driver
                .printTo(System.out)                                               // optional, one line per epoch
                .fit(model, xTrain, yTrain, epochs, 2 * 64);                       // global batch = workers x 64
        ModelFile.save(result.model(), run.resolve("model.zip"));                // the same model file as fit's
        List<Double> losses = result.history().get("loss");
        spark.stop();
        // guide: end
        assertThat(losses).hasSize(1).allSatisfy(loss -> assertThat(loss).isBetween(1.0, 5.0));
        assertThat(ModelFile.load(run.resolve("model.zip"), backend).countParams()).isEqualTo(75_530);
        assertThat(Checkpoints.list(run.resolve("checkpoints"))).hasSize(1);
    }

    @Test
    void theGuideQuotesThisFile() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String guide = Files.readString(root.resolve("docs/distributed.md"), StandardCharsets.UTF_8);
        Matcher quote = QUOTE.matcher(guide);
        int quotes = 0;
        while (quote.find()) {
            quotes++;
            String source = Files.readString(root.resolve(quote.group(1)), StandardCharsets.UTF_8);
            String marked = source.substring(source.indexOf("// guide: fit") + "// guide: fit".length(),
                    source.indexOf("// guide: end"));
            assertThat(stripped(quote.group(2))).isEqualTo(stripped(marked));
        }
        assertThat(quotes).isEqualTo(1);
    }

    private static List<String> stripped(String code) {
        return code.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }
}
