package dev.rnn4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class PrefetchTest {
    private static RecordSource records() throws IOException {
        return RecordSource.builder(RecordSet.of(DataTestSupport.vectorFormat(), DataTestSupport.vectorRecords(50)))
                .batchSize(4).shuffleBuffer(8).seed(3).build();
    }

    /** @return the loader threads still alive */
    private static List<Thread> loaders() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(Prefetch.THREAD_NAME_PREFIX) && t.isAlive()).toList();
    }

    @AfterEach
    void noLoaderThreadIsLeft() throws InterruptedException {
        for (Thread thread : loaders()) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(loaders()).isEmpty();
    }

    @Test
    void theSameBatchesAsTheSourceAndResumable() throws IOException {
        RecordSource source = records();
        BatchSource prefetched = source.prefetch(3);
        assertThat(prefetched.batchesPerEpoch()).isEqualTo(source.batchesPerEpoch());
        for (int epoch = 0; epoch < 2; epoch++) {
            assertThat(DataTestSupport.drain(prefetched.open(epoch, 0)))
                    .isEqualTo(DataTestSupport.drain(source.open(epoch, 0)));
            DataTestSupport.assertResumes(prefetched, epoch);
        }
        ArraySource arrays = ArraySource.builder(List.of(Nd4j.arange(30).castTo(DataType.FLOAT).reshape(10, 3)),
                List.of()).batchSize(3).shuffle(4L).build();
        DataTestSupport.assertResumes(arrays.prefetch(1), 0);
    }

    @Test
    void closingEarlyStopsTheThreadEvenWhenItWaitsOnAFullQueue() throws Exception {
        BatchIterator batches = records().prefetch(2).open(0, 0);
        batches.next();
        long waited = System.nanoTime();
        while (loaders().stream().noneMatch(t -> t.getState() == Thread.State.WAITING)
                && System.nanoTime() - waited < TimeUnit.SECONDS.toNanos(10)) {
            Thread.sleep(5);
        }
        assertThat(loaders()).hasSize(1);
        batches.close();
        assertThat(loaders()).isEmpty();
        assertThat(batches.hasNext()).isFalse();
        batches.close();
    }

    @Test
    void manyEpochsLeaveNoThread() throws IOException {
        BatchSource source = records().prefetch(4);
        for (int epoch = 0; epoch < 20; epoch++) {
            try (BatchIterator batches = source.open(epoch, epoch % 5)) {
                if (epoch % 2 == 0) {
                    while (batches.hasNext()) {
                        batches.next();
                    }
                }
            }
        }
        assertThat(loaders()).isEmpty();
    }

    @Test
    void aLoaderFailureReachesTheConsumerAtItsBatchWithTheOriginalCause() {
        IOException disk = new RecordFileException("train.rec: truncated: record 9 is cut short");
        IllegalArgumentException shape = new IllegalArgumentException("records: record 9 has 7 timesteps");
        IllegalStateException other = new IllegalStateException("the loader broke");
        Object[][] cases = {
            {new UncheckedIOException(disk.getMessage(), disk), UncheckedIOException.class, disk},
            {shape, IllegalArgumentException.class, shape},
            {other, IllegalStateException.class, other},
        };
        for (Object[] test : cases) {
            RuntimeException failure = (RuntimeException) test[0];
            BatchSource failing = new Failing(6, 3, failure).prefetch(2);
            try (BatchIterator batches = failing.open(1, 1)) {
                batches.next();
                batches.next();
                assertThatThrownBy(batches::hasNext).isInstanceOf((Class<?>) test[1])
                        .hasMessage("prefetch: building batch 3 of epoch 1 failed: " + failure.getMessage())
                        .hasCause((Throwable) test[2]);
                assertThatThrownBy(batches::next).isInstanceOf((Class<?>) test[1]);
            }
        }
    }

    @Test
    void anErrorOpeningTheSourceIsThrownByOpen() throws IOException {
        BatchSource source = records().prefetch(2);
        assertThatThrownBy(() -> source.open(0, 99)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("first batch: expected 0 to 13");
        assertThatThrownBy(() -> records().prefetch(0)).hasMessage("prefetch depth: expected at least 1, found 0");
    }

    @Test
    void batchesAreBuiltOnTheLoaderThreadAheadOfTheConsumer() throws Exception {
        AtomicInteger built = new AtomicInteger();
        CountDownLatch ahead = new CountDownLatch(3);
        BatchSource source = new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return 5;
            }

            @Override
            public BatchIterator open(int epoch, int first) {
                return new Failing(5, 99, null) {
                    @Override
                    public Batch next() {
                        assertThat(Thread.currentThread().getName()).startsWith(Prefetch.THREAD_NAME_PREFIX);
                        built.incrementAndGet();
                        ahead.countDown();
                        return super.next();
                    }
                }.open(epoch, first);
            }
        };
        try (BatchIterator batches = source.prefetch(3).open(0, 0)) {
            assertThat(ahead.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(built.get()).isBetween(3, 4);
            int count = 0;
            while (batches.hasNext()) {
                batches.next();
                count++;
            }
            assertThat(count).isEqualTo(5);
        }
    }

    /** Yields {@code batches} small batches and throws {@code failure} when asked for batch {@code failAt}. */
    private static class Failing implements BatchSource {
        private final int batches;
        private final int failAt;
        private final RuntimeException failure;
        private int next;

        Failing(int batches, int failAt, RuntimeException failure) {
            this.batches = batches;
            this.failAt = failAt;
            this.failure = failure;
        }

        @Override
        public int batchesPerEpoch() {
            return batches;
        }

        public Batch next() {
            if (next++ == failAt) {
                throw failure;
            }
            return new Batch(List.of(Nd4j.zeros(DataType.FLOAT, 2, 1)), List.of());
        }

        @Override
        public BatchIterator open(int epoch, int first) {
            next = first;
            return new BatchIterator() {
                @Override
                public boolean hasNext() {
                    return next < batches;
                }

                @Override
                public Batch next() {
                    return Failing.this.next();
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
