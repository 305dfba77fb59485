package dev.rnn4j.text.classify;

import dev.rnn4j.text.Backends;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Scores a trained classifier: on its own test split, or on every document of another folder of the same classes. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Score a model from classify train on"
        + " the test part of its split, or with --all on every document of --data (class folders named as the"
        + " model's classes).")
public final class ClassifyEvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "model.zip of a classify train"
            + " run.")
    Path model;

    @Mixin
    CorpusOptions corpus = new CorpusOptions();

    @Option(names = "--all", description = "Score every document, not only the test part of the run's split.")
    boolean all;

    @Override
    public Integer call() throws IOException {
        Classifier.Saved saved = Classifier.load(model, Backends.load());
        Documents.Corpus read = corpus.read(System.err);
        if (!read.classes().equals(saved.classes())) {
            throw new IllegalArgumentException("--data " + corpus.describe() + ": expected the model's classes "
                    + saved.classes() + " as class folders, found " + read.classes());
        }
        List<Documents.Document> documents = read.documents();
        if (!all) {
            documents = Documents.split(documents, read.classes().size(), saved.number("test_fraction", 0.2),
                    (long) saved.number("seed", 1)).get(1);
        }
        List<int[]> encoded = documents.stream().map(d -> saved.tokenizer().encode(d.text())).toList();
        int[] labels = documents.stream().mapToInt(Documents.Document::label).toArray();
        double[][] probabilities = Classifier.predict(saved.model(), encoded, read.classes().size(), 64);
        System.out.println(corpus.describe() + ", " + (all ? "every document" : "the test part of the split") + ": "
                + documents.size() + " documents");
        ClassifyTrainCommand.report(System.out, Scores.of(labels, probabilities, read.classes().size()),
                read.classes());
        return 0;
    }
}
