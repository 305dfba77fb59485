package dev.rnn4j.text;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.rnn4j.core.Callback;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.FitState;
import dev.rnn4j.core.History;
import dev.rnn4j.core.InterruptSignal;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.AtomicFiles;
import dev.rnn4j.core.io.Checkpoints;
import dev.rnn4j.core.io.FileWriteException;
import dev.rnn4j.core.io.RunFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A training run's folder for the text applications, as mnist-app keeps it: held with a lock for the whole run,
 * refused when it holds another run (unless {@code --overwrite}) or files a run does not write, {@code run.json} with
 * the settings, status and results, {@code history.csv}/{@code .json}, and checkpoints after every epoch and on
 * Ctrl-C ({@code <run>/checkpoints}), from which {@code --resume} continues.
 */
public final class RunSession implements AutoCloseable {
    /** The folder of a run's checkpoints. */
    public static final String CHECKPOINTS = "checkpoints";
    /** The run's settings, state and results. */
    public static final String RUN_JSON = "run.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();

    private final RunFolder folder;
    private final String command;

    private RunSession(RunFolder folder, String command) {
        this.folder = folder;
        this.command = command;
    }

    /**
     * Opens a new run's folder: {@code out}, or {@code runs/<prefix>-<timestamp>}.
     *
     * @param out       the folder given, or null
     * @param prefix    the default folder's name before the timestamp
     * @param outputs   every name a run of this kind writes into its folder
     * @param overwrite whether an earlier run there may be replaced
     * @param command   the command that resumes a run, for messages ({@code lm train})
     * @param console   where the deletion of an earlier run is reported
     * @return the held folder
     * @throws IOException when the folder cannot be used
     */
    public static RunSession create(Path out, String prefix, List<String> outputs, boolean overwrite, String command,
            PrintStream console) throws IOException {
        Path path = out != null ? out : newDefaultFolder(prefix);
        RunSession session = new RunSession(lock(path, "--out"), command);
        try {
            session.prepare(outputs, overwrite, console);
        } catch (IOException | RuntimeException failure) {
            session.close();
            throw failure;
        }
        return session;
    }

