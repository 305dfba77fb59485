package dev.rnn4j.text;

import dev.rnn4j.api.Backend;
import dev.rnn4j.core.FitState;
import dev.rnn4j.core.io.Checkpoints;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options every training command shares: output, run folder, checkpoints and resuming. */
public final class RunOptions {
    @Option(names = "--verbose", defaultValue = "1", description = "0 silent, 1 progress bar, 2 one line per epoch"
            + " (default: ${DEFAULT-VALUE}).")
    public int verbose;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/<application>-<timestamp>);"
            + " a new or empty folder unless --overwrite.")
    public Path out;

    @Option(names = "--overwrite", description = "Replace the run in --out (only files a run writes are deleted).")
    public boolean overwrite;

    @Option(names = "--keep-checkpoints", defaultValue = "2", paramLabel = "K", description = "Checkpoints kept,"
            + " written after every epoch and on Ctrl-C; 0 writes none (default: ${DEFAULT-VALUE}).")
    public int keepCheckpoints;

    @Option(names = "--resume", paramLabel = "RUN_FOLDER", description = "Continue an interrupted run from its latest"
            + " checkpoint with its settings; --epochs may change.")
    public Path resume;

    /** A checkpoint read back for {@code --resume}: the backend, the model and state, the run's settings. */
    public record Resumed(Backend backend, Checkpoints.Restored restored, Map<?, ?> settings) {
        public FitState state() {
            return restored.state();
        }

        /** @return the seconds of every epoch trained before */
        public List<Double> epochSeconds() {
            return doubles(restored.metadata().get("epoch_seconds"));
        }
    }

    /** Checks the shared options. */
    public void validate() {
        if (out != null && out.toString().isEmpty()) {
            throw new IllegalArgumentException("--out: expected a folder, found an empty path");
        }
        if (overwrite && resume != null) {
            throw new IllegalArgumentException("--overwrite cannot be used with --resume: one replaces a run, the"
                    + " other continues it");
        }
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("--verbose: expected 0, 1 or 2, found " + verbose);
        }
        if (keepCheckpoints < 0) {
            throw new IllegalArgumentException("--keep-checkpoints: expected at least 0, found " + keepCheckpoints);
        }
    }

    /**
     * Refuses, with {@code --resume}, the options that define a run: a resumed run keeps its own.
     *
     * @param spec     the command's parsed command line
     * @param settings the options that define a run
     */
    public void refuseSettings(CommandSpec spec, List<String> settings) {
        List<String> given = new ArrayList<>();
        for (String option : settings) {
            if (spec != null && spec.commandLine().getParseResult().hasMatchedOption(option)) {
                given.add(option);
            }
        }
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", given) + " cannot be used with --resume: a resumed run"
                    + " keeps the settings it was started with (--epochs, --verbose, --keep-checkpoints and --data-dir"
                    + " may be given)");
        }
    }

    /**
     * Reads the run's latest checkpoint.
     *
     * @param session the reopened run
     * @param kind    the {@code kind} of the settings this command writes
     * @param command the command, for messages
     * @param console where the backend is described
     * @return the checkpoint and its settings
     * @throws IOException when it cannot be read, or is of another command
     */
    public Resumed restore(RunSession session, String kind, String command, PrintStream console) throws IOException {
        Path latest = session.latestCheckpoint();
        Backend backend = Backends.load();
        console.println(backend.describe());
        Checkpoints.Restored restored = Checkpoints.restore(latest, backend);
        if (!(restored.metadata().get("settings") instanceof Map<?, ?> settings) || !kind.equals(settings.get("kind"))) {
            throw new IllegalArgumentException("--resume " + resume + ": " + latest.getFileName() + " is not a"
                    + " checkpoint of " + command + " (no " + kind + " settings in it)");
        }
        return new Resumed(backend, restored, settings);
    }

    /**
     * Checks that {@code epochs} lies ahead of the checkpoint and says where training goes on.
     *
     * @param epochs  the epochs to train in all
     * @param resumed the checkpoint
     * @param console where it is said
     * @param note    what else a resume in the middle of an epoch means, or empty
     */
    public void announce(int epochs, Resumed resumed, PrintStream console, String note) {
        FitState state = resumed.state();
        if (epochs < state.epoch() || (state.midEpoch() && epochs == state.epoch())) {
            throw new IllegalArgumentException("--epochs " + epochs + ": " + resume + " has trained " + state.epoch()
                    + " epochs already; to train on, give more");
        }
        console.println("Resuming " + resume + " from epoch " + (state.epoch() + 1)
                + (state.midEpoch() ? ", step " + (state.step() + 1) + "/" + state.stepsPerEpoch() + note : "")
                + " (" + resumed.restored().file().getFileName() + ")");
    }

    /** @return a JSON number as a double, 0 for anything else */
    public static double number(Object value) {
        return value instanceof Number number ? number.doubleValue() : 0.0;
    }

    /** @return a JSON list of numbers */
    public static List<Double> doubles(Object value) {
        List<Double> values = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> values.add(number(item)));
        }
        return values;
    }
}
