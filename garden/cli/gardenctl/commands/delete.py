"""``gardenctl delete shoot``: confirm, set ``confirmation.gardener.cloud/deletion=true``, then delete.

The garden refuses to delete a shoot without that annotation, so that a stray ``kubectl delete`` cannot take a
cluster away; gardenctl asks the person instead (or takes ``--yes``), then annotates and deletes. The name is
always required: deleting "whatever is targeted" is too easy to get wrong.
"""

from __future__ import annotations

from typing import Annotated

import typer

from garden.cli.gardenctl.completion import complete_project, complete_shoot
from garden.cli.gardenctl.landscape import name_of, namespace_of
from garden.cli.gardenctl.state import runtime
from garden.kube import SHOOTS

CONFIRMATION_ANNOTATION = "confirmation.gardener.cloud/deletion"

app = typer.Typer(help="Delete a shoot.")


@app.command("shoot")
def delete_shoot(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="the shoot to delete", autocompletion=complete_shoot)],
    project: Annotated[
        str, typer.Option("--project", help="the shoot's project", autocompletion=complete_project)
    ] = "",
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
) -> None:
    """Delete a shoot and everything in it (asks first, unless --yes)."""
    garden, shoot, found_in = runtime(ctx).shoot(name, project)
    if not yes:
        typer.confirm(
            f'Delete shoot "{name}" of project "{found_in}" in garden "{garden.identity}"? '
            "Its cluster and all data in it will be gone",
            abort=True,
        )
    namespace = namespace_of(shoot)
    patch = {"metadata": {"annotations": {CONFIRMATION_ANNOTATION: "true"}}}
    garden.kube.patch(SHOOTS, namespace, name_of(shoot), patch)
    garden.kube.delete(SHOOTS, namespace, name_of(shoot))
    typer.echo(f'Shoot "{name}" of project "{found_in}" is being deleted; `gardenctl wait --for=deleted {name}` waits')
