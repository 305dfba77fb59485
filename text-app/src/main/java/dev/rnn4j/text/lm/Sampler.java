package dev.rnn4j.text.lm;

import dev.rnn4j.core.Sequential;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stateful sampling: the prompt runs through the model once, then each new character is one step of one character,
 * the states carried (the prefix is never run again). The same seed gives the same text.
 */
public final class Sampler {
    private Sampler() {
    }

    /** The generated characters (the prompt not included), and the time the new ones took. */
    public record Result(String text, double seconds) {
        public double charsPerSecond() {
            return text.codePointCount(0, text.length()) / Math.max(seconds, 1e-9);
        }
    }

    /**
     * @param model       a character model ({@link CharLm#create})
     * @param vocabulary  its characters
     * @param prompt      the start, known characters only (at least one)
     * @param length      characters to generate
     * @param temperature 0 for the most likely character each time; above 1 flatter, below 1 sharper
     * @param topK        sample among the k likeliest only; 0 for all
     * @param seed        the seed of the sampling
     * @return the new characters
     */
    public static Result generate(Sequential model, CharVocabulary vocabulary, String prompt, int length,
            double temperature, int topK, long seed) {
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("--prompt: expected at least one character to start from, found none");
        }
        int[] ids = vocabulary.encode(prompt, "--prompt");
        CharLm.resetStates(model);
        SplittableRandom random = new SplittableRandom(seed);
        float[] input = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            input[i] = ids[i];
        }
        INDArray probabilities = model.forward(Nd4j.create(input, new long[] {1, ids.length}), false);
        double[] last = probabilities.slice(0).getRow(ids.length - 1).toDoubleVector();
        StringBuilder text = new StringBuilder();
        INDArray step = Nd4j.create(new float[1], new long[] {1, 1});
        long start = System.nanoTime();
        for (int i = 0; i < length; i++) {
            int next = choose(last, temperature, topK, random);
            text.append(vocabulary.character(next));
            if (i + 1 < length) {
                step.putScalar(0, 0, next);
                last = model.forward(step, false).reshape(-1).toDoubleVector();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CharLm.resetStates(model);
        return new Result(text.toString(), seconds);
    }

    /** @return an id drawn from the probabilities, sharpened by the temperature and cut to the k likeliest */
    static int choose(double[] probabilities, double temperature, int topK, SplittableRandom random) {
        int n = probabilities.length;
        if (temperature == 0) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (probabilities[i] > probabilities[best]) {
                    best = i;
                }
            }
            return best;
        }
        double[] weights = new double[n];
        double cut = 0;
        if (topK > 0 && topK < n) {
            double[] sorted = probabilities.clone();
            Arrays.sort(sorted);
            cut = sorted[n - topK];
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double p = probabilities[i];
            weights[i] = p >= cut && p > 0 ? Math.exp(Math.log(p) / temperature) : 0;
            sum += weights[i];
        }
        double draw = random.nextDouble() * sum;
        for (int i = 0; i < n; i++) {
            draw -= weights[i];
            if (draw < 0) {
                return i;
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            if (weights[i] > 0) {
                return i;
            }
        }
        return 0;
    }
}
