package dev.rnn4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rnn4j.core.TestSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Records whose values say which record and timestep they are, and batches as exact lists. */
final class DataTestSupport {
    static final int FEATURES = 2;

    private DataTestSupport() {
    }

    /** @return the length of record {@code number}: 1 to 7 timesteps */
    static int lengthOf(int number) {
        return number % 7 + 1;
    }

    /** Input {@code [t, 2]}: {@code number * 1000 + step * 10 + feature}; target {@code [number, -number]}. */
    static SequenceRecord vectorRecord(int number) {
        int length = lengthOf(number);
        float[] input = new float[length * FEATURES];
        for (int step = 0; step < length; step++) {
            for (int feature = 0; feature < FEATURES; feature++) {
                input[step * FEATURES + feature] = number * 1000 + step * 10 + feature;
            }
        }
        return new SequenceRecord(length, input, new float[] {number, -number});
    }

    /** @return records 0 .. count-1 of {@link #vectorRecord} */
    static List<SequenceRecord> vectorRecords(int count) {
        List<SequenceRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(vectorRecord(i));
        }
        return records;
    }

    /** @return the format of {@link #vectorRecord} */
    static RecordFormat vectorFormat() {
        return RecordFormat.vectors(FEATURES).withVectorTarget(2);
    }

    /** @return the record numbers of a batch of {@link #vectorRecord}s: its vector target's first column */
    static int[] numbers(Batch batch) {
        INDArray y = batch.y().get(0);
        int[] numbers = new int[batch.size()];
        for (int r = 0; r < numbers.length; r++) {
            numbers[r] = (int) y.getFloat(r, 0);
        }
        return numbers;
    }

    /** @return the record numbers of every batch of the iterator, which is then closed */
    static List<int[]> numbers(BatchIterator batches) {
        try (batches) {
            List<int[]> all = new ArrayList<>();
            while (batches.hasNext()) {
                all.add(numbers(batches.next()));
            }
            return all;
        }
    }

    /** @return every batch of the iterator as exact values (shapes and bits), which is then closed */
    static List<List<Object>> drain(BatchIterator batches) {
        try (batches) {
            List<List<Object>> all = new ArrayList<>();
            while (batches.hasNext()) {
                all.add(exact(batches.next()));
            }
            return all;
        }
    }

    /** @return a batch's arrays as exact values: x, y, sample weight, mask */
    static List<Object> exact(Batch batch) {
        List<Object> all = new ArrayList<>();
        all.add(TestSupport.exact(batch.x()));
        all.add(TestSupport.exact(batch.y()));
        all.add(batch.sampleWeight() == null ? "no weights" : TestSupport.exact(batch.sampleWeight()));
        all.add(batch.mask() == null ? "no mask" : TestSupport.exact(batch.mask()));
        return all;
    }

    /** Checks that opening {@code epoch} at batch k yields exactly batches k.. of opening it at 0, for several k. */
    static void assertResumes(BatchSource source, int epoch) {
        List<List<Object>> whole = drain(source.open(epoch, 0));
        int batches = source.batchesPerEpoch();
        assertThat(whole).hasSize(batches);
        for (int first : new int[] {1, 2, batches / 2, batches - 1, batches}) {
            if (first < 0 || first > batches) {
                continue;
            }
            assertThat(drain(source.open(epoch, first))).as("epoch %d opened at batch %d", epoch, first)
                    .isEqualTo(whole.subList(first, batches));
        }
        assertThat(drain(source.open(epoch, 0))).as("epoch %d opened again", epoch).isEqualTo(whole);
    }

    /** Checks that every record {@code 0 .. count-1} appears exactly once in the batches. */
    static void assertEachOnce(List<int[]> batches, int count) {
        int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        int[] expected = new int[count];
        Arrays.setAll(expected, i -> i);
        assertThat(all).containsExactly(expected);
    }

    /** @return the batches' record numbers, flattened in order */
    static int[] flat(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }
}
