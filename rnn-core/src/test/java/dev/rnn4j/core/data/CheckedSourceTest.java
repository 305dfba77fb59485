package dev.rnn4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CheckedSourceTest {
    private static INDArray zeros(long... shape) {
        return Nd4j.zeros(DataType.FLOAT, shape);
    }

    /** A source of {@code count} batches, batch k made by {@code make}. */
    private static BatchSource source(int count, IntFunction<Batch> make) {
        return new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return count;
            }

            @Override
            public BatchIterator open(int epoch, int first) {
                return new BatchIterator() {
                    private int next = first;

                    @Override
                    public boolean hasNext() {
                        return next < 3;
                    }

                    @Override
                    public Batch next() {
                        return make.apply(next++);
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    private static void drain(BatchSource source, int epoch) {
        try (BatchIterator batches = source.open(epoch, 0)) {
            while (batches.hasNext()) {
                batches.next();
            }
        }
    }

    @Test
    void consistentBatchesPassAndPaddedTimestepsMayVary() throws IOException {
        BatchSource records = RecordSource.builder(RecordSet.of(DataTestSupport.vectorFormat(),
                DataTestSupport.vectorRecords(40))).batchSize(6).shuffle().build().checked();
        drain(records, 0);
        drain(records, 1);
        drain(source(3, k -> new Batch(List.of(zeros(4 - k, 3)), List.of(zeros(4 - k, 2)))).checked(), 0);
    }

    @Test
    void aDifferentFeatureSizeNamesTheBatch() {
        BatchSource source = source(3, k -> new Batch(List.of(zeros(4, 5, k == 2 ? 3 : 4)), List.of(zeros(4, 2))))
                .checked();
        assertThatThrownBy(() -> drain(source, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("epoch 0, batch 2: x[0] has shape [4, 5, 3], expected [*, 5, 4] as in epoch 0, batch 0"
                        + " ([4, 5, 4])");
        BatchSource masked = source(3, k -> new Batch(List.of(zeros(4, 5 + k, k == 1 ? 3 : 4)), List.of(),
                null, zeros(4, 5 + k))).checked();
        assertThatThrownBy(() -> drain(masked, 0))
                .hasMessage("epoch 0, batch 1: x[0] has shape [4, 6, 3], expected [*, *, 4] as in epoch 0, batch 0"
                        + " ([4, 5, 4])");
    }

    @Test
    void aDifferentNumberOfArraysNamesTheBatch() {
        BatchSource source = source(3, k -> new Batch(k == 1 ? List.of(zeros(4, 2)) : List.of(zeros(4, 2),
                zeros(4, 2)), List.of(zeros(4, 1)))).checked();
        assertThatThrownBy(() -> drain(source, 0))
                .hasMessage("epoch 0, batch 1: expected 2 input arrays as in epoch 0, batch 0, found 1");
        BatchSource outputs = source(3, k -> new Batch(List.of(zeros(4, 2)), k == 2 ? List.of() : List.of(zeros(4,
                1)))).checked();
        assertThatThrownBy(() -> drain(outputs, 0))
                .hasMessage("epoch 0, batch 2: expected 1 output array as in epoch 0, batch 0, found 0");
    }

    @Test
    void rowsThatDisagreeNameTheBatch() {
        BatchSource source = source(3, k -> new Batch(List.of(zeros(4, 2)), List.of(zeros(k == 1 ? 3 : 4, 1))))
                .checked();
        assertThatThrownBy(() -> drain(source, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("epoch 2, batch 1: y[0] has 3 rows, expected 4 (the rows of x[0])");
    }

    @Test
    void dataTypesWeightsAndMasksMustAgree() {
        BatchSource types = source(3, k -> new Batch(List.of(Nd4j.zeros(k == 1 ? DataType.DOUBLE : DataType.FLOAT,
                4, 2)), List.of())).checked();
        assertThatThrownBy(() -> drain(types, 0))
                .hasMessage("epoch 0, batch 1: x[0] has data type DOUBLE, expected FLOAT as in epoch 0, batch 0");
        BatchSource weights = source(3, k -> new Batch(List.of(zeros(4, 2)), List.of(), k == 0 ? zeros(4) : null,
                null)).checked();
        assertThatThrownBy(() -> drain(weights, 0))
                .hasMessage("epoch 0, batch 1: expected sample weights as in epoch 0, batch 0, found none");
    }

    @Test
    void anEpochOfTheWrongLengthIsNamed() {
        assertThatThrownBy(() -> drain(source(4, k -> new Batch(List.of(zeros(2, 1)), List.of())).checked(), 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("epoch 0: the source promised 4 batches per epoch, found 3");
        assertThatThrownBy(() -> drain(source(2, k -> new Batch(List.of(zeros(2, 1)), List.of())).checked(), 0))
                .hasMessage("epoch 0: the source promised 2 batches per epoch, found more");
        assertThat(source(3, k -> null).checked().batchesPerEpoch()).isEqualTo(3);
    }
}
