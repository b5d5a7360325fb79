"""Flags as upstream components take them: Go booleans and durations, and flags accepted without effect.

A chart written for a real seed passes a component every flag the upstream binary knows. kubelite implements the
ones that change behaviour; the others are accepted so the same manifests run, and each one given is named once in
the log with why it has no effect (:class:`AcceptedFlags`), so nobody mistakes it for an honoured setting.
"""

from __future__ import annotations

import argparse
import logging
import re
from collections.abc import Mapping

log = logging.getLogger(__name__)

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def go_bool(text: str) -> bool:
    """A boolean flag value as Go's ``strconv.ParseBool`` reads it (a bare flag means true)."""
    value = text.strip().lower()
    if value in ("1", "t", "true"):
        return True
    if value in ("0", "f", "false"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not true or false")


def go_duration(text: str) -> float:
    """A Go duration (``40s``, ``1m30s``, ``500ms``) in seconds."""
    value = text.strip()
    if value == "0":
        return 0.0
    matches = list(_DURATION.finditer(value))
    if not matches or "".join(m.group(0) for m in matches) != value:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 15s, 2m or 1h30m")
    return sum(float(m.group(1)) * _UNIT_SECONDS[m.group(2)] for m in matches)


def add_bool(p: argparse.ArgumentParser | argparse._ArgumentGroup, flag: str, default: bool, help: str) -> None:
    """A Go-style boolean: ``--flag``, ``--flag=true`` or ``--flag=false``."""
    p.add_argument(flag, type=go_bool, nargs="?", const=True, default=default, metavar="BOOL", help=help)


class AcceptedFlags:
    """A table of flags (flag -> why it has no effect) that a parser accepts and a run logs once when given."""

    def __init__(self, component: str, table: Mapping[str, str]) -> None:
        self.component = component
        self.table = dict(table)

    @staticmethod
    def _dest(flag: str) -> str:
        return "compat_" + flag.lstrip("-").replace("-", "_")

    def add_to(self, p: argparse.ArgumentParser) -> None:
        group = p.add_argument_group(f"accepted for {self.component} compatibility, without effect (see the log)")
        for flag in self.table:
            group.add_argument(
                flag,
                dest=self._dest(flag),
                nargs="?",
                const="true",
                default=None,
                action="append",
                metavar="VALUE",
                help=argparse.SUPPRESS,
            )

    def log_given(self, args: argparse.Namespace) -> list[str]:
        """Log each accepted-but-ignored flag that was given, with why; returns the flags, for tests."""
        given = [flag for flag in self.table if getattr(args, self._dest(flag), None)]
        for flag in given:
            log.warning("%s is accepted for compatibility and has no effect: %s", flag, self.table[flag])
        return given
