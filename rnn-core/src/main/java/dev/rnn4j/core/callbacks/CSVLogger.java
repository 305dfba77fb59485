package dev.rnn4j.core.callbacks;

import dev.rnn4j.core.Callback;
import dev.rnn4j.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Keras's {@code CSVLogger}: one row per epoch, {@code epoch} (0-based, as Keras) then every logged quantity in sorted
 * order, as Keras writes them (Python's float notation, {@code NA} for a quantity an epoch did not log). The whole file
 * is rewritten to a temporary name and renamed after each epoch, so a crash leaves the rows of the epochs finished.
 * With {@code append}, the rows go after those of an existing file (for a resumed run), under its header.
 */
public final class CSVLogger extends Callback {
    private final Path file;
    private final String separator;
    private final boolean append;
    private final StringBuilder content = new StringBuilder();
    private List<String> keys;

    /** @param file the CSV file, replaced when training starts */
    public CSVLogger(Path file) {
        this(file, ",", false);
    }

    /**
     * @param file      the CSV file
     * @param separator between values
     * @param append    whether to keep the rows of an existing file and add after them
     */
    public CSVLogger(Path file, String separator, boolean append) {
        this.file = Objects.requireNonNull(file, "CSVLogger file is null");
        this.separator = Objects.requireNonNull(separator, "CSVLogger separator is null");
        if (separator.isEmpty() || separator.contains("\n")) {
            throw new IllegalArgumentException("CSVLogger separator: expected a non-empty string without newlines,"
                    + " found '" + separator + "'");
        }
        this.append = append;
    }

    /** @throws UncheckedIOException when an existing file to append to cannot be read */
    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        content.setLength(0);
        keys = null;
        if (append && Files.isRegularFile(file)) {
            try {
                String existing = Files.readString(file, StandardCharsets.UTF_8);
                if (!existing.isBlank()) {
                    content.append(existing);
                    if (!existing.endsWith("\n")) {
                        content.append('\n');
                    }
                    String header = existing.substring(0, existing.indexOf('\n') < 0 ? existing.length()
                            : existing.indexOf('\n')).strip();
                    List<String> columns = List.of(header.split(java.util.regex.Pattern.quote(separator), -1));
                    if (columns.isEmpty() || !columns.get(0).equals("epoch")) {
                        throw new IllegalArgumentException("CSVLogger " + file + ": expected a header starting with"
                                + " 'epoch' to append under, found '" + header + "'");
                    }
                    keys = columns.subList(1, columns.size());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("CSVLogger " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** @throws UncheckedIOException when writing fails (the file keeps the rows written before) */
    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (keys == null) {
            keys = new ArrayList<>(new TreeSet<>(logs.keySet()));
            content.append("epoch");
            keys.forEach(key -> content.append(separator).append(key));
            content.append('\n');
        }
        content.append(epoch);
        for (String key : keys) {
            Double value = logs.get(key);
            content.append(separator).append(value == null ? "NA" : python(value));
        }
        content.append('\n');
        try {
            AtomicFiles.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the value as Python's {@code repr} of a float writes it */
    static String python(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0.0) {
            return 1 / value < 0 ? "-0.0" : "0.0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        double magnitude = Math.abs(value);
        if (magnitude >= 1e-4 && magnitude < 1e16) {
            String plain = decimal.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        int exponent = decimal.precision() - decimal.scale() - 1;
        String digits = decimal.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (value < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + String.format(java.util.Locale.ROOT, "%02d", Math.abs(exponent));
    }
}
