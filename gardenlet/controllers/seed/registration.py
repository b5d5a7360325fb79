"""The Seed the gardenlet registers: its configuration's ``seedConfig`` laid over what the garden holds.

As Gardener's gardenlet does, the configuration owns the Seed's ``spec`` entirely (an edit in the garden is taken
back at the next sync) and the labels and annotations it names; labels and annotations others put on the Seed
(the garden's controllers, an operator) are kept. The Seed is written with a merge patch that carries the
``resourceVersion`` read, so a concurrent writer is not overwritten blindly; a lost race is retried next sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from garden.kube import SEEDS, Kube, KubeError
from gardenlet.config import SeedConfig

Object = dict[str, Any]

#: The metadata fields the configuration may set; everything else in ``seedConfig.metadata`` is the server's.
_MERGED_METADATA = ("labels", "annotations")


def desired_seed(config: SeedConfig, existing: Mapping[str, Any] | None) -> Object:
    """The whole Seed as it should be stored: ``existing`` (or nothing) with the configuration applied."""
    metadata: Object = dict((existing or {}).get("metadata") or {})
    metadata["name"] = config.name
    for key in _MERGED_METADATA:
        wanted = config.metadata.get(key) or {}
        if not isinstance(wanted, Mapping):
            raise ValueError(f"seedConfig.metadata.{key} must be a map, not {type(wanted).__name__}")
        merged = {**(metadata.get(key) or {}), **{str(k): str(v) for k, v in wanted.items()}}
        if merged:
            metadata[key] = merged
    seed: Object = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "Seed",
        "metadata": metadata,
        "spec": dict(config.spec),
    }
    if existing is not None and "status" in existing:
        seed["status"] = existing["status"]
    return seed


def needs_update(desired: Mapping[str, Any], existing: Mapping[str, Any]) -> bool:
    """Whether the stored Seed differs from ``desired`` in what the gardenlet owns."""
    if desired.get("spec") != existing.get("spec"):
        return True
    for key in _MERGED_METADATA:
        if (desired["metadata"].get(key) or {}) != ((existing.get("metadata") or {}).get(key) or {}):
            return True
    return False


def register(garden: Kube, config: SeedConfig) -> Object:
    """Create the Seed or bring it to the configuration; the Seed as stored."""
    existing = garden.get(SEEDS, None, config.name)
    desired = desired_seed(config, existing)
    if existing is None:
        body = {key: value for key, value in desired.items() if key != "status"}
        try:
            return garden.create(SEEDS, None, body)
        except KubeError as exc:
            if exc.status != 409:
                raise
            existing = garden.get(SEEDS, None, config.name)
            if existing is None:
                raise
            desired = desired_seed(config, existing)
    if not needs_update(desired, existing):
        return existing
    metadata = {
        "resourceVersion": existing["metadata"].get("resourceVersion"),
        **{key: desired["metadata"][key] for key in _MERGED_METADATA if key in desired["metadata"]},
    }
    # NB: a merge patch replaces maps key by key; a field dropped from the configuration must become null to go.
    spec_patch = _replacing(existing.get("spec") or {}, desired["spec"])
    return garden.patch(SEEDS, None, config.name, {"metadata": metadata, "spec": spec_patch})


def _replacing(old: Mapping[str, Any], new: Mapping[str, Any]) -> Object:
    """A JSON merge patch turning ``old`` into ``new`` (keys only in ``old`` become null)."""
    patch: Object = {key: None for key in old if key not in new}
    for key, value in new.items():
        before = old.get(key)
        if isinstance(value, Mapping) and isinstance(before, Mapping):
            patch[key] = _replacing(before, value)
        else:
            patch[key] = value
    return patch


__all__ = ["desired_seed", "needs_update", "register"]
