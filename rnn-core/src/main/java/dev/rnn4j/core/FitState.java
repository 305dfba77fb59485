package dev.rnn4j.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a {@link Sequential#fit} (or {@link Model#fit}) run stands, beyond the model's weights, the optimizer's state
 * and the generator's position: what a checkpoint must also hold so that a resumed run continues exactly as the run
 * that was never stopped. An immutable snapshot.
 *
 * <ul>
 *   <li>At the end of an epoch: {@link #epoch()} epochs are done, {@link #step()} is 0, {@link #logs()} are the
 *   epoch's logs.</li>
 *   <li>When fit stops at its stop signal in the middle of an epoch: {@link #epoch()} epochs are done and
 *   {@link #step()} steps of the next one; {@link #running()} holds that epoch's running sums (of the loss, of each
 *   output's loss and of each metric, for its logs) and {@link #logs()} is empty.</li>
 * </ul>
 * {@link #order()} is the order of the training samples of the current (or last) epoch: fit shuffles this order again
 * at the start of each epoch, so the next epoch's order depends on it. A run on a
 * {@link dev.rnn4j.core.data.BatchSource} other than an {@link dev.rnn4j.core.data.ArraySource} records no order
 * (an empty one, {@link #samples()} 0): the source reopens any epoch at any batch from its seed alone, and
 * {@link #batchSize()} is the rows of the run's first batch.
 */
public final class FitState {
    private final int epoch;
    private final int step;
    private final int stepsPerEpoch;
    private final int batchSize;
    private final int[] order;
    private final Map<String, List<Double>> history;
    private final Map<String, Double> logs;
    private final Map<String, double[]> running;

    /**
     * @param epoch         epochs completed, at least 0
     * @param step          steps done of the next epoch, in {@code [0, stepsPerEpoch)}
     * @param stepsPerEpoch steps per epoch, at least 1
     * @param batchSize     samples per step, at least 1
     * @param order         the current order of the training samples, a permutation of {@code 0..samples-1}
     * @param history       the logs of the completed epochs
     * @param logs          the last completed epoch's logs when {@code step == 0} (may be empty before any epoch);
     *                      empty otherwise
     * @param running       the running sums of the epoch in progress, by log name ({@code loss}, {@code seen}, each
     *                      metric's {@link dev.rnn4j.core.metrics.Metric#state()}); empty when {@code step == 0}
     */
    public FitState(int epoch, int step, int stepsPerEpoch, int batchSize, int[] order, History history,
            Map<String, Double> logs, Map<String, double[]> running) {
        Objects.requireNonNull(order, "order is null");
        Objects.requireNonNull(history, "history is null");
        Objects.requireNonNull(logs, "logs is null");
        Objects.requireNonNull(running, "running is null");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch: expected at least 0, found " + epoch);
        }
        if (stepsPerEpoch < 1 || batchSize < 1) {
            throw new IllegalArgumentException("steps per epoch and batch size: expected at least 1, found "
                    + stepsPerEpoch + " and " + batchSize);
        }
        if (step < 0 || step >= stepsPerEpoch) {
            throw new IllegalArgumentException("step: expected 0 to " + (stepsPerEpoch - 1) + ", found " + step);
        }
        if (step == 0 && !running.isEmpty()) {
            throw new IllegalArgumentException("running sums: expected none at an epoch's end, found "
                    + running.keySet());
        }
        Map<String, double[]> sums = new LinkedHashMap<>();
        running.forEach((name, values) -> {
            Objects.requireNonNull(values, "running sums of " + name + " are null");
            for (double value : values) {
                if (!Double.isFinite(value)) {
                    throw new IllegalArgumentException("running sums of " + name + ": expected finite values, found "
                            + Arrays.toString(values));
                }
            }
            sums.put(name, values.clone());
        });
        checkPermutation(order);
        this.epoch = epoch;
        this.step = step;
        this.stepsPerEpoch = stepsPerEpoch;
        this.batchSize = batchSize;
        this.order = order.clone();
        this.history = history.asMap();
        this.logs = Collections.unmodifiableMap(new LinkedHashMap<>(logs));
        this.running = sums;
    }

    private static void checkPermutation(int[] order) {
        boolean[] present = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int index = order[i];
            if (index < 0 || index >= order.length || present[index]) {
                throw new IllegalArgumentException("order: expected a permutation of 0.." + (order.length - 1)
                        + ", found " + index + " at position " + i);
            }
            present[index] = true;
        }
    }

    /** @return the number of completed epochs */
    public int epoch() {
        return epoch;
    }

    /** @return the steps done of the next epoch: 0 at an epoch's end */
    public int step() {
        return step;
    }

    /** @return whether this state is in the middle of an epoch (stopped by the stop signal) */
    public boolean midEpoch() {
        return step > 0;
    }

    /** @return the steps of one epoch */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** @return the batch size */
    public int batchSize() {
        return batchSize;
    }

    /** @return the number of training samples */
    public int samples() {
        return order.length;
    }

    /** @return a copy of the order of the training samples */
    public int[] order() {
        return order.clone();
    }

    /** @return a new {@link History} holding the completed epochs' logs */
    public History history() {
        History copy = new History();
        int epochs = history.values().stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < epochs; i++) {
            Map<String, Double> epochLogs = new LinkedHashMap<>();
            for (Map.Entry<String, List<Double>> series : history.entrySet()) {
                if (i < series.getValue().size()) {
                    epochLogs.put(series.getKey(), series.getValue().get(i));
                }
            }
            copy.append(epochLogs);
        }
        return copy;
    }

    /** @return the last completed epoch's logs at an epoch's end; empty in the middle of an epoch */
    public Map<String, Double> logs() {
        return logs;
    }

    /**
     * @return the running sums of the epoch in progress, by log name (copies); empty at an epoch's end
     */
    public Map<String, double[]> running() {
        Map<String, double[]> copy = new LinkedHashMap<>();
        running.forEach((name, values) -> copy.put(name, values.clone()));
        return copy;
    }

    /** @return the running sum of {@code loss * batch size} of the epoch in progress */
    public double lossSum() {
        return running.containsKey("loss") ? running.get("loss")[0] : 0.0;
    }

    /** @return the samples seen in the epoch in progress */
    public long seen() {
        return running.containsKey("seen") ? (long) running.get("seen")[0] : 0L;
    }

    @Override
    public String toString() {
        return "FitState[epoch=" + epoch + ", step=" + step + "/" + stepsPerEpoch + ", batchSize=" + batchSize
                + ", samples=" + order.length + ", history=" + history + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FitState state && epoch == state.epoch && step == state.step
                && stepsPerEpoch == state.stepsPerEpoch && batchSize == state.batchSize
                && Arrays.equals(order, state.order) && history.equals(state.history) && logs.equals(state.logs)
                && sameSums(running, state.running);
    }

    private static boolean sameSums(Map<String, double[]> a, Map<String, double[]> b) {
        return a.keySet().equals(b.keySet()) && a.entrySet().stream()
                .allMatch(entry -> Arrays.equals(entry.getValue(), b.get(entry.getKey())));
    }

    @Override
    public int hashCode() {
        return Objects.hash(epoch, step, Arrays.hashCode(order), history);
    }
}
