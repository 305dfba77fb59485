package dev.rnn4j.core;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Class-label helpers, as Keras's {@code to_categorical} and {@code argmax}. */
public final class Categorical {
    private Categorical() {
    }

    /**
     * One-hot encodes integer labels, as Keras's {@code to_categorical}.
     *
     * @param labels     class indices, each in {@code [0, numClasses)}
     * @param numClasses the number of classes, at least 1
     * @return float32 {@code [labels.length, numClasses]}
     * @throws IllegalArgumentException naming the first label out of range, its index and value
     */
    public static INDArray toCategorical(int[] labels, int numClasses) {
        return toCategorical(labels, numClasses, DataType.FLOAT);
    }

    /**
     * @param labels     class indices, each in {@code [0, numClasses)}
     * @param numClasses the number of classes, at least 1
     * @param type       the data type of the result
     * @return {@code [labels.length, numClasses]}, one 1 per row
     */
    public static INDArray toCategorical(int[] labels, int numClasses, DataType type) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("toCategorical numClasses: expected at least 1, found " + numClasses);
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("toCategorical labels: expected at least one label, found none");
        }
        float[] values = new float[Math.multiplyExact(labels.length, numClasses)];
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i];
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException("toCategorical labels[" + i + "]: expected a class in [0, "
                        + numClasses + "), found " + label);
            }
            values[i * numClasses + label] = 1f;
        }
        return Nd4j.create(values, new long[] {labels.length, numClasses}, 'c').castTo(type);
    }

    /**
     * @param rows {@code [n, classes]}
     * @return the index of the largest value in each row (the first on ties)
     */
    public static int[] argmax(INDArray rows) {
        if (rows.rank() != 2) {
            throw new IllegalArgumentException("argmax: expected [rows, classes], found rank " + rows.rank());
        }
        double[] values = Values.of(rows);
        int count = Math.toIntExact(rows.size(0));
        int classes = Math.toIntExact(rows.size(1));
        int[] result = new int[count];
        for (int row = 0; row < count; row++) {
            int base = row * classes;
            int best = 0;
            for (int column = 1; column < classes; column++) {
                if (values[base + column] > values[base + best]) {
                    best = column;
                }
            }
            result[row] = best;
        }
        return result;
    }
}
