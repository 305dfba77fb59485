package dev.rnn4j.api;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The right operand of many products {@code c = a · op(b) + beta * c} that share it, with the same number of rows of
 * {@code a} each time (a recurrent kernel at every timestep), made ready once by {@link Backend#prepare}. A backend may
 * hold it in its BLAS's internal layout (Intel MKL's packed format), so that each product skips rearranging it; the
 * default holds the matrix itself.
 *
 * <p>A packed matrix holds the values the matrix had when it was prepared, while the default reads the matrix at every
 * product: prepare it again after the matrix changes (an optimizer step), passing the old one for its memory to be
 * reused, and both give the same products.
 */
public interface PreparedMatrix {

    /** @return the matrix this was prepared from */
    INDArray matrix();

    /** @return whether the products use the transpose of {@link #matrix()} */
    boolean transposed();

    /** @return the number of rows of the left operand (and the result) of the products it serves */
    long rows();

    /**
     * The matrix as it is: what backends without a prepared layout hand out.
     *
     * @param matrix     the matrix
     * @param transposed whether the products use its transpose
     * @param rows       the rows of the left operand of the products
     */
    record Plain(INDArray matrix, boolean transposed, long rows) implements PreparedMatrix {
    }
}
