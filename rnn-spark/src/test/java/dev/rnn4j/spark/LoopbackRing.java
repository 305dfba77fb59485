package dev.rnn4j.spark;

import dev.rnn4j.spark.RingAllReduce.Peer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A ring on loopback, its members as threads of one JVM: what the ring's tests and {@link RingMeasure} run. */
final class LoopbackRing {
    /** What member {@code rank} does with its connected ring. */
    @FunctionalInterface
    interface Member<T> {
        T run(int rank, RingAllReduce ring) throws Exception;
    }

    private LoopbackRing() {
    }

    /**
     * @param size    members
     * @param timeout the ring's timeout for every wait
     * @param wait    how long to wait for each member's result
     * @param member  each member's work
     * @return each member's result, by rank
     * @throws Exception the first member's failure, or a timeout
     */
    static <T> List<T> run(int size, Duration timeout, Duration wait, Member<T> member) throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        List<Peer> peers = new ArrayList<>();
        for (int rank = 0; rank < size; rank++) {
            ServerSocket server = RingAllReduce.listen("127.0.0.1");
            servers.add(server);
            peers.add(new Peer("127.0.0.1", server.getLocalPort()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(size);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int rank = 0; rank < size; rank++) {
                int index = rank;
                futures.add(pool.submit(() -> {
                    try (RingAllReduce ring = RingAllReduce.connect(index, peers, servers.get(index), timeout)) {
                        return member.run(index, ring);
                    }
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(wait.toMillis(), TimeUnit.MILLISECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
