package dev.rnn4j.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PrimitiveIterator;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Batches of records from a {@link RecordSet} (a {@link RecordFile} on disk, or records in memory): records are taken
 * in an order (file order, a full shuffle, or a shuffle buffer), grouped into batches (of one size, or by length with
 * {@link Bucketing}), and padded into arrays with a mask ({@link Padding}).
 *
 * <p>Every draw comes from a generator made from (seed, epoch) alone, so {@link #open open(epoch, first)} needs no
 * saved state and skips the first batches on record numbers: the skipped records are never read (a bucketed source
 * reads only their lengths, from the file's index). Every record appears exactly once per epoch.
 *
 * <pre>{@code
 * RecordSource source = RecordSource.builder(RecordFile.open(path))
 *         .batchSize(32).shuffleBuffer(10_000).seed(42)
 *         .padding(Padding.post().withMaxLength(200, Padding.Truncating.PRE))
 *         .build();
 * }</pre>
 */
public final class RecordSource implements BatchSource {
    private enum Shuffle { NONE, FULL, BUFFER }

    private final RecordSet records;
    private final int batchSize;
    private final Shuffle shuffle;
    private final int bufferSize;
    private final long seed;
    private final Padding padding;
    private final Bucketing bucketing;
    private final int batches;

    private RecordSource(Builder builder, int batches) {
        this.records = builder.records;
        this.batchSize = builder.batchSize;
        this.shuffle = builder.shuffle;
        this.bufferSize = builder.bufferSize;
        this.seed = builder.seed;
        this.padding = builder.padding;
        this.bucketing = builder.bucketing;
        this.batches = batches;
    }

    /**
     * @param records the records
     * @return a builder: batch size 32, file order, seed 0, {@link Padding#post()}, no bucketing
     */
    public static Builder builder(RecordSet records) {
        return new Builder(records);
    }

    /** Settings of a {@link RecordSource}. */
    public static final class Builder {
        private final RecordSet records;
        private int batchSize = 32;
        private boolean batchSizeSet;
        private Shuffle shuffle = Shuffle.NONE;
        private int bufferSize;
        private long seed;
        private Padding padding = Padding.post();
        private Bucketing bucketing;

        private Builder(RecordSet records) {
            this.records = Objects.requireNonNull(records, "records is null");
        }

        /**
         * @param size records per batch, at least 1 (the last batch holds the rest)
         * @return this builder
         */
        public Builder batchSize(int size) {
            this.batchSize = Checks.batchSize(size);
            this.batchSizeSet = true;
            return this;
        }

        /** @return this builder, shuffling all records every epoch (4 bytes of memory per record) */
        public Builder shuffle() {
            this.shuffle = Shuffle.FULL;
            return this;
        }

        /**
         * tf.data's {@code shuffle(buffer_size)}: a buffer of {@code size} records in file order, each step emitting
         * one drawn uniformly from it; a buffer as large as the set shuffles it fully.
         *
         * @param size the buffer's records, at least 1 (1 keeps file order)
         * @return this builder
         */
        public Builder shuffleBuffer(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("shuffle buffer size: expected at least 1, found " + size);
            }
            this.shuffle = Shuffle.BUFFER;
            this.bufferSize = size;
            return this;
        }

        /**
         * @param value the seed of every draw (with the epoch)
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * @param value how records are padded and truncated into a batch
         * @return this builder
         */
        public Builder padding(Padding value) {
            this.padding = Objects.requireNonNull(value, "padding is null");
            return this;
        }

        /**
         * @param value bucket boundaries and batch sizes (they replace {@link #batchSize})
         * @return this builder
         */
        public Builder bucketing(Bucketing value) {
            this.bucketing = Objects.requireNonNull(value, "bucketing is null");
            return this;
        }

        /**
         * Builds the source; with bucketing, reads every record's length once (from the index of a file) to count
         * the batches of an epoch.
         *
         * @return the source
         * @throws IOException              when the lengths cannot be read
         * @throws IllegalArgumentException when the settings conflict, or a record is longer than the padding's
         *                                  {@code maxLength} without truncation (found by the bucketing scan)
         */
        public RecordSource build() throws IOException {
            if (bucketing != null && batchSizeSet) {
                throw new IllegalArgumentException("RecordSource: expected either a batch size or bucketing (its"
                        + " batch sizes), found both");
            }
            int size = records.size();
            if (bucketing == null) {
                return new RecordSource(this, (size + batchSize - 1) / batchSize);
            }
            long[] counts = new long[bucketing.buckets()];
            try (RecordSet.Reader reader = records.reader()) {
                for (int i = 0; i < size; i++) {
                    counts[bucketing.bucket(padding.length(reader.length(i), records.name() + ": record " + i))]++;
                }
            }
            long total = 0;
            for (int bucket = 0; bucket < counts.length; bucket++) {
                total += (counts[bucket] + bucketing.batchSize(bucket) - 1) / bucketing.batchSize(bucket);
            }
            return new RecordSource(this, Math.toIntExact(total));
        }
    }

    /** @return the records this source reads */
    public RecordSet records() {
        return records;
    }

    @Override
    public int batchesPerEpoch() {
        return batches;
    }

    @Override
    public BatchIterator open(int epoch, int first) {
        Checks.open("RecordSource over " + records.name(), epoch, first, batches);
        RecordSet.Reader reader;
        try {
            reader = records.reader();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure.getMessage(), failure);
        }
        Iterator iterator = new Iterator(reader, groups(order(epoch), reader));
        try {
            iterator.skip(first);
        } catch (RuntimeException failure) {
            iterator.close();
            throw failure;
        }
        return iterator;
    }

    /** @return the record numbers of epoch {@code epoch}, in the order they are batched */
    private PrimitiveIterator.OfInt order(int epoch) {
        int size = records.size();
        return switch (shuffle) {
            case NONE -> IntStream.range(0, size).iterator();
            case BUFFER -> new ShuffleBuffer(size, bufferSize, EpochRandom.of(seed, epoch));
            case FULL -> {
                Random random = EpochRandom.of(seed, epoch);
                int[] order = new int[size];
                Arrays.setAll(order, i -> i);
                for (int i = size - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int swap = order[i];
                    order[i] = order[j];
                    order[j] = swap;
                }
                yield Arrays.stream(order).iterator();
            }
        };
    }

    private Groups groups(PrimitiveIterator.OfInt order, RecordSet.Reader reader) {
        if (bucketing == null) {
            return () -> {
                int[] group = new int[batchSize];
                int count = 0;
                while (count < batchSize && order.hasNext()) {
                    group[count++] = order.nextInt();
                }
                return count == 0 ? null : Arrays.copyOf(group, count);
            };
        }
        int[][] buckets = new int[bucketing.buckets()][];
        int[] held = new int[buckets.length];
        for (int bucket = 0; bucket < buckets.length; bucket++) {
            buckets[bucket] = new int[bucketing.batchSize(bucket)];
        }
        return () -> {
            while (order.hasNext()) {
                int number = order.nextInt();
                int length = padding.length(reader.length(number), records.name() + ": record " + number);
                int bucket = bucketing.bucket(length);
                buckets[bucket][held[bucket]++] = number;
                if (held[bucket] == buckets[bucket].length) {
                    held[bucket] = 0;
                    return buckets[bucket].clone();
                }
            }
            for (int bucket = 0; bucket < buckets.length; bucket++) {
                if (held[bucket] > 0) {
                    int[] group = Arrays.copyOf(buckets[bucket], held[bucket]);
                    held[bucket] = 0;
                    return group;
                }
            }
            return null;
        };
    }

    /** The record numbers of the batches of one epoch, one batch per call. */
    @FunctionalInterface
    private interface Groups {
        /** @return the next batch's record numbers, or null after the last */
        int[] next() throws IOException;
    }

    private final class Iterator implements BatchIterator {
        private final RecordSet.Reader reader;
        private final Groups groups;
        private int[] pending;
        private boolean done;

        Iterator(RecordSet.Reader reader, Groups groups) {
            this.reader = reader;
            this.groups = groups;
        }

        void skip(int count) {
            for (int i = 0; i < count && hasNext(); i++) {
                pending = null;
            }
        }

        @Override
        public boolean hasNext() {
            if (pending == null && !done) {
                try {
                    pending = groups.next();
                } catch (IOException failure) {
                    throw new UncheckedIOException(failure.getMessage(), failure);
                }
                done = pending == null;
            }
            return pending != null;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("RecordSource over " + records.name() + ": all " + batches
                        + " batches were read");
            }
            int[] numbers = pending;
            pending = null;
            List<SequenceRecord> batch = new ArrayList<>(numbers.length);
            try {
                for (int number : numbers) {
                    batch.add(reader.read(number));
                }
            } catch (IOException failure) {
                throw new UncheckedIOException(failure.getMessage(), failure);
            }
            return padding.batch(records.format(), batch, numbers, records.name());
        }

        @Override
        public void close() {
            done = true;
            pending = null;
            reader.close();
        }
    }
}
