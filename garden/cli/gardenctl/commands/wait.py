"""``gardenctl wait``: follow a shoot's ``lastOperation`` until it is ready, hibernated or deleted.

A progress bar shows ``lastOperation.progress`` and its description (on stderr, so stdout keeps only the result).
The wait fails at once when the operation Failed (Gardener's final state: the gardenlet gives up until asked
again); ``Error`` is a retryable state and the wait goes on. An operation annotation still on the shoot, or a
status older than the spec, means the gardenlet has not yet acted, so an earlier Failed does not count.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass
from typing import Annotated

import typer

from garden.api.duration import parse_duration
from garden.api.wire import dig
from garden.cli.gardenctl.commands.operations import OPERATION_ANNOTATION, ProjectOption, ShootArgument
from garden.cli.gardenctl.errors import GardenctlError, NotFoundError
from garden.cli.gardenctl.landscape import name_of, namespace_of
from garden.cli.gardenctl.state import runtime
from garden.kube import SHOOTS, Object

#: How often the shoot is read while waiting.
POLL_SECONDS = 1.0


class Goal(enum.StrEnum):
    ready = "ready"
    hibernated = "hibernated"
    deleted = "deleted"


@dataclass(frozen=True, slots=True)
class Verdict:
    """Where the shoot stands: done, failed (why), or on the way (progress and what it is doing)."""

    done: bool = False
    failure: str = ""
    progress: int = 0
    description: str = ""


def _current(shoot: Object) -> bool:
    """The status speaks of the current spec, and no operation is waiting to be picked up."""
    observed = dig(shoot, "status", "observedGeneration")
    generation = dig(shoot, "metadata", "generation")
    pending = OPERATION_ANNOTATION in (dig(shoot, "metadata", "annotations") or {})
    return not pending and (generation is None or observed == generation)


def _errors(shoot: Object) -> str:
    descriptions = [str(e.get("description") or "") for e in dig(shoot, "status", "lastErrors") or []]
    return "; ".join(d for d in descriptions if d)


def evaluate(shoot: Object | None, goal: Goal) -> Verdict:
    """Pure: the verdict on one reading of the shoot (None: it does not exist)."""
    if shoot is None:
        return Verdict(done=True) if goal is Goal.deleted else Verdict(failure="the shoot does not exist")
    operation = dig(shoot, "status", "lastOperation") or {}
    state = str(operation.get("state") or "")
    progress = int(operation.get("progress") or 0)
    description = f"{operation.get('type', 'Create')} {state}: {operation.get('description') or 'waiting'}"
    current = _current(shoot)
    if state == "Failed" and current:
        why = _errors(shoot) or str(operation.get("description") or "no reason given")
        return Verdict(failure=f"{operation.get('type', '')} failed: {why}", progress=progress)
    if goal is Goal.deleted:
        if not dig(shoot, "metadata", "deletionTimestamp"):
            return Verdict(failure="the shoot is not being deleted", progress=progress)
        return Verdict(progress=progress if operation.get("type") == "Delete" else 0, description=description)
    if dig(shoot, "metadata", "deletionTimestamp"):
        return Verdict(failure="the shoot is being deleted")
    wants_sleep = bool(dig(shoot, "spec", "hibernation", "enabled"))
    if goal is Goal.ready and wants_sleep:
        return Verdict(failure="the shoot is to hibernate: wake it up first (gardenctl wake-up)")
    if goal is Goal.hibernated and not wants_sleep:
        return Verdict(failure="the shoot is not asked to hibernate (gardenctl hibernate)")
    settled = current and state == "Succeeded" and operation.get("type") != "Delete"
    if goal is Goal.hibernated:
        done = settled and bool(dig(shoot, "status", "hibernated"))
        return Verdict(done=done, progress=progress, description=description)
    conditions = dig(shoot, "status", "conditions") or []
    unhealthy = [str(c.get("type")) for c in conditions if c.get("status") != "True"]
    if settled and unhealthy:
        description = f"waiting for {', '.join(unhealthy)}"
    done = settled and bool(conditions) and not unhealthy and not dig(shoot, "status", "hibernated")
    return Verdict(done=done, progress=progress, description=description)


def wait(
    ctx: typer.Context,
    name: ShootArgument = "",
    project: ProjectOption = "",
    goal: Annotated[Goal, typer.Option("--for", help="ready, hibernated or deleted")] = Goal.ready,
    timeout: Annotated[str, typer.Option("--timeout", help="give up after this long (like 10m)")] = "30m",
) -> None:
    """Wait until a shoot is ready, hibernated or deleted, showing the progress of its last operation."""
    from rich.console import Console  # noqa: PLC0415  (only wait draws a progress bar)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    try:
        limit = parse_duration(timeout, 0)
    except ValueError as exc:
        raise GardenctlError(f"--timeout: {exc}") from None
    try:
        garden, found, found_in = runtime(ctx).shoot(name, project)
    except NotFoundError:
        if goal is not Goal.deleted or not name:
            raise
        typer.echo(f'Shoot "{name}" is deleted')
        return
    namespace, shoot_name = namespace_of(found), name_of(found)
    shoot: Object | None = found
    deadline = time.monotonic() + limit
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"))
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(f"{shoot_name}: waiting", total=100)
        while True:
            verdict = evaluate(shoot, goal)
            bar.update(task, completed=verdict.progress, description=f"{shoot_name}: {verdict.description}")
            if verdict.failure:
                raise GardenctlError(f'shoot "{shoot_name}" of project "{found_in}": {verdict.failure}')
            if verdict.done:
                break
            if time.monotonic() >= deadline:
                raise GardenctlError(
                    f'timed out after {timeout} waiting for shoot "{shoot_name}" to be {goal.value} '
                    f"(last: {verdict.description})"
                )
            time.sleep(POLL_SECONDS)
            shoot = garden.kube.get(SHOOTS, namespace, shoot_name)
    typer.echo(f'Shoot "{shoot_name}" of project "{found_in}" is {goal.value}')
