"""The chart-backed component: render, apply, delete, and poll for readiness or absence.

A subclass names its chart and turns its values into the template context; everything else (server-side apply in
template order, deletion in reverse order, readiness of the workloads it rendered, cleanup of what it rendered plus
the claims its StatefulSets made) is the same for every component and lives here once.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from gardenlet.components.apply import apply, delete, live
from gardenlet.components.chart import render_chart
from gardenlet.components.interface import ComponentTimeoutError
from gardenlet.components.kinds import PERSISTENTVOLUMECLAIMS, describe, resource_of
from gardenlet.components.readiness import CHECKS
from kubelite.client import Kube, Object

WORKLOAD_KINDS = ("Deployment", "StatefulSet")


class ChartComponent(ABC):
    """Deploys ``charts/<chart>`` with the context from :meth:`context`."""

    #: ``controlplane/etcd``: the chart directory under ``charts/``.
    chart: ClassVar[str]
    #: Seconds ``wait`` and ``wait_cleanup`` allow when the caller gives no timeout.
    default_timeout: ClassVar[float] = 300.0

    def __init__(
        self,
        kube: Kube,
        *,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.kube = kube
        self._interval = interval
        self._clock = clock
        self._sleep = sleep

    @property
    @abstractmethod
    def name(self) -> str:
        """How errors name this component (``etcd-main``, ``kube-apiserver``)."""

    @abstractmethod
    def context(self) -> dict[str, Any]:
        """The template context: plain strings, numbers, lists and maps made from the values."""

    def objects(self) -> list[Object]:
        """Every object of the chart, in the order to apply them."""
        return render_chart(self.chart, self.context())

    # -- the Component contract ---------------------------------------------------------------------------------

    def deploy(self) -> None:
        for obj in self.objects():
            apply(self.kube, obj)

    def destroy(self) -> None:
        for obj in reversed(self.objects()):
            delete(self.kube, obj)
        for claim in self.claims():
            delete(self.kube, claim)

    def wait(self, timeout: float | None = None) -> None:
        """Until every workload, namespace and daemon set the chart renders is ready."""
        checked = [obj for obj in self.objects() if obj["kind"] in CHECKS]
        self._poll("not ready", timeout, lambda: [p for obj in checked if (p := self._not_ready(obj))])

    def wait_cleanup(self, timeout: float | None = None) -> None:
        """Until nothing the chart renders, and no claim its StatefulSets made, exists any more."""

        def remaining() -> list[str]:
            left = [describe(obj) for obj in self.objects() if live(self.kube, obj) is not None]
            return left + [describe(claim) for claim in self.claims()]

        self._poll("still present", timeout, remaining)

    # -- shared parts -------------------------------------------------------------------------------------------

    def claims(self) -> list[Object]:
        """The PersistentVolumeClaims the StatefulSets of this chart made (``<template>-<set>-<ordinal>``).

        They outlive scale-down and the StatefulSet itself on purpose (hibernation keeps etcd's data), so
        ``destroy`` removes them explicitly.
        """
        prefixes: dict[str, list[str]] = {}
        for obj in self.objects():
            if obj["kind"] != "StatefulSet":
                continue
            namespace, name = obj["metadata"]["namespace"], obj["metadata"]["name"]
            for template in obj["spec"].get("volumeClaimTemplates") or []:
                prefixes.setdefault(namespace, []).append(f"{template['metadata']['name']}-{name}-")
        found: list[Object] = []
        for namespace, starts in prefixes.items():
            for claim in self.kube.list(PERSISTENTVOLUMECLAIMS, namespace):
                claim_name = str(claim["metadata"]["name"])
                if any(claim_name.startswith(s) and claim_name[len(s) :].isdigit() for s in starts):
                    found.append({**claim, "apiVersion": "v1", "kind": "PersistentVolumeClaim"})
        return found

    def _not_ready(self, obj: Object) -> str | None:
        current = live(self.kube, obj)
        if current is None:
            return f"{describe(obj)}: not found"
        reason = CHECKS[obj["kind"]](current)
        return f"{describe(obj)}: {reason}" if reason else None

    def _poll(self, what: str, timeout: float | None, pending: Callable[[], list[str]]) -> None:
        limit = self.default_timeout if timeout is None else timeout
        deadline = self._clock() + limit
        while True:
            left = pending()
            if not left:
                return
            if self._clock() >= deadline:
                raise ComponentTimeoutError(self.name, what, limit, left)
            self._sleep(self._interval)


class WorkloadComponent(ChartComponent):
    """A chart with Deployments or StatefulSets that can be scaled in place (hibernation, wake-up)."""

    def scale(self, replicas: int) -> None:
        """Set the replicas of every Deployment and StatefulSet of the chart through their ``scale`` subresource.

        Persistent volumes stay: a StatefulSet scaled to 0 keeps its claims, so etcd wakes up with its data. The
        next ``deploy`` applies the replicas of the values again, so values and scale must agree (the botanist
        builds hibernated values with 0 replicas); that first deploy after a scale takes the field's ownership
        back (one write), later ones change nothing.
        """
        if isinstance(replicas, bool) or replicas < 0:
            raise ValueError(f"{self.name}: cannot scale to {replicas!r} replicas")
        for obj in self.objects():
            if obj["kind"] in WORKLOAD_KINDS:
                self.kube.patch(
                    resource_of(obj),
                    obj["metadata"]["namespace"],
                    obj["metadata"]["name"],
                    {"spec": {"replicas": replicas}},
                    subresource="scale",
                )
