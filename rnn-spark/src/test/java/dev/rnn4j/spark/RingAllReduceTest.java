package dev.rnn4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.spark.RingAllReduce.Peer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ring on loopback, its members as threads of one JVM: sums, odd sizes, and peers that fail. */
class RingAllReduceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Member {@code r} holds {@code values[r]}; returns what each holds after {@code rounds} all-reduces. */
    private static float[][] run(float[][] values, int rounds) throws Exception {
        return LoopbackRing.run(values.length, TIMEOUT, Duration.ofSeconds(60), (rank, ring) -> {
            float[] mine = values[rank].clone();
            for (int round = 0; round < rounds; round++) {
                ring.allReduce(mine);
            }
            return mine;
        }).toArray(float[][]::new);
    }

    private static float[][] ramp(int size, int length) {
        float[][] values = new float[size][length];
        for (int rank = 0; rank < size; rank++) {
            for (int i = 0; i < length; i++) {
                values[rank][i] = (rank + 1) * 0.5f + i * 0.25f;
            }
        }
        return values;
    }

    private static float[] expectedSum(float[][] values) {
        float[] sum = new float[values[0].length];
        for (int i = 0; i < sum.length; i++) {
            double total = 0;
            for (float[] member : values) {
                total += member[i];
            }
            sum[i] = (float) total;
        }
        return sum;
    }

    @Test
    void sumsOverEveryMemberForSizesThatDoNotDivide() throws Exception {
        for (int size : new int[] {1, 2, 3, 4}) {
            for (int length : new int[] {1, 2, 7, 10, 1001}) {
                float[][] values = ramp(size, length);
                float[][] sums = run(values, 1);
                for (int rank = 0; rank < size; rank++) {
                    assertThat(sums[rank]).as("size %d, length %d, rank %d", size, length, rank)
                            .containsExactly(expectedSum(values), org.assertj.core.data.Offset.offset(1e-3f));
                    assertThat(sums[rank]).as("every member ends with the same bits").isEqualTo(sums[0]);
                }
            }
        }
    }

    @Test
    void repeatsRoundsOnOneRingAndMovesLargeArrays() throws Exception {
        float[][] values = ramp(3, 300_001);
        float[][] sums = run(values, 3);
        // Three rounds: the sum of the sums, 3^(rounds - 1) times the sum of the inputs.
        float[] once = expectedSum(values);
        for (int i = 0; i < once.length; i += 9973) {
            assertThat(sums[2][i]).isCloseTo(once[i] * 9, org.assertj.core.data.Percentage.withPercentage(1e-4));
        }
        assertThat(sums[1]).isEqualTo(sums[0]);
    }

    @Test
    void aPeerThatNeverConnectsTimesOutNamingIt() throws Exception {
        ServerSocket mine = RingAllReduce.listen("127.0.0.1");
        // Rank 1 listens (so rank 0's connection succeeds) but never joins: rank 0 waits for it to connect back.
        try (ServerSocket silent = RingAllReduce.listen("127.0.0.1")) {
            List<Peer> peers = List.of(new Peer("127.0.0.1", mine.getLocalPort()),
                    new Peer("127.0.0.1", silent.getLocalPort()));
            long start = System.nanoTime();
            assertThatThrownBy(() -> RingAllReduce.connect(0, peers, mine, Duration.ofMillis(500)))
                    .isInstanceOf(RingException.class)
                    .hasMessage("ring all-reduce, rank 0 of 2: waited 500 ms for rank 1 (127.0.0.1:"
                            + silent.getLocalPort() + ") to connect; it never did");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
        }
    }

    @Test
    void aPeerThatIsNotListeningTimesOutNamingIt() throws Exception {
        ServerSocket mine = RingAllReduce.listen("127.0.0.1");
        int closedPort;
        try (ServerSocket gone = RingAllReduce.listen("127.0.0.1")) {
            closedPort = gone.getLocalPort();
        }
        List<Peer> peers = List.of(new Peer("127.0.0.1", mine.getLocalPort()), new Peer("127.0.0.1", closedPort));
        assertThatThrownBy(() -> RingAllReduce.connect(0, peers, mine, Duration.ofMillis(300)))
                .isInstanceOf(RingException.class)
                .hasMessageStartingWith("ring all-reduce, rank 0 of 2: waited 300 ms to connect to rank 1 (127.0.0.1:"
                        + closedPort + ")")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aPeerLostMidRoundFailsTheOthersNamingIt() throws Exception {
        ServerSocket first = RingAllReduce.listen("127.0.0.1");
        ServerSocket second = RingAllReduce.listen("127.0.0.1");
        List<Peer> peers = List.of(new Peer("127.0.0.1", first.getLocalPort()),
                new Peer("127.0.0.1", second.getLocalPort()));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // Rank 1 joins, then leaves without taking part in the all-reduce.
            Future<?> quitter = pool.submit(() -> {
                RingAllReduce.connect(1, peers, second, TIMEOUT).close();
                return null;
            });
            try (RingAllReduce ring = RingAllReduce.connect(0, peers, first, TIMEOUT)) {
                quitter.get(30, TimeUnit.SECONDS);
                assertThatThrownBy(() -> ring.allReduce(new float[1000]))
                        .isInstanceOf(RingException.class)
                        .hasMessageStartingWith("ring all-reduce, rank 0 of 2: ")
                        .hasMessageContaining("rank 1 (127.0.0.1:" + second.getLocalPort() + ")")
                        .hasMessageNotContaining("\n");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSilentPeerTimesOutNamingItAndTheMessageAwaited() throws Exception {
        ServerSocket first = RingAllReduce.listen("127.0.0.1");
        ServerSocket second = RingAllReduce.listen("127.0.0.1");
        List<Peer> peers = List.of(new Peer("127.0.0.1", first.getLocalPort()),
                new Peer("127.0.0.1", second.getLocalPort()));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<RingAllReduce> silent = pool.submit(() -> RingAllReduce.connect(1, peers, second, TIMEOUT));
            try (RingAllReduce ring = RingAllReduce.connect(0, peers, first, Duration.ofMillis(400));
                    RingAllReduce other = silent.get(30, TimeUnit.SECONDS)) {
                assertThat(other.rank()).isEqualTo(1);
                assertThatThrownBy(() -> ring.allReduce(new float[10]))
                        .isInstanceOf(RingException.class)
                        .hasMessage("ring all-reduce, rank 0 of 2: waited 400 ms for rank 1 (127.0.0.1:"
                                + second.getLocalPort() + ") to send segment 1 of message 0 (reduce-scatter step 1"
                                + " of 1); nothing came");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void parsesPeerAddresses() {
        assertThat(Peer.parse("10.0.0.7:4040")).isEqualTo(new Peer("10.0.0.7", 4040));
        assertThatThrownBy(() -> Peer.parse("10.0.0.7")).hasMessage(
                "peer address: expected host:port, found '10.0.0.7'");
    }
}
