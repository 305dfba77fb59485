package dev.rnn4j.spark;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures one all-reduce on loopback, its members as threads of one JVM (docs/distributed.md gives the command):
 * the median over rounds, per member count and array length. Not a test: surefire runs only {@code *Test} classes.
 */
public final class RingMeasure {
    private RingMeasure() {
    }

    /**
     * @param args member counts, comma-separated; array lengths, comma-separated; rounds
     * @throws Exception when the ring fails
     */
    public static void main(String[] args) throws Exception {
        int[] sizes = Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
        int[] lengths = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(args[2]);
        for (int size : sizes) {
            for (int length : lengths) {
                double[] millis = measure(size, length, rounds);
                Arrays.sort(millis);
                System.out.printf(Locale.ROOT, "members %d, floats %,d: median %.2f ms, min %.2f ms (%d rounds)%n",
                        size, length, millis[rounds / 2], millis[0], rounds);
            }
        }
    }

    private static double[] measure(int size, int length, int rounds) throws Exception {
        return LoopbackRing.run(size, Duration.ofMinutes(1), Duration.ofDays(1), (rank, ring) -> {
            float[] values = new float[length];
            Arrays.fill(values, 1.0f / size);
            double[] millis = new double[rounds];
            for (int warm = 0; warm < 5; warm++) {
                ring.allReduce(values);
            }
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                ring.allReduce(values);
                millis[round] = (System.nanoTime() - start) / 1e6;
            }
            return millis;
        }).get(0);
    }
}
