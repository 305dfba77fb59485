package dev.rnn4j.core;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk reads of small arrays into Java. ND4J's {@code toDoubleMatrix} reads row by row (about 2 ms for a 128x10
 * array here); one bulk copy of the buffer takes microseconds.
 */
public final class Values {
    private Values() {
    }

    /**
     * @param array any array
     * @return its values in C order, as doubles
     */
    public static double[] of(INDArray array) {
        INDArray contiguous = array.ordering() == 'c' && !array.isView() ? array : array.dup('c');
        double[] values = contiguous.data().asDouble();
        return values.length == contiguous.length() ? values
                : java.util.Arrays.copyOf(values, Math.toIntExact(contiguous.length()));
    }
}
