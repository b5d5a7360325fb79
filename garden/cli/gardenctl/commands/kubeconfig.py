"""``gardenctl kubeconfig``: the kubeconfig of the current target.

garden: the configured kubeconfig (its context); project: the same, in the project's namespace; seed: the seed's
kubeconfig (see :mod:`garden.cli.gardenctl.landscape`); shoot: a short-lived cluster-admin kubeconfig from
``shoots/adminkubeconfig`` that expires after ``--expiration``; control plane: the seed's kubeconfig in the shoot's
namespace there.
"""

from __future__ import annotations

from typing import Annotated

import typer

from garden.api.duration import parse_duration
from garden.cli.gardenctl import output
from garden.cli.gardenctl.errors import GardenctlError
from garden.cli.gardenctl.kubeconfigs import Kubeconfig, focus, read_kubeconfig
from garden.cli.gardenctl.landscape import seed_of, technical_id
from garden.cli.gardenctl.state import Runtime, runtime

DEFAULT_EXPIRATION = "1h"

ExpirationOption = Annotated[
    str,
    typer.Option("--expiration", help="lifetime of a shoot's admin kubeconfig (10m to 24h)"),
]


def expiration_seconds(text: str) -> int:
    try:
        seconds = int(parse_duration(text, 0))
    except ValueError as exc:
        raise GardenctlError(f"--expiration: {exc}") from None
    if seconds <= 0:
        raise GardenctlError("--expiration must be positive, like 30m or 8h")
    return seconds


def target_kubeconfig(rt: Runtime, expiration: str = DEFAULT_EXPIRATION) -> Kubeconfig:
    """The kubeconfig for whatever is targeted."""
    target = rt.target()
    kind = target.kind
    if kind is None:
        raise GardenctlError("nothing targeted: run `gardenctl target garden NAME` first")
    if kind in ("garden", "project"):
        entry = rt.config().garden(target.garden)
        config = read_kubeconfig(entry.kubeconfig, f'garden "{entry.identity}"')
        namespace = rt.garden().project_namespace(target.project) if kind == "project" else ""
        return focus(config, entry.context, namespace)
    garden = rt.garden()
    seconds = expiration_seconds(expiration)
    if kind == "seed":
        return garden.seed_kubeconfig(target.seed, seconds)
    _, shoot, project = rt.shoot()
    if kind == "shoot":
        return garden.admin_kubeconfig(shoot, seconds)
    seed = seed_of(shoot)
    if not seed:
        raise GardenctlError(f'shoot "{target.shoot}" is not scheduled to a seed yet: it has no control plane')
    return focus(garden.seed_kubeconfig(seed, seconds), namespace=technical_id(shoot, project))


def kubeconfig(
    ctx: typer.Context,
    expiration: ExpirationOption = DEFAULT_EXPIRATION,
    out: Annotated[output.Output, typer.Option("-o", "--output", help="yaml or json")] = output.Output.yaml,
) -> None:
    """Print the kubeconfig of the current target (for a shoot: a short-lived admin kubeconfig)."""
    config = target_kubeconfig(runtime(ctx), expiration)
    output.echo(output.dump(config, output.Output.json if out is output.Output.json else output.Output.yaml))
