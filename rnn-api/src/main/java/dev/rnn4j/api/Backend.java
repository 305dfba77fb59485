package dev.rnn4j.api;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * What a compute backend provides to the layers: the ND4J runtime it stands for, and the few array operations the
 * framework's hot loops are built from. Core code receives a {@code Backend} through constructors and never names an
 * implementation; an application binds one with Guice ({@code CpuBackendModule} or {@code CudaBackendModule}).
 *
 * <p>The default methods are reference implementations on ND4J's generic operations, correct on every ND4J runtime and
 * free to allocate. A backend overrides them with faster versions; the contract suite every backend runs compares the
 * two.
 *
 * <p>Arrays: every array argument is a C-ordered array or view of the same data type (float32 for training, float64 for
 * gradient checks), contiguous, or, for 2-D arguments other than those of {@link #gatherRows}, a block of columns of a
 * wider matrix (unit stride along a row, rows further apart). Output arrays are owned by the caller and written in
 * place; an output may alias an input only where the method says so.
 */
public interface Backend {

    /** @return the short name users select the backend by: {@code cpu} or {@code cuda} */
    String name();

    /**
     * Checks, once, that ND4J loaded the runtime this backend stands for, and applies its settings (threads, default
     * data type). Called before the first array is created; cheap after the first call.
     *
     * @throws IllegalStateException naming the runtime found, the one expected and the Maven profile to build with
     */
    void ensureReady();

    /** @return one line naming the runtime, device, BLAS, SIMD level and thread count in use */
    String describe();

    /**
     * @param type  the data type
     * @param shape the shape
     * @return a new zero-filled C-ordered array
     */
    default INDArray zeros(DataType type, long... shape) {
        ensureReady();
        return Nd4j.zeros(type, shape);
    }

    /**
     * How many parts work that is independent row by row (the samples of a batch through a recurrence) should be cut
     * into for {@link #runParts}. A backend with one compute stream answers 1.
     *
     * @return the number of parts, at least 1
     */
    default int parallelism() {
        return 1;
    }

    /**
     * Runs one unit of a model's work on the calling thread (a training step, a forward pass over a batch) under the
     * settings the backend wants for the threads that compute, and puts the thread back as it was afterwards. The CPU
     * backend flushes denormal floats to zero in it, as TensorFlow does on its CPU threads: on x86 a product meeting
     * denormals (gradients vanishing through time pass through them) ran 200 times slower. Calls may nest.
     *
     * @param work the work
     * @param <T>  what it returns
     * @return what {@code work} returned
     */
    default <T> T runStep(java.util.function.Supplier<T> work) {
        return work.get();
    }

    /**
     * Runs {@code part.accept(i)} once for every {@code i} in {@code [0, parts)}, possibly concurrently, and returns when
     * all have finished. Parts must touch disjoint outputs. Calls this backend receives from inside a part are not
     * split again. The first failure of any part is rethrown after all parts have ended.
     *
     * @param parts how many parts, at least 1 (usually {@link #parallelism()})
     * @param part  the work of part {@code i}
     */
    default void runParts(int parts, java.util.function.IntConsumer part) {
        if (parts < 1) {
            throw new IllegalArgumentException("runParts: expected at least 1 part, found " + parts);
        }
        for (int i = 0; i < parts; i++) {
            part.accept(i);
        }
    }

    /**
     * How this backend runs the time loop of a recurrent layer over batches of {@code rows} samples and {@code steps}
     * timesteps: the parts the batch is cut into and the pieces of the backward pass's weight-gradient work. The
     * default is one part and one piece.
     *
     * @param rows  the batch size, at least 1
     * @param steps the timesteps, at least 1
     * @return the plan, which the layer keeps for that batch size
     */
    default RecurrencePlan planRecurrence(int rows, int steps) {
        return RecurrencePlan.single(rows, steps);
    }

    /**
     * Runs a recurrent layer's forward pass: {@code work.run(part, step)} for every part of the plan and every step in
     * order, a part's steps one after another (never two at a time), different parts possibly side by side. The default
     * runs the parts one after another.
     *
     * @param plan  the plan from {@link #planRecurrence}
     * @param steps the steps of every part
     * @param work  the work of one step of one part
     */
    default void runRecurrence(RecurrencePlan plan, int steps, RecurrencePlan.StepWork work) {
        for (int p = 0; p < plan.parts(); p++) {
            for (int t = 0; t < steps; t++) {
                work.run(p, t);
            }
        }
    }

    /**
     * Runs a recurrent layer's backward pass: for each part its chain (backpropagation through time) and its pieces in
     * order, piece {@code j} once the chain has reported {@code plan.pieceNeed(j)} steps done. Pieces of a part run
     * one after another but not necessarily on the thread of its chain. The default runs each part's chain, then its
     * pieces, part after part.
     *
     * @param plan  the plan from {@link #planRecurrence}
     * @param chain the chain of a part
     * @param piece a piece of a part
     */
    default void runRecurrenceBackward(RecurrencePlan plan, RecurrencePlan.ChainWork chain,
            RecurrencePlan.PieceWork piece) {
        for (int p = 0; p < plan.parts(); p++) {
            chain.run(p, reached -> { });
            for (int j = 0; j < plan.pieces(); j++) {
                piece.run(p, j);
            }
        }
    }

    /**
     * The first row of part {@code part} when {@code rows} rows are cut into {@code parts} near-equal contiguous parts;
     * part {@code i} covers {@code [partStart(rows, parts, i), partStart(rows, parts, i + 1))}.
     *
     * @param rows  the number of rows
     * @param parts the number of parts, at least 1
     * @param part  a part index in {@code [0, parts]}
     * @return the first row of that part ({@code rows} for {@code part == parts})
     */
    static int partStart(int rows, int parts, int part) {
        return (int) ((long) rows * part / parts);
    }

    /**
     * {@code c = alpha * op(a) * op(b) + beta * c}, where {@code op} transposes when asked. {@code c} must not alias
     * {@code a} or {@code b}.
     *
     * @param a          left matrix
     * @param b          right matrix
     * @param c          result, written in place
     * @param transposeA use the transpose of {@code a}
     * @param transposeB use the transpose of {@code b}
     * @param alpha      scale of the product
     * @param beta       scale of the old {@code c} (0 overwrites, 1 accumulates)
     */
    default void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
            double beta) {
        if (c.isView() && c.rank() == 2 && c.size(0) > 1 && c.stride(0) != c.size(1)) {
            // ND4J's gemm refuses a column-block result: compute into a copy and write it back.
            INDArray result = c.dup('c');
            Nd4j.gemm(a, b, result, transposeA, transposeB, alpha, beta);
            c.assign(result);
            return;
        }
        Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);
    }

    /**
     * Makes {@code b} ready to be the right operand of many products {@code a · op(b)} with {@code rows} rows of
     * {@code a} each ({@link #gemm(INDArray, PreparedMatrix, INDArray, double)}): with Intel MKL the CPU backend packs
     * it into MKL's internal layout once instead of at every product. The default keeps {@code b} as it is.
     *
     * @param b          the right matrix, 2-D
     * @param transposeB whether the products use the transpose of {@code b}
     * @param rows       the rows of the left operand in every product, at least 1
     * @param reuse      a matrix an earlier call prepared, whose memory may be reused (it must not be used after), or
     *                   {@code null}
     * @return the prepared matrix, holding {@code b}'s values as they are now
     */
    default PreparedMatrix prepare(INDArray b, boolean transposeB, long rows, PreparedMatrix reuse) {
        if (b.rank() != 2 || rows < 1) {
            throw new IllegalArgumentException("prepare: expected a 2-D matrix and at least 1 row, found shape "
                    + Arrays.toString(b.shape()) + " and " + rows + " rows");
        }
        return new PreparedMatrix.Plain(b, transposeB, rows);
    }

    /**
     * {@code c = a · op(b) + beta * c} with {@code b} prepared by {@link #prepare}; {@code a} must have the number of
     * rows {@code b} was prepared for. {@code c} must not alias {@code a} or {@code b}.
     *
     * @param a    left matrix, {@code b.rows()} rows
     * @param b    right matrix, prepared
     * @param c    result, written in place
     * @param beta scale of the old {@code c} (0 overwrites, 1 accumulates)
     */
    default void gemm(INDArray a, PreparedMatrix b, INDArray c, double beta) {
        if (a.rank() != 2 || a.size(0) != b.rows()) {
            throw new IllegalArgumentException("gemm: the prepared matrix serves products with " + b.rows()
                    + " rows, found a left operand of shape " + Arrays.toString(a.shape()));
        }
        gemm(a, b.matrix(), c, false, b.transposed(), 1.0, beta);
    }

    /**
     * {@code out = f(x)}; softmax works on the rows of a 2-D array. {@code out} may be {@code x}.
     *
     * @param function the activation
     * @param x        input
     * @param out      output, same shape
     */
    default void activation(ActivationFunction function, INDArray x, INDArray out) {
        if (out != x) {
            out.assign(x);
        }
        switch (function) {
            case LINEAR -> { }
            case TANH -> Transforms.tanh(out, false);
            case SIGMOID -> Transforms.sigmoid(out, false);
            case RELU -> Transforms.relu(out, false);
            case SOFTMAX -> {
                INDArray max = out.max(true, 1);
                out.subiColumnVector(max);
                Transforms.exp(out, false);
                out.diviColumnVector(out.sum(true, 1));
            }
        }
    }

    /**
     * The gradient through an activation, from its output: {@code dx = f'(y) * dy} (for softmax, the row-wise Jacobian
     * product). {@code dx} may alias {@code dy} but not {@code y}.
     *
     * @param function the activation
     * @param y        the activation's output
     * @param dy       gradient with respect to {@code y}
     * @param dx       gradient with respect to the activation's input, written in place
     */
    default void activationBackward(ActivationFunction function, INDArray y, INDArray dy, INDArray dx) {
        INDArray result = switch (function) {
            case LINEAR -> dy.dup();
            case TANH -> y.mul(y).rsubi(1.0).muli(dy);
            case SIGMOID -> y.rsub(1.0).muli(y).muli(dy);
            case RELU -> y.gt(0.0).castTo(y.dataType()).muli(dy);
            case SOFTMAX -> dy.subColumnVector(dy.mul(y).sum(true, 1)).muli(y);
        };
        dx.assign(result);
    }

    /**
     * Adds a row vector to every row of a matrix, in place.
     *
     * @param matrix {@code [rows, n]}
     * @param row    {@code [n]} or {@code [1, n]}
     */
    default void addRowVector(INDArray matrix, INDArray row) {
        matrix.addiRowVector(row.reshape(1, row.length()));
    }

    /**
     * {@code out = matrix * row}, the row multiplying every row of the matrix (a per-unit weight). {@code out} may be
     * {@code matrix}.
     *
     * @param matrix {@code [rows, n]}
     * @param row    {@code [n]} or {@code [1, n]}
     * @param out    {@code [rows, n]}, written
     */
    default void multiplyRowVector(INDArray matrix, INDArray row, INDArray out) {
        out.assign(matrix.mulRowVector(row.reshape(1, row.length())));
    }

    /**
     * {@code out[j] += sum_i matrix[i, j]}: a per-unit weight's gradient, added step by step.
     *
     * @param matrix {@code [rows, n]}
     * @param out    {@code [n]} or {@code [1, n]}, added to
     */
    default void addColumnSums(INDArray matrix, INDArray out) {
        out.addi(matrix.sum(0).reshape(out.shape()));
    }

    /**
     * {@code out[j] = sum_i matrix[i, j]}.
     *
     * @param matrix {@code [rows, n]}
     * @param out    {@code [n]} or {@code [1, n]}, overwritten
     */
    default void sumRows(INDArray matrix, INDArray out) {
        out.assign(matrix.sum(0).reshape(out.shape()));
    }

    /**
     * The sum of the squared elements, accumulated in double: the squared norm a gradient is clipped by.
     *
     * @param x any array
     * @return {@code sum_i x_i^2}
     */
    default double sumOfSquares(INDArray x) {
        double norm = x.norm2Number().doubleValue();
        return norm * norm;
    }

    /**
     * {@code y += alpha * x}, elementwise over arrays of the same length.
     *
     * @param alpha scale
     * @param x     input
     * @param y     updated in place
     */
    default void axpy(double alpha, INDArray x, INDArray y) {
        y.addi(x.mul(alpha));
    }

    /**
     * {@code out = a * b} elementwise. {@code out} may be {@code a} or {@code b}.
     *
     * @param a   left
     * @param b   right, same shape
     * @param out result
     */
    default void multiply(INDArray a, INDArray b, INDArray out) {
        out.assign(a.mul(b));
    }

    /**
     * {@code target = source}, element by element in C order.
     *
     * @param source the values, same shape as {@code target}
     * @param target overwritten; must not overlap {@code source}
     */
    default void copy(INDArray source, INDArray target) {
        if (!Arrays.equals(source.shape(), target.shape())) {
            throw new IllegalArgumentException("copy: source " + Arrays.toString(source.shape()) + " and target "
                    + Arrays.toString(target.shape()) + " differ in shape");
        }
        target.assign(source);
    }

    /**
     * The time-major copy recurrent layers take their inputs in, optionally masked: {@code target[t * batch + b][f] =
     * source[b][t][f] * mask[b][f]}.
     *
     * @param source a {@code [batch, steps, features]} array
     * @param mask   a {@code [batch, features]} array applied at every step (dropout), or null for none
     * @param target a {@code [steps * batch, features]} matrix (rows of a wider matrix allowed), overwritten; must not
     *               overlap the others
     */
    default void copyTimeMajor(INDArray source, INDArray mask, INDArray target) {
        copyTimeMajor(source, mask, target, false);
    }

    /**
     * {@link #copyTimeMajor(INDArray, INDArray, INDArray)}, with the steps in reverse order when asked:
     * {@code target[t * batch + b] = source[b][steps - 1 - t] * mask[b]} (a layer with {@code go_backwards}).
     *
     * @param source   a {@code [batch, steps, features]} array
     * @param mask     a {@code [batch, features]} array applied at every step, or null
     * @param target   a {@code [steps * batch, features]} matrix, overwritten
     * @param reversed whether the steps go in reverse order
     */
    default void copyTimeMajor(INDArray source, INDArray mask, INDArray target, boolean reversed) {
        long batch = source.size(0);
        long steps = source.size(1);
        long features = source.size(2);
        if (source.rank() != 3 || target.rank() != 2 || target.size(0) != steps * batch || target.size(1) != features
                || (mask != null && (mask.rank() != 2 || mask.size(0) != batch || mask.size(1) != features))) {
            throw new IllegalArgumentException("copyTimeMajor: expected a [batch, steps, features] source, a [steps *"
                    + " batch, features] target and a [batch, features] mask or none, found source "
                    + Arrays.toString(source.shape()) + ", target " + Arrays.toString(target.shape()) + ", mask "
                    + (mask == null ? "none" : Arrays.toString(mask.shape())));
        }
        INDArray timeMajor = Nd4j.create(source.dataType(), new long[] {steps, batch, features}, 'c');
        for (long t = 0; t < steps; t++) {
            INDArray step = source.get(NDArrayIndex.all(), NDArrayIndex.point(reversed ? steps - 1 - t : t),
                    NDArrayIndex.all());
            timeMajor.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(mask == null ? step : step.mul(mask));
        }
        target.assign(timeMajor.reshape('c', steps * batch, features));
    }

    /**
     * The inverse of {@link #copyTimeMajor}, optionally masked: {@code target[b][t][f] = source[t * batch + b][f] *
     * mask[b][f]}.
     *
     * @param source a {@code [steps * batch, features]} matrix (rows of a wider matrix allowed)
     * @param mask   a {@code [batch, features]} array applied at every step (dropout), or null for none
     * @param target a {@code [batch, steps, features]} array, overwritten; must not overlap the others
     */
    default void copyBatchMajor(INDArray source, INDArray mask, INDArray target) {
        copyBatchMajor(source, mask, target, false);
    }

    /**
     * {@link #copyBatchMajor(INDArray, INDArray, INDArray)}, with the steps in reverse order when asked:
     * {@code target[b][steps - 1 - t] = source[t * batch + b] * mask[b]}.
     *
     * @param source   a {@code [steps * batch, features]} matrix
     * @param mask     a {@code [batch, features]} array applied at every step, or null
     * @param target   a {@code [batch, steps, features]} array, overwritten
     * @param reversed whether the steps go in reverse order
     */
    default void copyBatchMajor(INDArray source, INDArray mask, INDArray target, boolean reversed) {
        long batch = target.size(0);
        long steps = target.size(1);
        long features = target.size(2);
        if (target.rank() != 3 || source.rank() != 2 || source.size(0) != steps * batch || source.size(1) != features
                || (mask != null && (mask.rank() != 2 || mask.size(0) != batch || mask.size(1) != features))) {
            throw new IllegalArgumentException("copyBatchMajor: expected a [steps * batch, features] source, a [batch,"
                    + " steps, features] target and a [batch, features] mask or none, found source "
                    + Arrays.toString(source.shape()) + ", target " + Arrays.toString(target.shape()) + ", mask "
                    + (mask == null ? "none" : Arrays.toString(mask.shape())));
        }
        INDArray timeMajor = source.dup('c').reshape('c', steps, batch, features);
        for (long t = 0; t < steps; t++) {
            INDArray step = timeMajor.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
            target.get(NDArrayIndex.all(), NDArrayIndex.point(reversed ? steps - 1 - t : t), NDArrayIndex.all())
                    .assign(mask == null ? step : step.mul(mask));
        }
    }

    /**
     * Copies the rows a mask drops: {@code target[r] = source[r]} for every row {@code r} with
     * {@code keep[offset + r] == 0}; the other rows of {@code target} stay as they are. A masked timestep keeps the
     * previous state this way, and its gradient goes past the step.
     *
     * @param keep   per row, 0 where the row is dropped
     * @param offset the entry of {@code keep} for row 0
     * @param source a 2-D array
     * @param target a 2-D array of the same shape, not overlapping {@code source}
     */
    default void copyDroppedRows(float[] keep, int offset, INDArray source, INDArray target) {
        for (int r = 0; r < target.size(0); r++) {
            if (keep[offset + r] == 0f) {
                target.getRow(r).assign(source.getRow(r));
            }
        }
    }

    /**
     * Writes values into an array in C order.
     *
     * @param values as many values as {@code target} has elements
     * @param target a contiguous array, overwritten
     */
    default void write(float[] values, INDArray target) {
        checkLength(values.length, target);
        target.assign(Nd4j.create(values, target.shape(), 'c').castTo(target.dataType()));
    }

    /**
     * Copies rows of {@code source} (its first dimension) into {@code target}: {@code target[i] = source[rows[from + i]]}
     * for {@code i < target.size(0)}.
     *
     * @param source the data, first dimension = samples
     * @param rows   sample indices
     * @param from   first entry of {@code rows} to use
     * @param target the batch, same trailing shape as {@code source}, overwritten
     */
    default void gatherRows(INDArray source, int[] rows, int from, INDArray target) {
        int count = Math.toIntExact(target.size(0));
        int[] picked = Arrays.copyOfRange(rows, from, from + count);
        long rowLength = source.length() / source.size(0);
        INDArray flat = source.reshape('c', source.size(0), rowLength);
        target.assign(Nd4j.pullRows(flat, 1, picked).reshape(target.shape()));
    }

    /**
     * @param length the number of values offered
     * @param target the array they are for
     */
    private static void checkLength(long length, INDArray target) {
        if (length != target.length()) {
            throw new IllegalArgumentException("write: target has " + target.length() + " elements "
                    + Arrays.toString(target.shape()) + ", found " + length + " values");
        }
    }
}
