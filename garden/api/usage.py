"""What a shoot consumes of a quota, computed from its spec: shared by admission (``ShootQuotaValidator``) and the
quota controller (which shows it in a Quota's status).

A shoot consumes, per worker pool, ``maximum`` times the machine type's cpu, gpu and memory and ``maximum`` times
its volume size (as ``storage.<volume class>``), plus one load balancer (two with the nginx-ingress addon). The
shoot is read defensively (admission sees it before schema validation): what is missing or malformed counts zero.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from garden.api.core.cloudprofile import CloudProfileSpec
from garden.api.quantity import QuantityError, parse_quantity

#: The metrics a quota can limit, in the order Gardener checks them.
METRICS = ("cpu", "gpu", "memory", "storage.standard", "storage.premium", "loadbalancer")
#: Metrics counted in bytes (shown with binary suffixes).
BYTE_METRICS = frozenset({"memory", "storage.standard", "storage.premium"})


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _quantity(value: object) -> Fraction:
    try:
        return parse_quantity(value)
    except QuantityError:
        return Fraction(0)


def _spec(shoot: dict[str, Any] | None) -> dict[str, Any]:
    return _mapping((shoot or {}).get("spec"))


def nginx_ingress_enabled(shoot: dict[str, Any] | None) -> bool:
    addon = _mapping(_mapping(_spec(shoot).get("addons")).get("nginxIngress"))
    return addon.get("enabled") is True


def shoot_usage(shoot: dict[str, Any] | None, profile: CloudProfileSpec | None) -> dict[str, Fraction]:
    """What a shoot consumes by its spec (workers at their maximum), metric by metric."""
    usage: dict[str, Fraction] = {metric: Fraction(0) for metric in METRICS}
    workers = _mapping(_spec(shoot).get("provider")).get("workers")
    for worker in workers if isinstance(workers, list) else []:
        if not isinstance(worker, dict):
            continue
        machine_type = profile.machine_type(_text(_mapping(worker.get("machine")).get("type"))) if profile else None
        if machine_type is None:
            continue  # an unknown machine type is refused by the shoot's own validation
        maximum = _count(worker.get("maximum"))
        usage["cpu"] += _quantity(machine_type.cpu) * maximum
        usage["gpu"] += _quantity(machine_type.gpu) * maximum
        usage["memory"] += _quantity(machine_type.memory) * maximum
        volume = worker.get("volume")
        storage = machine_type.storage
        size: object = None
        volume_class = ""
        if isinstance(volume, dict):
            size = volume.get("size")
            if storage is not None:
                volume_class = storage.class_
            else:
                volume_type = profile.volume_type(_text(volume.get("type"))) if profile else None
                volume_class = volume_type.class_ if volume_type is not None else ""
        elif storage is not None and storage.size is not None:
            size, volume_class = storage.size, storage.class_
        if volume_class and size is not None:
            metric = f"storage.{volume_class}"
            usage[metric] = usage.get(metric, Fraction(0)) + _quantity(size) * maximum
    usage["loadbalancer"] = Fraction(2 if nginx_ingress_enabled(shoot) else 1)
    return usage


def add_usage(total: dict[str, Fraction], usage: dict[str, Fraction]) -> None:
    """Add ``usage`` to ``total``, metric by metric."""
    for metric, value in usage.items():
        total[metric] = total.get(metric, Fraction(0)) + value


__all__ = ["BYTE_METRICS", "METRICS", "add_usage", "nginx_ingress_enabled", "shoot_usage"]
