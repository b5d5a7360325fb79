"""ShootBinding: what the scheduler (or an operator) may do through ``shoots/binding``: set ``spec.seedName``.

The write must leave the rest of the spec as stored, name a Seed that exists and is not being deleted, whose
taints the shoot tolerates and which has room for another shoot (``status.allocatable.shoots``). Moving a
scheduled shoot to another seed (control plane migration) is allowed only between seeds of the same provider type.
"""

from __future__ import annotations

from typing import Any, NoReturn

from garden.admission.errors import FieldError, check, forbidden_request, invalid, required
from garden.admission.landscape.fields import not_found
from garden.admission.landscape.references import shoot_name
from garden.admission.landscape.wire import (
    CORE_GROUP,
    CORE_VERSION,
    dicts,
    mapping,
    meta,
    name_of,
    namespace_of,
    spec,
    text,
    writes,
)
from garden.admission.request import Object, Plugin, Reader, Request
from garden.api.quantity import QuantityError, parse_quantity

SUBRESOURCE = "binding"


def taints_tolerated(seed: Object, shoot: Object | None) -> list[str]:
    """The seed's taints the shoot does not tolerate (a toleration without value tolerates any value)."""
    tolerations = dicts(spec(shoot).get("tolerations"))
    keys = {text(t.get("key")) for t in tolerations if not isinstance(t.get("value"), str)}
    pairs = {(text(t.get("key")), t["value"]) for t in tolerations if isinstance(t.get("value"), str)}
    missing: list[str] = []
    for taint in dicts(spec(seed).get("taints")):
        key, value = text(taint.get("key")), taint.get("value")
        if key in keys or (isinstance(value, str) and (key, value) in pairs):
            continue
        missing.append(f"{key}={value}" if isinstance(value, str) else key)
    return missing


def changed_fields(new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    """The spec fields other than seedName that differ."""
    keys = (set(new) | set(old)) - {"seedName"}
    return sorted(key for key in keys if new.get(key) != old.get(key))


class ShootBinding(Plugin):
    name = "ShootBinding"

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    async def validate(self, request: Request) -> None:
        if not writes(request, CORE_GROUP, "shoots", SUBRESOURCE):
            return
        shoot, old = request.object, request.old_object
        name = shoot_name(request)
        new_spec, old_spec = spec(shoot), spec(old)
        problems: list[FieldError] = [
            invalid(
                f"spec.{key}",
                new_spec.get(key),
                "only spec.seedName may be changed through the shoots/binding subresource",
            )
            for key in changed_fields(new_spec, old_spec)
        ]
        seed_name = text(new_spec.get("seedName"))
        old_seed_name = text(old_spec.get("seedName"))
        if not seed_name:
            problems.append(required("spec.seedName", "the binding must name the seed to schedule the shoot on"))
            check("Shoot", CORE_GROUP, name, problems)
            return
        seed = await self.reader.get(CORE_GROUP, CORE_VERSION, "seeds", None, seed_name)
        if seed is None:
            problems.append(not_found("spec.seedName", seed_name, f'no Seed "{seed_name}"'))
        check("Shoot", CORE_GROUP, name, problems)
        if seed is None or seed_name == old_seed_name:
            return
        await self._schedulable(request, name, seed, old_seed_name)

    async def _schedulable(self, request: Request, name: str, seed: Object, old_seed_name: str) -> None:
        seed_name = name_of(seed)

        def refuse(why: str) -> NoReturn:
            raise forbidden_request("shoots", CORE_GROUP, name, why)

        if meta(seed).get("deletionTimestamp"):
            refuse(f'cannot schedule shoot "{name}" on seed "{seed_name}" that is already marked for deletion')
        untolerated = taints_tolerated(seed, request.object)
        if untolerated:
            refuse(
                f'the taints of seed "{seed_name}" are not tolerated by the shoot: {", ".join(untolerated)} '
                "(spec.tolerations)"
            )
        allocatable = mapping(mapping(seed.get("status")).get("allocatable")).get("shoots")
        if allocatable is not None:
            try:
                capacity = parse_quantity(allocatable)
            except QuantityError:
                capacity = None
            if capacity is not None:
                hosted = sum(
                    1
                    for other in await self.reader.list(CORE_GROUP, CORE_VERSION, "shoots")
                    if text(spec(other).get("seedName")) == seed_name
                    and not (name_of(other) == request.name and namespace_of(other) == request.namespace)
                )
                if hosted >= capacity:
                    refuse(
                        f'cannot schedule shoot "{name}" on seed "{seed_name}" that already has the maximum number '
                        f"of shoots scheduled on it ({allocatable})"
                    )
        if old_seed_name:
            old_seed = await self.reader.get(CORE_GROUP, CORE_VERSION, "seeds", None, old_seed_name)
            old_type = text(mapping(spec(old_seed).get("provider")).get("type"))
            new_type = text(mapping(spec(seed).get("provider")).get("type"))
            if old_seed is None or old_type != new_type:
                refuse(
                    f'cannot change seed because cloud provider for new seed "{seed_name}" ({new_type}) is not equal '
                    f'to cloud provider for old seed "{old_seed_name}" ({old_type or "unknown"})'
                )


__all__ = ["ShootBinding", "changed_fields", "taints_tolerated"]
