"""Server-side apply, delete and existence checks for rendered objects.

Every object is applied with ``fieldManager=gardenlet`` and ``force=true``: the gardenlet owns the fields its
charts set, takes them back from anyone who changed them (a manual ``kubectl edit``), and leaves fields it does not
set (status, fields other controllers default) alone. Applying the same object twice is a no-op on the server, so
``deploy`` is idempotent without a read-compare-write dance.
"""

from __future__ import annotations

from gardenlet.components.kinds import resource_of
from kubelite.client import APPLY_PATCH, Kube, Object

FIELD_MANAGER = "gardenlet"


def _address(obj: Object) -> tuple[str | None, str]:
    metadata = obj.get("metadata") or {}
    name = str(metadata.get("name") or "")
    namespace = metadata.get("namespace")
    resource = resource_of(obj)
    if resource.namespaced and not namespace:
        raise ValueError(f"{obj.get('kind')} {name}: a namespaced object without metadata.namespace")
    if not resource.namespaced and namespace:
        raise ValueError(f"{obj.get('kind')} {name}: a cluster-scoped object with metadata.namespace {namespace}")
    return (str(namespace) if namespace else None), name


def apply(kube: Kube, obj: Object, field_manager: str = FIELD_MANAGER) -> Object:
    """Server-side apply ``obj``; the object as stored."""
    namespace, name = _address(obj)
    return kube.request(
        "PATCH",
        resource_of(obj).item(namespace, name),
        obj,
        query={"fieldManager": field_manager, "force": "true"},
        content_type=APPLY_PATCH,
    )


def delete(kube: Kube, obj: Object) -> None:
    """Delete ``obj`` (its dependents go through the garbage collector); a missing object is fine."""
    namespace, name = _address(obj)
    kube.delete(resource_of(obj), namespace, name)


def live(kube: Kube, obj: Object) -> Object | None:
    """The object as the server has it now, or None."""
    namespace, name = _address(obj)
    return kube.get(resource_of(obj), namespace, name)
