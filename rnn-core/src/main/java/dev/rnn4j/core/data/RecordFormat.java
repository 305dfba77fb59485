package dev.rnn4j.core.data;

/**
 * What every record of a {@link RecordSet} holds: an input sequence of its own length {@code t} and an optional
 * target. All records of a set share the format; only {@code t} varies.
 *
 * <table>
 *   <caption>Shapes of one record and of a padded batch of {@code b} records, {@code T} timesteps</caption>
 *   <tr><th>kind</th><th>record</th><th>batch</th></tr>
 *   <tr><td>input {@link Input#VECTORS}</td><td>{@code [t, features]}</td><td>{@code [b, T, features]}</td></tr>
 *   <tr><td>input {@link Input#IDS} (token ids)</td><td>{@code [t]}</td><td>{@code [b, T]}</td></tr>
 *   <tr><td>target {@link Target#VECTOR}</td><td>{@code [targetSize]}</td><td>{@code [b, targetSize]}</td></tr>
 *   <tr><td>target {@link Target#SEQUENCE}</td><td>{@code [t, targetSize]}</td>
 *       <td>{@code [b, T, targetSize]}</td></tr>
 *   <tr><td>target {@link Target#SEQUENCE_IDS} (class ids)</td><td>{@code [t]}</td><td>{@code [b, T]}</td></tr>
 * </table>
 *
 * @param input      the kind of input steps
 * @param features   floats per input timestep, at least 1 (1 for {@link Input#IDS})
 * @param target     the kind of target
 * @param targetSize floats per target ({@link Target#VECTOR}) or per target timestep ({@link Target#SEQUENCE});
 *                   1 for {@link Target#SEQUENCE_IDS}, 0 for {@link Target#NONE}
 */
public record RecordFormat(Input input, int features, Target target, int targetSize) {
    /** The kind of input timesteps. */
    public enum Input {
        /** {@code features} floats per timestep: {@code [t, features]}. */
        VECTORS,
        /** One token id per timestep, stored as a float: {@code [t]}. */
        IDS
    }

    /** The kind of target. */
    public enum Target {
        /** No target: records for predict. */
        NONE,
        /** One vector per record: {@code [targetSize]} (one-hot labels, regression targets). */
        VECTOR,
        /** One vector per input timestep: {@code [t, targetSize]}. */
        SEQUENCE,
        /** One class id per input timestep, stored as a float: {@code [t]}. */
        SEQUENCE_IDS
    }

    /** Checks the sizes against the kinds. */
    public RecordFormat {
        if (input == null || target == null) {
            throw new IllegalArgumentException("record format: expected an input kind and a target kind, found "
                    + input + " and " + target);
        }
        if (features < 1 || (input == Input.IDS && features != 1)) {
            throw new IllegalArgumentException("record format: features: expected " + (input == Input.IDS ? "1 for"
                    + " token ids" : "at least 1") + ", found " + features);
        }
        int expected = switch (target) {
            case NONE -> 0;
            case SEQUENCE_IDS -> 1;
            case VECTOR, SEQUENCE -> Math.max(targetSize, 1);
        };
        if (targetSize != expected) {
            throw new IllegalArgumentException("record format: target size of a " + target + " target: expected "
                    + (target == Target.VECTOR || target == Target.SEQUENCE ? "at least 1" : expected) + ", found "
                    + targetSize);
        }
    }

    /**
     * @param features floats per timestep
     * @return records of {@code [t, features]} inputs, no target yet
     */
    public static RecordFormat vectors(int features) {
        return new RecordFormat(Input.VECTORS, features, Target.NONE, 0);
    }

    /** @return records of token ids {@code [t]}, no target yet */
    public static RecordFormat ids() {
        return new RecordFormat(Input.IDS, 1, Target.NONE, 0);
    }

    /**
     * @param size floats per target
     * @return this format with a target vector {@code [size]} per record
     */
    public RecordFormat withVectorTarget(int size) {
        return new RecordFormat(input, features, Target.VECTOR, size);
    }

    /**
     * @param size floats per target timestep
     * @return this format with a target {@code [t, size]} per record
     */
    public RecordFormat withSequenceTarget(int size) {
        return new RecordFormat(input, features, Target.SEQUENCE, size);
    }

    /** @return this format with one target class id per timestep, {@code [t]} */
    public RecordFormat withSequenceIdTarget() {
        return new RecordFormat(input, features, Target.SEQUENCE_IDS, 1);
    }

    /**
     * @param length a record's timesteps
     * @return the floats of its input
     */
    public long inputValues(int length) {
        return (long) length * features;
    }

    /**
     * @param length a record's timesteps
     * @return the floats of its target
     */
    public long targetValues(int length) {
        return switch (target) {
            case NONE -> 0;
            case VECTOR -> targetSize;
            case SEQUENCE, SEQUENCE_IDS -> (long) length * targetSize;
        };
    }

    /** @return whether the target has one entry per timestep (so padding pads it and weighs the padding 0) */
    public boolean perTimestepTarget() {
        return target == Target.SEQUENCE || target == Target.SEQUENCE_IDS;
    }

    /**
     * Checks a record against this format.
     *
     * @param record the record
     * @param where  the record in words for the message, as {@code "data/train.rec: record 17"}
     * @throws IllegalArgumentException when its arrays do not have this format's sizes
     */
    public void check(SequenceRecord record, String where) {
        int length = record.length();
        if (record.input().length != inputValues(length)) {
            throw new IllegalArgumentException(where + ": expected " + inputValues(length) + " input values ("
                    + length + " timesteps x " + features + " features), found " + record.input().length);
        }
        long targets = targetValues(length);
        int found = record.target() == null ? 0 : record.target().length;
        if (target == Target.NONE && record.target() != null) {
            throw new IllegalArgumentException(where + ": expected no target (the format has none), found "
                    + found + " values");
        }
        if (target != Target.NONE && (record.target() == null || found != targets)) {
            throw new IllegalArgumentException(where + ": expected " + targets + " target values (" + describe(length)
                    + "), found " + (record.target() == null ? "no target" : String.valueOf(found)));
        }
    }

    private String describe(int length) {
        return switch (target) {
            case NONE -> "none";
            case VECTOR -> "a vector of " + targetSize;
            case SEQUENCE -> length + " timesteps x " + targetSize;
            case SEQUENCE_IDS -> "one class id per timestep, " + length;
        };
    }
}
