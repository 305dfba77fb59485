package dev.rnn4j.core;

import dev.rnn4j.core.data.BatchSource;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The arguments of {@link Sequential#fit(INDArray, INDArray, FitOptions)} and {@link Model#fit(List, List,
 * FitOptions)}, with Keras's defaults: 1 epoch, batch 32, verbose 1, shuffling every epoch, no validation.
 */
public final class FitOptions {
    int epochs = 1;
    int batchSize = 32;
    int verbose = 1;
    boolean shuffle = true;
    double validationSplit;
    List<INDArray> validationX;
    List<INDArray> validationY;
    BatchSource validationSource;
    int initialEpoch;
    FitState resume;
    BooleanSupplier stopSignal = () -> false;
    PrintStream out = System.out;
    Boolean interactive;
    INDArray sampleWeight;
    Map<Integer, Double> classWeight;
    final List<Callback> callbacks = new ArrayList<>();

    /**
     * @param epochs the number of epochs, at least 0
     * @return this
     */
    public FitOptions epochs(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs: expected at least 0, found " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    /**
     * @param batchSize samples per step, at least 1
     * @return this
     */
    public FitOptions batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size: expected at least 1, found " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /**
     * @param verbose 0 silent, 1 progress bar, 2 one line per epoch
     * @return this
     */
    public FitOptions verbose(int verbose) {
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose: expected 0, 1 or 2, found " + verbose);
        }
        this.verbose = verbose;
        return this;
    }

    /**
     * @param shuffle whether to shuffle the training data before every epoch
     * @return this
     */
    public FitOptions shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /**
     * Holds out the last fraction of the data (before shuffling) for validation, as Keras does.
     *
     * @param validationSplit a fraction in [0, 1)
     * @return this
     */
    public FitOptions validationSplit(double validationSplit) {
        if (!(validationSplit >= 0.0 && validationSplit < 1.0)) {
            throw new IllegalArgumentException("validation_split: expected a fraction in [0, 1), found "
                    + validationSplit);
        }
        this.validationSplit = validationSplit;
        return this;
    }

    /**
     * @param x validation inputs
     * @param y validation targets
     * @return this
     */
    public FitOptions validationData(INDArray x, INDArray y) {
        Objects.requireNonNull(x, "validation x is null");
        Objects.requireNonNull(y, "validation y is null");
        return validationData(List.of(x), List.of(y));
    }

    /**
     * Validation data for a {@link Model}: one array per input and one per output, in order.
     *
     * @param x validation inputs
     * @param y validation targets
     * @return this
     */
    public FitOptions validationData(List<INDArray> x, List<INDArray> y) {
        this.validationX = copyOf(x, "validation x");
        this.validationY = copyOf(y, "validation y");
        this.validationSource = null;
        return this;
    }

    /**
     * Validation batches from a source (Keras's {@code validation_data=dataset}), evaluated after every epoch; with
     * arrays or with a training source alike.
     *
     * @param source the validation batches
     * @return this
     */
    public FitOptions validationData(BatchSource source) {
        this.validationSource = Objects.requireNonNull(source, "validation source is null");
        this.validationX = null;
        this.validationY = null;
        return this;
    }

    private static List<INDArray> copyOf(List<INDArray> arrays, String what) {
        Objects.requireNonNull(arrays, what + " is null");
        for (int i = 0; i < arrays.size(); i++) {
            Objects.requireNonNull(arrays.get(i), what + "[" + i + "] is null");
        }
        return List.copyOf(arrays);
    }

    /**
     * Keras's {@code sample_weight}: each sample's (or, for per-timestep outputs, each timestep's) share of the loss.
     * The loss is the weighted sum over rows divided by the number of rows (Keras's {@code sum_over_batch_size});
     * {@code validationSplit} splits the weights with the data. Metrics are not weighted, as Keras's {@code metrics}.
     *
     * @param sampleWeight {@code [samples]} or {@code [samples, timesteps]}, finite and at least 0
     * @return this
     */
    public FitOptions sampleWeight(INDArray sampleWeight) {
        this.sampleWeight = Objects.requireNonNull(sampleWeight, "sample_weight is null");
        return this;
    }

    /**
     * Keras's {@code class_weight}: every sample whose target is class {@code c} weighs {@code classWeight.get(c)} in
     * the loss (1 for classes not listed); for per-timestep targets, every timestep. Not with {@link #sampleWeight}.
     *
     * @param classWeight weights by class index, each finite and at least 0
     * @return this
     */
    public FitOptions classWeight(Map<Integer, Double> classWeight) {
        Objects.requireNonNull(classWeight, "class_weight is null");
        classWeight.forEach((key, value) -> {
            if (key == null || value == null || !(value >= 0.0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("class_weight: expected class indices with finite weights of at"
                        + " least 0, found " + key + " -> " + value);
            }
        });
        this.classWeight = Map.copyOf(classWeight);
        return this;
    }

    /**
     * @param initialEpoch the number of epochs already done (for resuming); training runs epochs
     *                     {@code initialEpoch + 1 .. epochs}
     * @return this
     */
    public FitOptions initialEpoch(int initialEpoch) {
        if (initialEpoch < 0) {
            throw new IllegalArgumentException("initial_epoch: expected at least 0, found " + initialEpoch);
        }
        this.initialEpoch = initialEpoch;
        return this;
    }

    /**
     * Continues a run from a checkpoint's state (see {@code dev.rnn4j.core.io.Checkpoints}): training runs epochs
     * {@code state.epoch() + 1 .. epochs}, the first of them from step {@code state.step()} when the state is in the
     * middle of an epoch, with the state's sample order, and the returned history starts with the state's. Together
     * with the restored weights, optimizer state and generator this gives, bit for bit, the run that was never
     * stopped. Replaces {@link #initialEpoch}. Fit checks that the state fits the data: the same number of training
     * samples and, in the middle of an epoch, the same batch size.
     *
     * @param state the state to continue from
     * @return this
     */
    public FitOptions resume(FitState state) {
        this.resume = Objects.requireNonNull(state, "state is null");
        this.initialEpoch = state.epoch();
        return this;
    }

    /**
     * A stop request, checked after every step (for Ctrl-C): when it returns true, fit finishes the step in progress,
     * calls every callback's {@link Callback#onInterrupt} with the state reached and returns the history of the
     * completed epochs. When the step was an epoch's last, the epoch is completed first (validation, logs,
     * {@link Callback#onEpochEnd}).
     *
     * @param stopSignal returns true once training should stop; called from the training thread
     * @return this
     */
    public FitOptions stopSignal(BooleanSupplier stopSignal) {
        this.stopSignal = Objects.requireNonNull(stopSignal, "stopSignal is null");
        return this;
    }

    /**
     * @param out where progress goes (default standard output)
     * @return this
     */
    public FitOptions output(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out is null");
        return this;
    }

    /**
     * @param interactive whether the output is a terminal that can redraw a line (default: detected)
     * @return this
     */
    public FitOptions interactive(boolean interactive) {
        this.interactive = interactive;
        return this;
    }

    /**
     * Adds callbacks (Keras's {@code callbacks=[...]}), called in the order added.
     *
     * @param callbacks callbacks
     * @return this
     */
    public FitOptions callbacks(Callback... callbacks) {
        for (Callback callback : callbacks) {
            this.callbacks.add(Objects.requireNonNull(callback, "callback is null"));
        }
        return this;
    }
}
