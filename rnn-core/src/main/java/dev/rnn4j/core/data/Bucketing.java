package dev.rnn4j.core.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Batches of records of similar length, as tf.data's {@code bucket_by_sequence_length}: a record of {@code t}
 * timesteps goes to the bucket {@code i} with {@code boundaries[i-1] <= t < boundaries[i]} (the first bucket below
 * {@code boundaries[0]}, the last at {@code boundaries[n-1]} and above); a bucket that holds its batch size becomes a
 * batch, and at the epoch's end the part-filled buckets become batches, first bucket first. So batches carry little
 * padding, and the number of batches per epoch depends only on how many records fall in each bucket.
 *
 * @param boundaries the bucket boundaries in timesteps, strictly increasing, at least 1
 * @param batchSizes the batch size of each bucket, {@code boundaries.length + 1} of them, each at least 1
 */
public record Bucketing(int[] boundaries, int[] batchSizes) {
    /** Checks and copies the arrays. */
    public Bucketing {
        Objects.requireNonNull(boundaries, "boundaries is null");
        Objects.requireNonNull(batchSizes, "batchSizes is null");
        for (int i = 0; i < boundaries.length; i++) {
            if (boundaries[i] < 1 || (i > 0 && boundaries[i] <= boundaries[i - 1])) {
                throw new IllegalArgumentException("bucketing: boundaries: expected strictly increasing values of at"
                        + " least 1, found " + Arrays.toString(boundaries));
            }
        }
        if (batchSizes.length != boundaries.length + 1) {
            throw new IllegalArgumentException("bucketing: expected " + (boundaries.length + 1) + " batch sizes (one"
                    + " per bucket: boundaries + 1), found " + batchSizes.length);
        }
        for (int size : batchSizes) {
            Checks.batchSize(size);
        }
        boundaries = boundaries.clone();
        batchSizes = batchSizes.clone();
    }

    /**
     * @param boundaries the bucket boundaries in timesteps
     * @param batchSize  the batch size of every bucket
     * @return the bucketing
     */
    public static Bucketing of(int[] boundaries, int batchSize) {
        int[] sizes = new int[Objects.requireNonNull(boundaries, "boundaries is null").length + 1];
        Arrays.fill(sizes, Checks.batchSize(batchSize));
        return new Bucketing(boundaries, sizes);
    }

    /** @return a copy of the boundaries */
    @Override
    public int[] boundaries() {
        return boundaries.clone();
    }

    /** @return a copy of the batch sizes */
    @Override
    public int[] batchSizes() {
        return batchSizes.clone();
    }

    /** @return the number of buckets: boundaries + 1 */
    public int buckets() {
        return batchSizes.length;
    }

    /**
     * @param length a record's timesteps (after truncation)
     * @return its bucket
     */
    public int bucket(int length) {
        int bucket = 0;
        while (bucket < boundaries.length && length >= boundaries[bucket]) {
            bucket++;
        }
        return bucket;
    }

    /** @return the batch size of bucket {@code bucket} */
    int batchSize(int bucket) {
        return batchSizes[bucket];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bucketing bucketing && Arrays.equals(boundaries, bucketing.boundaries)
                && Arrays.equals(batchSizes, bucketing.batchSizes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(boundaries) + Arrays.hashCode(batchSizes);
    }

    @Override
    public String toString() {
        return "Bucketing[boundaries=" + Arrays.toString(boundaries) + ", batchSizes=" + Arrays.toString(batchSizes)
                + "]";
    }
}
