package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Bulk reads and writes between Java arrays and ND4J arrays, for plain arrays, doubles and views. */
class ValuesTest {
    @Test
    void writeThenReadRoundTripsFloatAndDoubleArrays() {
        double[] values = {0.1, -2.5, 3.0, 1e-8, 7.25, -0.0};
        INDArray floats = Nd4j.zeros(DataType.FLOAT, 2, 3);
        INDArray doubles = Nd4j.zeros(DataType.DOUBLE, 3, 2);

        Values.write(values, floats);
        Values.write(values, doubles);

        assertThat(floats.getFloat(1, 1)).isEqualTo(7.25f);
        assertThat(floats.getFloat(0, 0)).isEqualTo(0.1f);
        assertThat(Values.of(doubles)).containsExactly(values);
        assertThat(doubles.getDouble(2, 0)).isEqualTo(7.25);
    }

    @Test
    void writeIntoAViewLeavesTheRestAlone() {
        INDArray whole = Nd4j.ones(DataType.FLOAT, 4, 3);
        INDArray middle = whole.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());

        Values.write(new double[] {1, 2, 3, 4, 5, 6}, middle);

        assertThat(Values.of(whole)).containsExactly(1, 1, 1, 1, 2, 3, 4, 5, 6, 1, 1, 1);
    }

    @Test
    void readsFloatArraysOfEveryLayoutInCOrder() {
        INDArray plain = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3});
        assertThat(Values.of(plain)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(Values.of(plain.get(NDArrayIndex.point(1), NDArrayIndex.all()))).containsExactly(4, 5, 6);
        assertThat(Values.of(plain.transpose())).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(Values.of(plain.dup('f'))).containsExactly(1, 2, 3, 4, 5, 6);
        float[] floats = {0.1f, -2.5f, 1e-8f};
        INDArray target = Nd4j.zeros(DataType.FLOAT, 3);
        Values.write(new double[] {0.1, -2.5, 1e-8}, target);
        assertThat(target.toFloatVector()).containsExactly(floats);
    }

    @Test
    void writeRejectsTheWrongNumberOfValues() {
        assertThatThrownBy(() -> Values.write(new double[5], Nd4j.zeros(DataType.FLOAT, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("write: 5 values for an array of 6 elements [2, 3]");
    }
}
