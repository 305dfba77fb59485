package dev.rnn4j.text.lm;

import dev.rnn4j.api.Backend;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.ModelFile;
import dev.rnn4j.text.ModelAssets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A saved language model and the vocabulary in its assets. */
public record LmModel(Sequential model, CharVocabulary vocabulary, Map<String, Object> asset) {
    /**
     * @param file    a {@code model.zip} written by {@code lm train}
     * @param backend the backend
     * @return the model and its vocabulary
     * @throws IOException when the file is not a model of lm train
     */
    public static LmModel load(Path file, Backend backend) throws IOException {
        Map<String, Object> asset = ModelAssets.read(file, "char-lm", "lm train", "with its vocabulary",
                saved -> saved.get("vocabulary") instanceof String);
        Sequential model = ModelFile.load(file, backend);
        CharVocabulary vocabulary = CharVocabulary.fromSaved((String) asset.get("vocabulary"));
        if (model.outputShape().last() != vocabulary.size()) {
            throw new IllegalArgumentException("--model " + file + ": the model has " + model.outputShape().last()
                    + " outputs but its vocabulary " + vocabulary.size() + " characters");
        }
        return new LmModel(model, vocabulary, asset);
    }

    int number(String key, int fallback) {
        return asset.get(key) instanceof Number number ? number.intValue() : fallback;
    }
}
