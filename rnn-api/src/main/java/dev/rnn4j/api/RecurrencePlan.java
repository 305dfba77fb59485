package dev.rnn4j.api;

import java.util.Arrays;

/**
 * How a backend runs the time loop of a recurrent layer over one batch size ({@link Backend#planRecurrence}): the
 * batch cut into parts of contiguous rows (samples do not interact in a recurrence, so each part goes through every
 * step on its own), and the backward pass's weight-gradient work cut into pieces of a few steps each, which may run
 * while backpropagation through time is still under way.
 *
 * <p>The layer describes the work, the backend decides how it is cut: the default is one part and one piece, a plain
 * loop.
 */
public final class RecurrencePlan {
    private final int[] partStarts;
    private final int[] pieceNeeds;

    /**
     * @param partStarts the first row of every part, then the row count: {@code 0 = s_0 < s_1 < ... < s_P = rows}
     * @param pieceNeeds for each piece of a part's backward pass, latest steps first, how many steps of
     *                   backpropagation through time must be done before it runs (increasing, the last equal to the
     *                   step count); piece {@code j} covers steps {@code steps - needs[j] + 1 .. steps - needs[j - 1]}
     *                   (1-based, {@code needs[-1] = 0})
     * @throws IllegalArgumentException when either is not as described
     */
    public RecurrencePlan(int[] partStarts, int[] pieceNeeds) {
        this.partStarts = partStarts.clone();
        this.pieceNeeds = pieceNeeds.clone();
        boolean parts = partStarts.length >= 2 && partStarts[0] == 0;
        for (int i = 1; parts && i < partStarts.length; i++) {
            parts = partStarts[i] > partStarts[i - 1];
        }
        boolean pieces = pieceNeeds.length >= 1 && pieceNeeds[0] >= 1;
        for (int i = 1; pieces && i < pieceNeeds.length; i++) {
            pieces = pieceNeeds[i] > pieceNeeds[i - 1];
        }
        if (!parts || !pieces) {
            throw new IllegalArgumentException("RecurrencePlan: expected increasing part starts from 0 and increasing"
                    + " piece needs from 1, found " + Arrays.toString(partStarts) + " and "
                    + Arrays.toString(pieceNeeds));
        }
    }

    /**
     * The plain loop: the whole batch as one part, the whole backward pass as one piece.
     *
     * @param rows  the batch size, at least 1
     * @param steps the timesteps, at least 1
     * @return the plan
     */
    public static RecurrencePlan single(int rows, int steps) {
        return new RecurrencePlan(new int[] {0, rows}, new int[] {steps});
    }

    /**
     * Near-equal contiguous parts, and pieces of {@code pieceSteps} steps.
     *
     * @param rows       the batch size
     * @param steps      the timesteps
     * @param parts      how many parts, at most {@code rows}
     * @param pieceSteps the steps of a piece, at least 1
     * @return the plan
     */
    public static RecurrencePlan even(int rows, int steps, int parts, int pieceSteps) {
        int[] starts = new int[parts + 1];
        for (int p = 0; p <= parts; p++) {
            starts[p] = (int) ((long) rows * p / parts);
        }
        int[] needs = new int[(steps + pieceSteps - 1) / pieceSteps];
        for (int j = 0; j < needs.length; j++) {
            needs[j] = Math.min(steps, (j + 1) * pieceSteps);
        }
        return new RecurrencePlan(starts, needs);
    }

    /** @return how many parts the batch is cut into */
    public int parts() {
        return partStarts.length - 1;
    }

    /**
     * @param part a part index in {@code [0, parts()]}
     * @return the first row of that part (the row count for {@code parts()})
     */
    public int partStart(int part) {
        return partStarts[part];
    }

    /** @return the rows of the batch */
    public int rows() {
        return partStarts[partStarts.length - 1];
    }

    /** @return the pieces of a part's backward pass */
    public int pieces() {
        return pieceNeeds.length;
    }

    /**
     * @param piece a piece index
     * @return the steps of backpropagation through time done before the piece may run (also: the steps it and the
     *         pieces before it cover)
     */
    public int pieceNeed(int piece) {
        return pieceNeeds[piece];
    }

    /** @return the piece needs, a copy */
    public int[] pieceNeeds() {
        return pieceNeeds.clone();
    }

    /** The work of one step of one part in a forward pass: steps {@code 0, 1, ...} of each part, in order. */
    @FunctionalInterface
    public interface StepWork {
        /**
         * @param part the part
         * @param step the step, 0-based, in the order the layer processes them
         */
        void run(int part, int step);
    }

    /** The backward pass through time of one part, reporting how many steps it has done as it goes. */
    @FunctionalInterface
    public interface ChainWork {
        /**
         * @param part    the part
         * @param reached call with the count of steps done so far (increasing), so that pieces can start
         */
        void run(int part, java.util.function.IntConsumer reached);
    }

    /** One piece of a part's weight-gradient work, run after that part's pieces before it. */
    @FunctionalInterface
    public interface PieceWork {
        /**
         * @param part  the part
         * @param piece the piece
         */
        void run(int part, int piece);
    }
}
