"""The ``gardenctl`` command: the user's CLI for gardens, projects, seeds and shoots (modelled on gardenctl-v2)."""

from __future__ import annotations

import typer

from garden.version import VERSION

app = typer.Typer(
    name="gardenctl",
    help="Target gardens, projects, seeds and shoots, and get kubeconfigs for them.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def version() -> None:
    """Print the gardenctl version."""
    typer.echo(f"gardenctl {VERSION}")


@app.callback()
def _root() -> None:
    """Keep ``version`` a sub-command even while it is the only one."""


def main() -> None:
    app()
