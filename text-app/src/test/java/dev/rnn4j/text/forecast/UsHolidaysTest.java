package dev.rnn4j.text.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class UsHolidaysTest {
    private static List<LocalDate> holidaysOf(int year) {
        return Stream.iterate(LocalDate.of(year, 1, 1), day -> day.getYear() == year, day -> day.plusDays(1))
                .filter(UsHolidays::isHoliday).toList();
    }

    @Test
    void observesWeekendHolidaysOnTheNearestWeekday() {
        // 1976: July 4 a Sunday (kept Monday 5), Christmas a Saturday (kept Friday 24); Veterans Day in October.
        assertThat(holidaysOf(1976)).extracting(LocalDate::toString).containsExactly("1976-01-01", "1976-02-16",
                "1976-05-31", "1976-07-05", "1976-09-06", "1976-10-11", "1976-10-25", "1976-11-25", "1976-12-24",
                "1976-12-31");
        // The last one: New Year's Day 1977 was a Saturday, observed in 1976.
    }

    @Test
    void followsTheLawOfEachYear() {
        // Before the Monday holidays: Memorial Day on May 30 (1970: a Saturday, so Friday 29), Columbus Day Oct 12.
        assertThat(holidaysOf(1970)).contains(LocalDate.of(1970, 5, 29), LocalDate.of(1970, 10, 12),
                LocalDate.of(1970, 2, 23), LocalDate.of(1970, 11, 11));
        assertThat(holidaysOf(1971)).contains(LocalDate.of(1971, 5, 31)).doesNotContain(LocalDate.of(1971, 11, 11));
        assertThat(holidaysOf(1985)).hasSize(9);
        assertThat(holidaysOf(1986)).contains(LocalDate.of(1986, 1, 20)).hasSize(10);
        assertThat(holidaysOf(2021)).contains(LocalDate.of(2021, 6, 18), LocalDate.of(2021, 12, 31));
        assertThat(holidaysOf(1988)).contains(LocalDate.of(1988, 11, 24), LocalDate.of(1988, 12, 26));
    }

    @Test
    void bridgesAreTheDaysAroundTheGreatHolidaysThatAreNotHolidaysThemselves() {
        assertThat(UsHolidays.isBridge(LocalDate.of(1988, 11, 25))).isTrue();
        assertThat(UsHolidays.isBridge(LocalDate.of(1988, 12, 24))).isTrue();
        assertThat(UsHolidays.isBridge(LocalDate.of(1988, 12, 31))).isTrue();
        // Christmas 1977 was a Sunday, kept on Monday 26: a holiday, not a bridge.
        assertThat(UsHolidays.isBridge(LocalDate.of(1977, 12, 26))).isFalse();
        assertThat(UsHolidays.isHoliday(LocalDate.of(1977, 12, 26))).isTrue();
        assertThat(UsHolidays.isBridge(LocalDate.of(1988, 7, 5))).isFalse();
    }
}
