"""Shoot hibernation schedules: set ``spec.hibernation.enabled`` when a schedule says so, as Gardener's hibernation
controller does (``pkg/controllermanager/controller/shoot/hibernation``).

Each schedule of ``spec.hibernation.schedules`` has a ``start`` (hibernate: ``enabled: true``) and an ``end``
(wake up: ``enabled: false``) cron spec, read in the schedule's ``location`` (an IANA time zone, UTC when unset);
:mod:`garden.api.cron` says when a spec fires, across daylight saving time: a wall-clock time skipped when the
clocks spring forward fires at the moment they jump, one that happens twice when they fall back fires once, at its
first occurrence.

Every ``ctx.resync_seconds`` the controller looks at each shoot with schedules and asks which transitions happened
since it last acted: in ``(earliest, now]``, where ``earliest`` is ``status.lastHibernationTriggerTime`` (else the
shoot's creation), but at most 2 hours back (Gardener's default ``triggerDeadlineDuration``: a transition missed for
longer, say while the controller was down, is skipped) and never more than 7 days. The most recent transition
across all schedules wins (overlapping schedules: the later firing decides; firings at the same instant: the first
in the list, a schedule's start before its end). If there is one, ``spec.hibernation.enabled`` is patched to it
(admission validates the change) and ``status.lastHibernationTriggerTime`` set to now; without one nothing is
written, so a user's manual change between transitions stands until the next transition. A shoot that is being
deleted, or whose last operation failed for its current generation, is left alone; so are schedules that cannot be
read (admission refuses them; an object stored before may still carry them).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import kopf

from garden.api.base import format_time
from garden.api.cron import CronError, CronSchedule, load_location, parse_cron
from garden.controllermanager.context import ControllerContext
from garden.controllermanager.periodic import every
from garden.kube import SHOOTS, KubeError
from garden.operator import new_registry

log = logging.getLogger(__name__)

#: How long after its time a transition is still carried out (Gardener's default ``triggerDeadlineDuration``).
TRIGGER_DEADLINE = timedelta(hours=2)
#: The longest look back, whatever the shoot's last trigger time.
LOOKBACK = timedelta(days=7)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ParsedSchedule:
    """One cron spec of a schedule: when it fires (in its zone) and whether it hibernates or wakes up."""

    schedule: CronSchedule
    zone: ZoneInfo
    hibernate: bool

    def last_fire(self, after: datetime, until: datetime) -> datetime | None:
        return self.schedule.last_fire(self.zone, after, until)

    def next_fire(self, after: datetime) -> datetime | None:
        return self.schedule.next_fire(self.zone, after)


@dataclass(frozen=True, slots=True)
class Transition:
    """A transition that happened: when, and what ``spec.hibernation.enabled`` becomes."""

    at: datetime
    enabled: bool


def schedules_of(shoot: dict[str, Any]) -> list[dict[str, Any]]:
    listed = _dict(_dict(shoot.get("spec")).get("hibernation")).get("schedules")
    return [s for s in listed if isinstance(s, dict)] if isinstance(listed, list) else []


def parse_schedules(schedules: list[dict[str, Any]]) -> list[ParsedSchedule]:
    """Each start and end spec (in that order, schedule by schedule); :class:`CronError` for one that is unreadable."""
    parsed: list[ParsedSchedule] = []
    for schedule in schedules:
        location = schedule.get("location")
        zone = load_location(location if isinstance(location, str) else None)
        for key, hibernate in (("start", True), ("end", False)):
            spec = schedule.get(key)
            if isinstance(spec, str) and spec.strip():
                parsed.append(ParsedSchedule(parse_cron(spec), zone, hibernate))
    return parsed


def earliest(shoot: dict[str, Any], now: datetime) -> datetime:
    """Where the look back for transitions starts (exclusive)."""
    start = _time(_dict(shoot.get("status")).get("lastHibernationTriggerTime"))
    if start is None:
        start = _time(_dict(shoot.get("metadata")).get("creationTimestamp")) or now
    return max(start, now - TRIGGER_DEADLINE, now - LOOKBACK)


def most_recent(schedules: list[ParsedSchedule], after: datetime, now: datetime) -> Transition | None:
    """The latest firing in ``(after, now]`` across the schedules (ties: the first in order)."""
    found: Transition | None = None
    for schedule in schedules:
        fired = schedule.last_fire(after, now)
        if fired is not None and (found is None or fired > found.at):
            found = Transition(fired, schedule.hibernate)
    return found


def next_transition(schedules: list[ParsedSchedule], now: datetime) -> datetime | None:
    """When the next transition after ``now`` is due (for logs)."""
    upcoming = [t for s in schedules if (t := s.next_fire(now)) is not None]
    return min(upcoming, default=None)


def failed_and_up_to_date(shoot: dict[str, Any]) -> bool:
    status = _dict(shoot.get("status"))
    if _dict(status.get("lastOperation")).get("state") != "Failed":
        return False
    return status.get("observedGeneration") == _dict(shoot.get("metadata")).get("generation")


def decide(shoot: dict[str, Any], now: datetime) -> Transition | None:
    """The transition to carry out now, or None (no schedule fired since the last trigger, or nothing to do)."""
    if _dict(shoot.get("metadata")).get("deletionTimestamp"):
        return None
    schedules = schedules_of(shoot)
    if not schedules or failed_and_up_to_date(shoot):
        return None
    try:
        parsed = parse_schedules(schedules)
    except CronError as exc:
        meta = _dict(shoot.get("metadata"))
        log.warning("shoot %s/%s: invalid hibernation schedules: %s", meta.get("namespace"), meta.get("name"), exc)
        return None
    return most_recent(parsed, earliest(shoot, now), now)


class Hibernator:
    def __init__(self, ctx: ControllerContext) -> None:
        self.ctx = ctx

    async def sweep(self) -> None:
        shoots = await asyncio.to_thread(self.ctx.kube.list, SHOOTS)
        for shoot in shoots:
            if not schedules_of(shoot):
                continue
            meta = _dict(shoot.get("metadata"))
            try:
                await self.reconcile(shoot)
            except Exception:  # one shoot must not hold up the others
                log.exception("shoot %s/%s: hibernation schedule failed", meta.get("namespace"), meta.get("name"))

    async def reconcile(self, shoot: dict[str, Any]) -> None:
        now = self.ctx.clock.now()
        transition = decide(shoot, now)
        if transition is None:
            return
        meta = shoot["metadata"]
        namespace, name = meta["namespace"], meta["name"]
        verb = "hibernating" if transition.enabled else "waking up"
        log.info("shoot %s/%s: %s by schedule (due %s)", namespace, name, verb, format_time(transition.at))
        patch = {
            "metadata": {"resourceVersion": meta.get("resourceVersion")},
            "spec": {"hibernation": {"enabled": transition.enabled}},
        }
        try:
            await asyncio.to_thread(self.ctx.kube.patch, SHOOTS, namespace, name, patch)
        except KubeError as exc:
            if exc.conflict or exc.not_found:
                return  # changed meanwhile: the next round decides on the new state
            raise
        status = {"status": {"lastHibernationTriggerTime": format_time(now)}}
        await asyncio.to_thread(self.ctx.kube.patch, SHOOTS, namespace, name, status, subresource="status")


def registry(ctx: ControllerContext) -> kopf.OperatorRegistry:
    reg = new_registry(ctx.kube)
    every(reg, ctx.resync_seconds, Hibernator(ctx).sweep, "shoot-hibernation")
    return reg


__all__ = [
    "LOOKBACK",
    "TRIGGER_DEADLINE",
    "Hibernator",
    "ParsedSchedule",
    "Transition",
    "decide",
    "earliest",
    "failed_and_up_to_date",
    "most_recent",
    "next_transition",
    "parse_schedules",
    "registry",
    "schedules_of",
]
