package dev.rnn4j.core.callbacks;

import dev.rnn4j.api.Optimizer;
import dev.rnn4j.core.FitContext;
import dev.rnn4j.core.metrics.Metrics;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A quantity of the logs a callback watches, and which way is better: Keras's {@code mode} {@code "min"},
 * {@code "max"} or {@code "auto"} (a loss is minimised, a compiled metric goes its own way).
 */
final class Monitor {
    private final String owner;
    private final String name;
    private final String mode;
    private Boolean higherIsBetter;

    Monitor(String owner, String name, String mode) {
        this.owner = owner;
        this.name = Objects.requireNonNull(name, owner + " monitor is null");
        this.mode = checkMode(owner, mode);
    }

    /** @return the mode in lower case, after checking it is one Keras knows */
    static String checkMode(String owner, String mode) {
        String lower = Objects.requireNonNull(mode, owner + " mode is null").toLowerCase(Locale.ROOT);
        if (!lower.equals("min") && !lower.equals("max") && !lower.equals("auto")) {
            throw new IllegalArgumentException(owner + " mode: expected 'min', 'max' or 'auto', found '" + mode + "'");
        }
        return lower;
    }

    String name() {
        return name;
    }

    /** @return the value in the logs, or null after warning once that it is never logged */
    Double value(FitContext context, Map<String, Double> logs) {
        Double value = logs.get(name);
        if (value == null) {
            context.warnOnce(owner + ":" + name, owner + " is conditioned on '" + name + "', which is not in the logs;"
                    + " available: " + String.join(", ", logs.keySet()));
        }
        return value;
    }

    /**
     * @return whether larger values are better
     * @throws IllegalArgumentException in {@code auto} mode for a quantity of unknown direction
     */
    boolean higherIsBetter(FitContext context) {
        if (higherIsBetter == null) {
            higherIsBetter = mode.equals("max") || (mode.equals("auto") && autoHigherIsBetter(context));
        }
        return higherIsBetter;
    }

    private boolean autoHigherIsBetter(FitContext context) {
        String quantity = name.startsWith("val_") ? name.substring("val_".length()) : name;
        if (quantity.equals("loss") || quantity.endsWith("_loss")) {
            return false;
        }
        for (String metric : context.model().metrics()) {
            if (quantity.equals(metric) || quantity.endsWith("_" + metric)) {
                return Metrics.higherIsBetter(metric);
            }
        }
        throw new IllegalArgumentException(owner + " monitors '" + name + "', but mode 'auto' cannot tell whether it"
                + " should go up or down; pass mode 'max' or 'min'");
    }

    /** @return whether {@code value} beats {@code best} by more than {@code minDelta} (null best: always) */
    boolean improves(FitContext context, double value, Double best, double minDelta) {
        if (best == null) {
            return true;
        }
        return higherIsBetter(context) ? value - minDelta > best : value + minDelta < best;
    }

    static Optimizer optimizer(FitContext context, String owner) {
        Optimizer optimizer = context.model().optimizer();
        if (optimizer == null) {
            throw new IllegalStateException(owner + ": the model has no optimizer; compile it first");
        }
        return optimizer;
    }

    static double checkNonNegative(String what, double value) {
        if (!(value >= 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + ": expected a finite value of at least 0, found " + value);
        }
        return value;
    }

    static int checkNonNegative(String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + ": expected at least 0, found " + value);
        }
        return value;
    }
}
