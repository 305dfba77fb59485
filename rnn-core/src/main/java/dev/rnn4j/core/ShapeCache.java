package dev.rnn4j.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Arrays a layer or model keeps for each input shape it met lately, so a training loop allocates nothing per step: one
 * entry per batch size and, for a model whose timesteps vary ({@link dev.rnn4j.api.Shape#ANY}), per length. The least
 * recently used entry goes once there are more than the capacity, which bounds memory when every batch has another
 * length (bucketing by length keeps the shapes few, and so the allocations).
 *
 * @param <V> what is kept per shape
 */
public final class ShapeCache<V> {
    /**
     * Entries kept by default: the full and the last batch of each of 16 lengths. Fewer than the shapes an epoch
     * meets would drop and remake entries all epoch long, and dropped arrays hold their native memory until a
     * garbage collection, which a small Java heap use does not call for.
     */
    public static final int DEFAULT_CAPACITY = 32;

    private final Map<List<Long>, V> entries;

    /** A cache of {@link #DEFAULT_CAPACITY} entries. */
    public ShapeCache() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * @param capacity the entries kept, at least 1
     */
    public ShapeCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, found " + capacity);
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Long>, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * @param shape the key, usually an input's shape (batch first)
     * @param make  makes the entry when the shape has none
     * @return the entry for the shape
     */
    public V get(long[] shape, Supplier<V> make) {
        return lookup(Arrays.stream(shape).boxed().toList(), make);
    }

    /**
     * @param arrays arrays whose shapes together are the key, for example a multi-input model's inputs
     * @param make   makes the entry when the shapes have none
     * @return the entry for the shapes
     */
    public V get(List<INDArray> arrays, Supplier<V> make) {
        List<Long> key = new ArrayList<>();
        for (INDArray array : arrays) {
            key.add((long) array.rank());
            for (long dim : array.shape()) {
                key.add(dim);
            }
        }
        return lookup(key, make);
    }

    private V lookup(List<Long> key, Supplier<V> make) {
        V value = entries.get(key);
        if (value == null) {
            value = make.get();
            entries.put(key, value);
        }
        return value;
    }

    /** @return the number of shapes kept */
    public int size() {
        return entries.size();
    }

    /** Drops every entry. */
    public void clear() {
        entries.clear();
    }
}
