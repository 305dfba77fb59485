package dev.rnn4j.core;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BuildContext;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.backend.cpu.Nd4jCpuBackend;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;

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

    /** Names and builds a layer in float32. */
    public static <L extends Layer> L buildFloat(L layer, Shape inputShape, long seed) {
        layer.setName(Sequential.snakeCase(layer.typeName()));
        layer.build(inputShape, new BuildContext(BACKEND, DataType.FLOAT, new Random(seed)));
        return layer;
    }
}
