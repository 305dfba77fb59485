package dev.rnn4j.core.data;

import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.Random;

/**
 * tf.data's {@code shuffle(buffer_size)} over the record numbers {@code 0 .. n-1} in file order: the buffer holds the
 * next {@code size} numbers; each step emits one of them drawn uniformly and refills its slot from the stream.
 *
 * <p>It holds record numbers, not records: the emitted order is the one a buffer of records would give, the buffer
 * costs 4 bytes a slot, and skipping to a batch replays the draws on numbers without reading a record.
 */
final class ShuffleBuffer implements PrimitiveIterator.OfInt {
    private final int[] buffer;
    private final int records;
    private final Random random;
    private int held;
    private int nextFromStream;

    /**
     * @param records the records in the stream
     * @param size    the buffer's slots, at least 1
     * @param random  the draws; the order depends on nothing else
     */
    ShuffleBuffer(int records, int size, Random random) {
        this.records = records;
        this.random = random;
        this.buffer = new int[Math.min(size, records)];
        while (held < buffer.length) {
            buffer[held] = held;
            held++;
        }
        nextFromStream = held;
    }

    @Override
    public boolean hasNext() {
        return held > 0;
    }

    @Override
    public int nextInt() {
        if (held == 0) {
            throw new NoSuchElementException("shuffle buffer: all " + records + " records were emitted");
        }
        int slot = random.nextInt(held);
        int emitted = buffer[slot];
        if (nextFromStream < records) {
            buffer[slot] = nextFromStream++;
        } else {
            buffer[slot] = buffer[--held];
        }
        return emitted;
    }
}
