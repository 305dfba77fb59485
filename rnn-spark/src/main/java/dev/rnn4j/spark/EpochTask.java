package dev.rnn4j.spark;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.core.FitState;
import dev.rnn4j.core.History;
import dev.rnn4j.core.SeededRandom;
import dev.rnn4j.core.Sequential;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One worker's epoch, the body of a barrier task: restores the model from the driver's bytes, joins the ring, and for
 * every global batch computes the gradients of its slice, sums them with the others' and takes the optimizer's step.
 * The replicas start from the same bytes and apply the same summed gradients, so their weights and optimizer slots
 * stay identical without being sent; rank 0 sends the model back at the end.
 */
final class EpochTask extends AbstractFunction1<Iterator<SampleRow>, Iterator<EpochResult>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Broadcast<byte[]> model;
    private final GlobalBatches batches;
    private final long[] inputShape;
    private final long[] targetShape;
    private final long seed;
    private final int epoch;
    private final long timeoutMillis;

    /**
     * @param model       the model at the epoch's start, as checkpoint bytes
     * @param batches     the cut of the global batches
     * @param inputShape  an input sample's shape
     * @param targetShape a target sample's shape
     * @param seed        the run's seed, for the workers' dropout generators
     * @param epoch       the epoch, counted from 0
     * @param timeout     the longest any wait in the ring may take
     */
    EpochTask(Broadcast<byte[]> model, GlobalBatches batches, long[] inputShape, long[] targetShape, long seed,
            int epoch, Duration timeout) {
        this.model = model;
        this.batches = batches;
        this.inputShape = inputShape.clone();
        this.targetShape = targetShape.clone();
        this.seed = seed;
        this.epoch = epoch;
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public Iterator<EpochResult> apply(Iterator<SampleRow> rows) {
        long started = System.nanoTime();
        BarrierTaskContext context = BarrierTaskContext.get();
        int rank = context.partitionId();
        List<SampleRow> mine = new ArrayList<>();
        while (rows.hasNext()) {
            mine.add(rows.next());
        }
        mine.sort(Comparator.comparingInt(SampleRow::position));
        Backend backend = ExecutorBackend.get(context.cpus());
        Sequential replica = ModelBytes.read(model.value(), backend).model();
        replica.restoreRandom(new SeededRandom(dropoutSeed(seed, epoch, rank)).state());
        String host = host(context.getTaskInfos()[rank].address());
        ServerSocket server;
        try {
            server = RingAllReduce.listen(host);
        } catch (IOException e) {
            throw new UncheckedIOException("rnn-spark worker " + rank + ": cannot listen on " + host + ": " + e, e);
        }
        // The one rendezvous of the epoch: allGather costs about a second, the ring's steps milliseconds.
        String[] addresses = context.allGather(host + ":" + server.getLocalPort());
        List<RingAllReduce.Peer> peers = Arrays.stream(addresses).map(RingAllReduce.Peer::parse).toList();
        double lossSum = 0.0;
        long seen = 0;
        long setup;
        long compute = 0;
        long reduce = 0;
        long update = 0;
        try (RingAllReduce ring = RingAllReduce.connect(rank, peers, server, Duration.ofMillis(timeoutMillis))) {
            List<Parameter> parameters = replica.parameters();
            int total = 0;
            for (Parameter parameter : parameters) {
                total += Math.toIntExact(parameter.size());
            }
            float[] flat = new float[total];
            Optimizer optimizer = replica.optimizer();
            int cursor = 0;
            setup = System.nanoTime() - started;
            for (int step = 0; step < batches.steps(); step++) {
                long stepStart = System.nanoTime();
                int count = batches.sliceRows(step, rank);
                Arrays.fill(flat, 0.0f);
                if (count > 0) {
                    int first = step * batches.batchSize() + batches.sliceStart(step, rank);
                    List<SampleRow> slice = mine.subList(cursor, cursor + count);
                    checkSlice(rank, step, first, slice);
                    double loss = replica.computeGradients(stack(slice, inputShape, true),
                            stack(slice, targetShape, false), true);
                    // Weighted by its share of the global batch: the sum is the gradient of the batch's mean loss.
                    gather(parameters, flat, (float) count / batches.rows(step));
                    lossSum += loss * count;
                    seen += count;
                    cursor += count;
                }
                long reduceStart = System.nanoTime();
                ring.allReduce(flat);
                long updateStart = System.nanoTime();
                scatter(flat, parameters);
                backend.runStep(() -> {
                    optimizer.step(parameters, backend);
                    return null;
                });
                compute += reduceStart - stepStart;
                reduce += updateStart - reduceStart;
                update += System.nanoTime() - updateStart;
            }
        }
        byte[] checkpoint = null;
        if (rank == 0) {
            int[] identity = new int[batches.samples()];
            Arrays.setAll(identity, i -> i);
            checkpoint = ModelBytes.write(replica, new FitState(epoch + 1, 0, batches.steps(), batches.batchSize(),
                    identity, new History(), Map.of(), Map.of()));
        }
        EpochResult result = new EpochResult(rank, lossSum, seen, checkpoint,
                new WorkerTimes(setup, compute, reduce, update));
        return CollectionConverters.asScala(List.of(result).iterator());
    }

    private static void checkSlice(int rank, int step, int first, List<SampleRow> slice) {
        for (int i = 0; i < slice.size(); i++) {
            if (slice.get(i).position() != first + i) {
                throw new IllegalStateException("rnn-spark worker " + rank + ", step " + (step + 1) + ": expected the"
                        + " sample at position " + (first + i) + " of the epoch's order, found position "
                        + slice.get(i).position() + "; the rows were not partitioned by GlobalBatches");
            }
        }
    }

    /** @return the slice's inputs ({@code inputs}) or targets as one float32 array {@code [rows, ...sampleShape]} */
    private static INDArray stack(List<SampleRow> slice, long[] sampleShape, boolean inputs) {
        int size = 1;
        for (long dimension : sampleShape) {
            size = Math.multiplyExact(size, Math.toIntExact(dimension));
        }
        float[] values = new float[slice.size() * size];
        for (int i = 0; i < slice.size(); i++) {
            float[] sample = inputs ? slice.get(i).x() : slice.get(i).y();
            System.arraycopy(sample, 0, values, i * size, size);
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = slice.size();
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return Nd4j.create(values, shape, 'c');
    }

    private static void gather(List<Parameter> parameters, float[] flat, float scale) {
        int at = 0;
        for (Parameter parameter : parameters) {
            float[] gradient = parameter.gradient().reshape(parameter.size()).toFloatVector();
            for (int i = 0; i < gradient.length; i++) {
                flat[at + i] = gradient[i] * scale;
            }
            at += gradient.length;
        }
    }

    private static void scatter(float[] flat, List<Parameter> parameters) {
        int at = 0;
        for (Parameter parameter : parameters) {
            int size = Math.toIntExact(parameter.size());
            parameter.gradient().assign(Nd4j.create(Arrays.copyOfRange(flat, at, at + size), parameter.shape(), 'c'));
            at += size;
        }
    }

    /** @return the host of a {@code host:port} executor address */
    private static String host(String address) {
        int colon = address.lastIndexOf(':');
        return colon > 0 ? address.substring(0, colon) : address;
    }

    /**
     * @return the seed of worker {@code rank}'s generator in {@code epoch}: dropout masks differ between workers and
     *         epochs and repeat for the same run seed
     */
    static long dropoutSeed(long seed, int epoch, int rank) {
        // SplitMix64's finalizer: neighbouring ranks and epochs give unrelated streams.
        long z = seed + 0x9E3779B97F4A7C15L * (((long) epoch << 20) + rank + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
