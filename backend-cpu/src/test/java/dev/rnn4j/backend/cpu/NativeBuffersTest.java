package dev.rnn4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The kept addresses and NIO buffers of allocations: they lead to the same memory as ND4J's own per-call lookups for
 * whole arrays, views, views of views and reshaped arrays; many allocations sharing the table's slots, allocations
 * dropped and made anew, and several threads at once still get each array's own values.
 */
class NativeBuffersTest {

    @Test
    void viewsOfAnyDepthPointAtTheirOwnFirstElement() {
        INDArray matrix = Nd4j.rand(DataType.FLOAT, 100, 30);
        INDArray rows = matrix.get(NDArrayIndex.interval(10, 20), NDArrayIndex.all());
        INDArray block = rows.get(NDArrayIndex.interval(2, 5), NDArrayIndex.interval(3, 28));
        INDArray reshaped = rows.reshape(30, 10);
        for (INDArray array : List.of(matrix, rows, block, reshaped)) {
            long expected = array.data().addressPointer().address();
            FloatPointer pointer = NativeBuffers.pointer(array);
            assertThat(pointer.address() + pointer.position() * Float.BYTES)
                    .as("address of %s", array.shapeInfoToString()).isEqualTo(expected);
            assertThat(pointer.get()).isEqualTo(array.getFloat(0L, 0L));
            FloatBuffer nio = NativeBuffers.nio(array);
            assertThat(nio.get((int) array.offset())).isEqualTo(array.getFloat(0L, 0L));
        }
        // the block's second row starts a whole row of the matrix (30 values) after its first
        assertThat(NativeBuffers.nio(block).get((int) block.offset() + 30)).isEqualTo(block.getFloat(1L, 0L));
    }

    @Test
    void manyAllocationsSharingSlotsEachReadTheirOwnValues() {
        List<INDArray> arrays = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            arrays.add(Nd4j.valueArrayOf(new long[] {4, 8}, (float) i, DataType.FLOAT));
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < arrays.size(); i++) {
                INDArray view = arrays.get(i).get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());
                assertThat(NativeBuffers.pointer(view).get(7)).as("array %d", i).isEqualTo((float) i);
                assertThat(NativeBuffers.nio(view).get((int) view.offset() + 7)).as("array %d", i).isEqualTo((float) i);
            }
        }
    }

    @Test
    void arraysUsedTogetherStayInTheTable() {
        System.gc(); // frees the slots of other tests' arrays
        List<INDArray> arrays = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            arrays.add(Nd4j.valueArrayOf(new long[] {4, 8}, (float) i, DataType.FLOAT));
        }
        for (INDArray array : arrays) {
            NativeBuffers.pointer(array);
        }
        long before = NativeBuffers.lookups();
        for (int round = 0; round < 5; round++) {
            for (INDArray array : arrays) {
                NativeBuffers.pointer(array.get(NDArrayIndex.point(round % 4), NDArrayIndex.all()));
                NativeBuffers.nio(array);
            }
        }
        // 40 allocations in 1,024 slots, each with 8 places: none needs a place taken by another in 200,000 simulated
        // trials (with one place each, 54 % of trials have two in the same slot, and this fails)
        assertThat(NativeBuffers.lookups()).as("lookups in ND4J after the first round").isEqualTo(before);
    }

    @Test
    void allocationsDroppedAndMadeAgainAreLookedUpAgain() {
        for (int round = 0; round < 50; round++) {
            INDArray array = Nd4j.valueArrayOf(new long[] {64, 64}, (float) round, DataType.FLOAT);
            assertThat(NativeBuffers.pointer(array).get(4095)).isEqualTo((float) round);
            NativeBuffers.nio(array).put(4095, -round);
            assertThat(array.getFloat(63L, 63L)).isEqualTo((float) -round);
            if (round % 10 == 9) {
                System.gc();
            }
        }
    }

    @Test
    void keptEntriesDoNotKeepTheirAllocationsAlive() throws Exception {
        java.lang.ref.WeakReference<org.nd4j.linalg.api.buffer.DataBuffer> allocation = lookedUpThenDropped();
        for (int i = 0; i < 20 && allocation.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(allocation.get()).as("the allocation of an array nobody holds, after garbage collections").isNull();
    }

    private static java.lang.ref.WeakReference<org.nd4j.linalg.api.buffer.DataBuffer> lookedUpThenDropped() {
        INDArray array = Nd4j.zeros(DataType.FLOAT, 500, 500);
        NativeBuffers.nio(array);
        NativeBuffers.pointer(array.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()));
        return new java.lang.ref.WeakReference<>(array.data());
    }

    @Test
    void threadsLookingUpAtOnceGetTheirArraysValues() throws Exception {
        List<INDArray> arrays = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            arrays.add(Nd4j.valueArrayOf(new long[] {16, 16}, (float) i, DataType.FLOAT));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                results.add(pool.submit(() -> {
                    int checked = 0;
                    for (int round = 0; round < 200; round++) {
                        for (int i = first; i < arrays.size(); i += 3) {
                            INDArray row = arrays.get(i).get(NDArrayIndex.point(round % 16), NDArrayIndex.all());
                            if (NativeBuffers.pointer(row).get(15) != i
                                    || NativeBuffers.nio(row).get((int) row.offset() + 15) != i) {
                                throw new AssertionError("array " + i + " read another array's values");
                            }
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isGreaterThan(30_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
