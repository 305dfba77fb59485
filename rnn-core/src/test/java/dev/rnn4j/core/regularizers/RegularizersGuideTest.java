package dev.rnn4j.core.regularizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.BuildContext;
import dev.rnn4j.api.Regularizer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.GradientCheck;
import dev.rnn4j.core.History;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.layers.AbstractLayer;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.Embedding;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs the examples of docs/regularizers.md, and keeps the guide true to them: every code block marked
 * {@code <!-- quote: path -->} must appear in that file between {@code // guide:} markers, line for line
 * (indentation aside).
 */
class RegularizersGuideTest {
    private static final Pattern QUOTE = Pattern.compile("<!-- quote: (\\S+) -->\\n```[a-z]*\\n(.*?)\\n```",
            Pattern.DOTALL);

    @Test
    void aModelWithRegularizedLayers() {
        var backend = TestSupport.BACKEND;
        INDArray xTrain = tokens(32, 6, 20);
        INDArray yTrain = Nd4j.zeros(DataType.FLOAT, 32, 3);
        for (int i = 0; i < 32; i++) {
            yTrain.putScalar(i, i % 3, 1.0);
        }
        // guide: layers
        Sequential model = new Sequential(backend).seed(42);
        model.add(new Embedding(20, 8, true, Initializers.randomUniform(-0.05, 0.05), new L2(1e-4)));
        model.add(LSTM.builder(16)
                .kernelRegularizer(new L2(1e-3))               // Keras: kernel_regularizer=L2(1e-3)
                .recurrentRegularizer(new L1L2(1e-5, 1e-4))    // recurrent_regularizer=L1L2(l1=1e-5, l2=1e-4)
                .build());
        model.add(Dense.builder(3).kernelRegularizer(new L1(1e-3)).build());
        model.add(new Activation("softmax"));
        model.compile(new CategoricalCrossentropy(), new SGD(0.1), "accuracy");
        History history = model.fit(xTrain, yTrain, new FitOptions().epochs(2).batchSize(16).verbose(0));
        double penalty = model.regularizationLoss();   // Keras's sum(model.losses), at the current weights
        // guide: end
        assertThat(history.get("loss")).hasSize(2);
        assertThat(penalty).isGreaterThan(0.0);
        Map<String, Double> scores = model.evaluate(xTrain, yTrain, 32, 0);
        assertThat(scores.get("loss")).isCloseTo(model.computeLoss(xTrain, yTrain), within(1e-6));
    }

    @Test
    void kerasDocstringExample() {
        // guide: keras
        Dense dense = Dense.builder(5).kernelInitializer(Initializers.ones())
                .kernelRegularizer(new L1(0.01)).build();
        dense.setName("dense");
        dense.build(Shape.of(5), new BuildContext(TestSupport.BACKEND, DataType.FLOAT, new Random(1)));
        double loss = dense.regularizationLoss();      // 0.01 * 25 = 0.25, as Keras's layer.losses
        // guide: end
        assertThat(loss).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void namesAndSavedForms() {
        // guide: names
        Regularizer byName = Regularizers.fromConfig("l2");                       // L2(0.01), as Keras's get("l2")
        Regularizer saved = Regularizers.fromConfig(Map.of("class_name", "L1L2",
                "config", Map.of("l1", 0.001, "l2", 0.01)));
        Map<String, Object> form = Regularizers.toConfig(new L2(0.01));           // {class_name=L2, config={l2=0.01}}
        // guide: end
        assertThat(byName).isEqualTo(new L2(0.01));
        assertThat(saved).isEqualTo(new L1L2(0.001, 0.01));
        assertThat(form).hasToString("{class_name=L2, config={l2=0.01}}");
    }

    // guide: scale
    /** {@code y = x * scale}, one factor per feature, with an optional penalty on the factors. */
    static class Scale extends AbstractLayer {
        private final Regularizer scaleRegularizer;
        private INDArray scale;
        private INDArray lastInput;

        Scale(Regularizer scaleRegularizer) {
            this.scaleRegularizer = scaleRegularizer;     // null for none
        }

        @Override
        protected void buildInternal(Shape inputShape) {
            // the regularizer joins regularizationLoss() and addRegularizationGradients(): nothing else to write
            scale = addWeight("scale", new int[] {inputShape.last()}, Initializers.ones(), scaleRegularizer);
        }
        // guide: end

        @Override
        public Shape outputShape(Shape inputShape) {
            requireRank(inputShape, 1, "(None, features)");
            return inputShape;
        }

        @Override
        public long countParams(Shape inputShape) {
            return inputShape.last();
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> config = new LinkedHashMap<>();
            dev.rnn4j.core.ConfigValues.putRegularizer(config, "scale_regularizer", scaleRegularizer);
            return config;
        }

        @Override
        protected INDArray forwardInternal(INDArray input, boolean training) {
            lastInput = input;
            return input.mulRowVector(scale);
        }

        @Override
        protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
            parameter("scale").gradient().assign(outputGradient.mul(lastInput).sum(0));
            return needInputGradient ? outputGradient.mulRowVector(scale) : null;
        }
        // guide: scale
        // plus outputShape, countParams, config, forwardInternal and backwardInternal, as in any layer
    }
    // guide: end

    @Test
    void aUserLayerWithARegularizedWeightPassesTheGradientCheck() {
        Scale layer = TestSupport.buildDouble(new Scale(new L2(0.5)), Shape.of(4), 1);
        layer.parameter("scale").value().assign(Nd4j.createFromArray(0.5, -1.0, 2.0, 0.25));
        // 0.5 * (0.25 + 1 + 4 + 0.0625)
        assertThat(layer.regularizationLoss()).isCloseTo(2.65625, within(1e-12));
        // guide: check
        GradientCheck.assertLayer(layer, GradientCheck.randomInput(layer, 3, 7));   // the penalty is in the loss
        // guide: end
    }

    @Test
    void theGradientCheckFailsALayerThatForgetsThePenaltyGradient() {
        ForgetfulScale forgetful = TestSupport.buildDouble(new ForgetfulScale(), Shape.of(4), 1);
        GradientCheck.Result result = GradientCheck.checkLayer(forgetful, GradientCheck.randomInput(forgetful, 3, 7));
        assertThat(result.passed()).isFalse();
        assertThat(result.failures()).extracting(GradientCheck.Failure::parameter)
                .containsOnly("forgetful_scale/scale");
    }

    /** A {@link Scale} with L2(0.5) whose penalty gradient never reaches the weights. */
    static final class ForgetfulScale extends Scale {
        ForgetfulScale() {
            super(new L2(0.5));
        }

        @Override
        public void addRegularizationGradients() {
        }
    }

    @Test
    void everyQuoteOfTheGuideIsInItsSource() throws IOException {
        Path root = repositoryRoot();
        String guide = Files.readString(root.resolve("docs/regularizers.md"), StandardCharsets.UTF_8);
        Matcher matcher = QUOTE.matcher(guide);
        int quotes = 0;
        while (matcher.find()) {
            String source = Files.readString(root.resolve(matcher.group(1)), StandardCharsets.UTF_8);
            assertThat(guided(source)).as("the quote from %s in docs/regularizers.md is no longer in that file;"
                    + " update the guide", matcher.group(1)).contains(stripped(matcher.group(2)));
            quotes++;
        }
        assertThat(quotes).isGreaterThanOrEqualTo(5);
    }

    private static INDArray tokens(int batch, int steps, int vocabulary) {
        Random random = new Random(2);
        float[][] ids = new float[batch][steps];
        for (float[] row : ids) {
            for (int t = 0; t < steps; t++) {
                row[t] = 1 + random.nextInt(vocabulary - 1);
            }
        }
        return Nd4j.createFromArray(ids);
    }

    /** @return the text with each line's leading blanks removed */
    private static String stripped(String text) {
        return text.lines().map(String::strip).collect(Collectors.joining("\n"));
    }

    /** @return the lines between a {@code // guide: NAME} and a {@code // guide: end} marker, stripped, in order */
    private static String guided(String source) {
        List<String> lines = new java.util.ArrayList<>();
        boolean inside = false;
        for (String line : source.lines().map(String::strip).toList()) {
            if (line.startsWith("// guide:")) {
                inside = !line.equals("// guide: end");
            } else if (inside) {
                lines.add(line);
            }
        }
        return String.join("\n", lines);
    }

    /** @return the checkout's root: the tests run in rnn-core, or in the root with -f */
    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate = here; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("docs/regularizers.md"))) {
                return candidate;
            }
        }
        throw new AssertionError("docs/regularizers.md not found above " + here);
    }
}
