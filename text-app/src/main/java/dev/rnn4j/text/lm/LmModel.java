package dev.rnn4j.text.lm;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.rnn4j.api.Backend;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.ModelFile;
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
        String json = ModelFile.readAssets(file).get(LmTrainCommand.ASSET);
        Map<String, Object> asset;
        try {
            asset = json == null ? null : new Gson().fromJson(json, new TypeToken<Map<String, Object>>() { }.getType());
        } catch (JsonParseException malformed) {
            asset = null;
        }
        if (asset == null || !"char-lm".equals(asset.get("kind")) || !(asset.get("vocabulary") instanceof String v)) {
            throw new IllegalArgumentException("--model " + file + ": expected a model written by text-app lm train"
                    + " (with its vocabulary in assets/" + LmTrainCommand.ASSET + "), found "
                    + (json == null ? "no such asset" : "another kind of asset"));
        }
        Sequential model = ModelFile.load(file, backend);
        CharVocabulary vocabulary = CharVocabulary.fromSaved(v);
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
