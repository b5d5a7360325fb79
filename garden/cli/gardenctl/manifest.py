"""The Shoot manifest ``gardenctl create shoot`` builds from flags, written the way a user writes one.

Only what the flags say, or what gardenctl had to choose, goes in; everything the garden defaults on admission
(the patch version, machine images, CIDRs of pods and services, the maintenance window) is left to it, so
``--dry-run -o yaml`` shows a manifest worth keeping in a repository.

``--worker`` takes ``key=value`` pairs separated by commas: ``name=cpu,machine=m5.large,min=1,max=3,zone=eu-central-1a,
zone=eu-central-1b`` (``zone`` may repeat; ``minimum``/``maximum``/``type`` are accepted as well).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from garden.cli.gardenctl.errors import GardenctlError

_KEYS = {
    "name": "name",
    "machine": "machine",
    "type": "machine",
    "min": "min",
    "minimum": "min",
    "max": "max",
    "maximum": "max",
    "zone": "zone",
    "zones": "zone",
}


@dataclass(frozen=True, slots=True)
class WorkerFlag:
    """One ``--worker``: what was given; gardenctl fills machine type and zones from the CloudProfile."""

    name: str = "worker"
    machine_type: str = ""
    minimum: int = 1
    maximum: int = 2
    zones: tuple[str, ...] = ()


def parse_worker(text: str) -> WorkerFlag:
    """``name=cpu,machine=m5.large,min=1,max=3,zone=a,zone=b`` -> :class:`WorkerFlag`; errors name the bad part."""
    values: dict[str, str] = {}
    zones: list[str] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        canonical = _KEYS.get(key.strip())
        if not sep or canonical is None or not value.strip():
            raise GardenctlError(
                f'--worker "{text}": "{part}" is not one of name=, machine=, min=, max=, zone= with a value'
            )
        if canonical == "zone":
            zones.extend(z for z in value.strip().split("+") if z)
        elif canonical in values:
            raise GardenctlError(f'--worker "{text}": {key} is given twice')
        else:
            values[canonical] = value.strip()
    try:
        minimum = int(values.get("min", "1"))
        maximum = int(values.get("max", str(max(minimum, 2))))
    except ValueError:
        raise GardenctlError(f'--worker "{text}": min and max must be whole numbers') from None
    if minimum < 0 or maximum < minimum:
        raise GardenctlError(f'--worker "{text}": need 0 <= min <= max (got min={minimum}, max={maximum})')
    return WorkerFlag(values.get("name", "worker"), values.get("machine", ""), minimum, maximum, tuple(zones))


@dataclass(frozen=True, slots=True)
class ShootFlags:
    """Everything ``create shoot`` needs, resolved (the command looked up what the flags left open)."""

    name: str
    namespace: str
    cloud_profile: str
    provider_type: str
    region: str
    workers: tuple[WorkerFlag, ...]
    kubernetes_version: str = ""
    secret_binding: str = ""
    credentials_binding: str = ""
    networking_type: str = "calico"
    nodes_cidr: str = ""
    purpose: str = ""


def shoot_manifest(flags: ShootFlags) -> dict[str, Any]:
    """The Shoot; checked against the typed API, so a manifest gardenctl prints is one the garden can read."""
    from garden.api.core.shoot import Shoot  # noqa: PLC0415  (a second of pydantic models: only create needs them)

    if bool(flags.secret_binding) == bool(flags.credentials_binding):
        raise GardenctlError("a shoot needs exactly one of a secret binding and a credentials binding")
    workers = []
    for worker in flags.workers:
        if not worker.machine_type:
            raise GardenctlError(f'worker "{worker.name}" needs a machine type')
        entry: dict[str, Any] = {
            "name": worker.name,
            "machine": {"type": worker.machine_type},
            "minimum": worker.minimum,
            "maximum": worker.maximum,
        }
        if worker.zones:
            entry["zones"] = list(worker.zones)
        workers.append(entry)
    names = [w["name"] for w in workers]
    if len(set(names)) != len(names):
        raise GardenctlError(f"worker pool names must differ: {', '.join(names)}")
    spec: dict[str, Any] = {"cloudProfile": {"kind": "CloudProfile", "name": flags.cloud_profile}}
    spec["region"] = flags.region
    if flags.secret_binding:
        spec["secretBindingName"] = flags.secret_binding
    else:
        spec["credentialsBindingName"] = flags.credentials_binding
    if flags.purpose:
        spec["purpose"] = flags.purpose
    spec["kubernetes"] = {"version": flags.kubernetes_version} if flags.kubernetes_version else {}
    networking: dict[str, Any] = {"type": flags.networking_type}
    if flags.nodes_cidr:
        networking["nodes"] = flags.nodes_cidr
    spec["networking"] = networking
    spec["provider"] = {"type": flags.provider_type, "workers": workers}
    manifest = {
        "apiVersion": Shoot.API_VERSION,
        "kind": Shoot.KIND,
        "metadata": {"name": flags.name, "namespace": flags.namespace},
        "spec": spec,
    }
    try:
        Shoot.parse(manifest)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise GardenctlError(f"the shoot would be invalid: {where}: {first['msg']}") from None
    return manifest


__all__ = ["ShootFlags", "WorkerFlag", "parse_worker", "shoot_manifest"]
