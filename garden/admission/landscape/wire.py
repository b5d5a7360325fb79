"""Reading wire objects defensively: mutating plugins run before schema validation, so any field may be missing
or of the wrong type. These helpers never raise; what is not there reads as empty."""

from __future__ import annotations

from typing import Any

from garden.admission.request import Object, Request
from garden.api.core import GROUP as CORE_GROUP
from garden.api.core import VERSION as CORE_VERSION
from garden.api.security import GROUP as SECURITY_GROUP
from garden.api.security import VERSION as SECURITY_VERSION

__all__ = [
    "CORE_GROUP",
    "CORE_VERSION",
    "SECURITY_GROUP",
    "SECURITY_VERSION",
    "annotations_of",
    "dicts",
    "mapping",
    "meta",
    "name_of",
    "namespace_of",
    "set_child",
    "spec",
    "terminating",
    "text",
    "writes",
]


def mapping(value: object) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty (detached) one."""
    return value if isinstance(value, dict) else {}


def dicts(value: object) -> list[dict[str, Any]]:
    """The JSON objects in a list (anything else in it, or a non-list, is skipped)."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def text(value: object) -> str:
    """``value`` when it is a string, else ``""``."""
    return value if isinstance(value, str) else ""


def meta(obj: Object | None) -> dict[str, Any]:
    return mapping((obj or {}).get("metadata"))


def spec(obj: Object | None) -> dict[str, Any]:
    return mapping((obj or {}).get("spec"))


def name_of(obj: Object | None) -> str:
    return text(meta(obj).get("name"))


def namespace_of(obj: Object | None) -> str:
    return text(meta(obj).get("namespace"))


def annotations_of(obj: Object | None) -> dict[str, Any]:
    return mapping(meta(obj).get("annotations"))


def terminating(obj: Object | None) -> bool:
    """Marked for deletion, or (projects) in phase Terminating."""
    if meta(obj).get("deletionTimestamp"):
        return True
    return text(mapping((obj or {}).get("status")).get("phase")) == "Terminating"


def set_child(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """``parent[key]`` as a dict, created (or replaced, if it is not a dict) when needed."""
    child = parent.get(key)
    if not isinstance(child, dict):
        child = {}
        parent[key] = child
    return child


def writes(request: Request, group: str, resource: str, subresource: str = "") -> bool:
    """A CREATE or UPDATE of ``resource`` (in ``group``) through ``subresource`` that carries an object."""
    return (
        request.operation in ("CREATE", "UPDATE")
        and request.is_(group, resource, subresource)
        and isinstance(request.object, dict)
    )
