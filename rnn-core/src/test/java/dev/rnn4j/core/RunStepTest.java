package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Shape;
import dev.rnn4j.backend.cpu.Nd4jCpuBackend;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Sequential} runs every step of its work inside {@link Backend#runStep} (where the CPU backend flushes
 * denormals to zero on the calling thread): training steps, gradients alone, forward passes, predict and evaluate.
 */
class RunStepTest {
    private static final Set<String> COMPUTING = Set.of("gemm", "activation", "activationBackward", "runParts",
            "axpy", "copyTimeMajor");

    @Test
    void everyComputationOfAModelRunsInsideAStep() {
        AtomicInteger steps = new AtomicInteger();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger outside = new AtomicInteger();
        int[] depth = new int[1];
        Backend cpu = new Nd4jCpuBackend(2);
        Backend backend = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class}, (proxy, method, arguments) -> {
                    boolean step = method.getName().equals("runStep");
                    if (step) {
                        steps.incrementAndGet();
                        depth[0]++;
                    } else if (COMPUTING.contains(method.getName())) {
                        (depth[0] > 0 ? inside : outside).incrementAndGet();
                    }
                    try {
                        return method.invoke(cpu, arguments);
                    } catch (InvocationTargetException failure) {
                        throw failure.getCause();
                    } finally {
                        if (step) {
                            depth[0]--;
                        }
                    }
                });
        Sequential model = new Sequential(backend).seed(3);
        model.add(SimpleRNN.builder(8).dropout(0.2).build());
        model.add(new Dense(3));
        model.add(new Activation("softmax"));
        model.build(Shape.of(5, 4));
        model.compile(new CategoricalCrossentropy(), new SGD(0.05), "accuracy");
        INDArray x = Nd4j.rand(DataType.FLOAT, 12, 5, 4);
        INDArray y = Categorical.toCategorical(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, 3);
        outside.set(0);

        model.fit(x, y, new FitOptions().epochs(2).batchSize(4).verbose(0));
        assertThat(steps.get()).as("steps of fit (2 epochs of 3 batches)").isGreaterThanOrEqualTo(6);
        model.computeGradients(x, y, true);
        model.predict(x, 5);
        model.evaluate(x, y, 5, 0);

        assertThat(inside.get()).as("computations inside steps").isGreaterThan(0);
        assertThat(outside.get()).as("computations outside any step").isZero();
        assertThat(depth[0]).as("steps still open").isZero();
    }
}
