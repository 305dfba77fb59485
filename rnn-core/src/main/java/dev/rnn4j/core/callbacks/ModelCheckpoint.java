package dev.rnn4j.core.callbacks;

import dev.rnn4j.core.Callback;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.io.ModelFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.IllegalFormatException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keras's {@code ModelCheckpoint}: saves the model file after every epoch, or with {@code saveBestOnly} only when the
 * monitored quantity improved. The path may hold Keras's fields: {@code {epoch}} (1-based, as Keras names files) and
 * any logged quantity, each with an optional format, as {@code "runs/model-{epoch:02d}-{val_loss:.4f}.zip"}. Each
 * file is written to a temporary name and renamed ({@link ModelFile#save}), so a crash never leaves half a model.
 * Keras's defaults: monitor {@code val_loss}, mode {@code auto}, every epoch. For checkpoints that resume training
 * exactly, see {@code dev.rnn4j.core.io.Checkpoints}.
 */
public final class ModelCheckpoint extends Callback {
    private static final Pattern FIELD = Pattern.compile("\\{(\\w+)(?::([^}]*))?}");

    private final String filepath;
    private String monitorName = "val_loss";
    private String mode = "auto";
    private boolean saveBestOnly;
    private Double initialValueThreshold;
    private boolean verbose;

    private Monitor monitor;
    private Double best;
    private Path lastSaved;

    /** @param filepath where to save, with optional {@code {field[:format]}} parts */
    public ModelCheckpoint(String filepath) {
        this.filepath = Objects.requireNonNull(filepath, "ModelCheckpoint filepath is null");
        for (Matcher matcher = FIELD.matcher(filepath); matcher.find();) {
            if (matcher.group(2) != null && !matcher.group(2).matches("0?\\d*(d|\\.\\d+[fegFEG])")) {
                throw new IllegalArgumentException("ModelCheckpoint filepath '" + filepath + "': format '"
                        + matcher.group(2) + "' of {" + matcher.group(1) + "}: expected an integer format such as 02d"
                        + " or a decimal one such as .4f");
            }
        }
    }

    /**
     * @param monitor the logged quantity {@code saveBestOnly} watches
     * @return this
     */
    public ModelCheckpoint monitor(String monitor) {
        this.monitorName = monitor;
        return this;
    }

    /**
     * @param mode {@code min}, {@code max} or {@code auto}
     * @return this
     */
    public ModelCheckpoint mode(String mode) {
        this.mode = Monitor.checkMode("ModelCheckpoint", mode);
        return this;
    }

    /**
     * @param saveBestOnly whether to save only epochs that improve the monitored quantity
     * @return this
     */
    public ModelCheckpoint saveBestOnly(boolean saveBestOnly) {
        this.saveBestOnly = saveBestOnly;
        return this;
    }

    /**
     * @param threshold with {@code saveBestOnly}, the value the first save must beat
     * @return this
     */
    public ModelCheckpoint initialValueThreshold(double threshold) {
        this.initialValueThreshold = threshold;
        return this;
    }

    /**
     * @param verbose whether to print each save and each epoch that did not improve
     * @return this
     */
    public ModelCheckpoint verbose(boolean verbose) {
        this.verbose = verbose;
        return this;
    }

    /** @return the file saved last, or null */
    public Path lastSaved() {
        return lastSaved;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        monitor = new Monitor("ModelCheckpoint", monitorName, mode);
        best = initialValueThreshold;
    }

    /**
     * Saves the model when due.
     *
     * @throws UncheckedIOException when writing fails (files saved before are kept)
     * @throws UnsupportedOperationException for a functional {@code Model}, which has no model file yet
     */
    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (!(context().model() instanceof Sequential model)) {
            throw new UnsupportedOperationException("ModelCheckpoint " + filepath + ": a functional Model cannot be"
                    + " written to a model file yet; checkpoint a Sequential model");
        }
        Path path = Path.of(fileName(epoch, logs));
        if (saveBestOnly) {
            Double current = monitor.value(context(), logs);
            if (current == null) {
                return;
            }
            if (!monitor.improves(context(), current, best, 0.0)) {
                if (verbose) {
                    context().out().printf(Locale.ROOT, "%nEpoch %d: %s did not improve from %s%n", epoch + 1,
                            monitor.name(), best);
                }
                return;
            }
            if (verbose) {
                context().out().printf(Locale.ROOT, "%nEpoch %d: %s improved from %s to %s, saving model to %s%n",
                        epoch + 1, monitor.name(), best == null ? "inf" : best, current, path);
            }
            best = current;
        } else if (verbose) {
            context().out().printf(Locale.ROOT, "%nEpoch %d: saving model to %s%n", epoch + 1, path);
        }
        try {
            ModelFile.save(model, path);
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint " + path + ": " + e.getMessage(), e);
        }
        lastSaved = path;
    }

    /**
     * @param epoch the 0-based epoch
     * @param logs  its logs
     * @return the file path with its fields filled in
     * @throws IllegalArgumentException for a field that is neither {@code epoch} nor logged
     */
    String fileName(int epoch, Map<String, Double> logs) {
        Matcher matcher = FIELD.matcher(filepath);
        StringBuilder name = new StringBuilder();
        while (matcher.find()) {
            String key = matcher.group(1);
            String format = matcher.group(2);
            Object value;
            if (key.equals("epoch")) {
                value = epoch + 1;
            } else if (logs.containsKey(key)) {
                value = logs.get(key);
            } else {
                throw new IllegalArgumentException("ModelCheckpoint filepath '" + filepath + "': {" + key
                        + "} is neither epoch nor in the logs; available: epoch, " + String.join(", ", logs.keySet()));
            }
            String text;
            try {
                text = format == null ? String.valueOf(value) : format.endsWith("d")
                        ? String.format(Locale.ROOT, "%" + format, ((Number) value).longValue())
                        : String.format(Locale.ROOT, "%" + format, ((Number) value).doubleValue());
            } catch (IllegalFormatException e) {
                throw new IllegalArgumentException("ModelCheckpoint filepath '" + filepath + "': format '" + format
                        + "' of {" + key + "}: " + e.getMessage(), e);
            }
            matcher.appendReplacement(name, Matcher.quoteReplacement(text));
        }
        matcher.appendTail(name);
        return name.toString();
    }
}
