"""``gardenctl create shoot``: a Shoot from flags; ``--dry-run`` prints it instead of creating it.

What the flags leave open comes from the garden: the project's namespace, the CloudProfile's provider type, its
only region, its first machine type and the region's first zone, and the project's only binding for that provider.
"""

from __future__ import annotations

from typing import Annotated

import typer

from garden.api.wire import dig
from garden.cli.gardenctl import output
from garden.cli.gardenctl.completion import complete_project
from garden.cli.gardenctl.errors import GardenctlError
from garden.cli.gardenctl.landscape import Garden, name_of
from garden.cli.gardenctl.manifest import ShootFlags, WorkerFlag, parse_worker, shoot_manifest
from garden.cli.gardenctl.state import runtime
from garden.kube import CLOUDPROFILES, CREDENTIALSBINDINGS, SECRETBINDINGS, SHOOTS, Object

app = typer.Typer(help="Create a shoot from flags.")


def _cloud_profile(garden: Garden, name: str) -> Object:
    profile = garden.kube.get(CLOUDPROFILES, None, name)
    if profile is None:
        known = ", ".join(sorted(name_of(p) for p in garden.kube.list(CLOUDPROFILES))) or "none"
        raise GardenctlError(f'cloud profile "{name}" does not exist (there are: {known})')
    return profile


def _region(profile: Object, region: str) -> tuple[str, list[str]]:
    """The region (the profile's only one when none is given) and its zones."""
    regions = {
        str(r.get("name")): [str(z.get("name")) for z in r.get("zones") or []]
        for r in dig(profile, "spec", "regions") or []
    }
    if not region:
        if len(regions) != 1:
            raise GardenctlError(f"--region is required (cloud profile {name_of(profile)} offers {', '.join(regions)})")
        region = next(iter(regions))
    if region not in regions:
        raise GardenctlError(f'cloud profile {name_of(profile)} has no region "{region}" (it has {", ".join(regions)})')
    return region, regions[region]


def _machine_type(profile: Object) -> str:
    for machine in dig(profile, "spec", "machineTypes") or []:
        if machine.get("usable", True) and machine.get("name"):
            return str(machine["name"])
    raise GardenctlError(f"cloud profile {name_of(profile)} offers no usable machine type: give --worker machine=...")


def _binding(garden: Garden, namespace: str, provider_type: str) -> tuple[str, str]:
    """(secret binding, credentials binding): the project's only binding for the provider."""
    found = [
        (name_of(b), "")
        for b in garden.kube.list(SECRETBINDINGS, namespace)
        if dig(b, "provider", "type") == provider_type
    ] + [
        ("", name_of(b))
        for b in garden.kube.list(CREDENTIALSBINDINGS, namespace)
        if dig(b, "provider", "type") == provider_type
    ]
    if len(found) != 1:
        names = ", ".join(a or b for a, b in found) or "none"
        raise GardenctlError(
            f"give --secret-binding or --credentials-binding: project namespace {namespace} has "
            f"{len(found)} bindings for provider {provider_type} ({names})"
        )
    return found[0]


@app.command("shoot")
def create_shoot(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="name of the shoot")],
    cloud_profile: Annotated[str, typer.Option("--cloud-profile", help="CloudProfile to use")],
    project: Annotated[
        str, typer.Option("--project", help="default: the targeted project", autocompletion=complete_project)
    ] = "",
    region: Annotated[str, typer.Option("--region", help="default: the profile's only region")] = "",
    kubernetes_version: Annotated[str, typer.Option("--kubernetes-version", help="default: the garden's choice")] = "",
    worker: Annotated[
        list[str] | None,
        typer.Option("--worker", help="name=NAME,machine=TYPE,min=N,max=N,zone=Z (repeat for more pools)"),
    ] = None,
    secret_binding: Annotated[str, typer.Option("--secret-binding", help="SecretBinding with the credentials")] = "",
    credentials_binding: Annotated[str, typer.Option("--credentials-binding", help="CredentialsBinding")] = "",
    networking_type: Annotated[str, typer.Option("--networking-type", help="network plugin")] = "calico",
    nodes_cidr: Annotated[str, typer.Option("--nodes-cidr", help="CIDR of the node network")] = "",
    purpose: Annotated[str, typer.Option("--purpose", help="evaluation, testing, development, production")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print the shoot, do not create it")] = False,
    out: Annotated[output.Output | None, typer.Option("-o", "--output", help="yaml or json")] = None,
) -> None:
    """Create a shoot (`--dry-run -o yaml` prints the manifest instead)."""
    if secret_binding and credentials_binding:
        raise GardenctlError("give --secret-binding or --credentials-binding, not both")
    workers = [parse_worker(w) for w in worker or []] or [WorkerFlag()]
    rt = runtime(ctx)
    garden = rt.garden()
    project = project or rt.target().project
    if not project:
        raise GardenctlError("no project targeted: give --project or run `gardenctl target project NAME`")
    namespace = garden.project_namespace(project)
    profile = _cloud_profile(garden, cloud_profile)
    provider_type = str(dig(profile, "spec", "type") or "")
    region, zones = _region(profile, region)
    if any(not w.machine_type or not w.zones for w in workers):
        default_type = _machine_type(profile) if any(not w.machine_type for w in workers) else ""
        workers = [
            WorkerFlag(w.name, w.machine_type or default_type, w.minimum, w.maximum, w.zones or tuple(zones[:1]))
            for w in workers
        ]
    if not (secret_binding or credentials_binding):
        secret_binding, credentials_binding = _binding(garden, namespace, provider_type)
    manifest = shoot_manifest(
        ShootFlags(
            name=name,
            namespace=namespace,
            cloud_profile=cloud_profile,
            provider_type=provider_type,
            region=region,
            workers=tuple(workers),
            kubernetes_version=kubernetes_version,
            secret_binding=secret_binding,
            credentials_binding=credentials_binding,
            networking_type=networking_type,
            nodes_cidr=nodes_cidr,
            purpose=purpose,
        )
    )
    if dry_run:
        output.echo(output.dump(manifest, out if out is output.Output.json else output.Output.yaml))
        return
    created = garden.kube.create(SHOOTS, namespace, manifest)
    if out in (output.Output.yaml, output.Output.json):
        output.echo(output.dump(created, out))
        return
    typer.echo(f'Shoot "{name}" created in project "{project}"; `gardenctl wait --for=ready {name}` follows it')
