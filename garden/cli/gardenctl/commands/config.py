"""``gardenctl config``: view the configuration, add or change a garden, remove one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from garden.cli.gardenctl import output
from garden.cli.gardenctl.completion import complete_garden
from garden.cli.gardenctl.config import GardenConfig, render_config, save_config
from garden.cli.gardenctl.errors import GardenctlError
from garden.cli.gardenctl.state import runtime

app = typer.Typer(help="View and edit the gardenctl configuration (gardens and how to reach them).")


@app.command("view")
def view(ctx: typer.Context) -> None:
    """Print the configuration."""
    output.echo(render_config(runtime(ctx).config()))


@app.command("set-garden")
def set_garden(
    ctx: typer.Context,
    identity: Annotated[str, typer.Argument(help="the garden's name in gardenctl")],
    kubeconfig: Annotated[Path, typer.Option("--kubeconfig", help="kubeconfig of the garden's API server")],
    context: Annotated[str, typer.Option("--context", help="a context of that kubeconfig")] = "",
) -> None:
    """Add a garden, or change how an existing one is reached (its seeds stay)."""
    if not identity.strip():
        raise GardenctlError("the garden identity must not be empty")
    rt = runtime(ctx)
    config = rt.config()
    existing = next((g for g in config.gardens if g.identity == identity), None)
    seeds = existing.seeds if existing else ()
    save_config(config.with_garden(GardenConfig(identity, kubeconfig.expanduser().absolute(), context, seeds)))
    typer.echo(f'Garden "{identity}" {"updated" if existing else "added"} in {config.path}')


@app.command("delete-garden")
def delete_garden(ctx: typer.Context, identity: Annotated[str, typer.Argument(autocompletion=complete_garden)]) -> None:
    """Remove a garden from the configuration."""
    rt = runtime(ctx)
    save_config(rt.config().without_garden(identity))
    if rt.session.load_target().garden == identity:
        rt.save_target(rt.session.load_target().unset("garden"))
    typer.echo(f'Garden "{identity}" removed from {rt.config_path}')