    /**
     * @param folder  an earlier run's folder
     * @param command the command that resumes a run, for messages
     * @return the held folder
     * @throws IOException when it is not a folder or another process holds it
     */
    public static RunSession reopen(Path folder, String command) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--resume " + folder + ": no such run folder");
        }
        return new RunSession(lock(folder, "--resume"), command);
    }

    public Path path() {
        return folder.path();
    }

    /** @return the newest checkpoint of the run */
    public Path latestCheckpoint() throws IOException {
        Path checkpoints = path().resolve(CHECKPOINTS);
        return Checkpoints.latest(checkpoints).orElseThrow(() -> new IllegalArgumentException("--resume " + path()
                + ": no checkpoint in " + checkpoints + "; nothing to resume (a run writes one after every epoch"
                + " unless --keep-checkpoints 0)"));
    }

    private static Path newDefaultFolder(String prefix) {
        Path base = Path.of("runs", prefix + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path folder = base;
        for (int suffix = 2; Files.exists(folder); suffix++) {
            folder = Path.of(base + "-" + suffix);
        }
        return folder;
    }

    private static RunFolder lock(Path path, String option) throws IOException {
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new IllegalArgumentException(option + " " + path + ": a file of that name is in the way; expected a"
                    + " run folder");
        }
        RunFolder folder;
        try {
            folder = RunFolder.lock(path);
        } catch (RunFolder.LockedException locked) {
            throw new IllegalArgumentException(option + " " + path + ": another run (process "
                    + (locked.holder() > 0 ? locked.holder() : "unknown") + ") is writing to this folder; wait for it"
                    + " to end, or choose another folder");
        }
        try {
            folder.removeLeftovers(CHECKPOINTS);
        } catch (IOException | RuntimeException failure) {
            folder.close();
            throw failure;
        }
        return folder;
    }

    private void prepare(List<String> outputs, boolean overwrite, PrintStream console) throws IOException {
        List<String> present = new ArrayList<>();
        for (String name : folder.entries()) {
            if (!isEmptyFolder(path().resolve(name))) {
                present.add(name);
            }
        }
        if (present.isEmpty()) {
            return;
        }
        List<String> foreign = present.stream().filter(name -> !outputs.contains(name)).toList();
        if (!foreign.isEmpty()) {
            throw new IllegalArgumentException("--out " + path() + ": the folder holds files that a run does not write"
                    + " (" + String.join(", ", foreign.subList(0, Math.min(8, foreign.size())))
                    + (foreign.size() > 8 ? " and " + (foreign.size() - 8) + " more" : "") + "); rnn4j never deletes"
                    + " them: choose a new or empty folder");
        }
        if (!overwrite) {
            boolean resumable = Checkpoints.latest(path().resolve(CHECKPOINTS)).isPresent()
                    && !"finished".equals(readRunJson(path()).get("status"));
            throw new IllegalArgumentException("--out " + path() + ": the folder holds a run already ("
                    + String.join(", ", present) + "); " + (resumable ? "continue it with --resume " + path() + ", "
                    : "") + "replace it with --overwrite, or choose another --out");
        }
        folder.clear(present);
        console.println("--overwrite: deleted the earlier run in " + path() + " (" + String.join(", ", present) + ")");
    }

    private static boolean isEmptyFolder(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * Writes {@code run.json}: status ({@code running}, {@code interrupted}, {@code finished}), then the given values.
     */
    public void writeRunJson(String status, Map<String, Object> values) throws IOException {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("status", status);
        run.putAll(values);
        AtomicFiles.writeString(path().resolve(RUN_JSON), GSON.toJson(run));
    }

    /**
     * @param folder a run folder
     * @return its {@code run.json}, or an empty map when there is none
     * @throws IOException when it is not a JSON object
     */
    public static Map<String, Object> readRunJson(Path folder) throws IOException {
        Path file = folder.resolve(RUN_JSON);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            Map<String, Object> run = new Gson().fromJson(Files.readString(file),
                    new TypeToken<Map<String, Object>>() { }.getType());
            if (run == null) {
                throw new JsonParseException("empty");
            }
            return run;
        } catch (JsonParseException | IllegalStateException malformed) {
            throw new IOException(file + ": not the JSON object a run writes (" + malformed.getMessage()
                    + "); start the run again with --overwrite", malformed);
        }
    }

    /** Writes {@code history.csv} and {@code history.json}: every logged value per epoch, and its seconds. */
    public void writeHistory(History history, List<Double> epochSeconds) throws IOException {
        Map<String, List<Double>> series = history.asMap();
        StringBuilder csv = new StringBuilder("epoch");
        series.keySet().forEach(key -> csv.append(',').append(key));
        csv.append(",seconds\n");
        for (int epoch = 0; epoch < history.epochs(); epoch++) {
            csv.append(epoch + 1);
            for (List<Double> values : series.values()) {
                csv.append(',').append(epoch < values.size() ? values.get(epoch) : "");
            }
            csv.append(',').append(epoch < epochSeconds.size()
                    ? String.format(Locale.ROOT, "%.3f", epochSeconds.get(epoch)) : "").append('\n');
        }
        AtomicFiles.writeString(path().resolve("history.csv"), csv.toString());
        Map<String, Object> json = new LinkedHashMap<>(series);
        json.put("seconds", epochSeconds);
        AtomicFiles.writeString(path().resolve("history.json"), GSON.toJson(json));
    }

    /** What {@link #fit} ends with. */
    public record Outcome(History history, List<Double> epochSeconds, double trainSeconds, int exitStatus) {
        /** @return whether training was stopped by Ctrl-C or SIGTERM (a checkpoint holds where) */
        public boolean interrupted() {
            return exitStatus != 0;
        }
    }

    /** Runs fit; the session adds its callbacks and stop signal to the options. */
    @FunctionalInterface
    public interface Fitter {
        History fit(FitOptions options);
    }

    /**
     * Trains with checkpoints after every epoch and on Ctrl-C, and the time of every epoch.
     *
     * @param model           the model (checkpoints hold it)
     * @param options         fit's options without callbacks of checkpointing
     * @param keepCheckpoints checkpoints kept; 0 writes none and leaves Ctrl-C as it is
     * @param metadata        the settings and state a checkpoint keeps, for {@code --resume}
     * @param earlier         the seconds of the epochs trained before a resume
     * @param stopRequest     a second source of stop requests (tests)
     * @param console         where the interruption is reported
     * @param fitter          calls fit
     * @return the history and the times; a non-zero exit status when interrupted
     * @throws IOException when a checkpoint could not be written
     */
    public Outcome fit(Sequential model, FitOptions options, int keepCheckpoints,
            Supplier<Map<String, Object>> metadata, List<Double> earlier, BooleanSupplier stopRequest,
            PrintStream console, Fitter fitter) throws IOException {
        long start = System.nanoTime();
        List<Double> epochSeconds = new ArrayList<>(earlier);
        double earlierSeconds = earlier.stream().mapToDouble(Double::doubleValue).sum();
        long[] epochStart = {start};
        options.callbacks(Callback.atEpochEnd((epoch, logs) -> {
            long now = System.nanoTime();
            epochSeconds.add((now - epochStart[0]) / 1e9);
            epochStart[0] = now;
        }));
        Checkpoints checkpoints = null;
        if (keepCheckpoints > 0) {
            checkpoints = new Checkpoints(path().resolve(CHECKPOINTS), keepCheckpoints).metadata(() -> {
                Map<String, Object> all = new LinkedHashMap<>(metadata.get());
                all.put("epoch_seconds", List.copyOf(epochSeconds));
                return all;
            });
            options.callbacks(checkpoints);
        }
        FitState[] stoppedAt = {null};
        options.callbacks(new Callback() {
            @Override
            public void onInterrupt(FitState state) {
                stoppedAt[0] = state;
            }
        });
        History history;
        int status;
        try (InterruptSignal interrupt = keepCheckpoints > 0 ? InterruptSignal.install(console) : null) {
            options.stopSignal(() -> (interrupt != null && interrupt.requested()) || stopRequest.getAsBoolean());
            history = fitter.fit(options);
            status = interrupt != null ? interrupt.exitStatus() : InterruptSignal.EXIT_INTERRUPTED;
        } catch (UncheckedIOException failure) {
            Path last = checkpoints == null ? null : checkpoints.lastWritten();
            throw new IOException(failure.getMessage() + "; training stopped" + (last == null
                    ? " before any checkpoint was written" : ", and " + last + " is intact: --resume " + path()
                    + " continues from it"), failure.getCause());
        }
        double seconds = earlierSeconds + (System.nanoTime() - start) / 1e9;
        if (stoppedAt[0] != null) {
            FitState state = stoppedAt[0];
            String where = state.midEpoch() ? "in epoch " + (state.epoch() + 1) + ", step " + state.step() + "/"
                    + state.stepsPerEpoch() : "after epoch " + state.epoch();
            console.println(checkpoints == null ? "Interrupted " + where + " (no checkpoint: --keep-checkpoints 0)"
                    : "Interrupted " + where + ": checkpoint written to " + checkpoints.lastWritten()
                    + "; resume with: java -jar text-app/target/text-app.jar " + command + " --resume " + path());
            return new Outcome(history, epochSeconds, seconds, status);
        }
        return new Outcome(history, epochSeconds, seconds, 0);
    }

    /**
     * Explains a failure to write the outputs after training: where the trained weights are safe.
     *
     * @param failure what failed
     * @return the exception to throw
     */
    public IOException outputsFailed(FileWriteException failure) {
        Path last;
        try {
            last = Checkpoints.latest(path().resolve(CHECKPOINTS)).orElse(null);
        } catch (IOException unreadable) {
            last = null;
        }
        return new IOException(failure.getMessage() + "; " + (last == null
                ? "no checkpoint holds the trained weights (--keep-checkpoints 0)"
                : "the trained weights are safe in " + last + ", and --resume " + path() + " writes the outputs again"
                        + (failure.outOfSpace() ? " once there is room" : "")), failure);
    }

    @Override
    public void close() throws IOException {
        folder.close();
    }
}
