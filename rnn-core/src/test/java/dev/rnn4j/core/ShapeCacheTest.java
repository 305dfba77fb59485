package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** {@link ShapeCache}: one entry per shape, made once, the least recently used dropped past the capacity. */
class ShapeCacheTest {
    @Test
    void anEntryIsMadeOncePerShapeAndTheLeastRecentlyUsedGoesPastTheCapacity() {
        ShapeCache<String> cache = new ShapeCache<>(2);
        AtomicInteger made = new AtomicInteger();
        assertThat(cache.get(new long[] {8, 5}, () -> "a" + made.incrementAndGet())).isEqualTo("a1");
        assertThat(cache.get(new long[] {8, 5}, () -> "a" + made.incrementAndGet())).isEqualTo("a1");
        assertThat(cache.get(new long[] {8, 7}, () -> "b" + made.incrementAndGet())).isEqualTo("b2");
        assertThat(cache.get(new long[] {8, 5}, () -> "a" + made.incrementAndGet())).as("used last").isEqualTo("a1");
        assertThat(cache.get(new long[] {4, 5}, () -> "c" + made.incrementAndGet())).isEqualTo("c3");
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get(new long[] {8, 5}, () -> "a" + made.incrementAndGet())).isEqualTo("a1");
        assertThat(cache.get(new long[] {8, 7}, () -> "b" + made.incrementAndGet())).as("dropped, made again")
                .isEqualTo("b4");
        assertThatThrownBy(() -> new ShapeCache<String>(0)).hasMessageContaining("found 0");
    }

    @Test
    void severalArraysAreOneKeyTheirRanksIncluded() {
        ShapeCache<String> cache = new ShapeCache<>();
        cache.get(List.of(Nd4j.create(DataType.FLOAT, 2, 3), Nd4j.create(DataType.FLOAT, 4)), () -> "first");
        String split = cache.get(List.of(Nd4j.create(DataType.FLOAT, 2), Nd4j.create(DataType.FLOAT, 3, 4)),
                () -> "second");
        assertThat(split).as("[2, 3] + [4] is not [2] + [3, 4]").isEqualTo("second");
        assertThat(cache.get(List.of(Nd4j.create(DataType.FLOAT, 2, 3), Nd4j.create(DataType.FLOAT, 4)),
                () -> "again")).isEqualTo("first");
    }
}
