package dev.rnn4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Denormals flushed to zero where the backend computes: inside a step and inside parts, on the calling thread and on
 * the helpers, in MKL's products and in Java arithmetic; the calling thread is IEEE again after the step; the property
 * turns it off and a bad value is an error naming it. Each case runs on a thread of its own, as the flags belong to a
 * thread.
 */
class FlushDenormalsTest {
    /** Not a compile-time constant, so that Java divides at run time, under the thread's flags. */
    private static volatile float smallestNormal = Float.MIN_NORMAL;

    private static float quarterOfSmallestNormal() {
        return smallestNormal / 4f;
    }

    @Test
    void availableOnThisPlatform() {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"));
        assertThat(FlushDenormals.failure()).as("why flushing is unavailable").isNull();
    }

    @Test
    void aStepFlushesOnTheCallingThreadAndPutsItBack() throws Exception {
        assumeTrue(FlushDenormals.failure() == null);
        onOwnThread(() -> {
            Nd4jCpuBackend backend = new Nd4jCpuBackend(2);
            assertThat(quarterOfSmallestNormal()).as("IEEE before the step").isEqualTo(Float.MIN_NORMAL / 4f)
                    .isNotZero();
            float inside = backend.runStep(FlushDenormalsTest::quarterOfSmallestNormal);
            assertThat(inside).as("Java arithmetic inside the step").isZero();
            assertThat(quarterOfSmallestNormal()).as("IEEE again after the step").isNotZero();
            assertThat(backend.describe()).contains("denormals flushed to zero");

            // MKL: a denormal input counts as zero inside a step, and is multiplied as it is outside
            INDArray a = Nd4j.valueArrayOf(new long[] {4, 8}, Float.MIN_NORMAL / 8f, DataType.FLOAT);
            INDArray b = Nd4j.ones(DataType.FLOAT, 8, 4);
            INDArray c = Nd4j.zeros(DataType.FLOAT, 4, 4);
            backend.gemm(a, b, c, false, false, 1.0, 0.0);
            assertThat(c.getFloat(0L, 0L)).as("product outside a step").isEqualTo(Float.MIN_NORMAL);
            backend.runStep(() -> {
                backend.gemm(a, b, c, false, false, 1.0, 0.0);
                return null;
            });
            assertThat(c.getFloat(0L, 0L)).as("product inside a step").isZero();
        });
    }

    @Test
    void everyPartFlushesOnEveryThread() throws Exception {
        assumeTrue(FlushDenormals.failure() == null);
        onOwnThread(() -> {
            Nd4jCpuBackend backend = new Nd4jCpuBackend(3);
            ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();
            float[] results = new float[6];
            backend.runParts(6, part -> {
                threads.add(Thread.currentThread().getName());
                results[part] = quarterOfSmallestNormal();
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // long enough for the helpers to join
            });
            assertThat(results).as("Java arithmetic in each part").containsOnly(0f);
            assertThat(quarterOfSmallestNormal()).as("the calling thread after the parts").isNotZero();
            assertThat(new java.util.HashSet<>(threads)).as("threads that ran parts").hasSizeGreaterThan(1);
        });
    }

    @Test
    void thePropertyKeepsDenormalsAndABadValueNamesIt() throws Exception {
        assumeTrue(FlushDenormals.failure() == null);
        String before = System.getProperty(FlushDenormals.PROPERTY);
        try {
            System.setProperty(FlushDenormals.PROPERTY, "false");
            onOwnThread(() -> {
                Nd4jCpuBackend backend = new Nd4jCpuBackend(2);
                assertThat(backend.runStep(FlushDenormalsTest::quarterOfSmallestNormal)).isNotZero();
                float[] results = new float[2];
                backend.runParts(2, part -> results[part] = quarterOfSmallestNormal());
                assertThat(results[0]).isNotZero();
                assertThat(results[1]).isNotZero();
                assertThat(backend.describe()).contains("denormals kept (rnn4j.flushDenormals=false)");
            });
            System.setProperty(FlushDenormals.PROPERTY, "sometimes");
            assertThatThrownBy(() -> new Nd4jCpuBackend(1).ensureReady())
                    .hasMessageContaining(FlushDenormals.PROPERTY)
                    .hasMessageContaining("true or false")
                    .hasMessageContaining("sometimes");
        } finally {
            if (before == null) {
                System.clearProperty(FlushDenormals.PROPERTY);
            } else {
                System.setProperty(FlushDenormals.PROPERTY, before);
            }
        }
    }

    private interface Check {
        void run() throws Exception;
    }

    private static void onOwnThread(Check check) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                check.run();
            } catch (Throwable thrown) {
                failure.set(thrown);
            }
        });
        thread.start();
        thread.join();
        if (failure.get() instanceof Exception exception) {
            throw exception;
        }
        if (failure.get() instanceof Error error) {
            throw error;
        }
    }
}
