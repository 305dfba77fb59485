package dev.rnn4j.text.forecast;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** A series read from a CSV column, in file order, with the dates of its rows when the file has them. */
public record Series(String name, double[] values, LocalDate[] dates) {
    /**
     * @param file       a CSV file with a header row
     * @param column     the column of the values
     * @param dateColumn the column of ISO dates ({@code 1969-01-01}, or a date-time), or null
     * @param dateParts  year, month and day columns making the date instead, or null
     * @return the series
     * @throws IllegalArgumentException naming the file, row and column of a missing or non-numeric value
     * @throws IOException              when the file cannot be read
     */
    public static Series read(Path file, String column, String dateColumn, List<String> dateParts)
            throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).get();
        List<Double> values = new ArrayList<>();
        List<LocalDate> dates = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(reader, format)) {
            List<String> header = parser.getHeaderNames();
            for (String needed : needed(column, dateColumn, dateParts)) {
                if (!header.contains(needed)) {
                    throw new IllegalArgumentException("--csv " + file + ": expected a column named '" + needed
                            + "', found the columns " + header);
                }
            }
            for (CSVRecord record : parser) {
                long row = record.getRecordNumber() + 1;
                values.add(number(file, row, column, record));
                if (dateColumn != null) {
                    dates.add(date(file, row, dateColumn, record.get(dateColumn)));
                } else if (dateParts != null) {
                    try {
                        dates.add(LocalDate.of((int) number(file, row, dateParts.get(0), record),
                                (int) number(file, row, dateParts.get(1), record),
                                (int) number(file, row, dateParts.get(2), record)));
                    } catch (java.time.DateTimeException invalid) {
                        throw new IllegalArgumentException("--csv " + file + ", row " + row + ": expected a date in"
                                + " columns " + dateParts + ", found " + invalid.getMessage());
                    }
                }
            }
        } catch (java.io.UncheckedIOException | IllegalStateException malformed) {
            throw new IllegalArgumentException("--csv " + file + ": expected CSV with a header row, found "
                    + malformed.getMessage());
        } catch (java.nio.charset.MalformedInputException binary) {
            throw new IllegalArgumentException("--csv " + file + ": expected UTF-8 text, found bytes that are not");
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException("--csv " + file + ": expected rows of values below the header, found"
                    + " none");
        }
        for (int i = 1; i < dates.size(); i++) {
            if (!dates.get(i).isAfter(dates.get(i - 1))) {
                throw new IllegalArgumentException("--csv " + file + ", row " + (i + 2) + ": expected dates in"
                        + " increasing order, found " + dates.get(i) + " after " + dates.get(i - 1));
            }
        }
        return new Series(column, values.stream().mapToDouble(Double::doubleValue).toArray(),
                dates.isEmpty() ? null : dates.toArray(new LocalDate[0]));
    }

    private static List<String> needed(String column, String dateColumn, List<String> dateParts) {
        List<String> needed = new ArrayList<>(List.of(column));
        if (dateColumn != null) {
            needed.add(dateColumn);
        }
        if (dateParts != null) {
            needed.addAll(dateParts);
        }
        return needed;
    }

    private static double number(Path file, long row, String column, CSVRecord record) {
        String text = record.isSet(column) ? record.get(column) : "";
        if (text.isEmpty()) {
            throw new IllegalArgumentException("--csv " + file + ", row " + row + ", column '" + column + "':"
                    + " expected a number, found a missing value (fill or remove the row)");
        }
        try {
            double value = Double.parseDouble(text);
            if (!Double.isFinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("--csv " + file + ", row " + row + ", column '" + column + "':"
                    + " expected a number, found '" + text + "'");
        }
    }

    private static LocalDate date(Path file, long row, String column, String text) {
        try {
            return LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
        } catch (DateTimeParseException invalid) {
            throw new IllegalArgumentException("--csv " + file + ", row " + row + ", column '" + column + "':"
                    + " expected an ISO date (1969-01-31), found '" + text + "'");
        }
    }

    public int length() {
        return values.length;
    }

    public boolean hasDates() {
        return dates != null;
    }
}
