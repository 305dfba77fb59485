package dev.rnn4j.text.forecast;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The United States' federal holidays on the days they are observed (one on a Saturday is kept the Friday before, one
 * on a Sunday the Monday after), with the dates of each year: Washington's Birthday, Memorial Day and Columbus Day on
 * Mondays from 1971 (the Uniform Monday Holiday Act), Veterans Day on the fourth Monday of October 1971-1977, Martin
 * Luther King Jr. Day from 1986, Juneteenth from 2021. Days of human activity (births, traffic, sales) follow them,
 * and those that move with the weekday are what "same weekday last week" and "same date last year" miss.
 */
final class UsHolidays {
    private static final Map<Integer, Set<LocalDate>> HOLIDAYS = new ConcurrentHashMap<>();
    private static final Map<Integer, Set<LocalDate>> BRIDGES = new ConcurrentHashMap<>();

    private UsHolidays() {
    }

    /** @return whether {@code day} is a federal holiday as observed */
    static boolean isHoliday(LocalDate day) {
        return HOLIDAYS.computeIfAbsent(day.getYear(), UsHolidays::holidays).contains(day);
    }

    /**
     * @return whether {@code day} is one of the days that bridge the great holidays: the day after Thanksgiving,
     *         Christmas Eve, the day after Christmas, New Year's Eve (where these are not holidays themselves)
     */
    static boolean isBridge(LocalDate day) {
        return !isHoliday(day) && BRIDGES.computeIfAbsent(day.getYear(), UsHolidays::bridges).contains(day);
    }

    private static Set<LocalDate> holidays(int year) {
        Set<LocalDate> days = new HashSet<>();
        days.add(observed(LocalDate.of(year, 1, 1)));
        if (year >= 1986) {
            days.add(nth(year, Month.JANUARY, DayOfWeek.MONDAY, 3));
        }
        days.add(year >= 1971 ? nth(year, Month.FEBRUARY, DayOfWeek.MONDAY, 3)
                : observed(LocalDate.of(year, 2, 22)));
        days.add(year >= 1971 ? LocalDate.of(year, 5, 31).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                : observed(LocalDate.of(year, 5, 30)));
        if (year >= 2021) {
            days.add(observed(LocalDate.of(year, 6, 19)));
        }
        days.add(observed(LocalDate.of(year, 7, 4)));
        days.add(nth(year, Month.SEPTEMBER, DayOfWeek.MONDAY, 1));
        days.add(year >= 1971 ? nth(year, Month.OCTOBER, DayOfWeek.MONDAY, 2) : observed(LocalDate.of(year, 10, 12)));
        days.add(year >= 1971 && year <= 1977 ? nth(year, Month.OCTOBER, DayOfWeek.MONDAY, 4)
                : observed(LocalDate.of(year, 11, 11)));
        days.add(thanksgiving(year));
        days.add(observed(LocalDate.of(year, 12, 25)));
        // New Year's Day on a Saturday is observed on the last day of the year before: each year keeps its own days.
        days.add(observed(LocalDate.of(year + 1, 1, 1)));
        days.removeIf(day -> day.getYear() != year);
        return days;
    }

    private static Set<LocalDate> bridges(int year) {
        return Set.of(thanksgiving(year).plusDays(1), LocalDate.of(year, 12, 24), LocalDate.of(year, 12, 26),
                LocalDate.of(year, 12, 31));
    }

    private static LocalDate thanksgiving(int year) {
        return nth(year, Month.NOVEMBER, DayOfWeek.THURSDAY, 4);
    }

    private static LocalDate nth(int year, Month month, DayOfWeek weekday, int n) {
        return LocalDate.of(year, month, 1).with(TemporalAdjusters.dayOfWeekInMonth(n, weekday));
    }

    private static LocalDate observed(LocalDate day) {
        return switch (day.getDayOfWeek()) {
            case SATURDAY -> day.minusDays(1);
            case SUNDAY -> day.plusDays(1);
            default -> day;
        };
    }
}
