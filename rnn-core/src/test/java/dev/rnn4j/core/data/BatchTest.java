package dev.rnn4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BatchTest {
    private static INDArray zeros(long... shape) {
        return Nd4j.zeros(DataType.FLOAT, shape);
    }

    @Test
    void aBatchKeepsItsArraysAndCountsItsRows() {
        List<INDArray> x = new ArrayList<>(List.of(zeros(4, 3, 2)));
        Batch batch = new Batch(x, List.of(zeros(4, 5)), zeros(4), zeros(4, 3));
        x.clear();
        assertThat(batch.size()).isEqualTo(4);
        assertThat(batch.x()).hasSize(1);
        assertThat(new Batch(List.of(zeros(2, 1)), List.of()).sampleWeight()).isNull();
    }

    @Test
    void rowsThatDisagreeAreNamed() {
        assertThatThrownBy(() -> new Batch(List.of(zeros(4, 3, 2)), List.of(zeros(3, 5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch: y[0] has 3 rows, expected 4 (the rows of x[0])");
        assertThatThrownBy(() -> new Batch(List.of(zeros(4, 3, 2), zeros(5, 3)), List.of()))
                .hasMessage("batch: x[1] has 5 rows, expected 4 (the rows of x[0])");
    }

    @Test
    void weightsAndMaskMustFitTheBatch() {
        assertThatThrownBy(() -> new Batch(List.of(zeros(4, 3, 2)), List.of(), zeros(4, 3, 1), null))
                .hasMessage("batch: sampleWeight has shape [4, 3, 1], expected [4] or [4, timesteps]");
        assertThatThrownBy(() -> new Batch(List.of(zeros(4, 3, 2)), List.of(), null, zeros(4)))
                .hasMessage("batch: mask has shape [4], expected [4, timesteps]");
        assertThatThrownBy(() -> new Batch(List.of(zeros(4, 3, 2)), List.of(), null, zeros(4, 5)))
                .hasMessage("batch: x[0] has 3 timesteps, expected 5 (the mask's)");
    }

    @Test
    void aBatchNeedsAnInputAndNoNulls() {
        assertThatThrownBy(() -> new Batch(List.of(), List.of()))
                .hasMessage("batch: expected at least one input array, found none");
        List<INDArray> withNull = new ArrayList<>();
        withNull.add(zeros(2, 1));
        withNull.add(null);
        assertThatThrownBy(() -> new Batch(List.of(zeros(2, 1)), withNull)).hasMessage("batch: y[1] is null");
    }
}
