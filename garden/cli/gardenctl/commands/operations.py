"""Asking the gardenlet for something: ``hibernate``, ``wake-up``, ``reconcile``, ``maintain``, ``rotate-credentials``.

Hibernation is desired state (``spec.hibernation.enabled``); the others are Gardener's operation annotation
``gardener.cloud/operation``, which the gardenlet (or, for ``maintain``, the garden's maintenance controller) acts
on and removes. Each acts on the shoot named, or on the targeted one.
"""

from __future__ import annotations

from typing import Annotated

import typer

from garden.api.wire import dig
from garden.cli.gardenctl.completion import complete_project, complete_shoot
from garden.cli.gardenctl.landscape import name_of, namespace_of
from garden.cli.gardenctl.state import runtime
from garden.kube import SHOOTS

OPERATION_ANNOTATION = "gardener.cloud/operation"

ShootArgument = Annotated[str, typer.Argument(help="default: the targeted shoot", autocompletion=complete_shoot)]
ProjectOption = Annotated[str, typer.Option("--project", help="the shoot's project", autocompletion=complete_project)]


def _set_hibernation(ctx: typer.Context, name: str, project: str, enabled: bool) -> None:
    garden, shoot, found_in = runtime(ctx).shoot(name, project)
    garden.kube.patch(SHOOTS, namespace_of(shoot), name_of(shoot), {"spec": {"hibernation": {"enabled": enabled}}})
    if enabled:
        typer.echo(f'Shoot "{name_of(shoot)}" of project "{found_in}" is going to hibernate')
    else:
        schedules = dig(shoot, "spec", "hibernation", "schedules") or []
        note = " (its hibernation schedule may send it to sleep again)" if schedules else ""
        typer.echo(f'Shoot "{name_of(shoot)}" of project "{found_in}" is waking up{note}')


def _annotate(ctx: typer.Context, name: str, project: str, operation: str, what: str) -> None:
    garden, shoot, found_in = runtime(ctx).shoot(name, project)
    patch = {"metadata": {"annotations": {OPERATION_ANNOTATION: operation}}}
    garden.kube.patch(SHOOTS, namespace_of(shoot), name_of(shoot), patch)
    typer.echo(
        f'Shoot "{name_of(shoot)}" of project "{found_in}": {what} requested ({OPERATION_ANNOTATION}={operation})'
    )


def hibernate(ctx: typer.Context, name: ShootArgument = "", project: ProjectOption = "") -> None:
    """Hibernate a shoot: its control plane and machines are scaled to zero; data is kept."""
    _set_hibernation(ctx, name, project, True)


def wake_up(ctx: typer.Context, name: ShootArgument = "", project: ProjectOption = "") -> None:
    """Wake a hibernated shoot up."""
    _set_hibernation(ctx, name, project, False)


def reconcile(ctx: typer.Context, name: ShootArgument = "", project: ProjectOption = "") -> None:
    """Reconcile a shoot now (gardener.cloud/operation=reconcile)."""
    _annotate(ctx, name, project, "reconcile", "reconciliation")


def maintain(ctx: typer.Context, name: ShootArgument = "", project: ProjectOption = "") -> None:
    """Run the shoot's maintenance now, outside its window (gardener.cloud/operation=maintain)."""
    _annotate(ctx, name, project, "maintain", "maintenance")


def rotate_credentials(
    ctx: typer.Context,
    name: ShootArgument = "",
    project: ProjectOption = "",
    complete: Annotated[bool, typer.Option("--complete", help="complete a rotation that was started")] = False,
) -> None:
    """Start (or with --complete finish) rotating all of a shoot's credentials: CAs, service account keys, ..."""
    phase = "complete" if complete else "start"
    _annotate(ctx, name, project, f"rotate-credentials-{phase}", f"credentials rotation ({phase})")
