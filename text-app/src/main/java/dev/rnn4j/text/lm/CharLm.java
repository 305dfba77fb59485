package dev.rnn4j.text.lm;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.Dropout;
import dev.rnn4j.core.layers.Embedding;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.layers.RNN;
import dev.rnn4j.core.losses.SparseCategoricalCrossentropy;
import dev.rnn4j.core.optimizers.Adam;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The character language model: {@code Embedding(V, E) -> (GRU|LSTM(H, return_sequences, stateful) -> Dropout) x
 * layers -> Dense(V) -> softmax} (dropout on the recurrent layers' outputs, as Zaremba et al. regularise language
 * models, the recurrent connections left alone), sparse categorical cross-entropy, Adam with gradient clipping; timesteps free (Keras's
 * {@code None}), so the trained model samples one character at a time. The text goes in as {@code batch} contiguous
 * streams: sample {@code j * batch + i} is window {@code j} of stream {@code i}, so with shuffling off each row of a
 * batch continues the row of the batch before, and the stateful layers carry their states across windows.
 */
public final class CharLm {
    /** Gradients clipped to this norm each step, as char-rnn and Keras's text-generation examples do. */
    static final double CLIPNORM = 5.0;

    private CharLm() {
    }

    /** The model's settings. */
    public record Config(String cell, int layers, int units, int embedding, double dropout, double learningRate) {
        public Config {
            if (!cell.equals("lstm") && !cell.equals("gru")) {
                throw new IllegalArgumentException("--cell: expected lstm or gru, found " + cell);
            }
            if (layers < 1 || units < 1 || embedding < 1) {
                throw new IllegalArgumentException("--layers, --units, --embedding: expected at least 1, found "
                        + layers + ", " + units + ", " + embedding);
            }
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("--learning-rate: expected a positive number, found "
                        + learningRate);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("--dropout: expected a rate in [0, 1), found " + dropout);
            }
        }

        /** @return floating-point operations per character of one training step (forward, backward: 3x forward) */
        public double trainFlopsPerChar(int vocabulary) {
            int gates = cell.equals("lstm") ? 4 : 3;
            double forward = 0;
            int in = embedding;
            for (int l = 0; l < layers; l++) {
                forward += 2.0 * (in + units) * gates * units;
                in = units;
            }
            forward += 2.0 * units * vocabulary;
            return 3 * forward;
        }
    }

    /**
     * @param backend    the backend
     * @param seed       the seed of the weights
     * @param vocabulary characters known
     * @param config     the settings
     * @return the compiled model
     */
    public static Sequential create(Backend backend, long seed, int vocabulary, Config config) {
        Sequential model = new Sequential(backend).seed(seed);
        model.add(new Embedding(vocabulary, config.embedding()));
        for (int l = 0; l < config.layers(); l++) {
            model.add(config.cell().equals("gru")
                    ? GRU.builder(config.units()).returnSequences(true).stateful(true).build()
                    : LSTM.builder(config.units()).returnSequences(true).stateful(true).build());
            if (config.dropout() > 0) {
                model.add(new Dropout(config.dropout()));
            }
        }
        model.add(new Dense(vocabulary));
        model.add(new Activation("softmax"));
        model.build(Shape.of(Shape.ANY));
        Adam adam = new Adam(config.learningRate());
        adam.clipnorm(CLIPNORM);
        model.compile(new SparseCategoricalCrossentropy(), adam);
        return model;
    }

    /** @return the model's stateful recurrent layers */
    public static List<RNN> recurrentLayers(Sequential model) {
        List<RNN> layers = new ArrayList<>();
        for (Layer layer : model.layers()) {
            if (layer instanceof RNN rnn) {
                layers.add(rnn);
            }
        }
        return layers;
    }

    /** Forgets the carried states: the next batch starts each stream from zeros. */
    public static void resetStates(Sequential model) {
        recurrentLayers(model).forEach(RNN::resetStates);
    }

    /**
     * @param ids    the text as ids
     * @param from   first position
     * @param to     end position (exclusive)
     * @param batch  streams
     * @param window characters per window
     * @return {@code {x, y}}, {@code [windows * batch, window]} each, y the next character of x
     * @throws IllegalArgumentException when the part is too short for one window per stream
     */
    public static INDArray[] streams(int[] ids, int from, int to, int batch, int window, String part) {
        int length = (to - from - 1) / batch;
        int windows = length / window;
        if (windows < 1) {
            throw new IllegalArgumentException(part + ": expected at least " + ((long) batch * window + 1)
                    + " characters for " + batch + " streams of one " + window + "-character window, found "
                    + (to - from) + "; give a longer text, or a smaller --batch-size or --seq-length");
        }
        float[] x = new float[windows * batch * window];
        float[] y = new float[x.length];
        for (int j = 0; j < windows; j++) {
            for (int i = 0; i < batch; i++) {
                int source = from + i * length + j * window;
                int target = (j * batch + i) * window;
                for (int t = 0; t < window; t++) {
                    x[target + t] = ids[source + t];
                    y[target + t] = ids[source + t + 1];
                }
            }
        }
        long[] shape = {(long) windows * batch, window};
        return new INDArray[] {Nd4j.create(x, shape), Nd4j.create(y, shape)};
    }
}
