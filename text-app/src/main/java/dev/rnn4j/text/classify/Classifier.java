package dev.rnn4j.text.classify;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.data.Bucketing;
import dev.rnn4j.core.data.Padding;
import dev.rnn4j.core.data.RecordFormat;
import dev.rnn4j.core.data.RecordSet;
import dev.rnn4j.core.data.RecordSource;
import dev.rnn4j.core.data.SequenceRecord;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Bidirectional;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.Embedding;
import dev.rnn4j.core.layers.GRU;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.losses.BinaryCrossentropy;
import dev.rnn4j.core.losses.SparseCategoricalCrossentropy;
import dev.rnn4j.core.optimizers.Adam;
import dev.rnn4j.text.ModelAssets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The text classifier: {@code Embedding(ids, E, mask_zero) -> Bidirectional(GRU|LSTM(H)) -> Dense(1, sigmoid)} for
 * two classes ({@code Dense(C) -> softmax} for more), documents as padded, masked batches bucketed by length.
 */
public final class Classifier {
    /** Bucket boundaries in tokens: documents of like length share a batch, so little is padding. */
    private static final int[] BOUNDARIES = {32, 64, 128, 192, 256, 320, 400, 512, 768};
    /** Documents are padded to a multiple of this many tokens. */
    static final int LENGTH_STEP = 32;

    private Classifier() {
    }

    /** The model's settings. */
    public record Config(String cell, int units, int embedding, double dropout, double learningRate) {
        public Config {
            if (!cell.equals("lstm") && !cell.equals("gru")) {
                throw new IllegalArgumentException("--cell: expected lstm or gru, found " + cell);
            }
            if (units < 1 || embedding < 1) {
                throw new IllegalArgumentException("--units and --embedding: expected at least 1, found " + units
                        + " and " + embedding);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("--dropout: expected a rate in [0, 1), found " + dropout);
            }
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("--learning-rate: expected a positive number, found "
                        + learningRate);
            }
        }
    }

    /** @return the compiled model */
    public static Sequential create(Backend backend, long seed, int ids, int classes, Config config) {
        Sequential model = new Sequential(backend).seed(seed);
        model.add(new Embedding(ids, config.embedding(), true));
        model.add(new Bidirectional(config.cell().equals("gru")
                ? GRU.builder(config.units()).dropout(config.dropout()).build()
                : LSTM.builder(config.units()).dropout(config.dropout()).build()));
        if (classes == 2) {
            model.add(new Dense(1, ActivationFunction.SIGMOID));
        } else {
            model.add(new Dense(classes));
            model.add(new Activation("softmax"));
        }
        model.build(Shape.of(Shape.ANY));
        model.compile(classes == 2 ? new BinaryCrossentropy() : new SparseCategoricalCrossentropy(),
                new Adam(config.learningRate()), "accuracy");
        return model;
    }

    /**
     * @return the documents as records of ids, labelled, each padded with id 0 (masked by the embedding) to a multiple
     *         of {@link #LENGTH_STEP}: batches then come in a few lengths, not one per longest document, so the
     *         layers' buffers per shape are few
     */
    static RecordSet records(List<int[]> encoded, int[] labels) {
        List<SequenceRecord> records = new ArrayList<>();
        for (int i = 0; i < encoded.size(); i++) {
            int[] ids = encoded.get(i);
            int length = (ids.length + LENGTH_STEP - 1) / LENGTH_STEP * LENGTH_STEP;
            float[] input = new float[length];
            for (int t = 0; t < ids.length; t++) {
                input[t] = ids[t];
            }
            records.add(new SequenceRecord(length, input, new float[] {labels[i]}));
        }
        return RecordSet.of(RecordFormat.ids().withVectorTarget(1), records);
    }

    /** @return shuffled (seeded), length-bucketed training batches */
    static RecordSource training(RecordSet records, int batchSize, long seed) throws IOException {
        return RecordSource.builder(records).shuffle().seed(seed)
                .padding(Padding.post().withLongestInBatch()).bucketing(Bucketing.of(BOUNDARIES, batchSize)).build();
    }

    /**
     * @return each document's class probabilities, {@code [n][classes]}, in the documents' order (they run in
     *         order of length, so that a batch's documents are alike)
     */
    public static double[][] predict(Sequential model, List<int[]> encoded, int classes, int batchSize)
            throws IOException {
        Integer[] order = new Integer[encoded.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> encoded.get(i).length));
        List<int[]> sorted = new ArrayList<>();
        for (Integer i : order) {
            sorted.add(encoded.get(i));
        }
        RecordSet records = records(sorted, new int[sorted.size()]);
        RecordSource source = RecordSource.builder(records).batchSize(batchSize)
                .padding(Padding.post().withLongestInBatch()).build();
        INDArray outputs = model.predict(source);
        double[][] probabilities = new double[encoded.size()][];
        for (int k = 0; k < order.length; k++) {
            double[] row = outputs.getRow(k).toDoubleVector();
            probabilities[order[k]] = classes == 2 ? new double[] {1 - row[0], row[0]} : row;
        }
        return probabilities;
    }

    /** A saved classifier, its classes and tokenizer. */
    public record Saved(Sequential model, List<String> classes, WordTokenizer tokenizer, Map<String, Object> asset) {
        double number(String key, double fallback) {
            return asset.get(key) instanceof Number n ? n.doubleValue() : fallback;
        }
    }

    /**
     * @param file    a model.zip of classify train
     * @param backend the backend
     * @return the model with its classes and tokenizer
     * @throws IOException when it is not such a file
     */
    @SuppressWarnings("unchecked")
    public static Saved load(Path file, Backend backend) throws IOException {
        Map<String, Object> asset = ModelAssets.read(file, "classifier", "classify train",
                "its classes and vocabulary", saved -> saved.get("classes") instanceof List<?>
                        && saved.get("tokens") instanceof List<?> && saved.get("max_tokens") instanceof Number);
        Sequential model = ModelFile.load(file, backend);
        List<String> classes = (List<String>) asset.get("classes");
        return new Saved(model, classes, WordTokenizer.restore((List<String>) asset.get("tokens"),
                ((Number) asset.get("max_tokens")).intValue()),
                asset);
    }
}
