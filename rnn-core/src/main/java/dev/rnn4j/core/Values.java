package dev.rnn4j.core;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
     * @param parts     arrays of the same sample shape, in order
     * @param operation the operation, for messages
     * @return their rows stacked, a new array
     * @throws IllegalArgumentException when there are none, or two differ beyond their rows
     */
    static INDArray concatRows(List<INDArray> parts, String operation) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException(operation + ": the source yielded no batches; expected at least one");
        }
        long[] first = parts.get(0).shape();
        for (int i = 1; i < parts.size(); i++) {
            long[] shape = parts.get(i).shape();
            if (shape.length != first.length || !Arrays.equals(shape, 1, shape.length, first, 1, first.length)) {
                throw new IllegalArgumentException(operation + ": batch " + (i + 1) + " gives outputs of shape "
                        + Arrays.toString(shape) + ", batch 1 gave " + Arrays.toString(first) + "; outputs of"
                        + " different shapes cannot be stacked, take each batch's with predict(source, consumer)");
            }
        }
        return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(INDArray[]::new));
    }

    /**
     * @param array any array
     * @return its values in C order, as doubles
     */
    public static double[] of(INDArray array) {
        INDArray contiguous = array.ordering() == 'c' && !array.isView() ? array : array.dup('c');
        if (hostOnly(contiguous)) {
            // One bulk copy out of native memory: asDouble() reads element by element through an indexer.
            int length = Math.toIntExact(contiguous.length());
            float[] floats = new float[length];
            contiguous.data().asNioFloat().get(0, floats, 0, length);
            double[] values = new double[length];
            for (int i = 0; i < length; i++) {
                values[i] = floats[i];
            }
            return values;
        }
        double[] values = contiguous.data().asDouble();
        return values.length == contiguous.length() ? values
                : java.util.Arrays.copyOf(values, Math.toIntExact(contiguous.length()));
    }

    /**
     * @return whether the array is a float32 array of its own buffer (from its start) whose native memory is its
     *         only copy, as on ND4J's CPU runtime (CUDA keeps a device copy that a write to host memory would miss)
     */
    private static boolean hostOnly(INDArray array) {
        return array.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && !array.isView()
                && array.data().length() == array.length() && HostMemory.ONLY;
    }

    /** Looked up on first use, once ND4J has loaded its runtime. */
    private static final class HostMemory {
        static final boolean ONLY = Nd4j.getExecutioner().type()
                == org.nd4j.linalg.api.ops.executioner.OpExecutioner.ExecutionerType.NATIVE_CPU;
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
            if (hostOnly(target)) {
                target.data().asNioFloat().put(0, floats, 0, floats.length);
            } else {
                target.data().setData(floats);
            }
        } else if (plain && target.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE) {
            target.data().setData(values);
        } else {
            target.assign(org.nd4j.linalg.factory.Nd4j.create(values, target.shape(), 'c')
                    .castTo(target.dataType()));
        }
    }
}
