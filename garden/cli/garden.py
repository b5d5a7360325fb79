"""The ``garden`` command: runs the garden's processes and the embedded landscape (``garden up``)."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="garden",
    help="Run the garden: the embedded landscape (garden up) and the garden's controllers.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def up() -> None:
    """Start the embedded landscape: garden API server, controllers, a local seed and its gardenlet."""
    typer.echo(
        "garden up: the embedded landscape is not built yet. What exists today is the kubelite API server "
        "(try: kubelite apiserver --data-dir /tmp/kubelite --write-kubeconfig /tmp/kubelite/admin.kubeconfig); "
        "the Gardener API, the gardenlet and the providers land in the issues that follow "
        "(see docs/concepts/architecture.md).",
        err=True,
    )
    raise typer.Exit(code=1)


@app.callback()
def _root() -> None:
    """Keep ``up`` a sub-command even while it is the only one."""


def main() -> None:
    app()
