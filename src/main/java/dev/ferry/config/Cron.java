package dev.ferry.config;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron expression (minute, hour, day of month, month, day of week) in a time zone: {@code *}, numbers,
 * ranges {@code 1-5}, lists {@code 1,15}, steps {@code *}{@code /15} and {@code 8-18/2}, month and day names
 * ({@code JAN}, {@code MON-FRI}; Sunday is 0 or 7). As in cron, when both day fields are restricted a day matches
 * either. The zone's own clock decides: a time a daylight-saving change skips does not come that day, and one it
 * repeats comes twice (an hour apart).
 */
public final class Cron {
  private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
      "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private final String text;
  private final ZoneId zone;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;

  private Cron(String text, ZoneId zone, String[] f, String key) {
    this.text = text;
    this.zone = zone;
    this.minutes = field(f[0], 0, 59, List.of(), key, "minute");
    this.hours = field(f[1], 0, 23, List.of(), key, "hour");
    this.daysOfMonth = field(f[2], 1, 31, List.of(), key, "day of month");
    this.months = field(f[3], 1, 12, MONTHS, key, "month");
    BitSet dow = field(f[4], 0, 7, DAYS, key, "day of week");
    if (dow.get(7)) {
      dow.set(0); // 7 is Sunday too
    }
    this.daysOfWeek = dow;
    this.anyDayOfMonth = f[2].equals("*");
    this.anyDayOfWeek = f[4].equals("*");
  }

  /** Parses {@code text} for time zone {@code zone}; {@code key} names the schedule in errors ({@code key.cron}). */
  public static Cron parse(String text, String zone, String schedule) {
    String key = schedule + ".cron";
    String[] f = text == null ? new String[0] : text.trim().split("\\s+");
    if (f.length != 5) {
      throw new ConfigException(key, "a schedule is five fields, minute hour day-of-month month day-of-week, such as"
          + " '0 2 * * MON-FRI' (got '" + text + "')");
    }
    ZoneId z;
    try {
      z = ZoneId.of(zone == null ? "UTC" : zone);
    } catch (RuntimeException e) {
      throw new ConfigException(schedule + ".zone", "unknown time zone '" + zone + "' (use a name such as Europe/Berlin or UTC)");
    }
    return new Cron(text.trim(), z, f, key);
  }

  private static BitSet field(String spec, int min, int max, List<String> names, String key, String what) {
    BitSet out = new BitSet(max + 1);
    for (String part : spec.toUpperCase(Locale.ROOT).split(",")) {
      String[] stepped = part.split("/", -1);
      int step = 1;
      if (stepped.length == 2) {
        step = number(stepped[1], 1, max, List.of(), key, what);
      } else if (stepped.length != 1) {
        throw bad(key, what, part);
      }
      String range = stepped[0];
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", -1);
        if (ends.length != 2) {
          throw bad(key, what, part);
        }
        from = number(ends[0], min, max, names, key, what);
        to = number(ends[1], min, max, names, key, what);
        if (from > to) {
          throw new ConfigException(key, what + " range '" + part + "' runs backwards");
        }
      } else {
        from = number(range, min, max, names, key, what);
        to = stepped.length == 2 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        out.set(v);
      }
    }
    return out;
  }

  private static int number(String s, int min, int max, List<String> names, String key, String what) {
    int named = names.indexOf(s);
    if (named >= 0) {
      return names == MONTHS ? named + 1 : named;
    }
    try {
      int v = Integer.parseInt(s);
      if (v < min || v > max) {
        throw new ConfigException(key, what + " " + v + " is out of range (" + min + "-" + max + ")");
      }
      return v;
    } catch (NumberFormatException e) {
      throw bad(key, what, s);
    }
  }

  private static ConfigException bad(String key, String what, String part) {
    return new ConfigException(key, "cannot read the " + what + " field '" + part + "'");
  }

  /** The first time after {@code after} (exclusive, to the minute) that matches; searched up to five years ahead. */
  public ZonedDateTime next(ZonedDateTime after) {
    ZonedDateTime t = after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = t.plusYears(5);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return t;
      }
    }
    throw new IllegalStateException("the schedule '" + text + "' never fires");
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue());
    if (anyDayOfMonth || anyDayOfWeek) {
      return dom && dow;
    }
    return dom || dow;
  }

  /** The expression as written. */
  public String text() {
    return text;
  }

  public ZoneId zone() {
    return zone;
  }

  @Override
  public String toString() {
    return text + " (" + zone + ")";
  }
}
