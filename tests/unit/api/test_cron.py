"""Cron specs: parsing as robfig/cron does, and when a spec fires in a time zone, across daylight saving time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import islice

import pytest

from garden.api.cron import CronError, cron_problem, load_location, parse_cron, to_instant

pytestmark = pytest.mark.unit

BERLIN = load_location("Europe/Berlin")
NEW_YORK = load_location("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def fires(spec: str, zone_name: str | None, after: datetime, count: int) -> list[datetime]:
    return list(islice(parse_cron(spec).fire_times(load_location(zone_name), after), count))


def test_fields_ranges_steps_and_names() -> None:
    s = parse_cron("*/15 9-17/4 1,15 JAN-MAR mon-fri")
    assert s.minutes == {0, 15, 30, 45}
    assert s.hours == {9, 13, 17}
    assert s.days_of_month == {1, 15}
    assert s.months == {1, 2, 3}
    assert s.days_of_week == {1, 2, 3, 4, 5}
    assert not s.dom_star and not s.dow_star
    # "a/n" is "a-max/n".
    assert parse_cron("50/5 * * * *").minutes == {50, 55}


def test_descriptors() -> None:
    assert parse_cron("@daily") == parse_cron("0 0 * * *")
    assert parse_cron("@weekly") == parse_cron("0 0 * * 0")
    assert parse_cron("@every 1h30m").every == timedelta(minutes=90)


def test_problems_are_reported_as_robfig_words_them() -> None:
    assert cron_problem("0 8 * * 1-5") is None
    assert cron_problem("61 * * * *") == "minute: end of range (61) above maximum (59): 61"
    assert cron_problem("* * *") == "expected exactly 5 fields, found 3: * * *"
    assert cron_problem("@every 5x") == "failed to parse duration @every 5x"
    with pytest.raises(CronError):
        parse_cron("@fortnightly")


def test_days_match_either_field_unless_one_is_a_star() -> None:
    # The 1st of the month or any Monday: 2026-12-01 is a Tuesday, 2026-12-07 a Monday.
    either = fires("0 12 1 * MON", None, utc(2026, 11, 30, 13), 2)
    assert either == [utc(2026, 12, 1, 12), utc(2026, 12, 7, 12)]
    # Day of month a star: Mondays only.
    assert fires("0 12 * * MON", None, utc(2026, 11, 30, 13), 1) == [utc(2026, 12, 7, 12)]


def test_next_fire_in_a_zone_is_strictly_after() -> None:
    s = parse_cron("0 8 * * *")
    assert s.next_fire(BERLIN, utc(2026, 11, 25, 7)) == utc(2026, 11, 26, 7)  # 08:00 CET
    assert s.next_fire(BERLIN, utc(2026, 11, 25, 6, 59)) == utc(2026, 11, 25, 7)
    assert s.next_fire(BERLIN, utc(2026, 7, 1)) == utc(2026, 7, 1, 6)  # 08:00 CEST


def test_berlin_spring_forward_fires_a_skipped_time_when_the_clocks_jump() -> None:
    # 2027-03-28: 02:00 CET becomes 03:00 CEST (01:00 UTC); 02:30 does not exist that night.
    assert fires("30 2 * * *", "Europe/Berlin", utc(2027, 3, 27, 12), 2) == [
        utc(2027, 3, 28, 1, 0),
        utc(2027, 3, 29, 0, 30),
    ]
    # Several skipped times fire once, together; the times after the gap as usual.
    assert fires("*/20 2-3 * * *", "Europe/Berlin", utc(2027, 3, 27, 12), 4) == [
        utc(2027, 3, 28, 1, 0),
        utc(2027, 3, 28, 1, 20),
        utc(2027, 3, 28, 1, 40),
        utc(2027, 3, 29, 0, 0),
    ]
    assert to_instant(datetime(2027, 3, 28, 2, 59), BERLIN) == utc(2027, 3, 28, 1)


def test_berlin_fall_back_fires_a_repeated_time_once_at_its_first_occurrence() -> None:
    # 2026-10-25: 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:30 happens at 00:30 and at 01:30 UTC.
    assert fires("30 2 * * *", "Europe/Berlin", utc(2026, 10, 24, 12), 3) == [
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
        utc(2026, 10, 27, 1, 30),
    ]
    # Starting inside the repeated hour's second pass, the first pass is not fired again.
    assert fires("30 2 * * *", "Europe/Berlin", utc(2026, 10, 25, 1, 10), 1) == [utc(2026, 10, 26, 1, 30)]
    # The hours around the change keep their wall-clock times.
    assert fires("0 1,3 * * *", "Europe/Berlin", utc(2026, 10, 24, 12), 2) == [
        utc(2026, 10, 24, 23, 0),  # 01:00 CEST
        utc(2026, 10, 25, 2, 0),  # 03:00 CET
    ]


def test_new_york_changes_at_two_in_the_morning() -> None:
    # 2027-03-14: 02:00 EST becomes 03:00 EDT (07:00 UTC).
    assert fires("30 2 * * *", "America/New_York", utc(2027, 3, 13, 12), 2) == [
        utc(2027, 3, 14, 7, 0),
        utc(2027, 3, 15, 6, 30),
    ]
    # 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 happens twice (05:30 and 06:30 UTC) and fires once.
    assert fires("30 1 * * *", "America/New_York", utc(2026, 10, 31, 12), 2) == [
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 2, 6, 30),
    ]


def test_last_fire_is_the_latest_in_the_interval() -> None:
    s = parse_cron("0 * * * *")
    assert s.last_fire(UTC, utc(2026, 11, 25, 10), utc(2026, 11, 25, 12, 30)) == utc(2026, 11, 25, 12)
    assert s.last_fire(UTC, utc(2026, 11, 25, 12), utc(2026, 11, 25, 12, 30)) is None  # the start is excluded
    assert s.last_fire(UTC, utc(2026, 11, 25, 11, 30), utc(2026, 11, 25, 12)) == utc(2026, 11, 25, 12)


def test_every_fires_at_multiples_of_its_period() -> None:
    assert fires("@every 15m", "Europe/Berlin", utc(2026, 11, 25, 12, 7), 2) == [
        utc(2026, 11, 25, 12, 15),
        utc(2026, 11, 25, 12, 30),
    ]


def test_an_impossible_date_never_fires() -> None:
    assert parse_cron("0 0 31 2 *").next_fire(UTC, utc(2026, 11, 25)) is None
