"""Shoot status label: keep ``shoot.gardener.cloud/status`` on every shoot (Gardener's shoot status label controller).

The value (healthy, progressing, unknown, unhealthy) is :func:`garden.api.printers.compute_shoot_status`, the rule
the garden's tables show for a shoot not labelled yet, so the label and ``kubectl get shoots`` always agree. Shoots
are watched (``on.event``, level-based: each event looks at the whole object) and patched only when the label
changes; the label's own update comes back as an event that then finds nothing to do. kopf does not retry a
failed ``on.event`` handler: a label a failed patch left stale is corrected by the shoot's next change.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import kopf

from garden.api.printers import STATUS_LABEL, compute_shoot_status
from garden.controllermanager.context import ControllerContext
from garden.kube import SHOOTS, KubeError
from garden.operator import new_registry

log = logging.getLogger(__name__)


def label_patch(shoot: Mapping[str, Any]) -> dict[str, Any] | None:
    """The merge patch that brings the shoot's status label up to date, or None when it already is."""
    wanted = compute_shoot_status(shoot)
    labels = (shoot.get("metadata") or {}).get("labels") or {}
    if labels.get(STATUS_LABEL) == wanted:
        return None
    return {"metadata": {"labels": {STATUS_LABEL: wanted}}}


def registry(ctx: ControllerContext) -> kopf.OperatorRegistry:
    reg = new_registry(ctx.kube)

    @kopf.on.event("core.gardener.cloud", "v1beta1", "shoots", registry=reg)
    def status_label(type: str, body: kopf.Body, name: str, namespace: str | None, **_: Any) -> None:
        if type == "DELETED" or not namespace:
            return
        patch = label_patch(body)
        if patch is None:
            return
        log.debug("shoot %s/%s: status label %s", namespace, name, patch["metadata"]["labels"][STATUS_LABEL])
        try:
            ctx.kube.patch(SHOOTS, namespace, name, patch)
        except KubeError as exc:
            if not exc.not_found:
                raise

    return reg


__all__ = ["label_patch", "registry"]
