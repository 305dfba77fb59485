package dev.rnn4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code fit} returns, as Keras's {@code History}: per epoch, {@code loss} and each metric ({@code accuracy}), and
 * with validation data {@code val_loss} and {@code val_accuracy}.
 */
public final class History {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();

    /**
     * Appends one epoch's logs.
     *
     * @param logs name to value, for example {@code loss -> 0.31}
     */
    public void append(Map<String, Double> logs) {
        logs.forEach((key, value) -> values.computeIfAbsent(key, name -> new ArrayList<>()).add(value));
    }

    /**
     * @param key {@code loss}, {@code accuracy}, {@code val_loss} or {@code val_accuracy}
     * @return its values per epoch; empty when absent
     */
    public List<Double> get(String key) {
        return Collections.unmodifiableList(values.getOrDefault(key, List.of()));
    }

    /** @return a history with the same series, appended to independently of this one */
    public History copy() {
        History copy = new History();
        values.forEach((key, list) -> copy.values.put(key, new ArrayList<>(list)));
        return copy;
    }

    /** @return every series, in the order first logged */
    public Map<String, List<Double>> asMap() {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        values.forEach((key, list) -> copy.put(key, List.copyOf(list)));
        return copy;
    }

    /** @return the number of epochs recorded */
    public int epochs() {
        return values.values().stream().mapToInt(List::size).max().orElse(0);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
