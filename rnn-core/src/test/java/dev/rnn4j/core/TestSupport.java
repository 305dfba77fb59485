package dev.rnn4j.core;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BuildContext;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.backend.cpu.Nd4jCpuBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shared test fixtures: one CPU backend per JVM. */
public final class TestSupport {
    public static final Backend BACKEND = new Nd4jCpuBackend();

    private TestSupport() {
    }

    /** Names and builds a layer in float64 for gradient checks. */
    public static <L extends Layer> L buildDouble(L layer, Shape inputShape, long seed) {
        layer.setName(Sequential.snakeCase(layer.typeName()));
        layer.build(inputShape, new BuildContext(BACKEND, DataType.DOUBLE, new Random(seed)));
        return layer;
    }

    /**
     * @param array any array
     * @return its shape, then its values in C order, boxed: lists compare bit for bit (ND4J's equals has a tolerance)
     */
    public static List<Object> exact(INDArray array) {
        List<Object> all = new ArrayList<>();
        all.add(Arrays.toString(array.shape()));
        for (double value : Values.of(array)) {
            all.add(value);
        }
        return all;
    }

    /**
     * @param arrays arrays
     * @return {@link #exact} of each
     */
    public static List<List<Object>> exact(List<INDArray> arrays) {
        return arrays.stream().map(TestSupport::exact).toList();
    }

    /** Names and builds a layer in float32. */
    public static <L extends Layer> L buildFloat(L layer, Shape inputShape, long seed) {
        layer.setName(Sequential.snakeCase(layer.typeName()));
        layer.build(inputShape, new BuildContext(BACKEND, DataType.FLOAT, new Random(seed)));
        return layer;
    }
}
