package dev.rnn4j.core.data;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link BatchSource#checked()}: every batch against the first one this source yielded (the same arrays, ranks, data
 * types and sizes; the batch size and, where a mask marks timesteps, the timesteps may vary), and every epoch against
 * the number of batches promised. Errors name the epoch and batch, what was expected and what was found.
 */
final class CheckedSource implements BatchSource {
    private final BatchSource source;
    private Signature reference;
    private String referenceName;

    CheckedSource(BatchSource source) {
        this.source = Objects.requireNonNull(source, "source is null");
    }

    @Override
    public int batchesPerEpoch() {
        return source.batchesPerEpoch();
    }

    @Override
    public BatchIterator open(int epoch, int first) {
        int batches = source.batchesPerEpoch();
        Checks.open("checked source", epoch, first, batches);
        BatchIterator inner = source.open(epoch, first);
        return new BatchIterator() {
            private int position = first;

            @Override
            public boolean hasNext() {
                boolean more = inner.hasNext();
                if (!more && position < batches) {
                    throw new IllegalStateException("epoch " + epoch + ": the source promised " + batches
                            + " batches per epoch, found " + position);
                }
                if (more && position >= batches) {
                    throw new IllegalStateException("epoch " + epoch + ": the source promised " + batches
                            + " batches per epoch, found more");
                }
                return more;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("epoch " + epoch + " has no more batches");
                }
                String name = "epoch " + epoch + ", batch " + position;
                Batch batch;
                try {
                    batch = inner.next();
                } catch (IllegalArgumentException bad) {
                    String message = bad.getMessage() != null && bad.getMessage().startsWith("batch: ")
                            ? bad.getMessage().substring("batch: ".length()) : bad.getMessage();
                    throw new IllegalArgumentException(name + ": " + message, bad);
                }
                check(batch, name);
                position++;
                return batch;
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    private void check(Batch batch, String name) {
        Signature found = new Signature(batch);
        Signature expected;
        String expectedName;
        synchronized (this) {
            if (reference == null) {
                reference = found;
                referenceName = name;
                return;
            }
            expected = reference;
            expectedName = referenceName;
        }
        String as = " as in " + expectedName;
        arrays(found.x, expected.x, "x", "input", name, as);
        arrays(found.y, expected.y, "y", "output", name, as);
        if ((found.sampleWeight == null) != (expected.sampleWeight == null)) {
            throw new IllegalArgumentException(name + ": expected " + (expected.sampleWeight == null ? "no sample"
                    + " weights" : "sample weights") + as + ", found " + (found.sampleWeight == null ? "none"
                    : "them"));
        }
        if (found.sampleWeight != null) {
            array(found.sampleWeight, expected.sampleWeight, "sampleWeight", name, as);
        }
        if (found.masked != expected.masked) {
            throw new IllegalArgumentException(name + ": expected " + (expected.masked ? "a mask" : "no mask") + as
                    + ", found " + (found.masked ? "one" : "none"));
        }
    }

    private static void arrays(List<Array> found, List<Array> expected, String name, String kind, String where,
            String as) {
        if (found.size() != expected.size()) {
            throw new IllegalArgumentException(where + ": expected " + expected.size() + " " + kind + " array"
                    + (expected.size() == 1 ? "" : "s") + as + ", found " + found.size());
        }
        for (int i = 0; i < found.size(); i++) {
            array(found.get(i), expected.get(i), name + "[" + i + "]", where, as);
        }
    }

    private static void array(Array found, Array expected, String name, String where, String as) {
        if (found.type != expected.type) {
            throw new IllegalArgumentException(where + ": " + name + " has data type " + found.type + ", expected "
                    + expected.type + as);
        }
        boolean same = found.shape.length == expected.shape.length;
        for (int d = 1; same && d < found.shape.length; d++) {
            same = found.shape[d] == expected.shape[d] || (d == 1 && found.timesteps && expected.timesteps);
        }
        if (!same) {
            String[] pattern = new String[expected.shape.length];
            for (int d = 0; d < pattern.length; d++) {
                pattern[d] = d == 0 || (d == 1 && expected.timesteps) ? "*" : String.valueOf(expected.shape[d]);
            }
            throw new IllegalArgumentException(where + ": " + name + " has shape " + Checks.shape(found.shape)
                    + ", expected [" + String.join(", ", pattern) + "]" + as + " (" + Checks.shape(expected.shape)
                    + ")");
        }
    }

    /**
     * What is compared of one array: kept instead of the batch, so that no batch's memory is held.
     *
     * @param timesteps whether dimension 1 counts the timesteps its batch's mask marks (and so may vary)
     */
    private record Array(long[] shape, DataType type, boolean timesteps) {
        static Array of(INDArray array, INDArray mask) {
            return new Array(array.shape(), array.dataType(),
                    mask != null && array.rank() >= 2 && array.size(1) == mask.size(1));
        }
    }

    /** The arrays of one batch as compared. */
    private static final class Signature {
        private final List<Array> x;
        private final List<Array> y;
        private final Array sampleWeight;
        private final boolean masked;

        Signature(Batch batch) {
            INDArray mask = batch.mask();
            this.x = batch.x().stream().map(a -> Array.of(a, mask)).toList();
            this.y = batch.y().stream().map(a -> Array.of(a, mask)).toList();
            this.sampleWeight = batch.sampleWeight() == null ? null : Array.of(batch.sampleWeight(), mask);
            this.masked = mask != null;
        }
    }

    @Override
    public String toString() {
        return "checked(" + source + ")";
    }
}
