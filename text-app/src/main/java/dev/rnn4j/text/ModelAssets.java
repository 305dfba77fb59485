package dev.rnn4j.text;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.rnn4j.core.io.ModelFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;

/** The asset every text-app model file carries: a JSON object saying what the model is and how to feed it. */
public final class ModelAssets {
    /** The asset's name in the model file's {@code assets/}. */
    public static final String ASSET = "text-app.json";

    private ModelAssets() {
    }

    /** @return the assets to save with a model: {@link #ASSET} holding {@code asset} as JSON */
    public static Map<String, String> of(Map<String, Object> asset) {
        return Map.of(ASSET, new Gson().toJson(asset));
    }

    /**
     * @param file     a model file
     * @param kind     the {@code kind} the asset must have
     * @param writer   the command that writes such models, for the message ({@code lm train})
     * @param holds    what the asset holds, for the message ({@code its window and scaling})
     * @param complete whether an asset of that kind has every value its reader needs
     * @return the asset
     * @throws IllegalArgumentException naming the file and the command that writes such models, when it has no such
     *                                  asset or another kind
     * @throws IOException              when the file cannot be read
     */
    public static Map<String, Object> read(Path file, String kind, String writer, String holds,
            Predicate<Map<String, Object>> complete) throws IOException {
        String json = ModelFile.readAssets(file).get(ASSET);
        Map<String, Object> asset;
        try {
            asset = json == null ? null : new Gson().fromJson(json, new TypeToken<Map<String, Object>>() { }.getType());
        } catch (JsonParseException malformed) {
            asset = null;
        }
        if (asset == null || !kind.equals(asset.get("kind")) || !complete.test(asset)) {
            throw new IllegalArgumentException("--model " + file + ": expected a model written by text-app " + writer
                    + " (" + holds + " in assets/" + ASSET + "), found "
                    + (json == null ? "no such asset" : "another kind of asset"));
        }
        return asset;
    }
}
