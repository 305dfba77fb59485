package dev.rnn4j.core;

import java.util.Random;

/**
 * The model's random generator: {@link java.util.Random}'s algorithm, so {@code new SeededRandom(seed)} gives exactly
 * the numbers {@code new Random(seed)} gives, with one addition: its whole state can be read ({@link #state()}) and set
 * in place ({@link #restore(State)}).
 *
 * <p>Why in place: layers keep the generator they were built with (their {@link dev.rnn4j.api.BuildContext}) and draw
 * dropout masks from it for their whole life. Resuming from a checkpoint must rewind that very object; handing the
 * model a new generator would leave the layers drawing from the old one.
 *
 * <p>The state is Java's 48-bit linear congruential state plus the second Gaussian that {@link #nextGaussian()}
 * computes in pairs and keeps for the next call. Thread-safe, as {@link Random} is.
 */
public final class SeededRandom extends Random {
    private static final long serialVersionUID = 1L;
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long ADDEND = 0xBL;
    private static final long MASK = (1L << 48) - 1;

    // No initializers: Random's constructor calls setSeed before this class's field initializers would run.
    private long state;
    private boolean haveNextGaussian;
    private double nextGaussian;

    /**
     * @param seed the seed, as for {@code new Random(seed)}
     */
    public SeededRandom(long seed) {
        super(seed);
    }

    /**
     * The complete state of the generator.
     *
     * @param seed             the 48-bit linear congruential state, in {@code [0, 2^48)}
     * @param haveNextGaussian whether a Gaussian is kept for the next {@link #nextGaussian()} call
     * @param nextGaussian     that Gaussian (0 when there is none)
     */
    public record State(long seed, boolean haveNextGaussian, double nextGaussian) {
        /** Checks the range of the seed. */
        public State {
            if (seed < 0 || seed > MASK) {
                throw new IllegalArgumentException("random state: expected a 48-bit value in [0, 2^48), found "
                        + seed);
            }
            if (!haveNextGaussian && nextGaussian != 0.0) {
                throw new IllegalArgumentException("random state: a kept Gaussian (" + nextGaussian
                        + ") without haveNextGaussian");
            }
        }
    }

    @Override
    public synchronized void setSeed(long seed) {
        state = (seed ^ MULTIPLIER) & MASK;
        haveNextGaussian = false;
        nextGaussian = 0.0;
    }

    @Override
    protected synchronized int next(int bits) {
        state = (state * MULTIPLIER + ADDEND) & MASK;
        return (int) (state >>> (48 - bits));
    }

    /**
     * Fills {@code into[0, count)} with the next {@code count} {@link Random#nextDouble()}s of {@code random}: in bulk
     * ({@link #nextDoubles(double[], int)}) when it is a {@code SeededRandom}, one call each otherwise.
     *
     * @param random the generator
     * @param into   the array to fill
     * @param count  how many numbers, at most {@code into.length}
     */
    public static void nextDoubles(Random random, double[] into, int count) {
        if (random instanceof SeededRandom seeded) {
            seeded.nextDoubles(into, count);
            return;
        }
        for (int i = 0; i < count; i++) {
            into[i] = random.nextDouble();
        }
    }

    /**
     * Fills {@code into[0, count)} with the numbers that as many {@link #nextDouble()} calls would give, in order,
     * under one lock: a dropout mask of thousands of values otherwise takes a lock twice per value (~30 ns each here).
     *
     * @param into  the array to fill
     * @param count how many numbers, at most {@code into.length}
     */
    public synchronized void nextDoubles(double[] into, int count) {
        java.util.Objects.checkFromIndexSize(0, count, into.length);
        long seed = state;
        for (int i = 0; i < count; i++) {
            seed = (seed * MULTIPLIER + ADDEND) & MASK;
            long high = seed >>> (48 - 26);
            seed = (seed * MULTIPLIER + ADDEND) & MASK;
            long low = seed >>> (48 - 27);
            into[i] = ((high << 27) + low) * 0x1.0p-53;
        }
        state = seed;
    }

    /**
     * The {@code index}-th 64 random bits of the counter-based stream {@code key} (SplitMix64: Steele, Lea and Flood,
     * "Fast splittable pseudorandom number generators", 2014): values at different indices do not depend on each
     * other, so a long dropout mask is drawn without a serial chain, and in parts.
     *
     * @param key   the stream, for example one {@link #nextLong()} of the model's generator per mask
     * @param index the position in the stream
     * @return 64 random bits
     */
    public static long bits(long key, long index) {
        long z = key + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Java's polar method (Knuth, TAOCP vol. 2, 3.4.1 C), as {@link Random#nextGaussian()}, on this class's state. */
    @Override
    public synchronized double nextGaussian() {
        if (haveNextGaussian) {
            haveNextGaussian = false;
            double kept = nextGaussian;
            nextGaussian = 0.0;
            return kept;
        }
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        nextGaussian = v2 * multiplier;
        haveNextGaussian = true;
        return v1 * multiplier;
    }

    /** @return the current state; {@link #restore} with it makes the generator repeat the numbers that follow */
    public synchronized State state() {
        return new State(state, haveNextGaussian, nextGaussian);
    }

    /**
     * Sets the state in place: every holder of this generator draws from the restored position.
     *
     * @param state a state from {@link #state()}
     */
    public synchronized void restore(State state) {
        java.util.Objects.requireNonNull(state, "state is null");
        this.state = state.seed();
        this.haveNextGaussian = state.haveNextGaussian();
        this.nextGaussian = state.nextGaussian();
    }
}
