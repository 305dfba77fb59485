package dev.rnn4j.text.forecast;

import dev.rnn4j.text.BuiltInData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The series: {@code --csv FILE --column NAME [--date-column NAME]}, else the US births of 1969-1988. */
public final class SeriesOptions {
    @Option(names = "--csv", paramLabel = "FILE", description = "A CSV file with a header row (default: US births per"
            + " day, 1969-1988, fetched once into the cache and checksummed).")
    Path csv;

    @Option(names = "--column", paramLabel = "NAME", description = "The column to forecast (required with --csv).")
    String column;

    @Option(names = "--date-column", paramLabel = "NAME", description = "A column of ISO dates, or the year, month"
            + " and day columns as YEAR,MONTH,DAY: the model then also sees the weekday and the time of year of each"
            + " day (daily series).")
    String dateColumn;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "A folder holding us-births.csv, used as is"
            + " instead of the cache (also: US_BIRTHS_DIR).")
    Path dataDir;

    /** @return the series */
    public Series read(PrintStream log) throws IOException {
        if (csv == null) {
            if (column != null || dateColumn != null) {
                throw new IllegalArgumentException("--column and --date-column name columns of --csv: give --csv too");
            }
            return Series.read(BuiltInData.usBirths(dataDir, log), "births", null,
                    List.of("year", "month", "date_of_month"));
        }
        if (column == null) {
            throw new IllegalArgumentException("--csv " + csv + ": expected --column NAME, the column to forecast");
        }
        if (dateColumn != null && dateColumn.contains(",")) {
            List<String> parts = List.of(dateColumn.split(",", -1));
            if (parts.size() != 3 || parts.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("--date-column " + dateColumn + ": expected one column of ISO dates,"
                        + " or three columns YEAR,MONTH,DAY");
            }
            return Series.read(csv, column, null, parts);
        }
        return Series.read(csv, column, dateColumn, null);
    }

    /** @return the source in words */
    public String describe() {
        return csv == null ? "US births per day, 1969-1988" : csv + ", column " + column;
    }

    void restore(Object savedCsv, Object savedColumn, Object savedDate) {
        csv = savedCsv instanceof String path ? Path.of(path) : null;
        column = savedColumn instanceof String name ? name : null;
        dateColumn = savedDate instanceof String name ? name : null;
    }

    String savedCsv() {
        return csv == null ? null : csv.toAbsolutePath().toString();
    }
}
