package dev.rnn4j.text.lm;

import dev.rnn4j.text.Backends;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Scores a trained model on a text: nats and bits per character and perplexity, the states carried. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Score a model from lm train on the"
        + " validation part of its text (or on --text, whole with --all): nats, bits per character, perplexity.")
public final class LmEvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "model.zip of an lm train run.")
    Path model;

    @Mixin
    TextOptions source = new TextOptions();

    @Option(names = "--all", description = "Score the whole text, not only its last part (the validation part"
            + " train used).")
    boolean all;

    @Option(names = "--batch-size", paramLabel = "B", description = "Streams read side by side (default: the"
            + " training run's).")
    Integer batchSize;

    @Override
    public Integer call() throws IOException {
        LmModel loaded = LmModel.load(model, Backends.load());
        TextOptions.Text text = source.read(System.err);
        int[] ids = loaded.vocabulary().encode(text.content(), text.source());
        int window = loaded.number("seq_length", 100);
        double fraction = loaded.asset().get("validation_fraction") instanceof Number n ? n.doubleValue() : 0.1;
        int from = all ? 0 : (int) Math.round(ids.length * (1 - fraction));
        int streams = batchSize != null ? batchSize : loaded.number("batch_size", 64);
        if (streams < 1) {
            throw new IllegalArgumentException("--batch-size: expected at least 1, found " + streams);
        }
        streams = Math.max(1, Math.min(streams, (ids.length - from - 1) / window));
        INDArray[] data = CharLm.streams(ids, from, ids.length, streams, window, text.source());
        long start = System.nanoTime();
        double nats = StatefulValidation.score(loaded.model(), data, streams);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s, %s (%,d characters scored in %d streams): %.4f nats per character,"
                + " %.3f bits per character, perplexity %.2f (%.1f s, %,.0f characters per second)%n", text.source(),
                all ? "whole" : "last " + Math.round(fraction * 100) + " %", data[0].length(), streams, nats,
                nats / Math.log(2), Math.exp(nats), seconds, data[0].length() / seconds);
        return 0;
    }
}
