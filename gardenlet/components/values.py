"""Value types and checks the components share: container resources, images, names, CIDRs.

Values are frozen dataclasses checked in ``__post_init__``: a bad value fails where the values are built (in the
botanist), with the field's name, not as a 422 from the API server halfway through a deploy.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubelite.quantity import QuantityError, parse_quantity

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
#: ``registry/repository:tag`` or ``...@sha256:digest``: what a pod's image may be, without whitespace.
_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._\-/:]*[a-z0-9](:[\w][\w.\-]{0,127})?(@sha256:[0-9a-f]{64})?$")


def check_name(field: str, value: str, *, max_length: int = 63) -> None:
    """A DNS label (names of Services, Deployments, namespaces); Secret names may be subdomains."""
    if not value or len(value) > max_length or not _DNS_LABEL.match(value):
        raise ValueError(f"{field}: {value!r} is not a DNS label (lowercase alphanumerics and '-', 1-{max_length})")


def check_secret_name(field: str, value: str) -> None:
    if not value or len(value) > 253 or not _DNS_SUBDOMAIN.match(value):
        raise ValueError(f"{field}: {value!r} is not a valid Secret name (a DNS subdomain)")


def check_image(field: str, value: str) -> None:
    if not value or not _IMAGE.match(value):
        raise ValueError(f"{field}: {value!r} is not a container image reference")


def check_replicas(field: str, value: int, allowed: tuple[int, ...] | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{field}: {value!r} is not a replica count (an integer >= 0)")
    if allowed is not None and value not in allowed:
        raise ValueError(f"{field}: {value} is not one of {', '.join(map(str, allowed))}")


def check_cidr(field: str, value: str) -> None:
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"{field}: {value!r} is not a CIDR: {exc}") from None


def check_quantity(field: str, value: str) -> None:
    try:
        if parse_quantity(value) < 0:
            raise ValueError(f"{field}: {value!r} is negative")
    except QuantityError as exc:
        raise ValueError(f"{field}: {value!r} is not a resource quantity: {exc}") from None


def checksum(text: str) -> str:
    """A pod-template annotation value that changes with a mounted file, so a changed ConfigMap rolls the pods."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Resources:
    """A container's requests and limits. No CPU limit by default (Gardener's choice: throttling hurts an API
    server more than a noisy neighbour does); a memory limit bounds a leaking process."""

    cpu: str
    memory: str
    memory_limit: str | None = None
    cpu_limit: str | None = None

    def __post_init__(self) -> None:
        check_quantity("resources.cpu", self.cpu)
        check_quantity("resources.memory", self.memory)
        if self.memory_limit is not None:
            check_quantity("resources.memory_limit", self.memory_limit)
            if parse_quantity(self.memory_limit) < parse_quantity(self.memory):
                raise ValueError(f"resources.memory_limit {self.memory_limit} is below the request {self.memory}")
        if self.cpu_limit is not None:
            check_quantity("resources.cpu_limit", self.cpu_limit)
            if parse_quantity(self.cpu_limit) < parse_quantity(self.cpu):
                raise ValueError(f"resources.cpu_limit {self.cpu_limit} is below the request {self.cpu}")

    def manifest(self) -> dict[str, Any]:
        """The container's ``resources`` field."""
        limits = {k: v for k, v in (("cpu", self.cpu_limit), ("memory", self.memory_limit)) if v is not None}
        result: dict[str, Any] = {"requests": {"cpu": self.cpu, "memory": self.memory}}
        if limits:
            result["limits"] = limits
        return result


#: Where controllers that talk to the shoot find its kubeconfig (a Secret with the key ``kubeconfig``).
SHOOT_KUBECONFIG_DIR = "/var/run/secrets/gardener.cloud/shoot/kubeconfig"
SHOOT_KUBECONFIG = f"{SHOOT_KUBECONFIG_DIR}/kubeconfig"


#: Network labels every control-plane controller's pods carry (DNS, and the shoot's kube-apiserver).
CONTROLLER_NETWORK_LABELS = {
    "networking.gardener.cloud/to-dns": "allowed",
    "networking.resources.gardener.cloud/to-kube-apiserver-tcp-443": "allowed",
}


def controller_workload(
    role: str,
    *,
    name: str,
    namespace: str,
    image: str,
    command: list[str],
    replicas: int,
    extra_pod_labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The chart context a control-plane controller's Deployment shares with the others: identity, labels, selector.

    ``role`` is Gardener's ``role`` label (``controller-manager``, ``scheduler``, ``machine-controller-manager``);
    ``extra_pod_labels`` are further network labels its pods need.
    """
    selector = {"app": "kubernetes", "role": role}
    labels = {**selector, "gardener.cloud/role": "controlplane"}
    return {
        "name": name,
        "namespace": namespace,
        "image": image,
        "command": command,
        "replicas": replicas,
        "labels": labels,
        "pod_labels": {**labels, **CONTROLLER_NETWORK_LABELS, **(extra_pod_labels or {})},
        "selector": selector,
    }
