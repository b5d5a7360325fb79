"""Maintenance time windows: ``HHMMSS+ZZZZ`` times of day, the window's length, membership and the default window.

A bound is a time of day with a fixed UTC offset (``220000+0100`` is 21:00 UTC); there are no time zone rules, so
no daylight saving time. A window may span midnight (``220000+0000`` to ``010000+0000`` is three hours). As in
Gardener's ``pkg/utils/timewindow``, both bounds belong to the window, times are compared at second precision in
UTC, and maintenance uses the *effective* window, which ends 15 minutes early (a best effort to finish in time).
A shoot without a (readable) window is maintained at any time of day.

Gardener picks a random one-hour window between 22:00 and 05:00 UTC for a shoot that names none; here the hour is
derived from the shoot's namespace and name, so the default is reproducible (admission that runs twice writes the
same window).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_TIME = re.compile(r"(\d{2})(\d{2})(\d{2})([+-])(\d{2})(\d{2})")

#: Gardener's bounds on a maintenance window's length.
MINIMUM = timedelta(minutes=30)
MAXIMUM = timedelta(hours=6)
#: How much earlier than its written end the effective window ends.
EFFECTIVE_END_CUT = timedelta(minutes=15)

#: The hours a default window may start at (UTC): from 22:00, the last one ending at 05:00.
_DEFAULT_START_HOURS = (22, 23, 0, 1, 2, 3, 4)
_DAY = 24 * 3600


def seconds_of_day_utc(text: str) -> int | None:
    """The time of day in UTC, in seconds since midnight, or None when ``text`` is not ``HHMMSS+ZZZZ``."""
    m = _TIME.fullmatch(text)
    if m is None:
        return None
    hour, minute, second, sign, zone_hours, zone_minutes = m.groups()
    if int(hour) > 23 or int(minute) > 59 or int(second) > 59 or int(zone_hours) > 23 or int(zone_minutes) > 59:
        return None
    local = int(hour) * 3600 + int(minute) * 60 + int(second)
    offset = (int(zone_hours) * 3600 + int(zone_minutes) * 60) * (1 if sign == "+" else -1)
    return (local - offset) % _DAY


def window_length(begin: str, end: str) -> timedelta | None:
    """How long the window is (it may span midnight), or None when a bound cannot be read."""
    start, stop = seconds_of_day_utc(begin), seconds_of_day_utc(end)
    if start is None or stop is None:
        return None
    return timedelta(seconds=(stop - start) % _DAY)


def default_window(namespace: str, name: str) -> tuple[str, str]:
    """``(begin, end)`` of a one-hour window starting between 22:00 and 04:00 UTC, fixed by namespace and name."""
    digest = hashlib.sha256(f"{namespace}/{name}".encode()).digest()
    hour = _DEFAULT_START_HOURS[int.from_bytes(digest[:8], "big") % len(_DEFAULT_START_HOURS)]
    return f"{hour:02d}0000+0000", f"{(hour + 1) % 24:02d}0000+0000"


def _second_of_day(moment: datetime) -> int:
    utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    return utc.hour * 3600 + utc.minute * 60 + utc.second


def _midnight(moment: datetime) -> datetime:
    utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return utc.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A daily window, its bounds as seconds since midnight UTC (``end < begin`` when it spans midnight)."""

    begin: int
    end: int

    @classmethod
    def parse(cls, begin: str, end: str) -> TimeWindow | None:
        """The window from ``HHMMSS+ZZZZ`` bounds, or None when one cannot be read."""
        start, stop = seconds_of_day_utc(begin), seconds_of_day_utc(end)
        if start is None or stop is None:
            return None
        return cls(start, stop)

    @property
    def spans_midnight(self) -> bool:
        return self.end < self.begin

    @property
    def length(self) -> timedelta:
        return timedelta(seconds=(self.end - self.begin) % _DAY)

    def effective(self) -> TimeWindow:
        """The window maintenance runs in: the same begin, an end 15 minutes earlier."""
        return TimeWindow(self.begin, (self.end - int(EFFECTIVE_END_CUT.total_seconds())) % _DAY)

    def contains(self, moment: datetime) -> bool:
        """Whether ``moment`` (at second precision) lies in the window; both bounds belong to it."""
        t = _second_of_day(moment)
        if self.spans_midnight:
            return t >= self.begin or t <= self.end
        return self.begin <= t <= self.end

    def current_start(self, moment: datetime) -> datetime | None:
        """When the occurrence of the window that ``moment`` lies in began (UTC), or None outside the window."""
        if not self.contains(moment):
            return None
        start = _midnight(moment) + timedelta(seconds=self.begin)
        if self.spans_midnight and _second_of_day(moment) < self.begin:
            start -= timedelta(days=1)
        return start

    def next_start(self, moment: datetime) -> datetime:
        """The first begin of the window strictly after ``moment`` (UTC)."""
        start = _midnight(moment) + timedelta(seconds=self.begin)
        while start <= moment:
            start += timedelta(days=1)
        return start


#: The window of a shoot that names none: all day (Gardener's ``AlwaysTimeWindow``, 00:00:00 to 23:59:59 UTC).
ALWAYS = TimeWindow(0, _DAY - 1)


def effective_window(begin: str | None, end: str | None) -> TimeWindow:
    """The window maintenance of a shoot runs in: its window cut short by 15 minutes, or all day without one."""
    if not begin or not end:
        return ALWAYS
    window = TimeWindow.parse(begin, end)
    return ALWAYS if window is None else window.effective()


__all__ = [
    "ALWAYS",
    "EFFECTIVE_END_CUT",
    "MAXIMUM",
    "MINIMUM",
    "TimeWindow",
    "default_window",
    "effective_window",
    "seconds_of_day_utc",
    "window_length",
]
