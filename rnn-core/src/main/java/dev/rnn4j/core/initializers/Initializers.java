package dev.rnn4j.core.initializers;

import dev.rnn4j.api.Initializer;
import java.util.Arrays;

/**
 * Keras's weight initializers. Each draws from the generator it is given, so a seeded model is reproducible.
 */
public final class Initializers {
    private Initializers() {
    }

    /** @return all zeros (Keras {@code zeros}) */
    public static Initializer zeros() {
        return constant(0.0);
    }

    /**
     * @param value the value of every element
     * @return Keras's {@code Constant(value)}
     */
    public static Initializer constant(double value) {
        return (shape, random) -> {
            double[] values = new double[size(shape)];
            Arrays.fill(values, value);
            return values;
        };
    }

    /**
     * Keras's {@code glorot_uniform}: uniform on {@code [-limit, limit]} with {@code limit = sqrt(6 / (fanIn + fanOut))},
     * where for a 2-D shape {@code [in, out]} fanIn = in and fanOut = out.
     *
     * @return the initializer
     */
    public static Initializer glorotUniform() {
        return (shape, random) -> {
            long[] fans = fans(shape);
            double limit = Math.sqrt(6.0 / (fans[0] + fans[1]));
            double[] values = new double[size(shape)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (random.nextDouble() * 2.0 - 1.0) * limit;
            }
            return values;
        };
    }

    /**
     * Keras's {@code orthogonal} (gain 1): a QR decomposition of a standard Gaussian matrix, with the signs of Q's
     * columns fixed so that R has a positive diagonal. For a 2-D shape {@code [rows, cols]} the rows (or the columns,
     * whichever are fewer) are orthonormal.
     *
     * @return the initializer
     */
    public static Initializer orthogonal() {
        return (shape, random) -> {
            if (shape.length < 2) {
                throw new IllegalArgumentException("orthogonal: expected a shape of rank 2 or more, found "
                        + Arrays.toString(shape));
            }
            int columns = shape[shape.length - 1];
            int rows = size(shape) / columns;
            int tall = Math.max(rows, columns);
            int narrow = Math.min(rows, columns);
            double[][] basis = new double[narrow][tall]; // column vectors of the Gaussian matrix [tall, narrow]
            for (int i = 0; i < tall; i++) {
                for (int j = 0; j < narrow; j++) {
                    basis[j][i] = random.nextGaussian();
                }
            }
            orthonormalize(basis);
            double[] values = new double[rows * columns];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    // Q is [tall, narrow]; when rows < columns Keras transposes it.
                    values[r * columns + c] = rows >= columns ? basis[c][r] : basis[r][c];
                }
            }
            return values;
        };
    }

    /**
     * Modified Gram-Schmidt, twice for numerical orthogonality. Dividing by the positive norm gives R a positive
     * diagonal, which is exactly the sign fix Keras applies to its QR.
     */
    private static void orthonormalize(double[][] vectors) {
        for (int j = 0; j < vectors.length; j++) {
            double[] vector = vectors[j];
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double[] previous = vectors[k];
                    double dot = 0;
                    for (int i = 0; i < vector.length; i++) {
                        dot += previous[i] * vector[i];
                    }
                    for (int i = 0; i < vector.length; i++) {
                        vector[i] -= dot * previous[i];
                    }
                }
            }
            double norm = 0;
            for (double value : vector) {
                norm += value * value;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < vector.length; i++) {
                vector[i] /= norm;
            }
        }
    }

    private static long[] fans(int[] shape) {
        if (shape.length == 1) {
            return new long[] {shape[0], shape[0]};
        }
        long receptive = 1;
        for (int i = 0; i < shape.length - 2; i++) {
            receptive *= shape[i];
        }
        return new long[] {shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive};
    }

    private static int size(int[] shape) {
        long size = 1;
        for (int dim : shape) {
            size *= dim;
        }
        return Math.toIntExact(size);
    }
}
