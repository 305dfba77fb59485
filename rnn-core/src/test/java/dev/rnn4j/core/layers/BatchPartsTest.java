package dev.rnn4j.core.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.backend.cpu.Nd4jCpuBackend;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The recurrent layers' per-step loops run on parts of the batch, one per backend thread. A batch run in two or three
 * parts on as many threads gives the outputs and gradients of the same batch run whole on one thread (to float32
 * rounding; three parts of 64 samples are uneven), for
 * every cell, with dropout and recurrent dropout drawn for the whole batch, with the last state only and with whole
 * sequences (stacked layers, where gradients flow into the lower layer's states and inputs).
 */
class BatchPartsTest {
    private static final Backend TWO_THREADS = new Nd4jCpuBackend(2);
    private static final Backend THREE_THREADS = new Nd4jCpuBackend(3);
    private static final Backend ONE_THREAD = new Nd4jCpuBackend(1);
    private static final int BATCH = 64;
    private static final int STEPS = 6;
    private static final int FEATURES = 7;

    enum Cell {
        SIMPLE, LSTM, GRU
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return java.util.stream.Stream.of(2, 3).flatMap(threads -> java.util.stream.Stream.of(Cell.values())
                .flatMap(cell -> java.util.stream.Stream.of(false, true)
                        .map(stacked -> org.junit.jupiter.params.provider.Arguments.of(threads, cell, stacked))));
    }

    @ParameterizedTest(name = "{0} threads {1} stacked={2}")
    @org.junit.jupiter.params.provider.MethodSource("cases")
    void partsOnSeveralThreadsMatchOneThread(int threads, Cell cell, boolean stacked) {
        AtomicInteger splitCalls = new AtomicInteger();
        Backend several = threads == 2 ? TWO_THREADS : THREE_THREADS;
        assertThat(several.parallelism()).isEqualTo(threads);
        Sequential split = model(counting(several, splitCalls, threads), cell, stacked);
        Sequential whole = model(ONE_THREAD, cell, stacked);

        assertSameResults(split, whole, BATCH);
        assertThat(splitCalls.get())
                .as("passes in %d parts (forward and backward of each layer, then predict's forward)", threads)
                .isEqualTo(stacked ? 6 : 3);
    }

    /**
     * A batch large enough for more parts than threads (256 samples: 4 parts of 64 on 2 threads, the forward pass's
     * steps and the backward pass's weight-gradient pieces shared out while running) gives the one-thread outputs and
     * gradients too.
     */
    @ParameterizedTest(name = "stacked={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void morePartsThanThreadsMatchOneThread(boolean stacked) {
        AtomicInteger partBackwards = new AtomicInteger();
        Sequential split = model(countingTransposedPreparations(TWO_THREADS, partBackwards, 64), Cell.SIMPLE,
                stacked);
        Sequential whole = model(ONE_THREAD, Cell.SIMPLE, stacked);

        assertSameResults(split, whole, 256);
        // BPTT prepares recurrent_kernel transposed once per part and backward pass: 4 parts of 64 rows per layer
        assertThat(partBackwards.get()).as("backward passes of parts of 64 samples").isEqualTo(stacked ? 8 : 4);
    }

    /**
     * The backward pass's weight-gradient pieces go to whichever thread is free, which changes from pass to pass; the
     * gradients must not: 4 parts of 64 samples, 12 steps (3 pieces of 4 steps a part), the same batch 8 times.
     */
    @org.junit.jupiter.api.Test
    void gradientsRepeatBitForBitWhicheverThreadTakesThePieces() {
        Sequential model = new Sequential(TWO_THREADS).seed(11);
        model.add(new SimpleRNN(32));
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.build(Shape.of(12, FEATURES));
        model.compile(new CategoricalCrossentropy(), new SGD(0.1));
        INDArray x = Nd4j.rand(DataType.FLOAT, 256, 12, FEATURES).subi(0.5).muli(2);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 256, 3);
        for (int i = 0; i < 256; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        List<Parameter> parameters = model.parameters();
        float[][] first = null;
        for (int round = 0; round < 8; round++) {
            model.computeGradients(x, y, true);
            float[][] gradients = new float[parameters.size()][];
            for (int i = 0; i < gradients.length; i++) {
                gradients[i] = parameters.get(i).gradient().dup().data().asFloat();
            }
            if (first == null) {
                first = gradients;
                continue;
            }
            for (int i = 0; i < gradients.length; i++) {
                assertThat(java.util.Arrays.equals(gradients[i], first[i]))
                        .as("gradient of %s in round %d, bit for bit", parameters.get(i).name(), round).isTrue();
            }
        }
    }

    /** A backend that counts {@code prepare(b, transposed = true, rows)} calls for the given rows. */
    private static Backend countingTransposedPreparations(Backend backend, AtomicInteger calls, long rows) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("prepare") && (boolean) arguments[1] && (long) arguments[2] == rows) {
                        calls.incrementAndGet();
                    }
                    try {
                        return method.invoke(backend, arguments);
                    } catch (InvocationTargetException failure) {
                        throw failure.getCause();
                    }
                });
    }

    /** Loss, predictions and every gradient of one random batch agree (to float32 rounding) between the models. */
    private static void assertSameResults(Sequential split, Sequential whole, int batch) {
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, STEPS, FEATURES).subi(0.5).muli(2);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 3);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 3, 1.0);
        }

        double splitLoss = split.computeGradients(x, y, true);
        double wholeLoss = whole.computeGradients(x, y, true);

        assertThat(splitLoss).isCloseTo(wholeLoss, org.assertj.core.data.Offset.offset(1e-6));
        assertClose("predictions", split.predict(x, batch), whole.predict(x, batch));
        List<Parameter> splitParameters = split.parameters();
        List<Parameter> wholeParameters = whole.parameters();
        for (int i = 0; i < splitParameters.size(); i++) {
            assertClose("gradient of " + splitParameters.get(i).name(), splitParameters.get(i).gradient(),
                    wholeParameters.get(i).gradient());
        }
    }

    private static Sequential model(Backend backend, Cell cell, boolean stacked) {
        Sequential model = new Sequential(backend).seed(5);
        if (stacked) {
            model.add(layer(cell, 24, true));
        }
        model.add(layer(cell, 32, false));
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.build(Shape.of(STEPS, FEATURES));
        model.compile(new CategoricalCrossentropy(), new SGD(0.1));
        return model;
    }

    /** Dropout on the inputs, and on the states where the cell has it. */
    private static dev.rnn4j.api.Layer layer(Cell cell, int units, boolean returnSequences) {
        return switch (cell) {
            case SIMPLE -> SimpleRNN.builder(units).dropout(0.2).returnSequences(returnSequences).build();
            case LSTM -> LSTM.builder(units).dropout(0.2).recurrentDropout(0.3).returnSequences(returnSequences)
                    .build();
            case GRU -> GRU.builder(units).dropout(0.2).recurrentDropout(0.3).returnSequences(returnSequences)
                    .build();
        };
    }

    /** The backend, counting the recurrent passes it runs in {@code parts} parts. */
    private static Backend counting(Backend backend, AtomicInteger splitCalls, int parts) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, arguments) -> {
                    if (method.getName().startsWith("runRecurrence")
                            && ((dev.rnn4j.api.RecurrencePlan) arguments[0]).parts() == parts) {
                        splitCalls.incrementAndGet();
                    }
                    try {
                        return method.invoke(backend, arguments);
                    } catch (InvocationTargetException failure) {
                        throw failure.getCause();
                    }
                });
    }

    private static void assertClose(String what, INDArray actual, INDArray expected) {
        float[] a = actual.dup().data().asFloat();
        float[] e = expected.dup().data().asFloat();
        assertThat(a).as(what + " length").hasSameSizeAs(e);
        double largest = 0;
        for (float value : e) {
            largest = Math.max(largest, Math.abs(value));
        }
        for (int i = 0; i < a.length; i++) {
            assertThat((double) a[i]).as("%s at %d", what, i)
                    .isCloseTo(e[i], org.assertj.core.data.Offset.offset(1e-5 * Math.max(largest, 1e-3)));
        }
    }
}
