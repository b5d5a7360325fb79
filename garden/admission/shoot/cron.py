"""Cron specs of hibernation schedules, checked as robfig/cron's ``ParseStandard`` (which Gardener uses) reads them.

Five fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or JAN-DEC) and day of week (0-6 or
SUN-SAT). Each field is ``*`` or ``?``, a value, a range ``a-b``, any of those with a step ``/n``, or a comma list of
them. The descriptors ``@yearly``, ``@annually``, ``@monthly``, ``@weekly``, ``@daily``, ``@midnight``, ``@hourly`` and
``@every <duration>`` are accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


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
            raise ValueError(f"failed to parse int from {text}")
        return int(text)


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    _Field("day of week", 0, 6, ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")),
)

_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_GO_DURATION = re.compile(r"(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+")


def cron_problem(spec: str) -> str | None:
    """What is wrong with the spec, or None when it is valid."""
    text = spec.strip()
    if text.startswith("@"):
        if text in _DESCRIPTORS:
            return None
        if text.startswith("@every "):
            duration = text.removeprefix("@every ").strip()
            return None if _GO_DURATION.fullmatch(duration) else f"failed to parse duration {text}"
        return f"unrecognized descriptor: {text}"
    fields = text.split()
    if len(fields) != len(_FIELDS):
        return f"expected exactly {len(_FIELDS)} fields, found {len(fields)}: {spec}"
    for field, expression in zip(_FIELDS, fields, strict=True):
        for part in expression.split(","):
            problem = _range_problem(field, part)
            if problem is not None:
                return f"{field.name}: {problem}"
    return None


def _range_problem(field: _Field, expression: str) -> str | None:
    range_part, _, step_part = expression.partition("/")
    if "/" in expression:
        if not step_part.isdigit():
            return f"failed to parse int from {step_part or expression}"
        if int(step_part) == 0:
            return f"step of range should be a positive number: {expression}"
    if range_part in ("*", "?"):
        return None
    low_text, dash, high_text = range_part.partition("-")
    try:
        low = field.value(low_text)
        high = field.value(high_text) if dash else low
    except ValueError as exc:
        return str(exc)
    if low < field.low:
        return f"beginning of range ({low}) below minimum ({field.low}): {expression}"
    if high > field.high:
        return f"end of range ({high}) above maximum ({field.high}): {expression}"
    if low > high:
        return f"beginning of range ({low}) beyond end of range ({high}): {expression}"
    return None


__all__ = ["cron_problem"]
