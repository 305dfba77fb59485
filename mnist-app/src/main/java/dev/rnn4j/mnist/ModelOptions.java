package dev.rnn4j.mnist;

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

    /** Checks every value, naming the option and the value found. */
    void validate() {
        cell();
        if (layers < 1) {
            throw new IllegalArgumentException("--layers: expected at least 1, found " + layers);
        }
        if (units < 1) {
            throw new IllegalArgumentException("--units: expected at least 1, found " + units);
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
