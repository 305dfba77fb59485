package dev.rnn4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.core.Values;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class PaddingTest {
    /** Two records of one feature: [1, 2, 3] and [4], with per-step targets [10, 20, 30] and [40]. */
    private static final RecordFormat PER_STEP = RecordFormat.vectors(1).withSequenceTarget(1);
    private static final List<SequenceRecord> TWO = List.of(
            new SequenceRecord(3, new float[] {1, 2, 3}, new float[] {10, 20, 30}),
            new SequenceRecord(1, new float[] {4}, new float[] {40}));

    private static double[] values(INDArray array) {
        return Values.of(array);
    }

    @Test
    void postPaddingToTheLongestRecord() {
        Batch batch = Padding.post().batch(PER_STEP, TWO);
        assertThat(batch.x().get(0).shape()).containsExactly(2, 3, 1);
        assertThat(batch.x().get(0).dataType()).isEqualTo(DataType.FLOAT);
        assertThat(values(batch.x().get(0))).containsExactly(1, 2, 3, 4, 0, 0);
        assertThat(values(batch.mask())).containsExactly(1, 1, 1, 1, 0, 0);
        assertThat(batch.y().get(0).shape()).containsExactly(2, 3, 1);
        assertThat(values(batch.y().get(0))).containsExactly(10, 20, 30, 40, 0, 0);
        assertThat(values(batch.sampleWeight())).containsExactly(1, 1, 1, 1, 0, 0);
        assertThat(batch.sampleWeight().shape()).containsExactly(2, 3);
    }

    @Test
    void prePaddingWithAValue() {
        Batch batch = Padding.pre().withValue(-1).batch(PER_STEP, TWO);
        assertThat(values(batch.x().get(0))).containsExactly(1, 2, 3, -1, -1, 4);
        assertThat(values(batch.mask())).containsExactly(1, 1, 1, 0, 0, 1);
        assertThat(values(batch.y().get(0))).as("targets pad with 0").containsExactly(10, 20, 30, 0, 0, 40);
        assertThat(values(batch.sampleWeight())).containsExactly(1, 1, 1, 0, 0, 1);
    }

    @Test
    void maxLengthPadsEveryBatchToItAndTruncatesEitherEnd() {
        Batch keepEnd = Padding.post().withMaxLength(2, Padding.Truncating.PRE).batch(PER_STEP, TWO);
        assertThat(values(keepEnd.x().get(0))).containsExactly(2, 3, 4, 0);
        assertThat(values(keepEnd.y().get(0))).containsExactly(20, 30, 40, 0);
        assertThat(values(keepEnd.mask())).containsExactly(1, 1, 1, 0);
        Batch keepStart = Padding.pre().withMaxLength(2, Padding.Truncating.POST).batch(PER_STEP, TWO);
        assertThat(values(keepStart.x().get(0))).containsExactly(1, 2, 0, 4);
        assertThat(values(keepStart.y().get(0))).containsExactly(10, 20, 0, 40);
        Batch wide = Padding.post().withMaxLength(5, Padding.Truncating.NONE).batch(PER_STEP, TWO);
        assertThat(values(wide.x().get(0))).containsExactly(1, 2, 3, 0, 0, 4, 0, 0, 0, 0);
        Batch longest = Padding.post().withMaxLength(5, Padding.Truncating.NONE).withLongestInBatch()
                .batch(PER_STEP, TWO);
        assertThat(longest.x().get(0).shape()).containsExactly(2, 3, 1);
    }

    @Test
    void aRecordLongerThanMaxLengthWithoutTruncationIsNamed() {
        Padding padding = Padding.post().withMaxLength(2, Padding.Truncating.NONE);
        assertThatThrownBy(() -> padding.batch(PER_STEP, TWO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("records: record 0 has 3 timesteps, expected at most maxLength 2 (truncating is NONE:"
                        + " choose PRE or POST to cut longer records)");
    }

    @Test
    void vectorTargetsStackWithoutWeightsAndFeaturesStayTogether() {
        List<SequenceRecord> records = List.of(DataTestSupport.vectorRecord(1), DataTestSupport.vectorRecord(7));
        Batch batch = Padding.post().batch(DataTestSupport.vectorFormat(), records);
        assertThat(batch.x().get(0).shape()).containsExactly(2, 2, 2);
        assertThat(values(batch.x().get(0))).containsExactly(1000, 1001, 1010, 1011, 7000, 7001, 0, 0);
        assertThat(values(batch.y().get(0))).containsExactly(1, -1, 7, -7);
        assertThat(batch.sampleWeight()).isNull();
        assertThat(values(batch.mask())).containsExactly(1, 1, 1, 0);
    }

    @Test
    void tokenIdsBatchAsBatchByTimesteps() {
        RecordFormat format = RecordFormat.ids().withSequenceIdTarget();
        Batch batch = Padding.post().batch(format, List.of(new SequenceRecord(2, new float[] {5, 6},
                new float[] {1, 2}), new SequenceRecord(3, new float[] {7, 8, 9}, new float[] {3, 0, 1})));
        assertThat(batch.x().get(0).shape()).containsExactly(2, 3);
        assertThat(values(batch.x().get(0))).containsExactly(5, 6, 0, 7, 8, 9);
        assertThat(batch.y().get(0).shape()).containsExactly(2, 3);
        assertThat(values(batch.y().get(0))).containsExactly(1, 2, 0, 3, 0, 1);
        assertThat(values(batch.sampleWeight())).containsExactly(1, 1, 0, 1, 1, 1);
        assertThat(Padding.post().batch(RecordFormat.ids(), List.of(new SequenceRecord(1, new float[] {3}, null)))
                .y()).isEmpty();
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> Padding.post().withMaxLength(0, Padding.Truncating.PRE))
                .hasMessage("padding: maxLength: expected at least 1, found 0");
        assertThatThrownBy(() -> Padding.post().batch(PER_STEP, List.of()))
                .hasMessage("padding: expected at least one record, found none");
        assertThatThrownBy(() -> Padding.post().batch(PER_STEP, List.of(new SequenceRecord(2, new float[2], null))))
                .hasMessage("records: record 0: expected 2 target values (2 timesteps x 1), found no target");
    }
}
