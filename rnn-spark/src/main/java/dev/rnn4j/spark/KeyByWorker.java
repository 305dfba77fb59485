package dev.rnn4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/** Sends each sample of a block to the worker whose slice of its global batch holds it, in this epoch's order. */
final class KeyByWorker implements PairFlatMapFunction<SampleBlock, Integer, SampleRow> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<int[]> positions;
    private final GlobalBatches batches;

    /**
     * @param positions per sample index, its position in the epoch's order
     * @param batches   the cut of the global batches
     */
    KeyByWorker(Broadcast<int[]> positions, GlobalBatches batches) {
        this.positions = positions;
        this.batches = batches;
    }

    @Override
    public Iterator<Tuple2<Integer, SampleRow>> call(SampleBlock block) {
        int[] position = positions.value();
        int inputSize = block.x().length / block.rows();
        int targetSize = block.y().length / block.rows();
        List<Tuple2<Integer, SampleRow>> rows = new ArrayList<>(block.rows());
        for (int i = 0; i < block.rows(); i++) {
            int at = position[block.first() + i];
            rows.add(new Tuple2<>(batches.workerOf(at), new SampleRow(at,
                    Arrays.copyOfRange(block.x(), i * inputSize, (i + 1) * inputSize),
                    Arrays.copyOfRange(block.y(), i * targetSize, (i + 1) * targetSize))));
        }
        return rows.iterator();
    }
}
