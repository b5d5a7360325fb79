"""Cron specs of hibernation schedules, read as robfig/cron's ``ParseStandard`` (which Gardener uses) reads them, and
when they fire in a time zone.

Five fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or JAN-DEC) and day of week (0-6 or
SUN-SAT). Each field is ``*`` or ``?``, a value, a range ``a-b``, any of those with a step ``/n`` (``a/n`` means
``a-max/n``), or a comma list of them. The descriptors ``@yearly``, ``@annually``, ``@monthly``, ``@weekly``,
``@daily``, ``@midnight``, ``@hourly`` and ``@every <duration>`` are accepted too. As in robfig/cron, when either
day field is ``*`` (or ``?``) a day must match both, otherwise either.

When a schedule fires: the fields describe wall-clock times in the schedule's time zone; each is turned into an
instant. Daylight saving time makes some wall-clock times not exist and others happen twice:

* a time that does not exist (skipped when the clocks spring forward: 02:30 in Europe/Berlin on 2027-03-28)
  fires at the first moment that exists after it, the instant the clocks jump (03:00 CEST, 01:00 UTC); several
  skipped times of one night fire once, together;
* a time that happens twice (when the clocks fall back: 02:30 in Europe/Berlin on 2026-10-25) fires once, at its
  first occurrence (02:30 CEST, 00:30 UTC); the repeated hour does not fire again.

``@every <duration>`` fires at the multiples of the duration since the Unix epoch (UTC), independent of the time
zone: robfig/cron counts from when its scheduler started, which a controller that restarts has no memory of.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from garden.api.duration import go_duration_seconds


class CronError(ValueError):
    """A cron spec that cannot be read; the message says why, as robfig/cron would."""


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()

    def value(self, text: str) -> int:
        upper = text.upper()
        if upper in self.names:
            return self.low + self.names.index(upper)
        if not text.isdigit():
            raise CronError(f"failed to parse int from {text}")
        return int(text)


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    _Field("day of week", 0, 6, ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")),
)

_DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
#: How far ahead a schedule is searched for its next firing (robfig/cron gives up after five years too).
_HORIZON_DAYS = 5 * 366


@dataclass(frozen=True, slots=True)
class CronSchedule:
    """A parsed spec: the values each field allows, or for ``@every`` the period."""

    minutes: frozenset[int] = frozenset()
    hours: frozenset[int] = frozenset()
    days_of_month: frozenset[int] = frozenset()
    months: frozenset[int] = frozenset()
    days_of_week: frozenset[int] = frozenset()
    #: Whether the day-of-month / day-of-week field was ``*`` or ``?``.
    dom_star: bool = False
    dow_star: bool = False
    #: ``@every``: the period (whole seconds, at least one).
    every: timedelta | None = None

    def day_matches(self, day: date) -> bool:
        dom = day.day in self.days_of_month
        dow = (day.weekday() + 1) % 7 in self.days_of_week
        if self.dom_star or self.dow_star:
            return dom and dow
        return dom or dow

    def wall_times(self, start: datetime) -> Iterator[datetime]:
        """The naive wall-clock times the fields describe, from ``start`` (naive, inclusive) on, ascending."""
        hours, minutes = sorted(self.hours), sorted(self.minutes)
        day = start.date()
        for _ in range(_HORIZON_DAYS):
            if day.month in self.months and self.day_matches(day):
                for hour in hours:
                    for minute in minutes:
                        wall = datetime(day.year, day.month, day.day, hour, minute)
                        if wall >= start:
                            yield wall
            day += timedelta(days=1)

    def fire_times(self, zone: tzinfo, after: datetime) -> Iterator[datetime]:
        """The instants (UTC) strictly after ``after`` at which the schedule fires in ``zone``, ascending."""
        after = _aware(after)
        if self.every is not None:
            period = int(self.every.total_seconds())
            n = int(after.timestamp()) // period + 1
            while True:
                yield datetime.fromtimestamp(n * period, UTC)
                n += 1
        local = after.astimezone(zone).replace(tzinfo=None)
        last: datetime | None = None
        for wall in self.wall_times(local.replace(second=0, microsecond=0)):
            instant = to_instant(wall, zone)
            if instant <= after or (last is not None and instant <= last):
                continue
            last = instant
            yield instant

    def next_fire(self, zone: tzinfo, after: datetime) -> datetime | None:
        """The first firing strictly after ``after``, or None within the next five years."""
        return next(self.fire_times(zone, after), None)

    def last_fire(self, zone: tzinfo, after: datetime, until: datetime) -> datetime | None:
        """The latest firing in ``(after, until]``, or None."""
        until = _aware(until)
        found: datetime | None = None
        for instant in self.fire_times(zone, after):
            if instant > until:
                break
            found = instant
        return found


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _wall(instant: datetime, zone: tzinfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def to_instant(wall: datetime, zone: tzinfo) -> datetime:
    """The instant (UTC) a naive wall-clock time in ``zone`` stands for: its first occurrence when it happens twice,
    the moment the clocks jump when it does not exist (see the module's documentation)."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(first, zone) == wall:
        return first
    other = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = min(first, other), max(first, other)
    if _wall(high, zone) < wall:  # not a gap as zoneinfo describes them; take the later reading
        return high
    # The smallest instant whose wall-clock time is not before ``wall``: the end of the gap.
    lo, hi = 0, int((high - low).total_seconds())
    while lo < hi:
        mid = (lo + hi) // 2
        if _wall(low + timedelta(seconds=mid), zone) >= wall:
            hi = mid
        else:
            lo = mid + 1
    return low + timedelta(seconds=lo)


def _parse_range(field: _Field, expression: str) -> tuple[set[int], bool]:
    """The values of one comma-separated part, and whether it was ``*``/``?``; :class:`CronError` otherwise."""
    range_part, _, step_part = expression.partition("/")
    step = 1
    if "/" in expression:
        if not step_part.isdigit():
            raise CronError(f"failed to parse int from {step_part or expression}")
        step = int(step_part)
        if step == 0:
            raise CronError(f"step of range should be a positive number: {expression}")
    if range_part in ("*", "?"):
        return set(range(field.low, field.high + 1, step)), True
    low_text, dash, high_text = range_part.partition("-")
    low = field.value(low_text)
    high = field.value(high_text) if dash else low
    if low < field.low:
        raise CronError(f"beginning of range ({low}) below minimum ({field.low}): {expression}")
    if high > field.high:
        raise CronError(f"end of range ({high}) above maximum ({field.high}): {expression}")
    if low > high:
        raise CronError(f"beginning of range ({low}) beyond end of range ({high}): {expression}")
    if "/" in expression and not dash:
        high = field.high  # "a/n" is "a-max/n"
    return set(range(low, high + 1, step)), False


def _duration(text: str, spec: str) -> timedelta:
    seconds = go_duration_seconds(text)
    if seconds is None:
        raise CronError(f"failed to parse duration {spec}")
    return timedelta(seconds=max(1, int(seconds)))


def parse_cron(spec: str) -> CronSchedule:
    """The schedule a spec describes; :class:`CronError` when it cannot be read."""
    text = spec.strip()
    if text.startswith("@"):
        if text.startswith("@every "):
            return CronSchedule(every=_duration(text.removeprefix("@every ").strip(), text))
        if text not in _DESCRIPTORS:
            raise CronError(f"unrecognized descriptor: {text}")
        text = _DESCRIPTORS[text]
    fields = text.split()
    if len(fields) != len(_FIELDS):
        raise CronError(f"expected exactly {len(_FIELDS)} fields, found {len(fields)}: {spec}")
    values: list[frozenset[int]] = []
    stars: list[bool] = []
    for field, expression in zip(_FIELDS, fields, strict=True):
        allowed: set[int] = set()
        star = False
        for part in expression.split(","):
            try:
                part_values, part_star = _parse_range(field, part)
            except CronError as exc:
                raise CronError(f"{field.name}: {exc}") from None
            allowed |= part_values
            star = star or part_star
        values.append(frozenset(allowed))
        stars.append(star)
    return CronSchedule(
        minutes=values[0],
        hours=values[1],
        days_of_month=values[2],
        months=values[3],
        days_of_week=values[4],
        dom_star=stars[2],
        dow_star=stars[4],
    )


def cron_problem(spec: str) -> str | None:
    """What is wrong with the spec, or None when it is valid."""
    try:
        parse_cron(spec)
    except CronError as exc:
        return str(exc)
    return None


def load_location(name: str | None) -> ZoneInfo:
    """The IANA time zone a schedule is read in (UTC when unset or empty); :class:`CronError` for an unknown one."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CronError(f"unknown time zone {name}") from None


__all__ = ["CronError", "CronSchedule", "cron_problem", "load_location", "parse_cron", "to_instant"]
