"""``gardenctl get shoots|seeds|projects``: Gardener's columns, or the objects as YAML/JSON.

The columns are the garden API server's own (:mod:`garden.apiserver.columns`, cells from
:mod:`garden.api.printers`), so ``gardenctl get shoots`` and ``kubectl get shoots`` agree; ``-o wide`` adds the
columns ``kubectl`` shows with ``-o wide`` (seed, purpose, the conditions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from garden.apiserver.columns import PROJECT_COLUMNS, SEED_COLUMNS, SHOOT_COLUMNS
from garden.cli.gardenctl import output
from garden.cli.gardenctl.completion import complete_project
from garden.cli.gardenctl.errors import GardenctlError
from garden.cli.gardenctl.landscape import Garden, name_of, namespace_of
from garden.cli.gardenctl.state import runtime
from garden.kube import PROJECTS, SEEDS, Object
from kubelite.apiserver.tables import Column

#: What ``get`` accepts, singular or plural, and the plural it means.
KINDS = {name: plural for plural in ("shoots", "seeds", "projects") for name in (plural, plural[:-1])}


def rows(objects: Sequence[Object], columns: Sequence[Column], *, wide: bool) -> tuple[list[str], list[list[Any]]]:
    """Headers and cells of the columns to show (priority 0, or all with ``wide``)."""
    shown = [c for c in columns if wide or c.priority == 0]
    return [c.name for c in shown], [[c.cell(obj) for c in shown] for obj in objects]


def shoot_table(garden: Garden, shoots: Sequence[Object], *, wide: bool, with_project: bool) -> str:
    headers, cells = rows(shoots, SHOOT_COLUMNS, wide=wide)
    if with_project:
        headers = ["Project", *headers]
        cells = [[garden.project_of_namespace(namespace_of(s)), *row] for s, row in zip(shoots, cells, strict=True)]
    return output.table(headers, cells)


def _complete_kind(incomplete: str) -> list[str]:
    return [k for k in ("shoots", "seeds", "projects") if k.startswith(incomplete)]


def get(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="shoots, seeds or projects", autocompletion=_complete_kind)],
    name: Annotated[str, typer.Argument(help="only this one")] = "",
    project: Annotated[
        str, typer.Option("--project", help="shoots of this project", autocompletion=complete_project)
    ] = "",
    all_projects: Annotated[bool, typer.Option("-A", "--all-projects", help="shoots of every project")] = False,
    out: Annotated[output.Output | None, typer.Option("-o", "--output", help="wide, yaml or json")] = None,
) -> None:
    """List shoots (of the targeted project or seed, else all), seeds or projects."""
    plural = KINDS.get(kind.lower())
    if plural is None:
        raise GardenctlError(f'cannot get "{kind}": choose shoots, seeds or projects')
    rt = runtime(ctx)
    garden = rt.garden()
    target = rt.target()
    with_project = False
    if plural == "shoots":
        scope_project = "" if all_projects else project or target.project
        scope_seed = "" if all_projects or project else target.seed
        objects = garden.shoots(scope_project, scope_seed)
        with_project = not scope_project
        objects.sort(key=lambda s: (namespace_of(s), name_of(s)))
    else:
        objects = sorted(garden.kube.list(SEEDS if plural == "seeds" else PROJECTS), key=name_of)
    if name:
        objects = [o for o in objects if name_of(o) == name]
        if not objects:
            raise GardenctlError(f'{plural[:-1]} "{name}" not found')
    if out in (output.Output.yaml, output.Output.json):
        output.echo(output.dump_objects(objects, out, single=bool(name)))
        return
    if not objects:
        typer.echo(f"No {plural} found.", err=True)
        return
    wide = out is output.Output.wide
    if plural == "shoots":
        output.echo(shoot_table(garden, objects, wide=wide, with_project=with_project))
    else:
        headers, cells = rows(objects, SEED_COLUMNS if plural == "seeds" else PROJECT_COLUMNS, wide=wide)
        output.echo(output.table(headers, cells))
