"""Maintenance time windows: ``HHMMSS+ZZZZ`` times of day, the window's length, and the default window.

A window may span midnight (``220000+0000`` to ``010000+0000`` is three hours). Gardener picks a random one-hour
window between 22:00 and 05:00 UTC for a shoot that names none; here the hour is derived from the shoot's namespace
and name, so the default is reproducible (admission that runs twice writes the same window).
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

_TIME = re.compile(r"(\d{2})(\d{2})(\d{2})([+-])(\d{2})(\d{2})")

#: Gardener's bounds on a maintenance window's length.
MINIMUM = timedelta(minutes=30)
MAXIMUM = timedelta(hours=6)

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


__all__ = ["MAXIMUM", "MINIMUM", "default_window", "seconds_of_day_utc", "window_length"]
