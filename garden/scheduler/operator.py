"""The scheduler as a kopf operator: watches keep the scheduler's view of the landscape current, worker threads
place shoots and bind them.

* **Watches** (``on.event``; cheap, they never wait on the API): seeds, CloudProfiles, NamespacedCloudProfiles and
  the region-config ConfigMaps of the garden namespace update the :class:`~garden.scheduler.core.Scheduler`; shoot
  events update the shoots-per-seed counts, and a shoot without ``spec.seedName``, not being deleted and for the
  default scheduler (``spec.schedulerName`` unset or ``default-scheduler``) is queued.
* **Workers** (Gardener's default of 5 concurrent syncs) take shoots from a work queue: decide, assume the shoot
  on the seed, and PUT the shoot with ``spec.seedName`` to ``shoots/<name>/binding`` with the resourceVersion it
  was seen with. A conflict re-reads the shoot and tries again; a refusal by the API server (the seed's capacity
  was taken meanwhile, a taint appeared) counts as a failed scheduling; other errors retry with backoff.
* **Reporting**, as Gardener's scheduler does: a Normal event ``SchedulingSuccessful`` ("Scheduled to seed 'x'")
  on success; on failure a Warning event ``SchedulingFailed``, ``status.lastOperation`` set to type Create,
  state Pending, with the same description ("Failed to schedule Shoot: 0/3 seeds are available: ..."), and a
  condition ``Scheduled: False`` saying the same (it turns True once the shoot is scheduled).
* **Retrying** an unschedulable shoot: as soon as something it could be waiting for changes (a seed, a cloud
  profile, a region config; a seed's shoot count going down), and otherwise with exponential backoff (1 s doubling
  to 5 minutes). Updates of an unschedulable shoot that leave its spec alone (``metadata.generation``; its own
  status patch among them) do not queue it again.

At startup, before the watches begin, seeds, cloud profiles, region configs and all shoots are listed once, so
the first decisions see every seed and every shoot's placement; from then on only watch events update the state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import kopf
from pydantic import ValidationError

from garden.api.base import format_time
from garden.api.conditions import get_condition, set_condition
from garden.clock import Clock
from garden.kube import CLOUDPROFILES, NAMESPACEDCLOUDPROFILES, SEEDS, SHOOTS, Kube, KubeError, Resource
from garden.operator import new_registry
from garden.scheduler.core import Decision, Scheduler
from garden.scheduler.events import NORMAL, WARNING, EventRecorder
from garden.scheduler.regions import PURPOSE_LABEL, REGION_CONFIG
from garden.scheduler.strategy import Strategy
from garden.scheduler.views import ProfileRef, SeedView, ShootKey, ShootView, profile_selector
from garden.scheduler.workqueue import WorkQueue

log = logging.getLogger(__name__)

CONFIGMAPS = Resource("", "v1", "configmaps")
GROUP, VERSION = "core.gardener.cloud", "v1beta1"
SCHEDULING_SUCCESSFUL = "SchedulingSuccessful"
SCHEDULING_FAILED = "SchedulingFailed"
#: The condition telling whether (and, while not, why not) the shoot could be placed on a seed.
SCHEDULED = "Scheduled"
#: Gardener's default ``concurrentSyncs`` for the shoot scheduler.
WORKERS = 5
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 300.0
CONFLICT_RETRIES = 5


def raw(event: kopf.RawEvent) -> dict[str, Any]:
    """The object of a watch event, as the JSON dict it is."""
    return cast(dict[str, Any], event["object"])


def involved(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The ``involvedObject`` of an event about a shoot."""
    meta = obj.get("metadata") or {}
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "Shoot",
        "namespace": meta.get("namespace"),
        "name": meta.get("name"),
        "uid": meta.get("uid"),
        "resourceVersion": meta.get("resourceVersion"),
    }


@dataclass
class Stats:
    """What the workers did since start."""

    scheduled: int = 0
    failed: int = 0
    conflicts: int = 0
    refused: int = 0
    errors: int = 0
    decisions: int = 0


