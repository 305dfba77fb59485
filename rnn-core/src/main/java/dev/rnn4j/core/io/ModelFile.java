package dev.rnn4j.core.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Loss;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Sequential;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Saves and loads a {@link Sequential} model as one zip file that NumPy and Keras users can read without rnn4j
 * (docs/model-format.md):
 * <pre>
 * config.json                          the model: format, input shape, seed, layers and their configs, compile settings
 * weights/&lt;layer&gt;/&lt;parameter&gt;.npy     one float32 C-order .npy per parameter, Keras's names and shapes
 * assets/&lt;name&gt;                       optional: an application's files for the model (its vocabulary, say)
 * </pre>
 *
 * <p>Saving writes a temporary file in the target's folder and moves it over the target (atomically where the file
 * system can), so an existing model is never lost or half-written; on failure the temporary file is deleted.
 *
 * <p>Loading rebuilds the layers through {@link LayerRegistry}, builds the model with the saved input shape and seed,
 * copies the weights in (checking each one's shape) and compiles it again when the file has a {@code compile} section,
 * the loss and optimizer rebuilt through {@link Registry#LOSSES} and {@link Registry#OPTIMIZERS}.
 * Weight entries under {@code weights/} that belong to no parameter are rejected (they mean the config and the weights
 * disagree); other extra entries are ignored. Before building, it refuses layers that declare more float32 weights
 * than the file could hold (1032 times its size, deflate's best ratio), so a forged config cannot make it allocate
 * more. Every problem with the file is a {@link ModelFileException} whose one-line message names the file, the entry,
 * what was expected and what was found.
 *
 * <p>The format stores weights and settings, not training state: optimizer state (momentum velocities, iteration
 * count) and the random generator's position are not saved here, but in a checkpoint ({@link Checkpoints}), which is a
 * model file with that state added. Weights are stored as float32 whatever the model's type; a loaded model is
 * float32. {@link #importWeights} reads the weights of a NumPy {@code .npz} (from Keras).
 */
public final class ModelFile {
    /** The value of {@code format} in {@code config.json}. */
    public static final String FORMAT = "rnn4j-model";
    /** The newest {@code format_version} this rnn4j writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** The entry holding the model's description. */
    public static final String CONFIG_ENTRY = "config.json";
    /** The folder of the weight entries. */
    public static final String WEIGHTS_FOLDER = "weights/";
    /** The folder of the files an application keeps with its model (a vocabulary, a scaler), as Keras's assets. */
    public static final String ASSETS_FOLDER = "assets/";
    /** The largest {@code config.json} accepted. */
    static final int MAX_CONFIG_BYTES = 16 << 20;
    /** Deflate's best compression ratio: a zip of n bytes holds at most this many times n bytes of data. */
    static final long MAX_DEFLATE_RATIO = 1032;
    /** Zip entries get this fixed time, so saving the same model twice gives the same bytes. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2020, 1, 1, 0, 0);
    /** Nulls are written: a config's {@code "kernel_regularizer": null} is Keras's form for "none". */
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .create();

    private ModelFile() {
    }

    /**
     * Reads a zip entry holding a JSON object, at most {@code maxBytes} long; checkpoints use it too.
     *
     * @param zip      the open zip
     * @param entry    the entry
     * @param maxBytes the largest entry accepted (bounds the allocation for forged files)
     * @param error    makes the exception for a problem, naming the file and entry
     * @return the object
     * @throws ModelFileException when the entry cannot be read, is too long, or is not a JSON object
     */
    static JsonObject readJsonObject(java.util.zip.ZipFile zip, ZipEntry entry, int maxBytes,
            java.util.function.BiFunction<String, Throwable, ModelFileException> error) throws ModelFileException {
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (IOException | RuntimeException e) {
            throw error.apply("cannot read the entry (corrupt zip?): " + e.getMessage(), e);
        }
        if (bytes.length > maxBytes) {
            throw error.apply("expected at most " + maxBytes + " bytes, found more", null);
        }
        JsonElement json;
        try {
            json = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw error.apply("expected JSON, found a syntax error: " + e.getMessage(), e);
        }
        if (!json.isJsonObject()) {
            throw error.apply("expected a JSON object, found " + abbreviate(json), null);
        }
        return json.getAsJsonObject();
    }

    /**
     * @param layerName     the layer's name
     * @param parameterName the parameter's name
     * @return the zip entry of the parameter's weights: {@code weights/<layer>/<parameter>.npy}
     */
    public static String weightEntry(String layerName, String parameterName) {
        return WEIGHTS_FOLDER + layerName + "/" + parameterName + ".npy";
    }

    // ------------------------------------------------------------------------------------------------------ save

    /**
     * Saves a built model, replacing {@code path} if it exists. The file is complete or untouched: it is written to
     * a temporary file in the same folder, then moved over {@code path}.
     *
     * @param model a built model
     * @param path  the model file, conventionally {@code *.zip}
     * @throws IllegalStateException    when the model is not built (nothing is written)
     * @throws IllegalArgumentException when a layer or parameter name cannot be a zip folder name (nothing is written)
     * @throws IOException              when writing fails; the old file, if any, is left as it was
     */
    public static void save(Sequential model, Path path) throws IOException {
        save(model, path, Map.of());
    }

    /**
     * Saves a model with assets: text files an application needs to use the model (its vocabulary, its scaling), kept
     * as {@code assets/<name>} in the same zip and read back with {@link #readAssets}; {@link #load} ignores them.
     *
     * @param model  a built model
     * @param path   the model file
     * @param assets file name to UTF-8 content; names as {@link #checkEntryName} allows
     * @throws IOException when writing fails; the old file, if any, is left as it was
     */
    public static void save(Sequential model, Path path, Map<String, String> assets) throws IOException {
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(path, "path is null");
        checkSavable(model, path, "save");
        assets.keySet().forEach(name -> checkEntryName(path, "asset name", name));
        writeAtomically(path, zip -> {
            writeModel(model, zip);
            for (Map.Entry<String, String> asset : new java.util.TreeMap<>(assets).entrySet()) {
                putEntry(zip, ASSETS_FOLDER + asset.getKey());
                zip.write(asset.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        });
    }

    /**
     * @param path a model file
     * @return its assets ({@link #save(Sequential, Path, Map)}), by file name; empty when it has none
     * @throws ModelFileException when the file is not a zip
     * @throws IOException        when reading fails
     */
    public static Map<String, String> readAssets(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no model file here");
        }
        Map<String, String> assets = new java.util.TreeMap<>();
        try (ZipFile zip = openZip(path, "a model file (a zip written by ModelFile.save)")) {
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.startsWith(ASSETS_FOLDER) && !entry.isDirectory() && name.length() > ASSETS_FOLDER.length()) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        assets.put(name.substring(ASSETS_FOLDER.length()),
                                new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return assets;
    }

    /**
     * Checks, before anything is written, that a model can be saved.
     *
     * @param model     the model
     * @param path      the file it goes to, for messages
     * @param operation {@code save} or {@code checkpoint}, for messages
     */
    static void checkSavable(Sequential model, Path path, String operation) {
        if (!model.isBuilt()) {
            throw new IllegalStateException(operation + " " + path + ": the model is not built; build it"
                    + " (model.build(shape)) or fit it before saving");
        }
        for (Layer layer : model.layers()) {
            checkEntryName(path, "layer name", layer.name());
            for (Parameter parameter : layer.parameters()) {
                // a wrapper's parameters are named by sub-layer: forward_lstm/kernel
                for (String segment : parameter.name().split("/", -1)) {
                    checkEntryName(path, "parameter name of layer " + layer.name(), segment);
                }
            }
        }
    }

    /** Writes the entries of a zip. */
    @FunctionalInterface
    interface ZipContent {
        /**
         * @param zip the zip being written; entries are added with {@link #putEntry}
         * @throws IOException when writing fails
         */
        void write(ZipOutputStream zip) throws IOException;
    }

    /**
     * Writes a zip the safe way, through {@link AtomicFiles}: a temporary file in the target's folder, flushed to
     * disk, then moved over the target. On any failure an existing target is left as it was.
     *
     * @param path    the target
     * @param content writes the entries
     * @throws FileWriteException when the file system fails (naming {@code path}, never the temporary file)
     * @throws IOException        what {@code content} throws of its own
     */
    static void writeAtomically(Path path, ZipContent content) throws IOException {
        AtomicFiles.write(path, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            // Float weights and a checkpoint's shuffle order barely compress (5-8 %): the fastest level keeps a
            // checkpoint after every epoch cheap.
            zip.setLevel(Deflater.BEST_SPEED);
            content.write(zip);
            zip.finish();
        });
    }

    /**
     * Writes a model's entries, {@code config.json} and {@code weights/...}, into a zip being written.
     *
     * @param model a built model, checked by {@link #checkSavable}
     * @param zip   the zip
     * @throws IOException when writing fails
     */
    static void writeModel(Sequential model, ZipOutputStream zip) throws IOException {
        byte[] config = GSON.toJson(config(model)).concat("\n").getBytes(StandardCharsets.UTF_8);
        putEntry(zip, CONFIG_ENTRY);
        zip.write(config);
        zip.closeEntry();
        for (Layer layer : model.layers()) {
            for (Parameter parameter : layer.parameters()) {
                putEntry(zip, weightEntry(layer.name(), parameter.name()));
                Npy.write(zip, parameter.value());
                zip.closeEntry();
            }
        }
    }

    /**
     * Starts an entry with the fixed timestamp, so the same content gives the same bytes.
     *
     * @param zip  the zip
     * @param name the entry's name
     * @throws IOException when writing fails
     */
    static void putEntry(ZipOutputStream zip, String name) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
    }

    static void checkEntryName(Path path, String what, String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.contains("\\") || name.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("save " + path + ": " + what + " '" + name + "' cannot name a zip"
                    + " folder: expected no '/', '\\' or control characters, and not '.' or '..'");
        }
    }

    private static JsonObject config(Sequential model) {
        JsonObject config = new JsonObject();
        config.addProperty("format", FORMAT);
        config.addProperty("format_version", FORMAT_VERSION);
        config.addProperty("class_name", "Sequential");
        JsonArray inputShape = new JsonArray();
        for (int dim : model.inputShape().dims()) {
            if (dim == Shape.ANY) {
                inputShape.add(JsonNull.INSTANCE); // Keras's None: each batch sets it
            } else {
                inputShape.add(dim);
            }
        }
        config.add("input_shape", inputShape);
        config.addProperty("seed", model.seed());
        JsonArray layers = new JsonArray();
        for (Layer layer : model.layers()) {
            JsonObject entry = new JsonObject();
            entry.addProperty("class_name", layer.typeName());
            entry.addProperty("name", layer.name());
            entry.add("config", GSON.toJsonTree(layer.config()));
            layers.add(entry);
        }
        config.add("layers", layers);
        Loss loss = model.loss();
        Optimizer optimizer = model.optimizer();
        if (loss != null && optimizer != null) {
            JsonObject compile = new JsonObject();
            Map<String, Object> lossConfig = loss.config();
            if (lossConfig == null || lossConfig.isEmpty()) {
                // A plain name, as Keras writes a loss without arguments and as older rnn4j versions read it.
                compile.addProperty("loss", loss.name());
            } else {
                compile.add("loss", namedConfig(loss.name(), lossConfig));
            }
            compile.add("optimizer", namedConfig(optimizer.name(), optimizer.config()));
            JsonArray metrics = new JsonArray();
            model.metrics().forEach(metrics::add);
            compile.add("metrics", metrics);
            config.add("compile", compile);
        }
        return config;
    }

    private static JsonObject namedConfig(String className, Map<String, Object> config) {
        JsonObject entry = new JsonObject();
        entry.addProperty("class_name", className);
        entry.add("config", GSON.toJsonTree(config));
        return entry;
    }

    // ------------------------------------------------------------------------------------------------------ load

    /**
     * Loads a model saved by {@link #save}: a built float32 model with the saved layers, names, input shape, seed and
     * weights, compiled again when it was compiled.
     *
     * @param path    the model file
     * @param backend the backend the model computes with
     * @return the model
     * @throws NoSuchFileException when the file does not exist
     * @throws ModelFileException  naming the file, the entry and the problem, when the file is not a valid model file
     * @throws IOException         when reading fails
     */
    public static Sequential load(Path path, Backend backend) throws IOException {
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(backend, "backend is null");
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no model file here");
        }
        if (Files.isDirectory(path)) {
            throw new ModelFileException(path + ": expected a model file (a zip), found a folder");
        }
        try (ZipFile zip = openZip(path, "a model file (a zip written by ModelFile.save)")) {
            return new Loader(path, zip, backend).load();
        }
    }

    /**
     * Opens a zip and checks its directory, so that a corrupt one fails here, with a message naming the file, and not
     * later with an exception of another kind: {@link ZipFile} reports some corrupt directories as an
     * {@link java.io.EOFException}, and an entry name that is not valid UTF-8 as an {@link IllegalArgumentException}
     * from the first {@code getEntry} that meets it (both found by fuzzing).
     *
     * @param path     the file
     * @param expected what the file should be, for the message
     * @return the open zip, every entry name readable
     * @throws ModelFileException when the file is not a zip, is truncated or has a corrupt directory
     * @throws IOException        when reading fails
     */
    static ZipFile openZip(Path path, String expected) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException | EOFException e) {
            throw new ModelFileException(path + ": expected " + expected + ", found a file that is not a zip or is"
                    + " truncated (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")",
                    e);
        }
        try {
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
                entries.nextElement();
            }
        } catch (IllegalArgumentException e) {
            try {
                zip.close();
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw new ModelFileException(path + ": expected " + expected + ", found a corrupt zip directory (an entry"
                    + " name is not valid UTF-8: " + e.getMessage() + ")", e);
        }
        return zip;
    }

    // ----------------------------------------------------------------------------------------------- import

    /**
     * Copies weights from a NumPy {@code .npz} file ({@code numpy.savez}) into a built model: the way to bring over a
     * model trained in Keras (docs/model-format.md shows the Python side). Two layouts are accepted:
     * <ul>
     *   <li>named: one array per parameter, named {@code <layer>/<parameter>}
     *   ({@code np.savez(f, **{"simple_rnn/kernel": k, ...})} writes the entry {@code simple_rnn/kernel.npy}); every
     *   parameter of the model must be there, and nothing else;</li>
     *   <li>positional: {@code arr_0, arr_1, ...} as {@code np.savez(f, *keras_model.get_weights())} writes them, one
     *   per parameter in the model's order (layers in order, each layer's parameters in Keras's order).</li>
     * </ul>
     * Shapes must be Keras's (no transposes). float32 and float64 arrays are accepted. Every array is read and checked
     * before any weight changes: on an error the model is left as it was.
     *
     * @param model a built model
     * @param npz   the {@code .npz} file
     * @throws NoSuchFileException when the file does not exist
     * @throws ModelFileException  naming the file and entry, what was expected and what was found: not a zip, a
     *                             missing, extra or malformed array, a shape that differs
     * @throws IOException         when reading fails
     */
    public static void importWeights(Sequential model, Path npz) throws IOException {
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(npz, "npz is null");
        if (!model.isBuilt()) {
            throw new IllegalStateException("importWeights " + npz + ": the model is not built; build it first"
                    + " (model.build(shape))");
        }
        if (!Files.exists(npz)) {
            throw new NoSuchFileException(npz.toString(), null, "no .npz file here");
        }
        if (Files.isDirectory(npz)) {
            throw new ModelFileException(npz + ": expected a .npz file (a zip of .npy arrays), found a folder");
        }
        try (ZipFile zip = openZip(npz, "a .npz file (a zip of .npy arrays, as numpy.savez writes)")) {
            List<String> names = new ArrayList<>();
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                if (entry.isDirectory()) {
                    continue;
                }
                if (!entry.getName().endsWith(".npy")) {
                    throw new ModelFileException(npz + ", entry " + entry.getName() + ": expected only .npy arrays"
                            + " (as numpy.savez writes), found another file");
                }
                names.add(entry.getName().substring(0, entry.getName().length() - ".npy".length()));
            }
            List<Layer> owners = new ArrayList<>();
            List<Parameter> parameters = new ArrayList<>();
            for (Layer layer : model.layers()) {
                for (Parameter parameter : layer.parameters()) {
                    owners.add(layer);
                    parameters.add(parameter);
                }
            }
            boolean positional = !names.isEmpty() && names.stream().allMatch(name -> name.matches("arr_\\d+"));
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < parameters.size(); i++) {
                keys.add(positional ? "arr_" + i : owners.get(i).name() + "/" + parameters.get(i).name());
            }
            Set<String> expected = new LinkedHashSet<>(keys);
            List<String> missing = keys.stream().filter(key -> !names.contains(key)).toList();
            List<String> extra = names.stream().filter(name -> !expected.contains(name)).toList();
            if (!missing.isEmpty() || !extra.isEmpty()) {
                throw new ModelFileException(npz + ": expected " + (positional ? "the arrays arr_0 to arr_"
                        + (keys.size() - 1) + " (one per parameter, in the model's order)" : "one array per"
                        + " parameter named <layer>/<parameter>") + "; " + (missing.isEmpty() ? ""
                        : "missing " + abbreviate(missing) + (extra.isEmpty() ? "" : ", ")) + (extra.isEmpty() ? ""
                        : "found arrays that belong to no parameter: " + abbreviate(extra))
                        + "; the model's parameters: " + abbreviate(keys.stream().map(key -> key + " "
                        + Arrays.toString(parameters.get(keys.indexOf(key)).shape())).toList()));
            }
            List<float[]> values = new ArrayList<>();
            for (int i = 0; i < parameters.size(); i++) {
                values.add(readArray(npz, zip, keys.get(i) + ".npy", owners.get(i), parameters.get(i)));
            }
            for (int i = 0; i < parameters.size(); i++) {
                Parameter parameter = parameters.get(i);
                parameter.value().assign(Nd4j.create(values.get(i), parameter.shape(), 'c')
                        .castTo(parameter.value().dataType()));
            }
        }
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 6 ? names.toString()
                : names.subList(0, 6).toString().replaceFirst("]$", ", ... (" + names.size() + " in all)]");
    }

    /**
     * Reads one float array of a zip, checking its shape against a parameter's before the data.
     */
    static float[] readArray(Path file, ZipFile zip, String entryName, Layer layer, Parameter parameter)
            throws IOException {
        String source = file + ", entry " + entryName;
        ZipEntry entry = zip.getEntry(entryName);
        try (InputStream in = new BufferedInputStream(zip.getInputStream(entry), 1 << 16)) {
            Npy.Header header = Npy.readHeader(in, -1, source);
            if (!Arrays.equals(header.shape(), parameter.shape())) {
                throw new ModelFileException(source + ": shape: expected " + Arrays.toString(parameter.shape())
                        + " for the " + parameter.name() + " of layer " + layer.name() + " (" + layer.typeName()
                        + "), found " + Arrays.toString(header.shape()));
            }
            Npy.checkDataLength(header, entry.getSize(), source);
            return Npy.readData(in, header, entry.getSize(), source);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFileException(source + ": cannot read the entry (corrupt zip?): " + e.getMessage(), e);
        }
    }

    /** The state of one load, for messages that name the file and the entry. */
    private static final class Loader {
        private final Path path;
        private final ZipFile zip;
        private final Backend backend;

        Loader(Path path, ZipFile zip, Backend backend) {
            this.path = path;
            this.zip = zip;
            this.backend = backend;
        }

        Sequential load() throws IOException {
            JsonObject config = readConfig();
            checkFormat(config);
            int[] inputShape = inputShape(config);
            long seed = longValue(config, "seed");
            Sequential model = new Sequential(backend).seed(seed);
            JsonArray layers = array(config, "layers");
            if (layers.isEmpty()) {
                throw configError("layers: expected at least one layer, found none");
            }
            for (int i = 0; i < layers.size(); i++) {
                Layer layer = layer(layers.get(i), i);
                try {
                    model.add(layer);
                } catch (RuntimeException e) {
                    throw configError("layers[" + i + "] '" + layer.name() + "': " + e.getMessage(), e);
                }
            }
            checkParameterCount(model, inputShape);
            try {
                model.build(Shape.of(inputShape));
            } catch (RuntimeException e) {
                throw configError("input_shape " + Arrays.toString(inputShape) + " does not fit the layers: "
                        + e.getMessage(), e);
            }
            readWeights(model);
            if (config.has("compile") && !config.get("compile").isJsonNull()) {
                compile(model, object(config, "compile", "compile"));
            }
            return model;
        }

        /**
         * Refuses, before anything is allocated, a config whose layers would hold more float32 weights than the zip
         * can contain: deflate compresses at most 1032:1, so the weight entries of a file of {@code n} bytes hold at
         * most {@code 1032 n} bytes. A legitimate file always passes; a forged {@code units} cannot make the model
         * allocate more than that.
         */
        private void checkParameterCount(Sequential model, int[] inputShape) throws IOException {
            long fileBytes = Files.size(path);
            long limit = MAX_DEFLATE_RATIO * Math.max(fileBytes, 1) / Float.BYTES;
            long count = 0;
            Shape shape;
            try {
                shape = Shape.of(inputShape);
                for (Layer layer : model.layers()) {
                    long layerCount = layer.countParams(shape);
                    if (layerCount < 0) {
                        throw new IllegalArgumentException("layer " + layer.name() + " declares " + layerCount
                                + " parameters");
                    }
                    count = Math.addExact(count, layerCount);
                    shape = layer.outputShape(shape);
                }
            } catch (ArithmeticException e) {
                throw configError("the layers declare more than " + Long.MAX_VALUE + " parameters", e);
            } catch (RuntimeException e) {
                throw configError("input_shape " + Arrays.toString(inputShape) + " does not fit the layers: "
                        + e.getMessage(), e);
            }
            if (count > limit) {
                throw configError("the layers declare " + count + " float32 parameters, more than a file of "
                        + fileBytes + " bytes can hold (at most " + limit + " at deflate's best ratio of "
                        + MAX_DEFLATE_RATIO + ":1); the config is corrupt");
            }
        }

        private JsonObject readConfig() throws IOException {
            ZipEntry entry = zip.getEntry(CONFIG_ENTRY);
            if (entry == null || entry.isDirectory()) {
                throw new ModelFileException(path + ", entry " + CONFIG_ENTRY + ": missing; expected the model's"
                        + " description (a file saved by ModelFile.save has it), found entries " + entryNames(8));
            }
            if (entry.getSize() > MAX_CONFIG_BYTES) {
                throw configError("expected at most " + MAX_CONFIG_BYTES + " bytes, found " + entry.getSize());
            }
            return readJsonObject(zip, entry, MAX_CONFIG_BYTES, this::configError);
        }

        private void checkFormat(JsonObject config) throws ModelFileException {
            JsonElement format = config.get("format");
            if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString())) {
                throw configError("format: expected '" + FORMAT + "', found " + abbreviate(format)
                        + "; not an rnn4j model file");
            }
            JsonElement version = config.get("format_version");
            long formatVersion = integer(version, "format_version");
            if (formatVersion > FORMAT_VERSION) {
                throw configError("format_version " + formatVersion + " was written by a newer rnn4j; this rnn4j reads"
                        + " format_version " + FORMAT_VERSION + " and older: upgrade rnn4j to load it");
            }
            if (formatVersion < 1) {
                throw configError("format_version: expected 1 to " + FORMAT_VERSION + ", found " + formatVersion);
            }
            String className = string(config, "class_name", "class_name");
            if (!"Sequential".equals(className)) {
                throw configError("class_name: expected 'Sequential', found '" + className + "'");
            }
        }

        private int[] inputShape(JsonObject config) throws ModelFileException {
            JsonArray shape = array(config, "input_shape");
            if (shape.isEmpty()) {
                throw configError("input_shape: expected at least one dimension, found []");
            }
            int[] dims = new int[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                if (shape.get(i).isJsonNull()) {
                    dims[i] = Shape.ANY;
                    continue;
                }
                long dim = integer(shape.get(i), "input_shape[" + i + "]");
                if (dim < 1 || dim > Integer.MAX_VALUE) {
                    throw configError("input_shape[" + i + "]: expected a positive integer or null (a size each"
                            + " batch sets), found " + dim);
                }
                dims[i] = (int) dim;
            }
            return dims;
        }

        private Layer layer(JsonElement element, int index) throws ModelFileException {
            String where = "layers[" + index + "]";
            if (element == null || !element.isJsonObject()) {
                throw configError(where + ": expected an object {class_name, name, config}, found "
                        + abbreviate(element));
            }
            JsonObject spec = element.getAsJsonObject();
            String typeName = string(spec, "class_name", where + ".class_name");
            String name = string(spec, "name", where + ".name");
            Map<String, Object> layerConfig = spec.has("config") && !spec.get("config").isJsonNull()
                    ? toMap(object(spec, "config", where + ".config")) : Map.of();
            String label = where + " '" + name + "' (" + typeName + ")";
            if (!LayerRegistry.isKnown(typeName)) {
                throw configError(label + ": unknown layer type '" + typeName + "'; known types: "
                        + String.join(", ", LayerRegistry.knownTypes())
                        + " (add others with LayerRegistry.register or a LayerProvider)");
            }
            Layer layer;
            try {
                layer = LayerRegistry.create(typeName, layerConfig);
                layer.setName(name);
            } catch (RuntimeException e) {
                throw configError(label + ": bad config " + abbreviate(spec.get("config")) + ": " + e.getMessage(), e);
            }
            return layer;
        }

        private void readWeights(Sequential model) throws IOException {
            Set<String> expected = new LinkedHashSet<>();
            for (Layer layer : model.layers()) {
                for (Parameter parameter : layer.parameters()) {
                    String entryName = weightEntry(layer.name(), parameter.name());
                    expected.add(entryName);
                    ZipEntry entry = zip.getEntry(entryName);
                    if (entry == null || entry.isDirectory()) {
                        throw new ModelFileException(path + ", entry " + entryName + ": missing weight entry; expected"
                                + " the " + parameter.name() + " of layer " + layer.name() + " (" + layer.typeName()
                                + "), shape " + Arrays.toString(parameter.shape()));
                    }
                }
            }
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                if (entry.getName().startsWith(WEIGHTS_FOLDER) && !entry.isDirectory()
                        && !expected.contains(entry.getName())) {
                    throw new ModelFileException(path + ", entry " + entry.getName() + ": unexpected weight entry;"
                            + " expected only the parameters of the layers in " + CONFIG_ENTRY + " ("
                            + expected.size() + " entries), found one that belongs to none");
                }
            }
            for (Layer layer : model.layers()) {
                for (Parameter parameter : layer.parameters()) {
                    readWeight(layer, parameter);
                }
            }
        }

        private void readWeight(Layer layer, Parameter parameter) throws IOException {
            // The shape is checked before the data length, so a forged shape is reported as what it is.
            float[] values = readArray(path, zip, weightEntry(layer.name(), parameter.name()), layer, parameter);
            parameter.value().assign(Nd4j.create(values, parameter.shape(), 'c').castTo(parameter.value().dataType()));
        }

        private void compile(Sequential model, JsonObject compile) throws ModelFileException {
            Loss loss = create(compile, "loss", Registry.LOSSES);
            Optimizer optimizer = create(compile, "optimizer", Registry.OPTIMIZERS);
            List<String> metrics = new ArrayList<>();
            if (compile.has("metrics") && !compile.get("metrics").isJsonNull()) {
                JsonArray array = array(compile, "metrics");
                for (int i = 0; i < array.size(); i++) {
                    JsonElement metric = array.get(i);
                    if (!metric.isJsonPrimitive() || !metric.getAsJsonPrimitive().isString()) {
                        throw configError("compile.metrics[" + i + "]: expected a metric name, found "
                                + abbreviate(metric));
                    }
                    metrics.add(metric.getAsString());
                }
            }
            try {
                model.compile(loss, optimizer, metrics.toArray(String[]::new));
            } catch (RuntimeException e) {
                throw configError("compile.metrics: " + e.getMessage(), e);
            }
        }

        /**
         * Rebuilds a loss or optimizer through its registry from {@code compile.<key>}: a name, or an object
         * {@code {class_name, config}} (a missing or null config is empty).
         */
        private <T> T create(JsonObject compile, String key, Registry<T> registry) throws ModelFileException {
            String where = "compile." + key;
            JsonElement element = compile.get(key);
            String name;
            String nameWhere = where;
            Map<String, Object> config = Map.of();
            if (element != null && element.isJsonObject()) {
                JsonObject spec = element.getAsJsonObject();
                nameWhere = where + ".class_name";
                name = string(spec, "class_name", nameWhere);
                if (spec.has("config") && !spec.get("config").isJsonNull()) {
                    config = toMap(object(spec, "config", where + ".config"));
                }
            } else if (element != null && element.isJsonPrimitive() && element.getAsJsonPrimitive().isString()) {
                name = element.getAsString();
            } else {
                throw configError(where + ": expected a name or an object {class_name, config}, found "
                        + abbreviate(element));
            }
            if (!registry.isKnown(name)) {
                throw configError(nameWhere + ": " + registry.unknown(name));
            }
            try {
                return registry.create(name, config);
            } catch (RuntimeException e) {
                throw configError(where + ".config: " + e.getMessage(), e);
            }
        }

        // ------------------------------------------------------------------------------------- JSON helpers

        private ModelFileException configError(String problem) {
            return new ModelFileException(path + ", entry " + CONFIG_ENTRY + ": " + oneLine(problem));
        }

        private ModelFileException configError(String problem, Throwable cause) {
            return new ModelFileException(path + ", entry " + CONFIG_ENTRY + ": " + oneLine(problem), cause);
        }

        private String string(JsonObject object, String key, String where) throws ModelFileException {
            JsonElement value = object.get(key);
            if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw configError(where + ": expected a string, found " + abbreviate(value));
            }
            return value.getAsString();
        }

        private JsonObject object(JsonObject object, String key, String where) throws ModelFileException {
            JsonElement value = object.get(key);
            if (value == null || !value.isJsonObject()) {
                throw configError(where + ": expected an object, found " + abbreviate(value));
            }
            return value.getAsJsonObject();
        }

        private JsonArray array(JsonObject object, String key) throws ModelFileException {
            JsonElement value = object.get(key);
            if (value == null || !value.isJsonArray()) {
                throw configError(key + ": expected a list, found " + abbreviate(value));
            }
            return value.getAsJsonArray();
        }

        private long longValue(JsonObject object, String key) throws ModelFileException {
            return integer(object.get(key), key);
        }

        private long integer(JsonElement value, String where) throws ModelFileException {
            if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
                Object number = toJava(value);
                if (number instanceof Integer || number instanceof Long) {
                    return ((Number) number).longValue();
                }
            }
            throw configError(where + ": expected an integer, found " + abbreviate(value));
        }

        private String entryNames(int limit) {
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
                if (names.size() == limit) {
                    names.add("...");
                    break;
                }
                names.add(entries.nextElement().getName());
            }
            return names.toString();
        }
    }

    /**
     * Converts a JSON object to the plain Java values layer factories receive (see {@link LayerRegistry}).
     *
     * @param object a JSON object
     * @return an ordered map of strings, booleans, numbers, nulls, lists and maps
     */
    static Map<String, Object> toMap(JsonObject object) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
            map.put(entry.getKey(), toJava(entry.getValue()));
        }
        return map;
    }

    private static Object toJava(JsonElement element) {
        if (element == null || element.isJsonNull()) {
            return null;
        }
        if (element.isJsonObject()) {
            return toMap(element.getAsJsonObject());
        }
        if (element.isJsonArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonElement item : element.getAsJsonArray()) {
                list.add(toJava(item));
            }
            return list;
        }
        JsonPrimitive primitive = element.getAsJsonPrimitive();
        if (primitive.isBoolean()) {
            return primitive.getAsBoolean();
        }
        if (primitive.isString()) {
            return primitive.getAsString();
        }
        String literal = primitive.getAsString();
        if (literal.matches("-?\\d+")) {
            try {
                long value = Long.parseLong(literal);
                // Not a ?: expression: it would unbox both branches and box every value as a Long.
                if (value == (int) value) {
                    return Integer.valueOf((int) value);
                }
                return Long.valueOf(value);
            } catch (NumberFormatException e) {
                return Double.parseDouble(literal);
            }
        }
        return primitive.getAsDouble();
    }

    private static String abbreviate(JsonElement element) {
        if (element == null) {
            return "nothing";
        }
        String text = element.toString();
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
