package dev.rnn4j.backend.cpu;

import java.lang.ref.WeakReference;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The native memory of float32 arrays, looked up once per allocation instead of once per call: ND4J's
 * {@code asNioFloat()} costs ~0.75 us a call and {@code addressPointer()} a JNI call and two objects, and a training
 * step of the notebook makes ~600 such calls (profiles: 1.5-2.6 % of both threads' time).
 *
 * <p>Every view of an ND4J array has a buffer object of its own, but they all lead to the buffer of the whole
 * allocation ({@link DataBuffer#originalDataBuffer()}), and an array's {@link INDArray#offset()} counts from the start
 * of that allocation. So an allocation's NIO buffer (which covers all of it) and its start address are kept in a small
 * table, held weakly by the allocation's buffer object: an allocation the program dropped is looked up again if its
 * object is ever reused, never read from a stale entry. Threads share the table: an entry is immutable, a lost race
 * only costs another lookup, and the NIO buffers handed out must be used with absolute indices only (their position
 * is shared).
 */
final class NativeBuffers {
    private static final int SLOTS = 256;
    private static final AtomicReferenceArray<Entry> TABLE = new AtomicReferenceArray<>(SLOTS);

    private NativeBuffers() {
    }

    /**
     * @return a NIO buffer over the whole allocation of a float32 array, read and written with absolute indices
     *         starting at {@code array.offset()}; shared between threads, so never moved
     */
    static FloatBuffer nio(INDArray array) {
        return entry(array).nio;
    }

    /** @return a new pointer to the first element of a float32 array (pointers are not shared between threads) */
    static FloatPointer pointer(INDArray array) {
        Entry entry = entry(array);
        return new FloatPointer(entry.start).position(array.offset() - entry.offset);
    }

    private static Entry entry(INDArray array) {
        DataBuffer allocation = allocation(array.data());
        int slot = System.identityHashCode(allocation) & (SLOTS - 1);
        Entry entry = TABLE.get(slot);
        if (entry != null && entry.allocation.get() == allocation) {
            return entry;
        }
        entry = new Entry(allocation);
        TABLE.set(slot, entry);
        return entry;
    }

    private static DataBuffer allocation(DataBuffer buffer) {
        DataBuffer allocation = buffer;
        for (DataBuffer original = buffer.originalDataBuffer(); original != null && original != allocation;
                original = allocation.originalDataBuffer()) {
            allocation = original;
        }
        return allocation;
    }

    private static final class Entry {
        final WeakReference<DataBuffer> allocation;
        final FloatBuffer nio;
        /** Never moved after construction: each caller copies it into a pointer of its own. */
        final FloatPointer start;
        /** The element the start address points to (0 for a whole allocation). */
        final long offset;

        Entry(DataBuffer allocation) {
            this.allocation = new WeakReference<>(allocation);
            this.nio = allocation.asNioFloat();
            this.start = new FloatPointer(allocation.addressPointer());
            this.offset = allocation.offset();
        }
    }
}
