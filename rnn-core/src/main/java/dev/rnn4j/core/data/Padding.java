package dev.rnn4j.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How records of different lengths become one batch, as Keras's {@code pad_sequences}: each input is padded to the
 * batch's timesteps {@code T} with {@link #value()}, after its end ({@link Side#POST}, the default) or before its start
 * ({@link Side#PRE}); the batch's mask is 1 on a record's real timesteps and 0 on its padding.
 *
 * <ul>
 *   <li>{@code T} is the longest record of the batch, or {@link #maxLength()} for every batch when
 *   {@link #toMaxLength()} (Keras's {@code maxlen}).</li>
 *   <li>A record longer than {@link #maxLength()} loses its first timesteps ({@link Truncating#PRE}) or its last
 *   ({@link Truncating#POST}); with {@link Truncating#NONE} it is an error naming the record.</li>
 *   <li>Per-timestep targets are padded (with 0) and truncated as their inputs, and the batch's sample weight is the
 *   mask: padded steps weigh 0. Vector targets are stacked as they are, with no sample weight.</li>
 * </ul>
 *
 * @param side        where the padding goes
 * @param value       the value of padded input steps (targets pad with 0)
 * @param maxLength   the most timesteps of a batch, or 0 for no limit
 * @param truncating  which end a longer record loses, or {@link Truncating#NONE} to refuse longer records
 * @param toMaxLength whether every batch has {@code maxLength} timesteps (otherwise its longest record's, at most
 *                    {@code maxLength})
 */
public record Padding(Side side, float value, int maxLength, Truncating truncating, boolean toMaxLength) {
    /** Where padding goes, or which end truncation cuts. */
    public enum Side {
        /** Before the record's first timestep. */
        PRE,
        /** After the record's last timestep. */
        POST
    }

    /** Which timesteps a record longer than {@code maxLength} loses. */
    public enum Truncating {
        /** Its first ones: the record's end is kept. */
        PRE,
        /** Its last ones: the record's start is kept. */
        POST,
        /** None: a longer record is an error. */
        NONE
    }

    /** Checks the settings. */
    public Padding {
        Objects.requireNonNull(side, "side is null");
        Objects.requireNonNull(truncating, "truncating is null");
        if (maxLength < 0) {
            throw new IllegalArgumentException("padding: maxLength: expected 0 (no limit) or more, found "
                    + maxLength);
        }
        if (toMaxLength && maxLength == 0) {
            throw new IllegalArgumentException("padding: padding every batch to maxLength needs a maxLength, found"
                    + " 0 (no limit)");
        }
    }

    /** @return padding after each record's end with 0, to the longest record of each batch, no limit */
    public static Padding post() {
        return new Padding(Side.POST, 0f, 0, Truncating.NONE, false);
    }

    /** @return padding before each record's start with 0, to the longest record of each batch, no limit */
    public static Padding pre() {
        return new Padding(Side.PRE, 0f, 0, Truncating.NONE, false);
    }

    /**
     * @param padValue the value of padded input steps
     * @return this padding with that value
     */
    public Padding withValue(float padValue) {
        return new Padding(side, padValue, maxLength, truncating, toMaxLength);
    }

    /**
     * Keras's {@code maxlen}: every batch gets {@code length} timesteps.
     *
     * @param length     the timesteps of every batch, at least 1
     * @param truncation which end a longer record loses, or {@link Truncating#NONE} to refuse longer records
     * @return this padding with that limit
     */
    public Padding withMaxLength(int length, Truncating truncation) {
        if (length < 1) {
            throw new IllegalArgumentException("padding: maxLength: expected at least 1, found " + length);
        }
        return new Padding(side, value, length, truncation, true);
    }

    /** @return this padding with each batch as long as its longest record (at most {@link #maxLength()}) */
    public Padding withLongestInBatch() {
        return new Padding(side, value, maxLength, truncating, false);
    }

    /**
     * @param length a record's timesteps
     * @param where  the record in words, for the message
     * @return its timesteps in a batch: at most {@link #maxLength()}
     * @throws IllegalArgumentException when it is longer and {@link #truncating()} is {@link Truncating#NONE}
     */
    public int length(int length, String where) {
        if (maxLength == 0 || length <= maxLength) {
            return length;
        }
        if (truncating == Truncating.NONE) {
            throw new IllegalArgumentException(where + " has " + length + " timesteps, expected at most maxLength "
                    + maxLength + " (truncating is NONE: choose PRE or POST to cut longer records)");
        }
        return maxLength;
    }

    /**
     * Pads records into one batch.
     *
     * @param format  the records' format
     * @param records the records, at least one
     * @return the batch: x {@code [b, T, features]} ({@code [b, T]} for ids), y as {@link RecordFormat} says, the
     *         mask, and for per-timestep targets the mask as sample weight
     */
    public Batch batch(RecordFormat format, List<SequenceRecord> records) {
        int[] numbers = new int[records.size()];
        Arrays.setAll(numbers, i -> i);
        return batch(format, records, numbers, "records");
    }

    /**
     * @param numbers the records' numbers in their set, for messages
     * @param source  the set's name, for messages
     */
    Batch batch(RecordFormat format, List<SequenceRecord> records, int[] numbers, String source) {
        Objects.requireNonNull(format, "format is null");
        int count = records.size();
        if (count == 0) {
            throw new IllegalArgumentException("padding: expected at least one record, found none");
        }
        int[] lengths = new int[count];
        int timesteps = 0;
        for (int r = 0; r < count; r++) {
            SequenceRecord record = records.get(r);
            String where = source + ": record " + numbers[r];
            format.check(record, where);
            lengths[r] = length(record.length(), where);
            timesteps = Math.max(timesteps, lengths[r]);
        }
        if (toMaxLength) {
            timesteps = maxLength;
        }
        int features = format.features();
        int targetSize = format.targetSize();
        float[] x = new float[size(count, timesteps, features, source)];
        if (value != 0f) {
            Arrays.fill(x, value);
        }
        float[] mask = new float[size(count, timesteps, 1, source)];
        float[] y = switch (format.target()) {
            case NONE -> null;
            case VECTOR -> new float[size(count, 1, targetSize, source)];
            case SEQUENCE, SEQUENCE_IDS -> new float[size(count, timesteps, targetSize, source)];
        };
        for (int r = 0; r < count; r++) {
            SequenceRecord record = records.get(r);
            int length = lengths[r];
            int from = truncating == Truncating.PRE ? record.length() - length : 0;
            int to = r * timesteps + (side == Side.POST ? 0 : timesteps - length);
            System.arraycopy(record.input(), from * features, x, to * features, length * features);
            Arrays.fill(mask, to, to + length, 1f);
            if (format.target() == RecordFormat.Target.VECTOR) {
                System.arraycopy(record.target(), 0, y, r * targetSize, targetSize);
            } else if (y != null) {
                System.arraycopy(record.target(), from * targetSize, y, to * targetSize, length * targetSize);
            }
        }
        long[] xShape = format.input() == RecordFormat.Input.IDS ? new long[] {count, timesteps}
                : new long[] {count, timesteps, features};
        List<INDArray> ys = new ArrayList<>(1);
        if (y != null) {
            long[] yShape = switch (format.target()) {
                case VECTOR -> new long[] {count, targetSize};
                case SEQUENCE -> new long[] {count, timesteps, targetSize};
                default -> new long[] {count, timesteps};
            };
            ys.add(Nd4j.create(y, yShape, DataType.FLOAT));
        }
        long[] maskShape = {count, timesteps};
        return new Batch(List.of(Nd4j.create(x, xShape, DataType.FLOAT)), ys,
                format.perTimestepTarget() ? Nd4j.create(mask.clone(), maskShape, DataType.FLOAT) : null,
                Nd4j.create(mask, maskShape, DataType.FLOAT));
    }

    private static int size(int count, int timesteps, int width, String source) {
        long size = (long) count * timesteps * width;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(source + ": a batch of " + count + " records x " + timesteps
                    + " timesteps x " + width + " values: expected at most " + (Integer.MAX_VALUE - 8)
                    + " values in one array, found " + size);
        }
        return (int) size;
    }
}
