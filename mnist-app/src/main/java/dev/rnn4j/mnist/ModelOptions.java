package dev.rnn4j.mnist;

import dev.rnn4j.core.layers.AbstractLayer;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Option;

/** The options that shape the model, shared by {@code train} and {@code summary}. */
final class ModelOptions {
    @Option(names = "--cell", defaultValue = "simple",
            description = "Recurrent cell: simple (SimpleRNN), lstm or gru (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--layers", defaultValue = "1",
            description = "Recurrent layers, stacked; all but the last return sequences (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--units", defaultValue = "256",
            description = "Units of each recurrent layer (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--dropout", defaultValue = "0.2",
            description = "Input dropout of each recurrent layer (default: ${DEFAULT-VALUE}).")
    double dropout;

    /** @return the cell; an unknown name throws {@link IllegalArgumentException} naming the option */
    NotebookModel.Cell cell() {
        return NotebookModel.Cell.fromOption(cell);
    }

    /** Checks every value, naming the option and the value found, before any data is read. */
    void validate() {
        NotebookModel.Cell recurrent = cell();
        if (layers < 1) {
            throw new IllegalArgumentException("--layers: expected at least 1, found " + layers);
        }
        if (units < 1) {
            throw new IllegalArgumentException("--units: expected at least 1, found " + units);
        }
        long recurrentValues = (long) units * recurrent.gates() * units;
        if (recurrentValues > AbstractLayer.MAX_WEIGHT_VALUES) {
            long most = (long) Math.sqrt((double) AbstractLayer.MAX_WEIGHT_VALUES / recurrent.gates());
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--units %d: the recurrent_kernel of a"
                    + " %s cell (%d x %d) would hold %,d values, above the %,d one weight can hold; expected at"
                    + " most %,d units with --cell %s", units, recurrent.option(), units,
                    (long) recurrent.gates() * units, recurrentValues, AbstractLayer.MAX_WEIGHT_VALUES, most,
                    recurrent.option()));
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("--dropout: expected a rate in [0, 1), found " + dropout);
        }
    }

    /** @param settings where a run's settings are collected (run.json, checkpoints) */
    void putInto(Map<String, Object> settings) {
        settings.put("cell", cell().option());
        settings.put("layers", layers);
        settings.put("units", units);
        settings.put("dropout", dropout);
    }

    /**
     * @param settings a run's stored settings
     * @param number   reads a stored number
     */
    void restoreFrom(Map<?, ?> settings, ToDoubleFunction<Object> number) {
        cell = String.valueOf(settings.get("cell"));
        layers = (int) number.applyAsDouble(settings.get("layers"));
        units = (int) number.applyAsDouble(settings.get("units"));
        dropout = number.applyAsDouble(settings.get("dropout"));
    }
}
