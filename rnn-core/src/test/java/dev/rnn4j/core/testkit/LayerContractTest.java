package dev.rnn4j.core.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BuildContext;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.GradientCheck;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.LayerRegistry;
import dev.rnn4j.core.io.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The contract every {@link Layer} keeps, as a JUnit 5 test to extend: give it a factory for your layer and the input
 * shape to try, and it checks, for the layer and for each of its {@link #variants()}:
 * <ol>
 *   <li><b>gradients</b>: {@link GradientCheck#checkLayer} passes in float64 (parameters and input; the checked loss
 *   includes {@link Layer#regularizationLoss()}, so a variant with regularizers checks their gradients too);</li>
 *   <li><b>shapes</b>: {@link Layer#outputShape} is the shape {@code forward} returns, in training and inference and
 *   for two batch sizes; {@code backward} returns an input-shaped gradient and fills parameter-shaped gradients;</li>
 *   <li><b>parameters</b>: nothing exists before {@code build}; after it, {@link Layer#countParams} equals the sum of
 *   the {@link Layer#parameters()} sizes, and the names are unique;</li>
 *   <li><b>determinism</b>: the same seed gives the same initial weights and the same outputs (dropout included);</li>
 *   <li><b>config</b>: {@code LayerRegistry.create(typeName(), config())} makes a layer of the same class and
 *   config;</li>
 *   <li><b>model file</b>: in a {@link Sequential}, {@link ModelFile#save} then {@link ModelFile#load} gives
 *   bit-identical weights and equal predictions.</li>
 * </ol>
 * The last two need the layer's type to be known to {@link LayerRegistry}: built in, registered, or offered by a
 * {@code LayerProvider} in your jar's {@code META-INF/services}.
 *
 * <pre>{@code
 * class ScaleTest extends LayerContractTest<Scale> {
 *     protected Scale createLayer() { return new Scale(2.0); }
 *     protected Shape inputShape() { return Shape.of(3, 4); }
 * }
 * }</pre>
 *
 * <p>Keep the shapes tiny (batch 2-3, timesteps 3-5, features 2-4): the gradient check runs two forward passes per
 * parameter entry. To skip a check that cannot apply to your layer, override its method with JUnit's
 * {@code @Disabled("why")}. The checks run on the CPU backend ({@code dev.rnn4j:backend-cpu} on the test class path); override
 * {@link #backend()} to use another. This class ships in rnn-core's test-jar ({@code <type>test-jar</type>}); it uses
 * JUnit 5 only.
 *
 * @param <L> the layer type
 */
public abstract class LayerContractTest<L extends Layer> {
    private static final String CPU_BACKEND = "dev.rnn4j.backend.cpu.Nd4jCpuBackend";
    private static Backend cpuBackend;

    /** @return a new layer, unbuilt and unnamed, with the same settings on every call */
    protected abstract L createLayer();

    /** @return the sample shape (no batch dimension) the checks build the layer for, for example {@code (4, 3)} */
    protected abstract Shape inputShape();

    /**
     * Other settings worth the same checks, for example {@code return_sequences} or no bias. Each supplier must make a
     * new, unbuilt, unnamed layer on every call.
     *
     * @return variants by name, in order; none by default
     */
    protected Map<String, Supplier<L>> variants() {
        return Map.of();
    }

    /**
     * An input batch for the checks; override for layers whose input is not any real number (token ids for an
     * {@code Embedding}).
     *
     * @param layer a built layer
     * @param batch the batch size
     * @param seed  the seed
     * @return a float64 batch {@code [batch, ...inputShape]}; by default uniform in [-1, 1]
     */
    protected INDArray sampleInput(L layer, int batch, long seed) {
        return GradientCheck.randomInput(layer, batch, seed);
    }

    /**
     * @return whether the gradient check also checks the input gradient: true by default; false for a layer whose
     *         input is discrete (token ids), whose input gradient is zeros by definition
     */
    protected boolean inputIsDifferentiable() {
        return true;
    }

    /** @return the batch size of the gradient check, 2 by default */
    protected int batchSize() {
        return 2;
    }

    /** @return the backend the checks run on; by default the CPU backend, loaded by name from the class path */
    protected Backend backend() {
        synchronized (LayerContractTest.class) {
            if (cpuBackend == null) {
                try {
                    cpuBackend = (Backend) Class.forName(CPU_BACKEND).getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException | LinkageError e) {
                    throw new IllegalStateException("LayerContractTest: cannot create " + CPU_BACKEND + " (" + e
                            + "); add dev.rnn4j:backend-cpu with <scope>test</scope> to your pom, or override"
                            + " backend()", e);
                }
            }
            return cpuBackend;
        }
    }

    // ---------------------------------------------------------------------------------------------- the checks

    /** @return one gradient check per variant */
    @TestFactory
    public Stream<DynamicTest> passesTheGradientCheck() {
        return eachVariant(factory -> {
            L layer = build(factory, DataType.DOUBLE, 11);
            INDArray input = sampleInput(layer, batchSize(), 12);
            GradientCheck.Result result = GradientCheck.checkLayer(layer, input, inputIsDifferentiable());
            assertTrue(result.passed(), () -> describe(layer) + ": " + result);
        });
    }

    /** @return one shape check per variant */
    @TestFactory
    public Stream<DynamicTest> forwardAndBackwardHaveTheDeclaredShapes() {
        return eachVariant(factory -> {
            L layer = build(factory, DataType.FLOAT, 21);
            Shape expected = layer.outputShape(inputShape());
            for (int batch : new int[] {2, 3, 2}) {
                for (boolean training : new boolean[] {false, true}) {
                    INDArray input = input(layer, batch, 22, DataType.FLOAT);
                    INDArray output = layer.forward(input, training);
                    assertArrayEquals(expected.withBatch(batch), output.shape(),
                            () -> describe(layer) + ": forward(batch " + batch + ", training " + training
                                    + ") shape differs from outputShape " + expected);
                    assertEquals(DataType.FLOAT, output.dataType(), () -> describe(layer) + ": output data type");
                    INDArray inputGradient = layer.backward(ones(output), true);
                    assertNotNull(inputGradient, () -> describe(layer) + ": backward(needInputGradient=true)"
                            + " returned null");
                    assertArrayEquals(input.shape(), inputGradient.shape(),
                            () -> describe(layer) + ": the input gradient's shape differs from the input's");
                    for (Parameter parameter : layer.parameters()) {
                        assertArrayEquals(parameter.shape(), parameter.gradient().shape(),
                                () -> describe(layer) + ": gradient of " + parameter.name());
                    }
                }
            }
        });
    }

    /** @return one parameter-count check per variant */
    @TestFactory
    public Stream<DynamicTest> countParamsMatchesTheParametersCreated() {
        return eachVariant(factory -> {
            L unbuilt = factory.get();
            assertFalse(unbuilt.isBuilt(), () -> describe(unbuilt) + ": a new layer must not be built");
            assertTrue(unbuilt.parameters().isEmpty(), () -> describe(unbuilt) + ": parameters exist before build");
            long declared = unbuilt.countParams(inputShape());
            L layer = build(() -> unbuilt, DataType.FLOAT, 31);
            assertEquals(inputShape(), layer.inputShape(), () -> describe(layer) + ": inputShape() after build");
            long created = 0;
            Set<String> names = new HashSet<>();
            for (Parameter parameter : layer.parameters()) {
                created += parameter.size();
                assertTrue(names.add(parameter.name()), () -> describe(layer) + ": parameter name "
                        + parameter.name() + " is used twice");
            }
            assertEquals(declared, created, () -> describe(layer) + ": countParams(" + inputShape()
                    + ") differs from the sum of the parameters' sizes");
            assertEquals(declared, layer.countParams(inputShape()), () -> describe(layer) + ": countParams changed"
                    + " after build");
        });
    }

    /** @return one determinism check per variant */
    @TestFactory
    public Stream<DynamicTest> theSameSeedGivesTheSameWeightsAndOutputs() {
        return eachVariant(factory -> {
            L first = build(factory, DataType.FLOAT, 41);
            L second = build(factory, DataType.FLOAT, 41);
            List<Parameter> firstParameters = first.parameters();
            List<Parameter> secondParameters = second.parameters();
            assertEquals(firstParameters.size(), secondParameters.size());
            for (int i = 0; i < firstParameters.size(); i++) {
                assertArrayEquals(values(firstParameters.get(i).value()), values(secondParameters.get(i).value()),
                        describe(first) + ": initial " + firstParameters.get(i).name() + " differs for one seed");
            }
            INDArray input = input(first, 3, 42, DataType.FLOAT);
            for (boolean training : new boolean[] {false, true, true}) {
                float[] expected = values(first.forward(input, training));
                float[] actual = values(second.forward(input, training));
                assertArrayEquals(expected, actual, describe(first) + ": forward(training " + training
                        + ") differs for one seed");
            }
        });
    }

    /** @return one config check per variant */
    @TestFactory
    public Stream<DynamicTest> configRebuildsTheLayerThroughTheRegistry() {
        return eachVariant(factory -> {
            L layer = factory.get();
            Map<String, Object> config = layer.config();
            assertNotNull(config, () -> describe(layer) + ": config() returned null");
            assertTrue(LayerRegistry.isKnown(layer.typeName()), () -> "LayerRegistry does not know type "
                    + layer.typeName() + "; register it with LayerRegistry.register or a LayerProvider listed in"
                    + " META-INF/services/dev.rnn4j.core.io.LayerProvider");
            Layer rebuilt = LayerRegistry.create(layer.typeName(), config);
            assertNotSame(layer, rebuilt);
            assertEquals(layer.getClass(), rebuilt.getClass(), () -> describe(layer) + ": the registry made a "
                    + rebuilt.getClass().getName());
            assertEquals(layer.typeName(), rebuilt.typeName());
            assertSameConfig(describe(layer), config, rebuilt.config());
            assertEquals(layer.countParams(inputShape()), rebuilt.countParams(inputShape()),
                    () -> describe(layer) + ": the rebuilt layer declares another parameter count");
        });
    }

    /** @return one model file round trip per variant */
    @TestFactory
    public Stream<DynamicTest> aModelFileRoundTripKeepsWeightsAndPredictions() {
        return eachVariant(factory -> {
            Sequential model = new Sequential(backend()).seed(51);
            model.add(factory.get());
            model.build(inputShape());
            Layer layer = model.layers().get(0);
            Path file = Files.createTempFile("layer-contract-", ".zip");
            try {
                ModelFile.save(model, file);
                Sequential loaded = ModelFile.load(file, backend());
                assertEquals(1, loaded.layers().size());
                Layer copy = loaded.layers().get(0);
                assertEquals(layer.getClass(), copy.getClass());
                assertEquals(layer.name(), copy.name());
                assertSameConfig(describe(layer), layer.config(), copy.config());
                List<Parameter> saved = layer.parameters();
                List<Parameter> read = copy.parameters();
                assertEquals(saved.size(), read.size());
                for (int i = 0; i < saved.size(); i++) {
                    assertEquals(saved.get(i).name(), read.get(i).name());
                    assertArrayEquals(values(saved.get(i).value()), values(read.get(i).value()),
                            describe(layer) + ": " + saved.get(i).name() + " changed in the model file");
                }
                @SuppressWarnings("unchecked")
                INDArray x = sampleInput((L) layer, 3, 52).castTo(DataType.FLOAT);
                assertArrayEquals(values(model.predict(x, 3)), values(loaded.predict(x, 3)),
                        describe(layer) + ": predictions differ after loading");
            } finally {
                Files.deleteIfExists(file);
            }
        });
    }

    // --------------------------------------------------------------------------------------------------- helpers

    /**
     * A check that may throw anything; failures are reported with the variant's name.
     *
     * @param <T> the layer type
     */
    @FunctionalInterface
    protected interface Check<T> {
        /**
         * @param factory makes a new layer of the variant under test
         * @throws Exception on failure
         */
        void run(Supplier<T> factory) throws Exception;
    }

    /**
     * Runs a check once for the layer and once per variant, as dynamic tests named after them.
     *
     * @param check the check
     * @return the dynamic tests
     */
    protected final Stream<DynamicTest> eachVariant(Check<L> check) {
        Map<String, Supplier<L>> all = new LinkedHashMap<>();
        all.put("default", this::createLayer);
        all.putAll(Objects.requireNonNull(variants(), "variants() returned null"));
        List<DynamicTest> tests = new ArrayList<>();
        all.forEach((name, factory) -> tests.add(DynamicTest.dynamicTest(name, () -> check.run(factory))));
        return tests.stream();
    }

    /**
     * Names and builds a new layer for {@link #inputShape()}.
     *
     * @param factory  makes the layer
     * @param dataType float32, or float64 for gradient checks
     * @param seed     the seed of the build's generator
     * @return the built layer
     */
    protected final L build(Supplier<L> factory, DataType dataType, long seed) {
        L layer = factory.get();
        assertNotNull(layer, "the layer factory returned null");
        if (layer.name() == null) {
            layer.setName("contract_" + snakeCase(layer.typeName()));
        }
        layer.build(inputShape(), new BuildContext(backend(), dataType, new Random(seed)));
        return layer;
    }

    /**
     * @param layer    a built layer
     * @param batch    the batch size
     * @param seed     the seed
     * @param dataType the data type
     * @return a random input in [-1, 1]
     */
    protected final INDArray input(L layer, int batch, long seed, DataType dataType) {
        INDArray input = sampleInput(layer, batch, seed);
        return dataType == DataType.DOUBLE ? input : input.castTo(dataType);
    }

    private static INDArray ones(INDArray like) {
        INDArray ones = like.ulike();
        ones.assign(1.0);
        return ones;
    }

    private static float[] values(INDArray array) {
        return array.dup('c').castTo(DataType.FLOAT).data().asFloat();
    }

    private static String describe(Layer layer) {
        return (layer.name() == null ? "unnamed" : layer.name()) + " (" + layer.typeName() + ") " + layer.config();
    }

    private static String snakeCase(String typeName) {
        return typeName.replaceAll("(.)([A-Z][a-z]+)", "$1_$2").replaceAll("([a-z])([A-Z])", "$1_$2")
                .toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Compares configs as they survive JSON: numbers by value whatever their class, lists and maps element by element.
     */
    private static void assertSameConfig(String what, Object expected, Object actual) {
        if (expected instanceof Number number && actual instanceof Number other) {
            assertEquals(number.doubleValue(), other.doubleValue(), what + ": config value");
            return;
        }
        if (expected instanceof Map<?, ?> map && actual instanceof Map<?, ?> read) {
            // an initializer without a saved form (a lambda) is left out and reads back as the default
            Map<Object, Object> other = new java.util.LinkedHashMap<>(read);
            other.keySet().removeIf(key -> String.valueOf(key).endsWith("_initializer") && !map.containsKey(key));
            assertEquals(map.keySet(), other.keySet(), what + ": config keys");
            for (Object key : map.keySet()) {
                assertSameConfig(what + " [" + key + "]", map.get(key), other.get(key));
            }
            return;
        }
        if (expected instanceof List<?> list && actual instanceof List<?> other) {
            assertEquals(list.size(), other.size(), what + ": config list length");
            for (int i = 0; i < list.size(); i++) {
                assertSameConfig(what + " [" + i + "]", list.get(i), other.get(i));
            }
            return;
        }
        if (!Objects.equals(expected, actual)) {
            fail(what + ": config expected " + expected + " but found " + actual + " ("
                    + (actual == null ? "null" : actual.getClass().getSimpleName()) + ")");
        }
    }
}
