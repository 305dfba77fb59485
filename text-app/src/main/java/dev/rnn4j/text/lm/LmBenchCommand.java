package dev.rnn4j.text.lm;

import dev.rnn4j.api.Backend;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.text.Backends;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Training speed of the language model: characters per second and GFLOP/s of whole training steps (forward,
 * backward, Adam) on the default model or another, measured after a warm-up, the median of the repeats.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure the language model's training speed"
        + " (characters per second, GFLOP/s) at the default size or another.")
public final class LmBenchCommand implements Callable<Integer> {
    @Option(names = "--cell", defaultValue = "gru", description = "gru or lstm (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--layers", defaultValue = "2", description = "Recurrent layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--units", defaultValue = "256", description = "Units (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--embedding", defaultValue = "32", description = "Embedding size (default: ${DEFAULT-VALUE}).")
    int embedding;

    @Option(names = "--vocabulary", defaultValue = "83", description = "Characters (Moby Dick has 83; default:"
            + " ${DEFAULT-VALUE}).")
    int vocabulary;

    @Option(names = "--seq-length", defaultValue = "25", description = "Window (default: ${DEFAULT-VALUE}).")
    int seqLength;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--batches", defaultValue = "60", description = "Batches per repeat (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed repeats (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() {
        if (batches < 1 || repeats < 1 || vocabulary < 2) {
            throw new IllegalArgumentException("--batches and --repeats: expected at least 1, --vocabulary at least 2;"
                    + " found " + batches + ", " + repeats + ", " + vocabulary);
        }
        CharLm.Config config = new CharLm.Config(cell, layers, units, embedding, 0.25, 0.002);
        Backend backend = Backends.load();
        System.out.println(backend.describe());
        Sequential model = CharLm.create(backend, 1, vocabulary, config);
        SplittableRandom random = new SplittableRandom(1);
        int[] ids = random.ints((long) batches * batchSize * seqLength + batchSize + 1, 0, vocabulary).toArray();
        INDArray[] data = CharLm.streams(ids, 0, ids.length, batchSize, seqLength, "bench data");
        FitOptions options = new FitOptions().epochs(1).batchSize(batchSize).shuffle(false).verbose(0);
        model.fit(data[0], data[1], options);
        double[] rates = new double[repeats];
        double flops = config.trainFlopsPerChar(vocabulary);
        for (int r = 0; r < repeats; r++) {
            CharLm.resetStates(model);
            long start = System.nanoTime();
            model.fit(data[0], data[1], new FitOptions().epochs(1).batchSize(batchSize).shuffle(false).verbose(0));
            double seconds = (System.nanoTime() - start) / 1e9;
            rates[r] = data[0].length() / seconds;
            System.out.printf(Locale.ROOT, "repeat %d: %,.0f characters per second, %.1f GFLOP/s%n", r + 1, rates[r],
                    rates[r] * flops / 1e9);
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        double median = sorted[repeats / 2];
        System.out.printf(Locale.ROOT, "%s(%d) x %d, embedding %d, vocabulary %d, windows of %d, batch %d: median"
                + " %,.0f characters per second, %.1f GFLOP/s (%.2f MFLOP per character: forward, backward, Adam)%n",
                cell.toUpperCase(Locale.ROOT), units, layers, embedding, vocabulary, seqLength, batchSize, median,
                median * flops / 1e9, flops / 1e6);
        return 0;
    }
}
