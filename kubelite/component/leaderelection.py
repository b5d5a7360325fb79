"""Leader election on a ``coordination.k8s.io/v1`` Lease, as client-go's ``leaderelection`` does it, so that of
several replicas of a component only one acts.

A candidate takes the Lease when it does not exist, when it was released (no holder), or when its holder has not
renewed it for ``lease_duration`` *as this candidate observed it*: expiry is measured on the local monotonic clock
from the moment the candidate last saw the Lease change, never by comparing the holder's ``renewTime`` with our
wall clock, so clock skew between machines cannot hand the Lease to two holders. Every write is a compare-and-swap
on the Lease's resourceVersion, so two candidates racing for it cannot both win.

The leader renews every ``retry_period``; when it has not managed to for ``renew_deadline`` it stops leading (its
work is cancelled) and :meth:`LeaderElection.run` returns False: upstream components exit then, and so do ours, so
the pod restarts as a follower. On a clean stop the leader releases the Lease (``ReleaseOnCancel``), so a successor
does not wait out the duration.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from kubelite.client import LEASES, Kube, KubeError, Object
from kubelite.nodes.heartbeat import micro_timestamp

log = logging.getLogger(__name__)

#: ``lead(stop)``: the work a leader does until ``stop`` is set.
Lead = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


@dataclass
class LeaderElection:
    kube: Kube
    namespace: str
    name: str
    identity: str
    lease_duration: float = 15.0
    renew_deadline: float = 10.0
    retry_period: float = 2.0
    #: (holder, renewTime, resourceVersion) as last seen, and when (monotonic): the basis of expiry.
    _observed: tuple[str, str, str] = field(default=("", "", ""), init=False)
    _observed_at: float = field(default=0.0, init=False)
    leading: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if not 0 < self.retry_period < self.renew_deadline < self.lease_duration:
            raise ValueError(
                "leader election needs 0 < retry period < renew deadline < lease duration, not "
                f"{self.retry_period} / {self.renew_deadline} / {self.lease_duration}"
            )

    async def run(self, lead: Lead, stop: asyncio.Event) -> bool:
        """Wait to lead, then run ``lead`` while renewing; True after a clean stop, False when leadership was lost."""
        while not stop.is_set():
            if await self._attempt():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.retry_period)
        if stop.is_set():
            return True
        log.info("%s/%s: %s is the leader", self.namespace, self.name, self.identity)
        self.leading = True
        done = asyncio.Event()
        work = asyncio.create_task(lead(done))
        lost = False
        try:
            last_renewed = time.monotonic()
            while not stop.is_set() and not work.done():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.retry_period)
                if stop.is_set():
                    break
                if await self._attempt():
                    last_renewed = time.monotonic()
                elif time.monotonic() - last_renewed >= self.renew_deadline:
                    log.error(
                        "%s/%s: leadership lost (not renewed for %.0f s)",
                        self.namespace,
                        self.name,
                        self.renew_deadline,
                    )
                    lost = True
                    break
        finally:
            self.leading = False
            done.set()
            with contextlib.suppress(asyncio.CancelledError):
                await work
        if not lost:
            await asyncio.to_thread(self._release)
        return not lost

    async def _attempt(self) -> bool:
        try:
            return await asyncio.to_thread(self._acquire_or_renew)
        except KubeError as exc:
            log.warning("%s/%s: %s", self.namespace, self.name, exc)
            return False

    def _spec(self, previous: Object, *, acquired: bool) -> Object:
        now = micro_timestamp()
        spec = dict(previous)
        spec.update(
            holderIdentity=self.identity, leaseDurationSeconds=max(1, round(self.lease_duration)), renewTime=now
        )
        if acquired:
            spec["acquireTime"] = now
            spec["leaseTransitions"] = int(previous.get("leaseTransitions") or 0) + (1 if previous else 0)
        return spec

    def _acquire_or_renew(self) -> bool:
        lease = self.kube.get(LEASES, self.namespace, self.name)
        if lease is None:
            body = {
                "apiVersion": "coordination.k8s.io/v1",
                "kind": "Lease",
                "metadata": {"name": self.name, "namespace": self.namespace},
                "spec": self._spec({}, acquired=True),
            }
            try:
                self.kube.create(LEASES, self.namespace, body)
            except KubeError as exc:
                if exc.conflict:
                    return False
                raise
            return True
        spec = lease.get("spec") or {}
        holder = str(spec.get("holderIdentity") or "")
        seen = (holder, str(spec.get("renewTime") or ""), str(lease["metadata"].get("resourceVersion", "")))
        if seen != self._observed:
            self._observed, self._observed_at = seen, time.monotonic()
        if holder and holder != self.identity and time.monotonic() - self._observed_at < self.lease_duration:
            return False  # held, and renewed within the duration as we saw it
        lease["spec"] = self._spec(spec, acquired=holder != self.identity)
        try:
            self.kube.update(LEASES, self.namespace, self.name, lease)
        except KubeError as exc:
            if exc.conflict:
                return False
            raise
        return True

    def _release(self) -> None:
        with contextlib.suppress(KubeError):
            lease = self.kube.get(LEASES, self.namespace, self.name)
            if lease is None or (lease.get("spec") or {}).get("holderIdentity") != self.identity:
                return
            lease["spec"] = {
                **lease["spec"],
                "holderIdentity": None,
                "leaseDurationSeconds": 1,
                "renewTime": micro_timestamp(),
            }
            self.kube.update(LEASES, self.namespace, self.name, lease)
