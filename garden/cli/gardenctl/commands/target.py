"""``gardenctl target``: choose the garden, project, seed, shoot or control plane the other commands act on."""

from __future__ import annotations

from typing import Annotated

import typer

from garden.cli.gardenctl import output
from garden.cli.gardenctl.completion import complete_garden, complete_project, complete_seed, complete_shoot
from garden.cli.gardenctl.errors import GardenctlError
from garden.cli.gardenctl.state import Runtime, runtime
from garden.cli.gardenctl.target import Kind, Target

app = typer.Typer(help="Set, view or unset the target (garden, project, seed, shoot, control plane).")

GardenOption = Annotated[str, typer.Option("--garden", help="garden identity", autocompletion=complete_garden)]
ProjectOption = Annotated[str, typer.Option("--project", help="project name", autocompletion=complete_project)]
SeedOption = Annotated[str, typer.Option("--seed", help="seed name", autocompletion=complete_seed)]


def retarget(
    rt: Runtime, *, garden: str = "", project: str = "", seed: str = "", shoot: str = "", control_plane: bool = False
) -> Target:
    """The session's target moved as the flags say (checked against the garden), saved; the new target."""
    if project and seed:
        raise GardenctlError("target either a project or a seed, not both")
    target = rt.target()
    if garden:
        rt.config().garden(garden)
        target = target.with_garden(garden)
    if project:
        rt.garden(target.require_garden()).project(project)
        target = target.with_project(project)
    if seed:
        rt.garden(target.require_garden()).seed(seed)
        target = target.with_seed(seed)
    if shoot:
        _, found_in = rt.garden(target.require_garden()).find_shoot(shoot, target.project, target.seed)
        target = target.with_shoot(shoot, found_in, target.seed)
    if control_plane:
        target = target.with_control_plane()
    rt.save_target(target)
    return target


def _done(target: Target) -> None:
    kind = target.kind
    if kind == "control-plane":
        typer.echo(f'Successfully targeted control plane of shoot "{target.shoot}"')
    elif kind is not None:
        typer.echo(f'Successfully targeted {kind} "{getattr(target, kind)}"')


@app.callback(invoke_without_command=True)
def target(
    ctx: typer.Context,
    garden: GardenOption = "",
    project: ProjectOption = "",
    seed: SeedOption = "",
    shoot: Annotated[str, typer.Option("--shoot", help="shoot name", autocompletion=complete_shoot)] = "",
    control_plane: Annotated[bool, typer.Option("--control-plane", help="the shoot's control plane")] = False,
) -> None:
    """Set the target with flags (`gardenctl target --garden local --project dev --shoot local`) or a kind."""
    if ctx.invoked_subcommand is not None:
        if garden or project or seed or shoot or control_plane:
            raise GardenctlError(f"give either flags or `target {ctx.invoked_subcommand}`, not both")
        return
    if not (garden or project or seed or shoot or control_plane):
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    rt = runtime(ctx)
    _done(retarget(rt, garden=garden, project=project, seed=seed, shoot=shoot, control_plane=control_plane))


@app.command("garden")
def target_garden(ctx: typer.Context, name: Annotated[str, typer.Argument(autocompletion=complete_garden)]) -> None:
    """Target a garden (from the gardenctl configuration)."""
    _done(retarget(runtime(ctx), garden=name))


@app.command("project")
def target_project(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(autocompletion=complete_project)],
    garden: GardenOption = "",
) -> None:
    """Target a project of the targeted garden."""
    _done(retarget(runtime(ctx), garden=garden, project=name))


@app.command("seed")
def target_seed(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(autocompletion=complete_seed)],
    garden: GardenOption = "",
) -> None:
    """Target a seed of the targeted garden."""
    _done(retarget(runtime(ctx), garden=garden, seed=name))


@app.command("shoot")
def target_shoot(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(autocompletion=complete_shoot)],
    garden: GardenOption = "",
    project: ProjectOption = "",
    seed: SeedOption = "",
) -> None:
    """Target a shoot: in the targeted (or given) project or seed, else the only shoot of that name."""
    rt = runtime(ctx)
    if not project and not seed and not garden:
        # keep the project or seed already targeted: the shoot is looked up there
        _done(retarget(rt, shoot=name))
        return
    _done(retarget(rt, garden=garden or rt.target().require_garden(), project=project, seed=seed, shoot=name))


@app.command("control-plane")
def target_control_plane(ctx: typer.Context) -> None:
    """Target the control plane of the targeted shoot (its namespace in the seed)."""
    _done(retarget(runtime(ctx), control_plane=True))


@app.command("view")
def view(
    ctx: typer.Context,
    out: Annotated[output.Output | None, typer.Option("-o", "--output", help="yaml or json")] = None,
) -> None:
    """Print the current target."""
    target = runtime(ctx).target()
    if out is None or out is output.Output.wide:
        output.echo(output.dump(target.to_dict(), output.Output.yaml) if target.kind else "nothing targeted\n")
    else:
        output.echo(output.dump(target.to_dict(), out))


@app.command("unset")
def unset(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="garden, project, seed, shoot or control-plane")],
) -> None:
    """Unset a part of the target (and what lies below it)."""
    kinds: dict[str, Kind] = {
        "garden": "garden",
        "project": "project",
        "seed": "seed",
        "shoot": "shoot",
        "control-plane": "control-plane",
    }
    if kind not in kinds:
        raise GardenctlError(f'cannot unset "{kind}": choose garden, project, seed, shoot or control-plane')
    rt = runtime(ctx)
    before = rt.session.load_target()
    value = getattr(before, kinds[kind].replace("-", "_"))
    if not value:
        raise GardenctlError(f"no {kind} targeted")
    rt.save_target(before.unset(kinds[kind]))
    shown = f' "{value}"' if isinstance(value, str) else f' of shoot "{before.shoot}"'
    typer.echo(f"Successfully unset targeted {kind}{shown}")
