package dev.rnn4j.text.lm;

import dev.rnn4j.text.Backends;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Generates text from a trained model, one character at a time, the states carried. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text with a model from lm train, one character at a time, states carried.")
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "model.zip of an lm train run.")
    Path model;

    @Option(names = "--prompt", defaultValue = "Call me", description = "The text to start from"
            + " (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--length", defaultValue = "500", description = "Characters to generate (default:"
            + " ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Sampling temperature; 0 takes the likeliest"
            + " character each time (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Sample among the k likeliest characters only;"
            + " 0 for all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the sampling: the same seed, the same text"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (length < 1) {
            throw new IllegalArgumentException("--length: expected at least 1, found " + length);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature: expected 0 or more, found " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k: expected 0 (all) or more, found " + topK);
        }
        LmModel loaded = LmModel.load(model, Backends.load());
        Sampler.Result result = Sampler.generate(loaded.model(), loaded.vocabulary(), prompt, length, temperature,
                topK, seed);
        System.out.println(prompt + result.text());
        System.err.printf(Locale.ROOT, "%d characters in %.2f s: %,.0f characters per second%n", length,
                result.seconds(), result.charsPerSecond());
        return 0;
    }
}
