package dev.rnn4j.api;

import java.util.Arrays;

/**
 * The shape of one sample, without the batch dimension: a sequence batch {@code [batch, timesteps, features]} has the
 * sample shape {@code (timesteps, features)}. Immutable; every dimension is at least 1, or {@link #ANY}: a size
 * each batch sets, as Keras's {@code None} ({@code Input(shape=(None, 28))} takes sequences of any length).
 *
 * <p>{@link #toString()} prints the shape as Keras's summary does, with the batch dimension and any {@link #ANY}
 * dimension as {@code None}: {@code (None, 28, 28)}, {@code (None, None, 28)}.
 */
public final class Shape {
    /** A dimension whose size each batch sets (Keras's {@code None}), typically the timesteps. */
    public static final int ANY = -1;

    private final int[] dims;

    private Shape(int[] dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 1 && dims[i] != ANY) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + ": dimension " + i
                        + " must be at least 1 (or Shape.ANY for a size each batch sets), found " + dims[i]);
            }
        }
        this.dims = dims;
    }

    /**
     * Creates a sample shape.
     *
     * @param dims the dimensions without the batch dimension, each at least 1 or {@link #ANY}
     * @return the shape
     */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /**
     * The sample shape of a batch array: its shape without the first (batch) dimension.
     *
     * @param batchShape the shape of an array whose first dimension is the batch
     * @return the sample shape
     */
    public static Shape ofBatch(long[] batchShape) {
        if (batchShape.length < 1) {
            throw new IllegalArgumentException("a batch array needs at least one dimension, found a scalar");
        }
        int[] dims = new int[batchShape.length - 1];
        for (int i = 1; i < batchShape.length; i++) {
            dims[i - 1] = Math.toIntExact(batchShape[i]);
        }
        return new Shape(dims);
    }

    /** @return the number of dimensions, not counting the batch */
    public int rank() {
        return dims.length;
    }

    /**
     * @param index the dimension, 0-based, not counting the batch
     * @return its size, or {@link #ANY}
     */
    public int dim(int index) {
        return dims[index];
    }

    /** @return the last dimension (features or units), or {@link #ANY} */
    public int last() {
        return dims[dims.length - 1];
    }

    /** @return whether every dimension has a size (none is {@link #ANY}) */
    public boolean isFixed() {
        for (int dim : dims) {
            if (dim == ANY) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a concrete shape is one of this shape's: the same rank, and each dimension equal or {@link #ANY} here.
     *
     * @param actual a shape, for example {@link #ofBatch} of an array
     * @return whether it fits
     */
    public boolean accepts(Shape actual) {
        if (actual.dims.length != dims.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != ANY && dims[i] != actual.dims[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the number of elements of one sample
     * @throws IllegalStateException when a dimension is {@link #ANY}
     */
    public long size() {
        requireFixed("size()");
        long size = 1;
        for (int dim : dims) {
            size *= dim;
        }
        return size;
    }

    /** @return a copy of the dimensions, without the batch */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * @param batch the batch size
     * @return the shape of a whole batch, {@code [batch, dims...]}
     * @throws IllegalStateException when a dimension is {@link #ANY}
     */
    public long[] withBatch(long batch) {
        requireFixed("withBatch()");
        long[] shape = new long[dims.length + 1];
        shape[0] = batch;
        for (int i = 0; i < dims.length; i++) {
            shape[i + 1] = dims[i];
        }
        return shape;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Shape shape && Arrays.equals(dims, shape.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** @return Keras's notation, batch first as {@code None}: {@code (None, 28, 28)} */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("(None");
        for (int dim : dims) {
            text.append(", ").append(dim == ANY ? "None" : Integer.toString(dim));
        }
        return text.append(')').toString();
    }

    private void requireFixed(String operation) {
        if (!isFixed()) {
            throw new IllegalStateException("shape " + this + ": " + operation + " needs every dimension known");
        }
    }
}
