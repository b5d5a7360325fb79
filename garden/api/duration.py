"""Go durations (``metav1.Duration``: ``90s``, ``20m``, ``1h30m``, ``500ms``) as Gardener fields take them."""

from __future__ import annotations

import re
from decimal import Decimal

_GO_DURATION = re.compile(r"(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+")
_GO_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {
    "ns": Decimal("1e-9"),
    "us": Decimal("1e-6"),
    "µs": Decimal("1e-6"),
    "ms": Decimal("1e-3"),
    "s": Decimal(1),
    "m": Decimal(60),
    "h": Decimal(3600),
}


def go_duration_seconds(text: str) -> Decimal | None:
    """The seconds a Go duration names, exactly; None when ``text`` is not one (a bare number has no unit)."""
    value = text.strip()
    if _GO_DURATION.fullmatch(value) is None:
        return None
    return sum((Decimal(number) * _UNIT_SECONDS[unit] for number, unit in _GO_DURATION_PART.findall(value)), Decimal(0))


def parse_duration(value: str | None, default: float) -> float:
    """A Go duration in seconds; absent or empty means ``default``; anything else is a ValueError naming it."""
    if not value:
        return default
    seconds = go_duration_seconds(value)
    if seconds is None:
        raise ValueError(f"{value!r} is not a duration (like 90s, 20m or 1h30m)")
    return float(seconds)
