package dev.rnn4j.core.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.core.Callback;
import dev.rnn4j.core.FitState;
import dev.rnn4j.core.History;
import dev.rnn4j.core.Model;
import dev.rnn4j.core.SeededRandom;
import dev.rnn4j.core.Sequential;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training checkpoints: everything a {@link Sequential#fit} run needs to continue exactly as if it had never stopped
 * (docs/checkpoints.md). As a fit callback it writes, after every epoch, {@code checkpoint-<epoch>.zip} into its folder
 * and deletes all but the newest {@code keepLast}; when fit stops at its stop signal (Ctrl-C) in the middle of an epoch
 * it writes {@code checkpoint-<epoch>-step-<step>.zip} for the epoch in progress.
 * <pre>{@code
 * Checkpoints checkpoints = new Checkpoints(Path.of("run/checkpoints"), 2);
 * model.fit(x, y, new FitOptions().epochs(20).callbacks(checkpoints));
 * // later, in another JVM:
 * Checkpoints.Restored restored = Checkpoints.restore(Checkpoints.latest(folder).orElseThrow(), backend);
 * restored.model().fit(x, y, new FitOptions().epochs(20).resume(restored.state()).callbacks(checkpoints));
 * }</pre>
 *
 * <p>A checkpoint is one zip, written to a temporary file, flushed to disk and renamed (as {@link ModelFile#save}), so
 * a crash leaves either the old set of checkpoints or the new one. It is also a model file: {@link ModelFile#load}
 * reads it, ignoring the training state.
 * <pre>
 * config.json, weights/...     the model, as ModelFile writes it
 * trainer.json                 epoch, step, history, running sums, generator state, metadata
 * optimizer.json               the optimizer's class, iteration count, learning rate, slot names
 * optimizer/&lt;layer&gt;/&lt;parameter&gt;/&lt;slot&gt;.npy
 *                              the optimizer's state per parameter (momentum, velocity, ...)
 * order.npy                    int32: the order of the training samples in the current epoch
 * </pre>
 *
 * <p>Exactness: weights and optimizer slots are stored as float32, so a float32 model (the training type) resumes bit
 * for bit; the layers' only other state is the model's generator, stored whole ({@link SeededRandom.State}).
 */
public final class Checkpoints extends Callback {
    /** The value of {@code format} in {@code trainer.json}. */
    public static final String FORMAT = "rnn4j-checkpoint";
    /** The newest {@code format_version} this rnn4j writes and reads. */
    public static final int FORMAT_VERSION = 2;
    /** The entry with the training state. */
    public static final String TRAINER_ENTRY = "trainer.json";
    /** The entry with the optimizer's scalars and slot names. */
    public static final String OPTIMIZER_ENTRY = "optimizer.json";
    /** The folder of the optimizer's slot arrays. */
    public static final String OPTIMIZER_FOLDER = "optimizer/";
    /** The entry with the order of the training samples. */
    public static final String ORDER_ENTRY = "order.npy";

    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{1,9})(?:-step-(\\d{1,9}))?\\.zip");
    private static final int MAX_JSON_BYTES = 64 << 20;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();

    private final Path folder;
    private final int keepLast;
    private Supplier<Map<String, Object>> metadata = Map::of;
    private Path lastWritten;
    private FitState lastState;

    /**
     * @param folder   where checkpoints go; created when the first one is written
     * @param keepLast how many checkpoints to keep, at least 1: after each write, older ones beyond this are deleted
     */
    public Checkpoints(Path folder, int keepLast) {
        this.folder = Objects.requireNonNull(folder, "folder is null");
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast: expected at least 1, found " + keepLast);
        }
        this.keepLast = keepLast;
    }

    /**
     * Extra data to store with every checkpoint (an application's settings, timings), under {@code metadata} in
     * {@code trainer.json}; {@link Restored#metadata()} gives it back.
     *
     * @param metadata called at each write; values are strings, numbers, booleans, lists and maps of them
     * @return this
     */
    public Checkpoints metadata(Supplier<Map<String, Object>> metadata) {
        this.metadata = Objects.requireNonNull(metadata, "metadata is null");
        return this;
    }

    /** @return the folder */
    public Path folder() {
        return folder;
    }

    /** @return the number of checkpoints kept */
    public int keepLast() {
        return keepLast;
    }

    /** @return the last checkpoint this object wrote, or null */
    public Path lastWritten() {
        return lastWritten;
    }

    /**
     * Writes the checkpoint of the epoch just finished.
     *
     * @throws UncheckedIOException when writing fails (the checkpoints written before are kept)
     * @throws UnsupportedOperationException for a functional {@link Model}, which has no model file yet
     */
    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        writeUnchecked(sequential(), context().state());
    }

    /**
     * Writes the checkpoint of the state fit stopped at, unless it is the one just written at an epoch's end.
     *
     * @throws UncheckedIOException when writing fails
     */
    @Override
    public void onInterrupt(FitState state) {
        if (!state.equals(lastState)) {
            writeUnchecked(sequential(), state);
        }
    }

    private Sequential sequential() {
        if (context().model() instanceof Sequential sequential) {
            return sequential;
        }
        throw new UnsupportedOperationException(functionalModels());
    }

    private String functionalModels() {
        return "checkpoints in " + folder + ": a functional Model cannot be written to a model file yet, so it cannot"
                + " be checkpointed; train it without Checkpoints (Sequential models can be)";
    }

    private void writeUnchecked(Sequential model, FitState state) {
        try {
            write(model, state);
        } catch (IOException e) {
            throw new UncheckedIOException(e instanceof FileWriteException ? e.getMessage()
                    : "checkpoint " + folder.resolve(fileName(state)) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a checkpoint of a compiled model and a fit state, then deletes the older checkpoints beyond
     * {@link #keepLast()} (newer ones are never deleted).
     *
     * @param model the model being trained, built and compiled
     * @param state where its fit stands
     * @return the checkpoint written
     * @throws IOException when writing fails; the checkpoints written before are left as they were
     */
    public Path write(Sequential model, FitState state) throws IOException {
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(state, "state is null");
        Path file = folder.resolve(fileName(state));
        ModelFile.checkSavable(model, file, "checkpoint");
        Optimizer optimizer = model.optimizer();
        if (optimizer == null) {
            throw new IllegalStateException("checkpoint " + file + ": the model is not compiled");
        }
        JsonObject trainer = trainerJson(model, state, metadata.get());
        JsonObject optimizerJson = new JsonObject();
        optimizerJson.addProperty("class_name", optimizer.name());
        optimizerJson.addProperty("iterations", optimizer.iterations());
        optimizerJson.addProperty("learning_rate", optimizer.learningRate());
        JsonObject slots = new JsonObject();
        Map<String, INDArray> slotArrays = new LinkedHashMap<>();
        for (Layer layer : model.layers()) {
            for (Parameter parameter : layer.parameters()) {
                Map<String, INDArray> state1 = optimizer.state(parameter);
                if (state1.isEmpty()) {
                    continue;
                }
                JsonArray names = new JsonArray();
                for (Map.Entry<String, INDArray> slot : state1.entrySet()) {
                    ModelFile.checkEntryName(file, "optimizer slot name of " + layer.name() + "/" + parameter.name(),
                            slot.getKey());
                    names.add(slot.getKey());
                    slotArrays.put(slotEntry(layer.name(), parameter.name(), slot.getKey()), slot.getValue());
                }
                slots.add(layer.name() + "/" + parameter.name(), names);
            }
        }
        optimizerJson.add("slots", slots);
        int[] order = state.order();
        ModelFile.writeAtomically(file, zip -> {
            ModelFile.writeModel(model, zip);
            writeJson(zip, TRAINER_ENTRY, trainer);
            writeJson(zip, OPTIMIZER_ENTRY, optimizerJson);
            for (Map.Entry<String, INDArray> slot : slotArrays.entrySet()) {
                ModelFile.putEntry(zip, slot.getKey());
                Npy.write(zip, slot.getValue());
                zip.closeEntry();
            }
            ModelFile.putEntry(zip, ORDER_ENTRY);
            Npy.writeInts(zip, order);
            zip.closeEntry();
        });
        lastWritten = file;
        lastState = state;
        prune(file);
        return file;
    }

    private static JsonObject trainerJson(Sequential model, FitState state, Map<String, Object> metadata) {
        JsonObject trainer = new JsonObject();
        trainer.addProperty("format", FORMAT);
        trainer.addProperty("format_version", FORMAT_VERSION);
        trainer.addProperty("epoch", state.epoch());
        trainer.addProperty("step", state.step());
        trainer.addProperty("steps_per_epoch", state.stepsPerEpoch());
        trainer.addProperty("batch_size", state.batchSize());
        trainer.addProperty("samples", state.samples());
        trainer.add("history", GSON.toJsonTree(state.history().asMap()));
        trainer.add("logs", GSON.toJsonTree(state.logs()));
        trainer.add("running", GSON.toJsonTree(state.running()));
        SeededRandom.State random = model.random().state();
        JsonObject randomJson = new JsonObject();
        randomJson.addProperty("seed", random.seed());
        randomJson.addProperty("have_next_gaussian", random.haveNextGaussian());
        randomJson.addProperty("next_gaussian", random.nextGaussian());
        trainer.add("random", randomJson);
        trainer.add("metadata", GSON.toJsonTree(metadata));
        return trainer;
    }

    private static void writeJson(ZipOutputStream zip, String name, JsonObject json) throws IOException {
        ModelFile.putEntry(zip, name);
        zip.write(GSON.toJson(json).concat("\n").getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    /**
     * @return the entry of an optimizer slot: {@code optimizer/<layer>/<parameter>/<slot>.npy}
     */
    static String slotEntry(String layer, String parameter, String slot) {
        return OPTIMIZER_FOLDER + layer + "/" + parameter + "/" + slot + ".npy";
    }

    private void prune(Path written) throws IOException {
        Key writtenKey = key(written);
        List<Path> older = list(folder).stream().filter(path -> key(path).compareTo(writtenKey) < 0).toList();
        for (int i = 0; i < older.size() - (keepLast - 1); i++) {
            Files.deleteIfExists(older.get(i));
        }
    }

    /**
     * @param state a fit state
     * @return its checkpoint's file name: {@code checkpoint-<epoch>.zip} at the end of an epoch,
     * {@code checkpoint-<epoch in progress>-step-<steps done>.zip} in the middle of one
     */
    public static String fileName(FitState state) {
        return state.midEpoch() ? "checkpoint-" + (state.epoch() + 1) + "-step-" + state.step() + ".zip"
                : "checkpoint-" + state.epoch() + ".zip";
    }

    /** Orders checkpoints by progress: completed epochs, then steps of the next one. */
    private record Key(long epochs, long step) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            return Comparator.comparingLong(Key::epochs).thenComparingLong(Key::step).compare(this, other);
        }
    }

    private static Key key(Path file) {
        Matcher matcher = NAME.matcher(file.getFileName().toString());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(file + ": not a checkpoint name");
        }
        long epoch = Long.parseLong(matcher.group(1));
        return matcher.group(2) == null ? new Key(epoch, 0) : new Key(epoch - 1, Long.parseLong(matcher.group(2)));
    }

    /**
     * The checkpoints in a folder, oldest first (by completed epochs, then steps). Temporary files of writes in
     * progress or interrupted are not listed.
     *
     * @param folder the folder; none there when it does not exist
     * @return the checkpoint files
     * @throws IOException when the folder cannot be listed
     */
    public static List<Path> list(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(path -> NAME.matcher(path.getFileName().toString()).matches())
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(Checkpoints::key))
                    .toList();
        }
    }

    /**
     * @param folder a checkpoint folder
     * @return the newest checkpoint there, if any
     * @throws IOException when the folder cannot be listed
     */
    public static Optional<Path> latest(Path folder) throws IOException {
        List<Path> all = list(folder);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * What {@link #restore} reads back.
     *
     * @param file     the checkpoint
     * @param model    the model, built, compiled, its weights, optimizer state and generator restored
     * @param state    where fit stood: give it to {@link FitOptions#resume}
     * @param metadata the metadata stored with it (empty when none)
     */
    public record Restored(Path file, Sequential model, FitState state, Map<String, Object> metadata) {
    }

    /**
     * Reads a checkpoint: a new model (as {@link ModelFile#load}) with the optimizer's state, its iteration count and
     * learning rate, and the generator's state restored, and the fit state to continue from.
     *
     * @param file    a checkpoint written by {@link #write}
     * @param backend the backend the model computes with
     * @return the model, state and metadata
     * @throws NoSuchFileException when the file does not exist
     * @throws ModelFileException  naming the file, the entry and the problem, when the file is not a valid checkpoint
     * @throws IOException         when reading fails
     */
    public static Restored restore(Path file, Backend backend) throws IOException {
        Objects.requireNonNull(file, "file is null");
        Objects.requireNonNull(backend, "backend is null");
        Sequential model = ModelFile.load(file, backend);
        if (model.optimizer() == null) {
            throw new ModelFileException(file + ", entry " + ModelFile.CONFIG_ENTRY + ": expected a compiled model"
                    + " (a checkpoint has a compile section), found none");
        }
        try (ZipFile zip = ModelFile.openZip(file, "a checkpoint (a zip written by Checkpoints)")) {
            return new Reader(file, zip).restore(model);
        }
    }

    /** One restore, for messages that name the file and the entry. */
    private static final class Reader {
        private final Path file;
        private final ZipFile zip;
        private String entry;

        Reader(Path file, ZipFile zip) {
            this.file = file;
            this.zip = zip;
        }

        Restored restore(Sequential model) throws IOException {
            JsonObject trainer = json(TRAINER_ENTRY);
            String format = string(trainer, "format");
            if (!FORMAT.equals(format)) {
                throw error("format: expected '" + FORMAT + "', found '" + format + "'; not an rnn4j checkpoint");
            }
            long version = integer(trainer, "format_version");
            if (version > FORMAT_VERSION || version < 1) {
                throw error("format_version " + version + ": this rnn4j reads 1 to " + FORMAT_VERSION
                        + (version > FORMAT_VERSION ? "; it was written by a newer rnn4j: upgrade rnn4j" : ""));
            }
            int epoch = intValue(trainer, "epoch");
            int step = intValue(trainer, "step");
            int stepsPerEpoch = intValue(trainer, "steps_per_epoch");
            int batchSize = intValue(trainer, "batch_size");
            int samples = intValue(trainer, "samples");
            History history = history(object(trainer, "history"));
            Map<String, Double> logs = doubles(object(trainer, "logs"), "logs");
            Map<String, double[]> running = running(object(trainer, "running"));
            JsonObject random = object(trainer, "random");
            SeededRandom.State randomState;
            try {
                randomState = new SeededRandom.State(integer(random, "seed"), bool(random, "have_next_gaussian"),
                        number(random, "next_gaussian"));
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage(), e);
            }
            Map<String, Object> metadata = trainer.has("metadata") && trainer.get("metadata").isJsonObject()
                    ? ModelFile.toMap(trainer.getAsJsonObject("metadata")) : Map.of();

            int[] order = readOrder(samples);
            FitState state;
            entry = TRAINER_ENTRY;
            try {
                state = new FitState(epoch, step, stepsPerEpoch, batchSize, order, history, logs, running);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage(), e);
            }
            restoreOptimizer(model);
            model.restoreRandom(randomState);
            return new Restored(file, model, state, metadata);
        }

        /** @return the running sums by log name; format 1 held one output's loss and accuracy sums */
        private Map<String, double[]> running(JsonObject running) throws IOException {
            Map<String, double[]> sums = new LinkedHashMap<>();
            if (running.has("loss_sum")) {
                long seen = integer(running, "seen");
                if (seen > 0) {
                    sums.put("loss", new double[] {number(running, "loss_sum")});
                    sums.put("seen", new double[] {seen});
                    long counted = running.has("counted") ? integer(running, "counted") : seen;
                    sums.put("accuracy", new double[] {integer(running, "correct"), counted});
                }
                return sums;
            }
            for (Map.Entry<String, JsonElement> entry : running.entrySet()) {
                if (!entry.getValue().isJsonArray()) {
                    throw error("running." + entry.getKey() + ": expected an array of numbers, found "
                            + entry.getValue());
                }
                JsonArray array = entry.getValue().getAsJsonArray();
                double[] values = new double[array.size()];
                for (int i = 0; i < values.length; i++) {
                    JsonElement element = array.get(i);
                    if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isNumber()) {
                        throw error("running." + entry.getKey() + "[" + i + "]: expected a number, found " + element);
                    }
                    values[i] = element.getAsDouble();
                }
                sums.put(entry.getKey(), values);
            }
            return sums;
        }

        private int[] readOrder(int samples) throws IOException {
            entry = ORDER_ENTRY;
            ZipEntry zipEntry = zip.getEntry(ORDER_ENTRY);
            if (zipEntry == null) {
                throw error("missing; expected the order of the training samples (int32 .npy)");
            }
            int[] order;
            String source = file + ", entry " + ORDER_ENTRY;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(zipEntry), 1 << 16)) {
                order = Npy.readInts(in, zipEntry.getSize(), source);
            } catch (ModelFileException e) {
                throw e;
            } catch (IOException e) {
                throw new ModelFileException(source + ": cannot read the entry (corrupt zip?): " + e.getMessage(), e);
            }
            if (order.length != samples) {
                throw error("expected " + samples + " sample indices (trainer.json's samples), found "
                        + order.length);
            }
            return order;
        }

        private void restoreOptimizer(Sequential model) throws IOException {
            Optimizer optimizer = model.optimizer();
            JsonObject json = json(OPTIMIZER_ENTRY);
            String className = string(json, "class_name");
            if (!className.equals(optimizer.name())) {
                throw error("class_name: expected '" + optimizer.name() + "' (the optimizer in "
                        + ModelFile.CONFIG_ENTRY + "), found '" + className + "'");
            }
            long iterations = integer(json, "iterations");
            double learningRate = number(json, "learning_rate");
            JsonObject slots = object(json, "slots");
            Map<String, Parameter> parameters = new LinkedHashMap<>();
            for (Layer layer : model.layers()) {
                for (Parameter parameter : layer.parameters()) {
                    parameters.put(layer.name() + "/" + parameter.name(), parameter);
                }
            }
            Map<Parameter, Map<String, INDArray>> states = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> slot : slots.entrySet()) {
                entry = OPTIMIZER_ENTRY;
                Parameter parameter = parameters.get(slot.getKey());
                if (parameter == null) {
                    throw error("slots: '" + slot.getKey() + "' is no parameter of the model; expected one of "
                            + parameters.keySet());
                }
                if (!slot.getValue().isJsonArray()) {
                    throw error("slots." + slot.getKey() + ": expected a list of slot names, found " + slot.getValue());
                }
                String[] names = slot.getKey().split("/", 2);
                Map<String, INDArray> state = new LinkedHashMap<>();
                for (JsonElement name : slot.getValue().getAsJsonArray()) {
                    if (!name.isJsonPrimitive() || !name.getAsJsonPrimitive().isString()) {
                        throw error("slots." + slot.getKey() + ": expected slot names, found " + name);
                    }
                    state.put(name.getAsString(), readSlot(names[0], names[1], name.getAsString(), parameter));
                }
                states.put(parameter, state);
            }
            entry = OPTIMIZER_ENTRY;
            try {
                optimizer.setLearningRate(learningRate);
                optimizer.restoreIterations(iterations);
                for (Map.Entry<Parameter, Map<String, INDArray>> state : states.entrySet()) {
                    optimizer.restoreState(state.getKey(), state.getValue());
                }
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                throw error(e.getMessage(), e);
            }
        }

        private INDArray readSlot(String layer, String parameterName, String slot, Parameter parameter)
                throws IOException {
            String name = slotEntry(layer, parameterName, slot);
            entry = name;
            ZipEntry zipEntry = zip.getEntry(name);
            if (zipEntry == null || zipEntry.isDirectory()) {
                throw error("missing; expected the optimizer's " + slot + " of " + layer + "/" + parameterName
                        + " (listed in " + OPTIMIZER_ENTRY + ")");
            }
            String source = file + ", entry " + name;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(zipEntry), 1 << 16)) {
                Npy.Header header = Npy.readHeader(in, -1, source);
                if (!java.util.Arrays.equals(header.shape(), parameter.shape())) {
                    throw error("shape: expected " + java.util.Arrays.toString(parameter.shape()) + " (the shape of "
                            + layer + "/" + parameterName + "), found " + java.util.Arrays.toString(header.shape()));
                }
                Npy.checkDataLength(header, zipEntry.getSize(), source);
                float[] values = Npy.readData(in, header, zipEntry.getSize(), source);
                return new Npy.FloatArray(header.shape(), values).toINDArray();
            } catch (ModelFileException e) {
                throw e;
            } catch (IOException e) {
                throw new ModelFileException(source + ": cannot read the entry (corrupt zip?): " + e.getMessage(), e);
            }
        }

        private History history(JsonObject json) throws ModelFileException {
            Map<String, List<Double>> series = new LinkedHashMap<>();
            int epochs = 0;
            for (Map.Entry<String, JsonElement> entry1 : json.entrySet()) {
                if (!entry1.getValue().isJsonArray()) {
                    throw error("history." + entry1.getKey() + ": expected a list of numbers, found "
                            + abbreviate(entry1.getValue()));
                }
                List<Double> values = new ArrayList<>();
                for (JsonElement value : entry1.getValue().getAsJsonArray()) {
                    values.add(toDouble(value, "history." + entry1.getKey()));
                }
                series.put(entry1.getKey(), values);
                epochs = Math.max(epochs, values.size());
            }
            History history = new History();
            for (int i = 0; i < epochs; i++) {
                Map<String, Double> logs = new LinkedHashMap<>();
                for (Map.Entry<String, List<Double>> values : series.entrySet()) {
                    if (i < values.getValue().size()) {
                        logs.put(values.getKey(), values.getValue().get(i));
                    }
                }
                history.append(logs);
            }
            return history;
        }

        private Map<String, Double> doubles(JsonObject json, String where) throws ModelFileException {
            Map<String, Double> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> entry1 : json.entrySet()) {
                values.put(entry1.getKey(), toDouble(entry1.getValue(), where + "." + entry1.getKey()));
            }
            return values;
        }

        // ----------------------------------------------------------------------------------------- JSON helpers

        private JsonObject json(String name) throws IOException {
            entry = name;
            ZipEntry zipEntry = zip.getEntry(name);
            if (zipEntry == null || zipEntry.isDirectory()) {
                throw error("missing; expected the " + (name.equals(TRAINER_ENTRY) ? "training state"
                        : "optimizer state") + " (is this a model file rather than a checkpoint?)");
            }
            return ModelFile.readJsonObject(zip, zipEntry, MAX_JSON_BYTES, this::error);
        }

        private ModelFileException error(String problem) {
            return new ModelFileException(file + ", entry " + entry + ": " + oneLine(problem));
        }

        private ModelFileException error(String problem, Throwable cause) {
            return new ModelFileException(file + ", entry " + entry + ": " + oneLine(problem), cause);
        }

        private JsonElement get(JsonObject object, String key) throws ModelFileException {
            JsonElement value = object.get(key);
            if (value == null || value.isJsonNull()) {
                throw error(key + ": missing");
            }
            return value;
        }

        private JsonObject object(JsonObject object, String key) throws ModelFileException {
            JsonElement value = get(object, key);
            if (!value.isJsonObject()) {
                throw error(key + ": expected an object, found " + abbreviate(value));
            }
            return value.getAsJsonObject();
        }

        private String string(JsonObject object, String key) throws ModelFileException {
            JsonElement value = get(object, key);
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw error(key + ": expected a string, found " + abbreviate(value));
            }
            return value.getAsString();
        }

        private boolean bool(JsonObject object, String key) throws ModelFileException {
            JsonElement value = get(object, key);
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
                throw error(key + ": expected true or false, found " + abbreviate(value));
            }
            return value.getAsBoolean();
        }

        private double number(JsonObject object, String key) throws ModelFileException {
            return toDouble(get(object, key), key);
        }

        private double toDouble(JsonElement value, String where) throws ModelFileException {
            if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
                throw error(where + ": expected a number, found " + abbreviate(value));
            }
            return value.getAsDouble();
        }

        private long integer(JsonObject object, String key) throws ModelFileException {
            JsonElement value = get(object, key);
            if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
                try {
                    return Long.parseLong(value.getAsString());
                } catch (NumberFormatException e) {
                    // not an integer: reported below
                }
            }
            throw error(key + ": expected an integer, found " + abbreviate(value));
        }

        private int intValue(JsonObject object, String key) throws ModelFileException {
            long value = integer(object, key);
            if (value < 0 || value > Integer.MAX_VALUE) {
                throw error(key + ": expected 0 to " + Integer.MAX_VALUE + ", found " + value);
            }
            return (int) value;
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
}
