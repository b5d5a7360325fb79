"""Turn a request path and method into a :class:`RequestInfo`, as kube-apiserver's RequestInfoFactory does.

Resource paths::

    /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]
    /apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]
    /api/v1/namespaces/NAME[/SUBRESOURCE]            (the namespaces resource itself)
    /api(s)/.../watch/...                            (the deprecated watch prefix)

Anything else under /api or /apis is discovery (``/api``, ``/apis``, ``/apis/GROUP``, ``/apis/GROUP/VERSION``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Verb = Literal["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "discovery"]


@dataclass(frozen=True, slots=True)
class RequestInfo:
    verb: Verb
    group: str = ""
    version: str = ""
    namespace: str | None = None
    resource: str = ""
    name: str = ""
    subresource: str = ""
    #: For discovery requests: how many path segments after /api or /apis (0: the root).
    discovery_depth: int = 0
    legacy: bool = True


def parse(method: str, path: str, query: dict[str, str]) -> RequestInfo | None:
    """The RequestInfo of an API path, or None when the path is not under /api or /apis."""
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] not in ("api", "apis"):
        return None
    legacy = parts[0] == "api"
    rest = parts[1:]
    if legacy:
        if len(rest) <= 1:
            return RequestInfo("discovery", "", rest[0] if rest else "", discovery_depth=len(rest), legacy=True)
        group, version, rest = "", rest[0], rest[1:]
    else:
        if len(rest) <= 2:
            return RequestInfo(
                "discovery",
                rest[0] if rest else "",
                rest[1] if len(rest) > 1 else "",
                discovery_depth=len(rest),
                legacy=False,
            )
        group, version, rest = rest[0], rest[1], rest[2:]
    watch_prefix = rest[0] == "watch"
    if watch_prefix:
        rest = rest[1:]
        if not rest:
            return None
    namespace: str | None = None
    if rest[0] == "namespaces" and len(rest) >= 3 and not (legacy and len(rest) == 3 and _is_ns_subresource(rest)):
        namespace, rest = rest[1], rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else ""
    subresource = "/".join(rest[2:]) if len(rest) > 2 else ""
    if len(rest) > 3:
        return None
    verb = _verb(method, bool(name), watch_prefix or query.get("watch", "").lower() in ("true", "1"))
    if verb is None:
        return None
    return RequestInfo(verb, group, version, namespace, resource, name, subresource, legacy=legacy)


def _is_ns_subresource(rest: list[str]) -> bool:
    """``/api/v1/namespaces/NAME/status`` (or ``/finalize``) addresses the namespace itself, not a resource in it."""
    return rest[2] in ("status", "finalize")


def _verb(method: str, has_name: bool, watch: bool) -> Verb | None:
    match method:
        case "GET" | "HEAD":
            if watch:
                return "watch"
            return "get" if has_name else "list"
        case "POST":
            return "create"
        case "PUT":
            return "update"
        case "PATCH":
            return "patch"
        case "DELETE":
            return "delete" if has_name else "deletecollection"
    return None
