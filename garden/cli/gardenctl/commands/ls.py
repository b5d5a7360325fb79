"""``gardenctl ls issues`` (shoots with problems, and why) and ``ls gardens`` (the configured gardens).

A shoot has an issue when its last operation is not Succeeded and not simply under way (Failed, Error, Aborted),
when it reports errors (``lastErrors``), when a condition is not True, or when no seed has been found for it. Each
reason is one line naming where it comes from, so that the list says what to look at first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import typer

from garden.api import printers
from garden.api.wire import dig
from garden.cli.gardenctl import output
from garden.cli.gardenctl.landscape import name_of, namespace_of, seed_of
from garden.cli.gardenctl.state import runtime
from garden.kube import Object

app = typer.Typer(help="List issues of shoots, or the configured gardens.")

_TROUBLED_STATES = ("Failed", "Error", "Aborted")


@dataclass(frozen=True, slots=True)
class Issue:
    project: str
    shoot: str
    seed: str
    last_operation: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "shoot": self.shoot,
            "seed": self.seed,
            "lastOperation": self.last_operation,
            "reasons": list(self.reasons),
        }


def shoot_problems(shoot: Object) -> list[str]:
    """Pure: why a shoot is not fine, one line each (empty when it is)."""
    reasons: list[str] = []
    operation = dig(shoot, "status", "lastOperation") or {}
    if operation.get("state") in _TROUBLED_STATES:
        detail = operation.get("description") or ""
        state = f"last operation {operation.get('type')} {operation.get('state')}"
        reasons.append(f"{state}: {detail}" if detail else state)
    for error in dig(shoot, "status", "lastErrors") or []:
        codes = ",".join(error.get("codes") or [])
        task = f' (task "{error["taskID"]}")' if error.get("taskID") else ""
        reasons.append(f"error{f' [{codes}]' if codes else ''}{task}: {error.get('description', '')}")
    for condition in dig(shoot, "status", "conditions") or []:
        if condition.get("status") != "True":
            message = condition.get("message") or ""
            reasons.append(
                f"condition {condition.get('type')} is {condition.get('status')}"
                f" ({condition.get('reason') or 'no reason'}){': ' + message if message else ''}"
            )
    if not seed_of(shoot) and not dig(shoot, "metadata", "deletionTimestamp"):
        reasons.append("not scheduled to a seed (see `kubectl describe shoot` for the scheduler's events)")
    return reasons


@app.command("issues")
def issues(
    ctx: typer.Context,
    out: Annotated[output.Output | None, typer.Option("-o", "--output", help="yaml or json")] = None,
) -> None:
    """List the shoots with problems (failed operations, errors, conditions not True, unscheduled) and why."""
    rt = runtime(ctx)
    garden = rt.garden()
    target = rt.target()
    found: list[Issue] = []
    for shoot in sorted(garden.shoots(target.project, target.seed), key=lambda s: (namespace_of(s), name_of(s))):
        if problems := shoot_problems(shoot):
            project = garden.project_of_namespace(namespace_of(shoot))
            found.append(
                Issue(project, name_of(shoot), seed_of(shoot), printers.last_operation(shoot), tuple(problems))
            )
    if out in (output.Output.yaml, output.Output.json):
        output.echo(output.dump([i.to_dict() for i in found], out))
        return
    if not found:
        typer.echo("No shoots with issues.")
        return
    for issue in found:
        seed = f"seed {issue.seed}" if issue.seed else "no seed"
        typer.echo(f"{issue.project}/{issue.shoot} ({seed}): {issue.last_operation}")
        for reason in issue.reasons:
            typer.echo(f"  - {reason}")


@app.command("gardens")
def gardens(ctx: typer.Context) -> None:
    """List the gardens of the gardenctl configuration."""
    config = runtime(ctx).config()
    if not config.gardens:
        typer.echo(f"No gardens configured in {config.path}.", err=True)
        return
    output.echo(
        output.table(
            ["Identity", "Kubeconfig", "Context"], [[g.identity, g.kubeconfig, g.context] for g in config.gardens]
        )
    )
