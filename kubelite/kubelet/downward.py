"""The downward API: pod fields and container resources as strings, for env (``fieldRef``, ``resourceFieldRef``)
and ``downwardAPI`` volumes alike."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

_SUFFIX = {
    "": Decimal(1),
    "m": Decimal("0.001"),
    "k": Decimal(10**3),
    "M": Decimal(10**6),
    "G": Decimal(10**9),
    "T": Decimal(10**12),
    "P": Decimal(10**15),
    "E": Decimal(10**18),
    "Ki": Decimal(2**10),
    "Mi": Decimal(2**20),
    "Gi": Decimal(2**30),
    "Ti": Decimal(2**40),
    "Pi": Decimal(2**50),
    "Ei": Decimal(2**60),
}
_QUANTITY = re.compile(r"^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$")
_INDEXED = re.compile(r"^metadata\.(labels|annotations)\['([^']+)'\]$")


class FieldError(ValueError):
    pass


def quantity(text: str | int | float) -> Decimal:
    """A Kubernetes quantity (``500m``, ``64Mi``, ``1.5``) as a number."""
    match = _QUANTITY.match(str(text).strip())
    if not match or match.group(2) not in _SUFFIX:
        raise FieldError(f"invalid quantity {text!r}")
    return Decimal(match.group(1)) * _SUFFIX[match.group(2)]


def _pairs(values: Mapping[str, Any]) -> str:
    return "\n".join(f'{key}="{value}"' for key, value in sorted(values.items()))


def field_value(pod: Mapping[str, Any], path: str, *, pod_ip: str, host_ip: str) -> str:
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    indexed = _INDEXED.match(path)
    if indexed:
        return str((meta.get(indexed.group(1)) or {}).get(indexed.group(2), ""))
    simple = {
        "metadata.name": meta.get("name", ""),
        "metadata.namespace": meta.get("namespace", ""),
        "metadata.uid": meta.get("uid", ""),
        "spec.nodeName": spec.get("nodeName", ""),
        "spec.serviceAccountName": spec.get("serviceAccountName", ""),
        "status.podIP": pod_ip,
        "status.podIPs": pod_ip,
        "status.hostIP": host_ip,
        "status.hostIPs": host_ip,
    }
    if path in simple:
        return str(simple[path])
    if path == "metadata.labels":
        return _pairs(meta.get("labels") or {})
    if path == "metadata.annotations":
        return _pairs(meta.get("annotations") or {})
    raise FieldError(f"unsupported fieldRef fieldPath {path!r}")


def resource_value(container: Mapping[str, Any], ref: Mapping[str, Any], node_allocatable: Mapping[str, str]) -> str:
    """``limits.cpu`` and friends, divided by ``divisor`` and rounded up, as upstream; an unset limit is the
    node's allocatable amount."""
    resource = str(ref.get("resource") or "")
    kind, _, name = resource.partition(".")
    if kind not in ("limits", "requests") or not name:
        raise FieldError(f"unsupported resourceFieldRef resource {resource!r}")
    resources = container.get("resources") or {}
    raw = (resources.get(kind) or {}).get(name)
    if raw is None and kind == "requests":
        raw = (resources.get("limits") or {}).get(name)
    if raw is None:
        raw = node_allocatable.get(name, "0")
    divisor = quantity(ref.get("divisor") or "1")
    if divisor == 0:
        raise FieldError("resourceFieldRef divisor must not be 0")
    return str(math.ceil(quantity(raw) / divisor))
