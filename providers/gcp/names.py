"""How the provider names and marks what it makes.

Most Compute resources of the network (networks, subnetworks, firewalls, routers) take no labels, so they are named
after the shoot's technical ID, as Gardener's GCP extension names them (``<technicalID>-nodes``,
``<technicalID>-cloud-router``, ``<technicalID>-allow-health-checks``...): found by name before they are made, and by
name prefix when the shoot goes. Instances and their disks do take labels: ``k8s-cluster-name=<technicalID>`` marks
every one, so the shoot's machines are listed with one label filter, and the network tags
``<technicalID>``, ``kubernetes-io-cluster-<technicalID>``, ``kubernetes-io-role-node`` let firewalls and the cloud
controller manager address them. GCE names and label values are ``[a-z]([-a-z0-9]*[a-z0-9])?`` up to 63 characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from garden.api.common import ErrorCode
from providers.interface import ProviderError

CLUSTER_LABEL = "k8s-cluster-name"
ROLE_LABEL = "k8s-role"
NAME = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
_LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
_NOT_LABEL = re.compile(r"[^a-z0-9_-]")


def checked(name: str, what: str) -> str:
    """``name`` if GCE accepts it as a resource name; a configuration problem saying why not otherwise."""
    if not NAME.match(name):
        raise ProviderError(
            f"{what} {name!r} is not a valid GCE name (lowercase letters, digits and '-', starting with a letter, "
            "at most 63 characters)",
            ErrorCode.CONFIGURATION_PROBLEM,
        )
    return name


def network(technical_id: str) -> str:
    return technical_id


def nodes_subnet(technical_id: str) -> str:
    return f"{technical_id}-nodes"


def internal_subnet(technical_id: str) -> str:
    return f"{technical_id}-internal"


def router(technical_id: str) -> str:
    return f"{technical_id}-cloud-router"


def nat(technical_id: str) -> str:
    return f"{technical_id}-cloud-nat"


def firewall_internal(technical_id: str) -> str:
    return f"{technical_id}-allow-internal-access"


def firewall_health_checks(technical_id: str) -> str:
    return f"{technical_id}-allow-health-checks"


def network_tags(technical_id: str) -> list[str]:
    return [technical_id, f"kubernetes-io-cluster-{technical_id}", "kubernetes-io-role-node"]


def label_value(value: str) -> str:
    """A value GCE takes as a label value: lowercase, other characters as ``_``, at most 63."""
    return _NOT_LABEL.sub("_", value.lower())[:63]


def labels(technical_id: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The labels of an instance or disk: the user's (sanitised, invalid keys dropped) first, so ours win."""
    merged = {}
    for key, value in (extra or {}).items():
        sane = _NOT_LABEL.sub("_", key.lower())[:63]
        if _LABEL_KEY.match(sane):
            merged[sane] = label_value(value)
    merged[CLUSTER_LABEL] = label_value(technical_id)
    merged[ROLE_LABEL] = "node"
    return merged


def cluster_filter(technical_id: str) -> str:
    """A Compute list filter selecting what carries the shoot's cluster label."""
    return f'labels.{CLUSTER_LABEL} = "{label_value(technical_id)}"'


__all__ = [
    "CLUSTER_LABEL",
    "checked",
    "cluster_filter",
    "firewall_health_checks",
    "firewall_internal",
    "internal_subnet",
    "label_value",
    "labels",
    "nat",
    "network",
    "network_tags",
    "nodes_subnet",
    "router",
]
