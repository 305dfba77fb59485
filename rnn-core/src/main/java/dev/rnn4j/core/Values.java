package dev.rnn4j.core;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Array helpers: bulk reads of small arrays into Java (ND4J's {@code toDoubleMatrix} reads row by row; one bulk copy of
 * the buffer is orders of magnitude faster) and sample views.
 */
public final class Values {
    private Values() {
    }

    /**
     * @param array an array whose first dimension is the samples
     * @param from  the first sample
     * @param to    one past the last sample
     * @return a view of samples {@code [from, to)}, all of each
     */
    public static INDArray rows(INDArray array, long from, long to) {
        INDArrayIndex[] index = new INDArrayIndex[array.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int i = 1; i < index.length; i++) {
            index[i] = NDArrayIndex.all();
        }
        return array.get(index);
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

    /**
     * Writes values into an array in C order, as its data type (rounded to float32 for float arrays).
     *
     * @param values as many values as {@code target} has elements
     * @param target overwritten
     */
    public static void write(double[] values, INDArray target) {
        if (values.length != target.length()) {
            throw new IllegalArgumentException("write: " + values.length + " values for an array of "
                    + target.length() + " elements " + java.util.Arrays.toString(target.shape()));
        }
        boolean plain = target.ordering() == 'c' && !target.isView() && target.data().length() == values.length;
        if (plain && target.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT) {
            float[] floats = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                floats[i] = (float) values[i];
            }
            target.data().setData(floats);
        } else if (plain && target.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE) {
            target.data().setData(values);
        } else {
            target.assign(org.nd4j.linalg.factory.Nd4j.create(values, target.shape(), 'c')
                    .castTo(target.dataType()));
        }
    }
}
