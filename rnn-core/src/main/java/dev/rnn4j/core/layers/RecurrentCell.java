package dev.rnn4j.core.layers;

import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Regularizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The math of one step of a recurrence, forward and backward, for the {@link RNN} layer that runs it over time
 * (Keras's cells: {@code SimpleRNNCell}, {@code LSTMCell}, {@code GRUCell}). A cell holds its math and little else:
 * the layer owns the time loop, the input projection of all steps as one product, the recurrent product of every
 * step, backpropagation through time, the weight gradients of the projections, dropout masks, masking, initial and
 * returned states, and how the work is scheduled. A cell written by a user gets all of these.
 *
 * <p>What a step computes: the layer hands the cell {@code z_t = x_t · kernel + bias}, to which, for
 * {@link Recurrence#ADDED}, it has added {@code h'_{t-1} · recurrent_kernel} ({@code h'} is state 0 times the
 * recurrent dropout mask). {@link Recurrence#SEPARATE} gets the recurrent product (plus the second bias row) apart,
 * as GRU's {@code reset_after} needs; {@link Recurrence#NONE} gets none and uses the previous state itself. The cell
 * writes the new states; state 0 is the output, and the input of the recurrent product. Backward, the cell receives
 * the gradients of its new states and writes the gradients of the projections; the layer does the rest.
 *
 * <p>Widths: the projections are {@code gates() * units} wide, gate {@code g} being columns
 * {@code [g * units, (g + 1) * units)} (Keras's layouts). Arrays are float32 in training and float64 in gradient
 * checks; the cell works on them only through {@link CellStep#backend()}, whose operations take what the step hands out.
 */
public abstract class RecurrentCell {
    /** How the recurrent product reaches the cell. */
    public enum Recurrence {
        /** {@code z_t = x_t · kernel + h'_{t-1} · recurrent_kernel + bias}, one array. */
        ADDED,
        /** {@code x_t · kernel + bias[0]} and {@code h'_{t-1} · recurrent_kernel + bias[1]} apart. */
        SEPARATE,
        /** No recurrent kernel: the cell uses the previous state itself. */
        NONE
    }

    protected final int units;
    protected final double dropout;
    protected final double recurrentDropout;

    /**
     * @param units            the size of state 0, at least 1
     * @param dropout          the rate of the input dropout, in [0, 1)
     * @param recurrentDropout the rate of the dropout on state 0 where it enters the recurrent product, in [0, 1)
     * @throws IllegalArgumentException naming the argument and the value
     */
    protected RecurrentCell(int units, double dropout, double recurrentDropout) {
        String type = getClass().getSimpleName();
        if (units < 1) {
            throw new IllegalArgumentException(type + " units: expected at least 1, found " + units);
        }
        RecurrentBuilder.checkRate(type, "dropout", dropout);
        RecurrentBuilder.checkRate(type, "recurrent_dropout", recurrentDropout);
        this.units = units;
        this.dropout = dropout;
        this.recurrentDropout = recurrentDropout;
    }

    /** @return the size of state 0, the output */
    public final int units() {
        return units;
    }

    /** @return the input dropout rate */
    public final double dropout() {
        return dropout;
    }

    /** @return the recurrent dropout rate */
    public final double recurrentDropout() {
        return recurrentDropout;
    }

    /** @return the blocks of {@code units} columns in the projections (1 for SimpleRNN, 4 for LSTM, 3 for GRU) */
    public int gates() {
        return 1;
    }

    /** @return the size of every state, state 0 first ({@code [units]}; LSTM {@code [units, units]} for h and c) */
    public int[] stateSizes() {
        return new int[] {units};
    }

    /** @return how the recurrent product reaches the cell (default {@link Recurrence#ADDED}) */
    public Recurrence recurrence() {
        return Recurrence.ADDED;
    }

    /** @return how many {@code [rows, units]} arrays per step the cell keeps from forward to backward (gate values) */
    public int storedArrays() {
        return 0;
    }

    /** @return how many {@code [rows, units]} temporaries the cell uses within a step */
    public int scratchArrays() {
        return 0;
    }

    /**
     * @param state a state index
     * @return whether the step's math uses the previous state {@code state} other than through the recurrent product,
     *         so that its backward step writes a gradient for it ({@link CellStep#previousStateGradient})
     */
    public boolean carriesState(int state) {
        return false;
    }

    /**
     * Declares the cell's weights, in the order they are saved and shown; called when the layer is built and when it
     * counts its parameters.
     *
     * @param weights where to declare them
     */
    public abstract void declareWeights(Weights weights);

    /**
     * One step forward: reads the projections and the previous states, writes the new states (and the stored
     * arrays).
     *
     * @param step the step's arrays
     */
    public abstract void forward(CellStep step);

    /**
     * One step backward, after {@link #forward} of the same step: reads the new states' gradients, writes the
     * projections' gradients (in the projections' place), the previous states' gradients it carries, and adds to the
     * gradients of its own weights.
     *
     * @param step the step's arrays
     */
    public abstract void backward(CellStep step);

    /**
     * @return the constructor arguments under Keras's names, enough to rebuild the cell; this base writes
     *         {@code units}, {@code dropout} and {@code recurrent_dropout}
     */
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("units", units);
        config.put("dropout", dropout);
        config.put("recurrent_dropout", recurrentDropout);
        return config;
    }

    /** @return the type name stored in model files: the simple class name */
    public String typeName() {
        return getClass().getSimpleName();
    }

    /**
     * The weights a cell declares ({@link #declareWeights}). The three projection weights have Keras's names and
     * shapes and the layer uses them itself; {@link #add} declares a weight the cell uses on its own. Each takes an
     * optional {@link Regularizer} (Keras's {@code kernel_regularizer}, ...), whose penalty the layer then reports in
     * {@link RNN#regularizationLoss()}.
     */
    public interface Weights {
        /** @return the input's feature count */
        int features();

        /**
         * {@code kernel [features, gates * units]}: the input projection.
         *
         * @param initializer its initial values
         * @param regularizer the penalty on it, or null for none
         */
        void kernel(Initializer initializer, Regularizer regularizer);

        /**
         * {@link #kernel(Initializer, Regularizer)} without a regularizer.
         *
         * @param initializer its initial values
         */
        default void kernel(Initializer initializer) {
            kernel(initializer, null);
        }

        /**
         * {@code recurrent_kernel [units, gates * units]}: the recurrent product ({@link Recurrence#ADDED} and
         * {@link Recurrence#SEPARATE} only).
         *
         * @param initializer its initial values
         * @param regularizer the penalty on it, or null for none
         */
        void recurrentKernel(Initializer initializer, Regularizer regularizer);

        /**
         * {@link #recurrentKernel(Initializer, Regularizer)} without a regularizer.
         *
         * @param initializer its initial values
         */
        default void recurrentKernel(Initializer initializer) {
            recurrentKernel(initializer, null);
        }

        /**
         * {@code bias [gates * units]}, added to the input projection.
         *
         * @param initializer its initial values
         * @param regularizer the penalty on it, or null for none
         */
        void bias(Initializer initializer, Regularizer regularizer);

        /**
         * {@link #bias(Initializer, Regularizer)} without a regularizer.
         *
         * @param initializer its initial values
         */
        default void bias(Initializer initializer) {
            bias(initializer, null);
        }

        /**
         * {@code bias [2, gates * units]}: row 0 added to the input projection, row 1 to the recurrent product
         * ({@link Recurrence#SEPARATE}; GRU's {@code reset_after}).
         *
         * @param initializer its initial values
         * @param regularizer the penalty on both rows, or null for none
         */
        void biasPair(Initializer initializer, Regularizer regularizer);

        /**
         * {@link #biasPair(Initializer, Regularizer)} without a regularizer.
         *
         * @param initializer its initial values
         */
        default void biasPair(Initializer initializer) {
            biasPair(initializer, null);
        }

        /**
         * A weight the cell uses itself ({@link CellStep#weight}).
         *
         * @param name        its Keras name
         * @param shape       its shape
         * @param initializer its initial values
         * @param regularizer the penalty on it, or null for none
         * @return its index for {@link CellStep#weight} and {@link CellStep#weightGradient}
         */
        int add(String name, int[] shape, Initializer initializer, Regularizer regularizer);

        /**
         * {@link #add(String, int[], Initializer, Regularizer)} without a regularizer.
         *
         * @param name        its Keras name
         * @param shape       its shape
         * @param initializer its initial values
         * @return its index for {@link CellStep#weight} and {@link CellStep#weightGradient}
         */
        default int add(String name, int[] shape, Initializer initializer) {
            return add(name, shape, initializer, null);
        }
    }
}
