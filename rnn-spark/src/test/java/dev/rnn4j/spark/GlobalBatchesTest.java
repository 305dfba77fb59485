package dev.rnn4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The cut of the global batches among the workers, against a brute-force count. */
class GlobalBatchesTest {
    @Test
    void everyPositionBelongsToTheWorkerWhoseSliceHoldsIt() {
        for (int samples : new int[] {1, 5, 24, 25, 26, 97}) {
            for (int batch = 1; batch <= Math.min(samples, 12); batch++) {
                for (int workers = 1; workers <= 4; workers++) {
                    GlobalBatches batches = new GlobalBatches(samples, batch, workers);
                    int covered = 0;
                    for (int step = 0; step < batches.steps(); step++) {
                        int sum = 0;
                        for (int worker = 0; worker < workers; worker++) {
                            int start = batches.sliceStart(step, worker);
                            int rows = batches.sliceRows(step, worker);
                            assertThat(rows).isBetween(batches.rows(step) / workers,
                                    batches.rows(step) / workers + 1);
                            for (int offset = start; offset < start + rows; offset++) {
                                assertThat(batches.workerOf(step * batch + offset))
                                        .as("samples %d, batch %d, workers %d, step %d, offset %d", samples, batch,
                                                workers, step, offset)
                                        .isEqualTo(worker);
                            }
                            sum += rows;
                        }
                        assertThat(sum).isEqualTo(batches.rows(step));
                        covered += sum;
                    }
                    assertThat(covered).isEqualTo(samples);
                }
            }
        }
    }

    @Test
    void aTailSmallerThanTheWorkersLeavesSomeSlicesEmpty() {
        GlobalBatches batches = new GlobalBatches(25, 8, 2);
        assertThat(batches.steps()).isEqualTo(4);
        assertThat(batches.rows(3)).isEqualTo(1);
        assertThat(batches.sliceRows(3, 0)).isZero();
        assertThat(batches.sliceRows(3, 1)).isEqualTo(1);
        assertThat(batches.sliceRows(0, 0)).isEqualTo(4);
    }
}
