package dev.rnn4j.core.data;

import dev.rnn4j.api.Backend;
import dev.rnn4j.core.SeededRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batches of arrays held in memory: fit's in-memory path as a {@link BatchSource}. Every array has the samples as
 * rows ({@code [samples, ...]}); batch {@code k} holds the samples {@code order[k * batchSize ...]}, the last batch
 * the remainder.
 *
 * <p>With shuffling, each newly opened epoch shuffles the previous epoch's order in place with a Fisher-Yates pass
 * drawn from the given {@link SeededRandom} ({@code j = random.nextInt(i + 1)} for {@code i = n-1 ... 1}), exactly as
 * fit shuffles today, so a model's shared generator gives the same orders as before. Because those draws depend on the
 * generator's position, the source remembers the current epoch and its {@link #order()}:
 * <ul>
 *   <li>{@code open(e, first)} with {@code e} the current epoch replays its order from batch {@code first};</li>
 *   <li>{@code open(e, 0)} with {@code e} later than the current epoch draws one new order (one shuffle, also when
 *   epochs are skipped, as fit does when it starts at a later epoch);</li>
 *   <li>anything else fails: to resume a checkpoint, restore the generator, then {@link #restore(int, int[])} the
 *   epoch and order it saved, then open.</li>
 * </ul>
 * Without shuffling, the current order (the identity unless restored) serves every epoch and no number is drawn.
 */
public final class ArraySource implements BatchSource {
    private final List<Rows> x;
    private final List<Rows> y;
    private final Rows sampleWeight;
    private final int samples;
    private final int batchSize;
    private final SeededRandom random;
    private final Backend backend;
    private final DataType dataType;
    private final boolean reuse;
    /** With {@code reuse}: per array and batch rows, the arrays the next batch overwrites. */
    private final java.util.Map<Rows, java.util.Map<Integer, INDArray>> reused = new java.util.IdentityHashMap<>();
    private int epoch = -1;
    private int[] order;

    private ArraySource(Builder builder) {
        this.samples = Math.toIntExact(builder.x.get(0).size(0));
        this.x = rows(builder.x, "x", samples);
        this.y = rows(builder.y, "y", samples);
        if (builder.sampleWeight != null && builder.sampleWeight.rank() != 1 && builder.sampleWeight.rank() != 2) {
            throw new IllegalArgumentException("ArraySource: sampleWeight has shape "
                    + Checks.shape(builder.sampleWeight.shape()) + ", expected [samples] or [samples, timesteps]");
        }
        this.sampleWeight = builder.sampleWeight == null ? null : new Rows(builder.sampleWeight, "sampleWeight",
                samples);
        this.batchSize = Math.min(Checks.batchSize(builder.batchSize), Math.max(samples, 1));
        this.random = builder.random;
        this.backend = builder.backend;
        this.dataType = builder.dataType;
        this.reuse = builder.reuse;
        this.order = new int[samples];
        Arrays.setAll(order, i -> i);
    }

    /**
     * @param x one array per model input, samples as rows
     * @param y one array per model output, samples as rows; empty for predict
     * @return a builder: batch size 32, no shuffling, no weights
     */
    public static Builder builder(List<INDArray> x, List<INDArray> y) {
        return new Builder(x, y);
    }

    /** Settings of an {@link ArraySource}. */
    public static final class Builder {
        private final List<INDArray> x;
        private final List<INDArray> y;
        private INDArray sampleWeight;
        private int batchSize = 32;
        private SeededRandom random;
        private Backend backend;
        private DataType dataType;
        private boolean reuse;

        private Builder(List<INDArray> x, List<INDArray> y) {
            Objects.requireNonNull(x, "x is null");
            Objects.requireNonNull(y, "y is null");
            if (x.isEmpty()) {
                throw new IllegalArgumentException("ArraySource: expected at least one input array, found none");
            }
            this.x = new ArrayList<>(x);
            this.y = new ArrayList<>(y);
        }

        /**
         * @param batchSize samples per batch, at least 1; more than the samples gives one batch of all
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = Checks.batchSize(batchSize);
            return this;
        }

        /**
         * @param sampleWeight {@code [samples]} or {@code [samples, timesteps]}; null for none
         * @return this builder
         */
        public Builder sampleWeight(INDArray sampleWeight) {
            this.sampleWeight = sampleWeight;
            return this;
        }

        /**
         * Shuffles every epoch, drawing from {@code random} (the model's generator, to reproduce fit's orders).
         *
         * @param random the generator; the source draws from it when it opens a new epoch
         * @return this builder
         */
        public Builder shuffle(SeededRandom random) {
            this.random = Objects.requireNonNull(random, "random is null");
            return this;
        }

        /**
         * Shuffles every epoch, drawing from a generator of its own.
         *
         * @param seed the seed of that generator
         * @return this builder
         */
        public Builder shuffle(long seed) {
            return shuffle(new SeededRandom(seed));
        }

        /**
         * Gathers batches with {@link Backend#gatherRows} into new arrays of {@code dataType} instead of float32
         * copies: fit's in-memory path, whose arrays are already in the model's type.
         *
         * @param backend  the backend that copies the rows
         * @param dataType the type of the batches' inputs and targets (sample weights stay double)
         * @return this builder
         */
        public Builder gatherWith(Backend backend, DataType dataType) {
            this.backend = Objects.requireNonNull(backend, "backend is null");
            this.dataType = Objects.requireNonNull(dataType, "dataType is null");
            return this;
        }

        /**
         * With {@link #gatherWith}: each batch overwrites the arrays of the previous batch of the same size instead
         * of allocating new ones, for a consumer that is done with a batch before it asks for the next (fit's loop);
         * not for {@link BatchSource#prefetch}, which builds ahead.
         *
         * @return this builder
         */
        public Builder reuseBatchArrays() {
            this.reuse = true;
            return this;
        }

        /** @return the source */
        public ArraySource build() {
            if (reuse && backend == null) {
                throw new IllegalStateException("ArraySource: reuseBatchArrays() needs gatherWith(backend, dataType)");
            }
            return new ArraySource(this);
        }
    }

    /** @return the number of samples */
    public int samples() {
        return samples;
    }

    /** @return the batch size (at most the number of samples) */
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int batchesPerEpoch() {
        return (samples + batchSize - 1) / batchSize;
    }

    /** @return the epoch whose order {@link #order()} gives: -1 before the first {@link #open} */
    public synchronized int epoch() {
        return epoch;
    }

    /** @return a copy of the current epoch's order: position {@code i} of the epoch reads sample {@code order[i]} */
    public synchronized int[] order() {
        return order.clone();
    }

    /**
     * Sets the current epoch and its order, as a checkpoint saved them ({@link #epoch()} and {@link #order()}).
     *
     * @param epoch the epoch the order belongs to, at least -1 (-1: before the first epoch)
     * @param order a permutation of {@code 0..samples-1}
     */
    public synchronized void restore(int epoch, int[] order) {
        Objects.requireNonNull(order, "order is null");
        if (epoch < -1) {
            throw new IllegalArgumentException("ArraySource: epoch: expected at least -1, found " + epoch);
        }
        Checks.permutation(order, samples, "ArraySource: order");
        this.epoch = epoch;
        this.order = order.clone();
    }

    @Override
    public BatchIterator open(int epoch, int first) {
        Checks.open("ArraySource", epoch, first, batchesPerEpoch());
        int[] epochOrder;
        synchronized (this) {
            if (random != null && epoch != this.epoch) {
                if (epoch < this.epoch || first != 0) {
                    throw new IllegalStateException("ArraySource: cannot open epoch " + epoch + " at batch " + first
                            + ": its order is drawn from the shared generator when the epoch starts, and the current"
                            + " order is epoch " + this.epoch + "'s; restore(epoch, order) from the checkpoint"
                            + " first");
                }
                shuffle(order);
            }
            this.epoch = epoch;
            epochOrder = order.clone();
        }
        return new Iterator(epochOrder, first);
    }

    private void shuffle(int[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    private final class Iterator implements BatchIterator {
        private final int[] order;
        private int next;

        Iterator(int[] order, int first) {
            this.order = order;
            this.next = first;
        }

        @Override
        public boolean hasNext() {
            return next < batchesPerEpoch();
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("ArraySource: all " + batchesPerEpoch() + " batches were read");
            }
            int from = next * batchSize;
            int[] picked = Arrays.copyOfRange(order, from, Math.min(from + batchSize, samples));
            next++;
            List<INDArray> batchX = new ArrayList<>(x.size());
            for (Rows rows : x) {
                batchX.add(gather(rows, picked, dataType));
            }
            List<INDArray> batchY = new ArrayList<>(y.size());
            for (Rows rows : y) {
                batchY.add(gather(rows, picked, dataType));
            }
            return new Batch(batchX, batchY, sampleWeight == null ? null
                    : gather(sampleWeight, picked, DataType.DOUBLE), null);
        }

        @Override
        public void close() {
            next = batchesPerEpoch();
        }
    }

    private INDArray gather(Rows rows, int[] picked, DataType type) {
        if (backend == null) {
            return rows.gather(picked);
        }
        long[] batchShape = rows.shape.clone();
        batchShape[0] = picked.length;
        INDArray target = reuse ? reused.computeIfAbsent(rows, key -> new java.util.HashMap<>())
                .computeIfAbsent(picked.length, count -> backend.zeros(type, batchShape))
                : backend.zeros(type, batchShape);
        backend.gatherRows(rows.array, picked, 0, target);
        return target;
    }

    private static List<Rows> rows(List<INDArray> arrays, String name, int samples) {
        List<Rows> all = new ArrayList<>(arrays.size());
        for (int i = 0; i < arrays.size(); i++) {
            all.add(new Rows(arrays.get(i), name + "[" + i + "]", samples));
        }
        return List.copyOf(all);
    }

    /** One array seen as {@code [samples, rest]}, so that a batch is one row gather whatever the rank. */
    private static final class Rows {
        private final INDArray array;
        private final INDArray flat;
        private final long[] shape;

        Rows(INDArray array, String name, int samples) {
            if (array == null) {
                throw new IllegalArgumentException("ArraySource: " + name + " is null");
            }
            if (array.rank() < 1 || array.size(0) != samples) {
                throw new IllegalArgumentException("ArraySource: " + name + " has shape "
                        + Checks.shape(array.shape()) + ", expected " + samples + " rows (the rows of x[0])");
            }
            this.array = array;
            this.shape = array.shape();
            long rest = 1;
            for (int d = 1; d < shape.length; d++) {
                rest *= shape[d];
            }
            // A view when the array is C-ordered and contiguous; a copy is made once here otherwise, never per batch.
            this.flat = array.reshape('c', samples, rest);
        }

        INDArray gather(int[] rows) {
            long[] batchShape = shape.clone();
            batchShape[0] = rows.length;
            INDArray picked = Nd4j.pullRows(flat, 1, rows).reshape('c', batchShape);
            return picked.dataType() == DataType.FLOAT ? picked : picked.castTo(DataType.FLOAT);
        }
    }
}
