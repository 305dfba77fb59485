package dev.rnn4j.text.classify;

import dev.rnn4j.text.Backends;
import dev.rnn4j.text.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Classifies documents with a trained model: the class and its probability, per document. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Classify documents (--file, or --text)"
        + " with a model from classify train: the class and its probability.")
public final class ClassifyPredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "model.zip of a classify train"
            + " run.")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--file", paramLabel = "FILE", split = ",", description = "Documents to classify (several"
                + " with commas or repeated).")
        List<Path> files;

        @Option(names = "--text", description = "A document given on the command line.")
        String text;
    }

    @Override
    public Integer call() throws IOException {
        List<String> names = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        if (input.text != null) {
            names.add("--text");
            texts.add(input.text);
        } else {
            for (Path file : input.files) {
                if (!Files.isRegularFile(file)) {
                    throw new NoSuchFileException(file.toString(), null, "given to --file; expected a document");
                }
                names.add(file.toString());
                texts.add(TextFiles.readLenient(file, "--file"));
            }
        }
        Classifier.Saved saved = Classifier.load(model, Backends.load());
        List<int[]> encoded = texts.stream().map(saved.tokenizer()::encode).toList();
        double[][] probabilities = Classifier.predict(saved.model(), encoded, saved.classes().size(), 64);
        for (int i = 0; i < names.size(); i++) {
            int best = 0;
            for (int c = 1; c < probabilities[i].length; c++) {
                if (probabilities[i][c] > probabilities[i][best]) {
                    best = c;
                }
            }
            System.out.printf(Locale.ROOT, "%s\t%s\t%.4f%n", names.get(i), saved.classes().get(best),
                    probabilities[i][best]);
        }
        return 0;
    }
}