class Controller:
    def __init__(
        self,
        kube: Kube,
        clock: Clock,
        scheduler: Scheduler,
        *,
        workers: int = WORKERS,
        recorder: EventRecorder | None = None,
    ) -> None:
        self.kube = kube
        self.clock = clock
        self.scheduler = scheduler
        self.workers = workers
        self.recorder = recorder or EventRecorder(kube, clock)
        self.queue: WorkQueue[ShootKey] = WorkQueue()
        self.stats = Stats()
        self._lock = threading.Lock()
        #: Shoots that want a seed: the latest object seen and its view.
        self._pending: dict[ShootKey, tuple[dict[str, Any], ShootView]] = {}
        #: Shoots no seed fits, with the generation that failed; retried when the landscape changes.
        self._unschedulable: dict[ShootKey, int] = {}
        self._failures: dict[ShootKey, int] = {}
        self._descriptions: dict[ShootKey, str] = {}
        self._threads: list[threading.Thread] = []

    # -- lifecycle ----------------------------------------------------------------------------------------------------

    def prime(self) -> None:
        """List the landscape once: the first decisions must see every seed and every scheduled shoot."""
        for resource, namespaced in ((CLOUDPROFILES, False), (NAMESPACEDCLOUDPROFILES, True)):
            try:
                for obj in self.kube.iterate(resource):
                    self.on_profile("ADDED", obj, namespaced=namespaced)
            except KubeError as exc:
                if exc.status != 404:
                    raise
                log.info("%s are not served; skipping them", resource.plural)
        for obj in self.kube.iterate(SEEDS):
            self.on_seed("ADDED", obj)
        namespace = self.scheduler.region_configs.namespace
        for obj in self.kube.iterate(CONFIGMAPS, namespace, label_selector=f"{PURPOSE_LABEL}={REGION_CONFIG}"):
            self.on_configmap("ADDED", obj)
        for obj in self.kube.iterate(SHOOTS):
            self.on_shoot("ADDED", obj)
        log.info(
            "scheduler primed: %d seeds, %d shoots, %d to schedule",
            len(self.scheduler.seeds),
            len(self.scheduler.counts),
            len(self._pending),
        )

    def start(self) -> None:
        self.prime()
        for index in range(self.workers):
            thread = threading.Thread(target=self._work, name=f"scheduler-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self.queue.close()
        for thread in self._threads:
            thread.join(10)
        self._threads.clear()

    # -- watch events -------------------------------------------------------------------------------------------------

    def _retry_unschedulable(self) -> None:
        with self._lock:
            keys = list(self._unschedulable)
        for key in keys:
            self.queue.add(key)

    def on_seed(self, type_: str | None, obj: dict[str, Any]) -> None:
        name = str((obj.get("metadata") or {}).get("name") or "")
        if type_ == "DELETED":
            self.scheduler.remove_seed(name)
            return
        try:
            view = SeedView.parse(obj)
        except ValidationError as exc:
            log.warning("seed %s cannot be read, ignoring it: %s", name, str(exc).splitlines()[0])
            self.scheduler.remove_seed(name)
            return
        if self.scheduler.set_seed(view):
            self._retry_unschedulable()

    def on_profile(self, type_: str | None, obj: dict[str, Any], *, namespaced: bool) -> None:
        meta = obj.get("metadata") or {}
        if namespaced:
            ref = ProfileRef("NamespacedCloudProfile", str(meta.get("name")), str(meta.get("namespace")))
        else:
            ref = ProfileRef("CloudProfile", str(meta.get("name")))
        if type_ == "DELETED":
            changed = self.scheduler.remove_profile(ref)
        else:
            changed = self.scheduler.set_profile(ref, profile_selector(obj, namespaced=namespaced))
        if changed:
            self._retry_unschedulable()

    def on_configmap(self, type_: str | None, obj: dict[str, Any]) -> None:
        meta = obj.get("metadata") or {}
        if meta.get("namespace") != self.scheduler.region_configs.namespace:
            return
        if type_ == "DELETED":
            changed = self.scheduler.remove_region_config(str(meta.get("name")))
        else:
            changed = self.scheduler.set_region_config(obj)
        if changed:
            self._retry_unschedulable()

    def on_shoot(self, type_: str | None, obj: dict[str, Any]) -> None:
        meta = obj.get("metadata") or {}
        key = (str(meta.get("namespace") or ""), str(meta.get("name") or ""))
        if type_ == "DELETED":
            observed = self.scheduler.delete(key, str(meta.get("resourceVersion") or ""))
            self._drop(key)
        else:
            try:
                view = ShootView.parse(obj)
            except ValidationError as exc:
                log.warning("shoot %s/%s cannot be read, ignoring it: %s", *key, str(exc).splitlines()[0])
                return
            observed = self.scheduler.observe(view)
            if observed.stale:
                return
            if view.wants_scheduling:
                with self._lock:
                    self._pending[key] = (obj, view)
                    parked = self._unschedulable.get(key) == view.generation
                if not parked:
                    self.queue.add(key)
            else:
                self._drop(key)
        if observed.freed:
            self._retry_unschedulable()

    def _drop(self, key: ShootKey) -> None:
        with self._lock:
            self._pending.pop(key, None)
            self._unschedulable.pop(key, None)
            self._failures.pop(key, None)
            self._descriptions.pop(key, None)

    # -- the work -----------------------------------------------------------------------------------------------------

    def _work(self) -> None:
        while (key := self.queue.get()) is not None:
            try:
                self.sync(key)
            except Exception:  # a worker must survive whatever one shoot does to it
                log.exception("scheduling %s/%s failed", *key)
                self.queue.add_after(key, self._backoff(key))
            finally:
                self.queue.done(key)

    def _backoff(self, key: ShootKey) -> float:
        with self._lock:
            failures = self._failures[key] = self._failures.get(key, 0) + 1
        return float(min(FIRST_BACKOFF * 2 ** (failures - 1), MAX_BACKOFF))

    def sync(self, key: ShootKey) -> None:
        """Schedule one shoot, if it still wants a seed."""
        for _ in range(CONFLICT_RETRIES):
            with self._lock:
                pending = self._pending.get(key)
            if pending is None or not pending[1].wants_scheduling:
                return
            obj, view = pending
            decision = self.scheduler.schedule(view)
            self.stats.decisions += 1
            if not decision.scheduled:
                self._unschedulable_now(key, obj, view, decision.message)
                return
            if self._bind(key, obj, view, decision):
                return
        self.queue.add_after(key, self._backoff(key))

    def _bind(self, key: ShootKey, obj: dict[str, Any], view: ShootView, decision: Decision) -> bool:
        """PUT the binding; False when the shoot changed meanwhile (re-read and worth another decision)."""
        seed = decision.seed
        assert seed is not None
        body = {**obj, "spec": {**obj["spec"], "seedName": seed}}
        try:
            bound = self.kube.update(SHOOTS, view.namespace, view.name, body, subresource="binding")
        except KubeError as exc:
            freed = self.scheduler.forget(key)
            if freed:
                self._retry_unschedulable()
            if exc.conflict:
                self.stats.conflicts += 1
                fresh = self.kube.get(SHOOTS, view.namespace, view.name)
                if fresh is None:
                    self._drop(key)
                    return True
                self.on_shoot("MODIFIED", fresh)
                return False
            if exc.not_found:
                self._drop(key)
                return True
            if exc.status in (400, 403, 422):
                self.stats.refused += 1
                self._unschedulable_now(key, obj, view, f"binding to seed '{seed}' was refused: {exc.message}")
                return True
            self.stats.errors += 1
            log.warning("binding shoot %s/%s to seed %s failed, retrying: %s", *key, seed, exc)
            self.queue.add_after(key, self._backoff(key))
            return True
        meta, status = bound.get("metadata") or {}, bound.get("status") or {}
        with self.scheduler.lock:
            self.scheduler.counts.observe(key, seed, status.get("seedName"), str(meta.get("resourceVersion") or ""))
        self._drop(key)
        self.stats.scheduled += 1
        log.info(
            "Shoot %s/%s successfully scheduled to seed %s (cloud profile %s, region %s, strategy %s)",
            *key,
            seed,
            view.needs.profile.name,
            view.needs.region,
            self.scheduler.strategy,
        )
        self.recorder.record(involved(bound), NORMAL, SCHEDULING_SUCCESSFUL, decision.message)
        self._report_scheduled(bound, seed)
        return True

    def _unschedulable_now(self, key: ShootKey, obj: dict[str, Any], view: ShootView, why: str) -> None:
        self.stats.failed += 1
        description = f"Failed to schedule Shoot: {why}"
        with self._lock:
            self._unschedulable[key] = view.generation
            unchanged = self._descriptions.get(key) == description
            self._descriptions[key] = description
        self.queue.add_after(key, self._backoff(key))
        log.info("shoot %s/%s cannot be scheduled: %s", *key, why)
        self.recorder.record(involved(obj), WARNING, SCHEDULING_FAILED, description)
        if unchanged:
            return
        now = self.clock.now()
        last_operation = {
            "type": "Create",
            "state": "Pending",
            "lastUpdateTime": format_time(now),
            "description": description,
        }
        existing = (obj.get("status") or {}).get("conditions")
        conditions = set_condition(existing, SCHEDULED, "False", SCHEDULING_FAILED, description, now)
        status = {"lastOperation": last_operation, "conditions": conditions}
        try:
            self.kube.patch(SHOOTS, view.namespace, view.name, {"status": status}, subresource="status")
        except KubeError as exc:
            log.warning("cannot report the scheduling failure in shoot %s/%s status: %s", *key, exc)

    def _report_scheduled(self, bound: dict[str, Any], seed: str) -> None:
        """A shoot that was reported unschedulable: its ``Scheduled`` condition turns True."""
        existing = (bound.get("status") or {}).get("conditions")
        if get_condition(existing, SCHEDULED) is None:
            return
        message = f"Scheduled to seed '{seed}'"
        conditions = set_condition(existing, SCHEDULED, "True", SCHEDULING_SUCCESSFUL, message, self.clock.now())
        meta = bound.get("metadata") or {}
        try:
            self.kube.patch(
                SHOOTS,
                meta.get("namespace"),
                meta.get("name", ""),
                {"status": {"conditions": conditions}},
                subresource="status",
            )
        except KubeError as exc:
            log.warning("cannot report the scheduling of shoot %s/%s: %s", meta.get("namespace"), meta.get("name"), exc)

    # -- for tests and benchmarks -------------------------------------------------------------------------------------

    @property
    def unschedulable(self) -> list[ShootKey]:
        with self._lock:
            return sorted(self._unschedulable)


def build(
    kube: Kube, clock: Clock, strategy: Strategy | str = Strategy.SAME_REGION, *, workers: int = WORKERS
) -> tuple[Controller, kopf.OperatorRegistry]:
    """The controller and its kopf registry (the controller is what tests and benchmarks look into)."""
    controller = Controller(kube, clock, Scheduler(Strategy(strategy)), workers=workers)
    registry = new_registry(kube)

    @kopf.on.startup(registry=registry)
    def start(**_: Any) -> None:
        controller.start()

    @kopf.on.cleanup(registry=registry)
    def stop(**_: Any) -> None:
        controller.stop()

    @kopf.on.event(GROUP, VERSION, "seeds", registry=registry)
    async def seed_event(event: kopf.RawEvent, **_: Any) -> None:
        controller.on_seed(event["type"], raw(event))

    @kopf.on.event(GROUP, VERSION, "cloudprofiles", registry=registry)
    async def cloudprofile_event(event: kopf.RawEvent, **_: Any) -> None:
        controller.on_profile(event["type"], raw(event), namespaced=False)

    @kopf.on.event(GROUP, VERSION, "namespacedcloudprofiles", registry=registry)
    async def namespacedcloudprofile_event(event: kopf.RawEvent, **_: Any) -> None:
        controller.on_profile(event["type"], raw(event), namespaced=True)

    @kopf.on.event("", "v1", "configmaps", registry=registry)
    async def configmap_event(event: kopf.RawEvent, **_: Any) -> None:
        controller.on_configmap(event["type"], raw(event))

    @kopf.on.event(GROUP, VERSION, "shoots", registry=registry)
    async def shoot_event(event: kopf.RawEvent, **_: Any) -> None:
        controller.on_shoot(event["type"], raw(event))

    return controller, registry


def registry(
    kube: Kube, clock: Clock, strategy: Strategy | str = Strategy.SAME_REGION, *, workers: int = WORKERS
) -> kopf.OperatorRegistry:
    """The shoot scheduler as a kopf registry, for :func:`garden.operator.run` / :func:`garden.operator.running`."""
    return build(kube, clock, strategy, workers=workers)[1]


__all__ = ["SCHEDULING_FAILED", "SCHEDULING_SUCCESSFUL", "Controller", "Stats", "build", "involved", "registry"]
