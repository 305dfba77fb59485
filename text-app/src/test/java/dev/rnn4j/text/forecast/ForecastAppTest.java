package dev.rnn4j.text.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import dev.rnn4j.text.TextAppRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForecastAppTest {
    @TempDir
    Path dir;

    /** A daily series with a weekly pattern, a slow trend and noise. */
    static Path csv(Path file, int days) throws IOException {
        Random random = new Random(3);
        StringBuilder text = new StringBuilder("day,visits,note\n");
        LocalDate start = LocalDate.of(2020, 1, 6);
        double[] week = {1.0, 1.1, 1.05, 1.0, 0.95, 0.7, 0.6};
        for (int d = 0; d < days; d++) {
            double value = 1000 * week[d % 7] * (1 + d / 2000.0) + 10 * random.nextGaussian();
            text.append(start.plusDays(d)).append(',').append(String.format(java.util.Locale.ROOT, "%.1f", value))
                    .append(",\"a, b\"\n");
        }
        return Files.writeString(file, text);
    }

    @Test
    void trainsOnACsvColumnAndBeatsTheSeasonalNaiveForecast() throws IOException {
        Path file = csv(dir.resolve("visits.csv"), 400);
        Path run = dir.resolve("run");
        TextAppRun.Result trained = TextAppRun.run("forecast", "train", "--csv", file.toString(), "--column",
                "visits", "--date-column", "day", "--window", "14", "--units", "16", "--epochs", "25",
                "--learning-rate", "0.01", "--verbose", "0", "--out", run.toString());
        assertThat(trained.status()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("Series: " + file + ", column visits, 400 values from 2020-01-06")
                .contains("seasonal naive: MAE").contains("Scaling (training part only)");
        for (String name : new String[] {"model.zip", "history.csv", "run.json", "loss.png", "forecast.png"}) {
            assertThat(run.resolve(name)).isNotEmptyFile();
        }
        Map<?, ?> runJson = new Gson().fromJson(Files.readString(run.resolve("run.json")), Map.class);
        double mape = ((Number) runJson.get("test_mape")).doubleValue();
        assertThat(runJson.get("test_forecasts")).isEqualTo(80.0);
        assertThat(mape).isLessThan(3.0);

        TextAppRun.Result evaluated = TextAppRun.run("forecast", "evaluate", "--model",
                run.resolve("model.zip").toString(), "--csv", file.toString(), "--column", "visits", "--date-column",
                "day");
        assertThat(evaluated.status()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).contains(String.format(java.util.Locale.ROOT, "MAPE %.3f %%", mape));
        TextAppRun.Result predicted = TextAppRun.run("forecast", "predict", "--model",
                run.resolve("model.zip").toString(), "--csv", file.toString(), "--column", "visits", "--date-column",
                "day");
        assertThat(predicted.status()).as(predicted.err()).isZero();
        assertThat(predicted.out()).startsWith(LocalDate.of(2020, 1, 6).plusDays(400) + "\t");
    }

    @Test
    void badCsvIsOneLine() throws IOException {
        Path file = csv(dir.resolve("visits.csv"), 60);
        String out = dir.resolve("run").toString();
        assertThat(TextAppRun.run("forecast", "train", "--csv", file.toString(), "--column", "sales", "--out", out)
                .errorLine()).isEqualTo("error: --csv " + file + ": expected a column named 'sales', found the"
                + " columns [day, visits, note]");
        assertThat(TextAppRun.run("forecast", "train", "--csv", file.toString(), "--out", out).errorLine())
                .isEqualTo("error: --csv " + file + ": expected --column NAME, the column to forecast");
        assertThat(TextAppRun.run("forecast", "train", "--csv", file.toString(), "--column", "note", "--out", out)
                .errorLine()).isEqualTo("error: --csv " + file + ", row 2, column 'note': expected a number, found"
                + " 'a, b'");
        assertThat(TextAppRun.run("forecast", "train", "--csv", file.toString(), "--column", "visits", "--window",
                "56", "--out", out).errorLine()).startsWith("error: --window 56: the series (" + file + ", column"
                + " visits) has 60 values, 48 of them for training");
        Path missing = Files.writeString(dir.resolve("m.csv"), "t,v\n1,2\n2,\n3,4\n");
        assertThat(TextAppRun.run("forecast", "train", "--csv", missing.toString(), "--column", "v", "--out", out)
                .errorLine()).isEqualTo("error: --csv " + missing + ", row 3, column 'v': expected a number, found a"
                + " missing value (fill or remove the row)");
        Path badDate = Files.writeString(dir.resolve("d.csv"), "t,v\n2020-01-01,2\n01/02/2020,3\n");
        assertThat(TextAppRun.run("forecast", "train", "--csv", badDate.toString(), "--column", "v", "--date-column",
                "t", "--out", out).errorLine()).isEqualTo("error: --csv " + badDate + ", row 3, column 't': expected"
                + " an ISO date (1969-01-31), found '01/02/2020'");
        assertThat(dir.resolve("run/run.json")).doesNotExist();
    }

    @Test
    void datesMayComeFromYearMonthAndDayColumns() throws IOException {
        StringBuilder text = new StringBuilder("year,month,date_of_month,births\n");
        LocalDate day = LocalDate.of(2000, 1, 1);
        for (int d = 0; d < 120; d++, day = day.plusDays(1)) {
            text.append(day.getYear()).append(',').append(day.getMonthValue()).append(',')
                    .append(day.getDayOfMonth()).append(',').append(1000 + (d % 7) * 50).append('\n');
        }
        Path file = Files.writeString(dir.resolve("ymd.csv"), text);
        TextAppRun.Result trained = TextAppRun.run("forecast", "train", "--csv", file.toString(), "--column",
                "births", "--date-column", "year,month,date_of_month", "--window", "14", "--units", "4", "--epochs",
                "2", "--verbose", "0", "--out", dir.resolve("run").toString());
        assertThat(trained.status()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("120 values from 2000-01-01 to 2000-04-29");
        assertThat(TextAppRun.run("forecast", "train", "--csv", file.toString(), "--column", "births",
                "--date-column", "year,month", "--out", dir.resolve("run2").toString()).errorLine())
                .isEqualTo("error: --date-column year,month: expected one column of ISO dates, or three columns"
                        + " YEAR,MONTH,DAY");
        assertThat(trained.out()).contains("US federal holidays flagged");
        Path plain = dir.resolve("plain");
        TextAppRun.Result withoutHolidays = TextAppRun.run("forecast", "train", "--csv", file.toString(), "--column",
                "births", "--date-column", "year,month,date_of_month", "--holidays", "none", "--window", "14",
                "--units", "4", "--epochs", "2", "--verbose", "0", "--out", plain.toString());
        assertThat(withoutHolidays.status()).as(withoutHolidays.err()).isZero();
        assertThat(withoutHolidays.out()).doesNotContain("holidays flagged");
        // The saved model says which calendar it reads: evaluate builds the same inputs, 12 per step, not 14.
        TextAppRun.Result evaluated = TextAppRun.run("forecast", "evaluate", "--model",
                plain.resolve("model.zip").toString(), "--csv", file.toString(), "--column", "births",
                "--date-column", "year,month,date_of_month");
        assertThat(evaluated.status()).as(evaluated.err()).isZero();
        assertThat(TextAppRun.run("forecast", "train", "--csv", file.toString(), "--column", "births",
                "--date-column", "year,month,date_of_month", "--holidays", "uk", "--out",
                dir.resolve("run3").toString()).errorLine()).isEqualTo("error: --holidays: expected us or none,"
                        + " found uk");
    }

    @Test
    void seasonalNaiveTakesTheSameWeekdayOfTheLatestKnownWeek() {
        double[] values = new double[30];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        Series series = new Series("v", values, null);
        double[][] naive = Errors.seasonalNaive(series, new int[] {20}, 9, 7);
        // Known up to 19: days 20..26 are as 13..19, days 27, 28 as 13, 14 (two weeks back).
        assertThat(naive[0]).containsExactly(13, 14, 15, 16, 17, 18, 19, 13, 14);
        Errors errors = Errors.of(series, new int[] {20}, naive, 9);
        assertThat(errors.mae()).isEqualTo((7 * 7 + 2 * 14) / 9.0);
    }
}
