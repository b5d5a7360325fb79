"""The event wiring StatefulSet and DaemonSet controllers share: a workload's own events, its pods' and its
ControllerRevisions' events, each naming the workload's key for the work queue."""

from __future__ import annotations

from kubelite.client import Object
from kubelite.kubelet.controllers.caches import Caches
from kubelite.kubelet.controllers.ownership import controller_ref
from kubelite.kubelet.controllers.queue import WorkQueue
from kubelite.kubelet.controllers.replicasets import owners_of_pod
from kubelite.kubelet.controllers.writes import Writer
from kubelite.kubelet.informer import Informer, key_of


class RevisionedController:
    """Subscribes to ``owners`` (the workload's cache), pods and ControllerRevisions of workloads of ``kind``."""

    def __init__(self, caches: Caches, writer: Writer, owners: Informer, kind: str) -> None:
        self.caches = caches
        self.writer = writer
        self.owners = owners
        self.kind = kind
        self.queue = WorkQueue(kind.lower())
        owners.subscribe(self._on_owner)
        caches.pods.subscribe(self._on_pod)
        caches.controllerrevisions.subscribe(self._on_revision)

    def _on_owner(self, old: Object | None, new: Object | None) -> None:
        obj = new or old
        if obj is not None:
            self.queue.add(key_of(obj))

    def _on_pod(self, old: Object | None, new: Object | None) -> None:
        for pod in (old, new):
            if pod is not None:
                namespace = pod["metadata"].get("namespace", "")
                for key in owners_of_pod(pod, self.owners.list(namespace), self.kind):
                    self.queue.add(key)

    def _on_revision(self, old: Object | None, new: Object | None) -> None:
        obj = new or old or {}
        ref = controller_ref(obj)
        if ref is not None and ref.get("kind") == self.kind:
            self.queue.add(f"{obj['metadata'].get('namespace', '')}/{ref['name']}")

    def owned_pods(self, owner: Object) -> list[Object]:
        uid = owner["metadata"]["uid"]
        return [
            p
            for p in self.caches.pods.list(owner["metadata"]["namespace"])
            if (controller_ref(p) or {}).get("uid") == uid
        ]
