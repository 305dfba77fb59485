package dev.rnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.SimpleRNN;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ModelFile#importWeights} reads the {@code .npz} files NumPy writes. The two files in the test resources were
 * written by NumPy 2.4 with:
 * <pre>
 * shapes = {"simple_rnn/kernel": (3, 4), "simple_rnn/recurrent_kernel": (4, 4), "simple_rnn/bias": (4,),
 *           "dense/kernel": (4, 2), "dense/bias": (2,)}
 * weights = {name: np.arange(np.prod(shape), dtype=np.float32).reshape(shape) / 100 + i
 *            for i, (name, shape) in enumerate(shapes.items())}
 * np.savez("keras-named.npz", **weights)
 * np.savez("keras-positional.npz", *weights.values())
 * </pre>
 */
class ImportWeightsTest {
    private static final Map<String, long[]> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("simple_rnn/kernel", new long[] {3, 4});
        SHAPES.put("simple_rnn/recurrent_kernel", new long[] {4, 4});
        SHAPES.put("simple_rnn/bias", new long[] {4});
        SHAPES.put("dense/kernel", new long[] {4, 2});
        SHAPES.put("dense/bias", new long[] {2});
    }

    @TempDir
    Path folder;

    private static Sequential model() {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(1);
        model.add(SimpleRNN.builder(4).build());
        model.add(new Dense(2));
        model.add(new Activation("softmax"));
        return model.build(Shape.of(6, 3));
    }

    /** The values the NumPy script writes: {@code arange(n).reshape(shape) / 100 + i}. */
    private static INDArray expected(int index, long[] shape) {
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) i / 100f + index;
        }
        return Nd4j.create(values, shape, 'c');
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ImportWeightsTest.class.getResource(name).toURI());
    }

    private static void assertNumpyValues(Sequential model) {
        List<Parameter> parameters = model.parameters();
        int index = 0;
        for (long[] shape : SHAPES.values()) {
            assertThat(ModelFileTest.bits(parameters.get(index).value()))
                    .containsExactly(ModelFileTest.bits(expected(index, shape)));
            index++;
        }
    }

    @Test
    void importsTheArraysNumpySavezWritesByName() throws Exception {
        Sequential model = model();
        ModelFile.importWeights(model, resource("keras-named.npz"));
        assertNumpyValues(model);
    }

    @Test
    void importsTheArraysOfGetWeightsByPosition() throws Exception {
        Sequential model = model();
        ModelFile.importWeights(model, resource("keras-positional.npz"));
        assertNumpyValues(model);
    }

    @Test
    void npyEntriesAreTheBytesNumpyWrites() throws Exception {
        try (ZipFile zip = new ZipFile(resource("keras-named.npz").toFile())) {
            int index = 0;
            for (Map.Entry<String, long[]> entry : SHAPES.entrySet()) {
                byte[] numpy;
                try (InputStream in = zip.getInputStream(zip.getEntry(entry.getKey() + ".npy"))) {
                    numpy = in.readAllBytes();
                }
                ByteArrayOutputStream ours = new ByteArrayOutputStream();
                Npy.write(ours, expected(index++, entry.getValue()));
                assertThat(ours.toByteArray()).as(entry.getKey()).isEqualTo(numpy);
            }
        }
    }

    /** Writes an .npz as numpy.savez does: stored (uncompressed) entries {@code <name>.npy}. */
    private Path npz(Map<String, INDArray> arrays) throws IOException {
        Path file = folder.resolve("weights.npz");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, INDArray> array : arrays.entrySet()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                Npy.write(bytes, array.getValue());
                ZipEntry entry = new ZipEntry(array.getKey() + ".npy");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(bytes.size());
                CRC32 crc = new CRC32();
                crc.update(bytes.toByteArray());
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(bytes.toByteArray());
                zip.closeEntry();
            }
        }
        return file;
    }

    private static Map<String, INDArray> numpyArrays() {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        int index = 0;
        for (Map.Entry<String, long[]> entry : SHAPES.entrySet()) {
            arrays.put(entry.getKey(), expected(index++, entry.getValue()));
        }
        return arrays;
    }

    @Test
    void aWrongShapeIsAnErrorAndChangesNothing() throws IOException {
        Map<String, INDArray> arrays = numpyArrays();
        arrays.put("dense/kernel", expected(3, new long[] {2, 4}));
        Path file = npz(arrays);
        Sequential model = model();
        int[] before = ModelFileTest.bits(model.parameters().get(0).value());
        assertThatThrownBy(() -> ModelFile.importWeights(model, file)).isInstanceOf(ModelFileException.class)
                .hasMessage(file + ", entry dense/kernel.npy: shape: expected [4, 2] for the kernel of layer dense"
                        + " (Dense), found [2, 4]");
        assertThat(ModelFileTest.bits(model.parameters().get(0).value())).containsExactly(before);
    }

    @Test
    void missingAndExtraArraysAreNamed() throws IOException {
        Map<String, INDArray> arrays = numpyArrays();
        arrays.remove("simple_rnn/bias");
        arrays.put("dense_1/kernel", expected(0, new long[] {2, 2}));
        Path file = npz(arrays);
        assertThatThrownBy(() -> ModelFile.importWeights(model(), file)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("missing [simple_rnn/bias]")
                .hasMessageContaining("belong to no parameter: [dense_1/kernel]")
                .hasMessageContaining("simple_rnn/bias [4]");
    }

    @Test
    void notAnNpzIsAnError() throws IOException {
        Path file = folder.resolve("weights.npz");
        Files.writeString(file, "not a zip");
        assertThatThrownBy(() -> ModelFile.importWeights(model(), file)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": expected a .npz file");
    }
}
