package dev.ferry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** When schedules fire, in their own time zones. No database. */
class CronTest {
  private static ZonedDateTime at(String iso) {
    return ZonedDateTime.parse(iso);
  }

  @Test
  void weekdaysAtTwoInTheSchedulesOwnZone() {
    Cron c = Cron.parse("0 2 * * MON-FRI", "Europe/Berlin", "api.schedules.nightly");
    // Friday 2026-12-04 03:00 in Berlin: the next is Monday 02:00.
    assertEquals(at("2026-12-07T02:00+01:00[Europe/Berlin]"), c.next(at("2026-12-04T02:00Z")));
    assertEquals(at("2026-12-04T02:00+01:00[Europe/Berlin]"), c.next(at("2026-12-03T23:00Z")));
  }

  @Test
  void stepsListsAndTheNextMinute() {
    assertEquals(at("2026-12-04T10:01Z[UTC]"), Cron.parse("* * * * *", "UTC", "k").next(at("2026-12-04T10:00:30Z")));
    assertEquals(at("2026-12-04T10:15Z[UTC]"), Cron.parse("*/15 * * * *", "UTC", "k").next(at("2026-12-04T10:00Z")));
    assertEquals(at("2026-12-04T18:05Z[UTC]"), Cron.parse("5 8-18/2,23 * * *", "UTC", "k").next(at("2026-12-04T16:05Z")));
    assertEquals(at("2027-01-01T00:00Z[UTC]"), Cron.parse("0 0 1 JAN *", "UTC", "k").next(at("2026-12-04T10:00Z")));
  }

  @Test
  void bothDayFieldsRestrictedMeansEitherAsInCron() {
    // The 1st of the month or any Friday: from Tuesday 2026-12-01 10:00, Friday the 4th comes first.
    assertEquals(at("2026-12-04T09:00Z[UTC]"), Cron.parse("0 9 1 * FRI", "UTC", "k").next(at("2026-12-01T10:00Z")));
    assertEquals(at("2026-12-06T00:00Z[UTC]"), Cron.parse("0 0 * * 7", "UTC", "k").next(at("2026-12-04T10:00Z")),
        "7 is Sunday too");
  }

  @Test
  void aDaylightSavingGapIsSkipped() {
    // 2027-03-28 02:30 does not exist in Berlin: the next 02:30 is the 29th.
    assertEquals(at("2027-03-29T02:30+02:00[Europe/Berlin]"),
        Cron.parse("30 2 * * *", "Europe/Berlin", "k").next(at("2027-03-27T03:00+01:00[Europe/Berlin]")));
  }

  @Test
  void mistakesNameTheSettingAndWhatIsWrong() {
    assertEquals("api.schedules.x.cron: a schedule is five fields, minute hour day-of-month month day-of-week, such"
        + " as '0 2 * * MON-FRI' (got '0 2 * *')",
        assertThrows(ConfigException.class, () -> Cron.parse("0 2 * *", "UTC", "api.schedules.x")).getMessage());
    assertEquals("k.cron: hour 24 is out of range (0-23)",
        assertThrows(ConfigException.class, () -> Cron.parse("0 24 * * *", "UTC", "k")).getMessage());
    assertEquals("k.cron: cannot read the day of week field 'MOM'",
        assertThrows(ConfigException.class, () -> Cron.parse("0 2 * * MOM", "UTC", "k")).getMessage());
    assertEquals("k.zone: unknown time zone 'Europe/Berlim' (use a name such as Europe/Berlin or UTC)",
        assertThrows(ConfigException.class, () -> Cron.parse("0 2 * * *", "Europe/Berlim", "k")).getMessage());
  }
}
