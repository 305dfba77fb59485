package dev.rnn4j.core.data;

import dev.rnn4j.core.SeededRandom;

/**
 * The generator of one epoch of a seeded source: a function of (seed, epoch) only, so any epoch can be opened at any
 * batch with nothing saved but the two numbers.
 */
final class EpochRandom {
    private EpochRandom() {
    }

    /**
     * @param seed  the source's seed
     * @param epoch the epoch
     * @return a generator whose numbers depend on nothing else
     */
    static SeededRandom of(long seed, int epoch) {
        // SplitMix64's finalizer: neighbouring seeds and epochs give unrelated streams.
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SeededRandom(z ^ (z >>> 31));
    }
}
