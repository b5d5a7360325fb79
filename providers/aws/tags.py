"""How the provider marks what it makes: every resource carries ``kubernetes.io/cluster/<technicalID>: "1"`` and a
``Name``, so it is found by tag before it is created (no duplicate after a crash) and by tag when the shoot goes (no
orphan). The names follow Gardener's AWS extension (``<technicalID>-nodes-z0``, ``<technicalID>-natgw-z0``...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.interface import CLUSTER_TAG_PREFIX

CLUSTER_TAG_VALUE = "1"


def cluster_tag(technical_id: str) -> str:
    return f"{CLUSTER_TAG_PREFIX}{technical_id}"


def tags(technical_id: str, name: str, extra: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """The tag list for a new resource: the user's extra tags first, so ours win on a clash."""
    merged = {**(extra or {}), cluster_tag(technical_id): CLUSTER_TAG_VALUE, "Name": name}
    return [{"Key": key, "Value": value} for key, value in merged.items()]


def tag_spec(resource_type: str, technical_id: str, name: str, extra: Mapping[str, str] | None = None) -> Any:
    """``TagSpecifications`` for an EC2 create call: tags set with the resource itself, never a moment later."""
    return [{"ResourceType": resource_type, "Tags": tags(technical_id, name, extra)}]


def cluster_filter(technical_id: str) -> dict[str, Any]:
    return {"Name": f"tag:{cluster_tag(technical_id)}", "Values": [CLUSTER_TAG_VALUE]}


def name_filter(name: str) -> dict[str, Any]:
    return {"Name": "tag:Name", "Values": [name]}


def tag_value(resource: Mapping[str, Any], key: str) -> str | None:
    for tag in resource.get("Tags") or ():
        if tag.get("Key") == key:
            return str(tag.get("Value"))
    return None


__all__ = ["CLUSTER_TAG_VALUE", "cluster_filter", "cluster_tag", "name_filter", "tag_spec", "tag_value", "tags"]
