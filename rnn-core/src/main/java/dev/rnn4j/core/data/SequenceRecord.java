package dev.rnn4j.core.data;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One record: an input sequence of {@code length} timesteps and its target, as flat float arrays in C order (an input
 * {@code [t, features]} is {@code t * features} floats, timestep after timestep). Its {@link RecordFormat} says how to
 * read them. The arrays are held as given, not copied: treat them as read-only.
 */
public final class SequenceRecord {
    private final int length;
    private final float[] input;
    private final float[] target;

    /**
     * @param length timesteps of the input, at least 1
     * @param input  the input, {@code length * features} floats
     * @param target the target (as the format says), or null when the format has none
     */
    public SequenceRecord(int length, float[] input, float[] target) {
        Objects.requireNonNull(input, "input is null");
        if (length < 1) {
            throw new IllegalArgumentException("record: length: expected at least 1 timestep, found " + length);
        }
        this.length = length;
        this.input = input;
        this.target = target;
    }

    /**
     * A record from arrays: the input {@code [t, features]} or {@code [t]} (ids), the target {@code [size]},
     * {@code [t, size]} or {@code [t]}.
     *
     * @param input  the input sequence, timesteps first
     * @param target the target, or null
     * @return the record, its values copied as float
     */
    public static SequenceRecord of(INDArray input, INDArray target) {
        Objects.requireNonNull(input, "input is null");
        if (input.rank() != 1 && input.rank() != 2) {
            throw new IllegalArgumentException("record: input has shape " + Arrays.toString(input.shape())
                    + ", expected [timesteps, features] or [timesteps]");
        }
        return new SequenceRecord(Math.toIntExact(input.size(0)), input.dup('c').data().asFloat(),
                target == null ? null : target.dup('c').data().asFloat());
    }

    /** @return the input's timesteps */
    public int length() {
        return length;
    }

    /** @return the input, flat in C order (not a copy) */
    public float[] input() {
        return input;
    }

    /** @return the target, flat in C order (not a copy), or null */
    public float[] target() {
        return target;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SequenceRecord record && length == record.length
                && Arrays.equals(input, record.input) && Arrays.equals(target, record.target);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * length + Arrays.hashCode(input)) + Arrays.hashCode(target);
    }

    @Override
    public String toString() {
        return "SequenceRecord[length=" + length + ", input=" + input.length + " values, target="
                + (target == null ? "none" : target.length + " values") + "]";
    }
}
