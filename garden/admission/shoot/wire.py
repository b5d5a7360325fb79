"""Which requests the shoot plugins handle, and defensive access to wire Shoots (plain dicts).

Mutating plugins run before the CRD schema is checked, so a field may be missing or of the wrong type: these
helpers return None or an empty list for anything that is not what it should be, and never raise.
"""

from __future__ import annotations

from typing import Any

from garden.admission.request import Request
from garden.api.core import GROUP

Object = dict[str, Any]


def applies(request: Request) -> bool:
    """A CREATE or UPDATE of a Shoot itself (not of a subresource such as status or binding)."""
    return (
        request.is_(GROUP, "shoots") and request.operation in ("CREATE", "UPDATE") and isinstance(request.object, dict)
    )


def child(obj: object, key: str) -> Object | None:
    """``obj[key]`` if both are dicts."""
    if not isinstance(obj, dict):
        return None
    value = obj.get(key)
    return value if isinstance(value, dict) else None


def ensure(obj: Object, key: str) -> Object | None:
    """``obj[key]``, created as ``{}`` when absent; None when it holds something other than a dict."""
    if obj.get(key) is None:
        obj[key] = {}
    value = obj[key]
    return value if isinstance(value, dict) else None


def text(obj: object, key: str) -> str | None:
    """``obj[key]`` if it is a non-empty string."""
    if not isinstance(obj, dict):
        return None
    value = obj.get(key)
    return value if isinstance(value, str) and value else None


def workers(spec: object) -> list[Object]:
    """The worker pools that are dicts."""
    provider = child(spec, "provider")
    listed = provider.get("workers") if provider is not None else None
    return [w for w in listed if isinstance(w, dict)] if isinstance(listed, list) else []


def worker_named(spec: object, name: str | None) -> Object | None:
    if name is None:
        return None
    return next((w for w in workers(spec) if w.get("name") == name), None)


def unset(obj: Object, key: str) -> bool:
    """Whether the user left ``key`` out (absent or null)."""
    return obj.get(key) is None


__all__ = ["Object", "applies", "child", "ensure", "text", "unset", "worker_named", "workers"]
