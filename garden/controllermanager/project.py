"""The project controller: each Project gets its namespace and its members' RBAC; unused projects are marked stale.

As Gardener's ``project``, ``project-activity`` and ``project-stale`` controllers:

* **reconcile**: the Project gets the finalizer ``gardener`` and phase Pending; its namespace (``spec.namespace``,
  else ``garden-<name>``) is created, or an existing one adopted, with the labels
  ``gardener.cloud/role=project`` and ``project.gardener.cloud/name=<name>``, the annotation
  ``namespace.gardener.cloud/project=<uid>`` and the Project as controlling owner. An adopted namespace (one this
  controller did not create) is annotated ``namespace.gardener.cloud/keep-after-project-deletion=true``. A namespace
  another project claims (its label, annotation or owner reference) is not taken: phase Failed, condition
  ``NamespaceReady=False``. Then the members' RBAC (:mod:`garden.controllermanager.project_rbac`) is written and
  the phase becomes Ready, with ``status.observedGeneration``.
* **delete**: phase Terminating; while the namespace holds Shoots nothing happens; then the namespace is deleted
  (or, when annotated to be kept, released: the project's labels, annotations and owner reference removed), and
  once it is gone the project's RBAC is deleted and the finalizer removed.
* **activity**: a Shoot or BackupEntry created (within the last hour), changed (generation) or deleted in the
  project's namespace sets ``status.lastActivityTimestamp``.
* **stale**: every ``ctx.resync_seconds`` all projects are reconciled again and their stale timestamps computed
  (:mod:`garden.controllermanager.project_stale`) with ``ctx.clock``; a stale project past its auto-delete
  timestamp is deleted (with the deletion confirmation).

The controller is level-based: project events, deleted project namespaces and shoot events trigger a reconcile of
the project concerned, and the periodic resync repairs whatever an event missed or a failure left behind.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import kopf

from garden.admission.deletion import CONFIRMATION_ANNOTATION
from garden.api.base import format_time
from garden.api.conditions import parse_time, set_condition
from garden.clock import Clock
from garden.controllermanager.context import ControllerContext
from garden.controllermanager.periodic import every
from garden.controllermanager.project_rbac import (
    CORE_API_VERSION,
    CORE_GROUP,
    EXTENSION_PROJECT_ROLE,
    PROJECT_NAME_LABEL,
    ROLE_LABEL,
    Desired,
    desired_objects,
    extension_role_of,
    fixed_objects,
    subjects_of,
    system_cluster_roles,
)
from garden.controllermanager.project_stale import (
    SKIP_STALE_CHECK,
    STALE_SETTINGS,
    StaleSettings,
    due,
    evaluate,
    namespaces_in_use,
)
from garden.kube import (
    CLUSTERROLES,
    CREDENTIALSBINDINGS,
    NAMESPACES,
    PROJECTS,
    ROLEBINDINGS,
    SECRETBINDINGS,
    SHOOTS,
    Kube,
    KubeError,
    Object,
    Resource,
)
from garden.operator import new_registry

log = logging.getLogger(__name__)

BACKUPENTRIES = Resource(CORE_GROUP, "v1beta1", "backupentries")

#: The finalizer that keeps a Project until its namespace is released (``gardencorev1beta1.GardenerName``).
FINALIZER = "gardener"
ROLE_PROJECT = "project"
NAMESPACE_PREFIX = "garden-"
#: Namespace annotations: the owning project's uid; kept after the project goes; created by this controller.
NAMESPACE_PROJECT = "namespace.gardener.cloud/project"
KEEP_AFTER_PROJECT_DELETION = "namespace.gardener.cloud/keep-after-project-deletion"
CREATED_BY_PROJECT_CONTROLLER = "namespace.gardener.cloud/created-by-project-controller"

#: The condition saying whether the project's namespace and RBAC are set up.
NAMESPACE_READY = "NamespaceReady"
RECONCILED = "NamespaceReconcileSuccessful"
RECONCILE_FAILED = "NamespaceReconcileFailed"

#: Objects created longer ago than this do not count as activity when first seen (a restart sees them all).
NEWLY_CREATED = timedelta(hours=1)


class NamespaceUnusable(Exception):
    """The project cannot have the namespace it names."""


def _meta(obj: Object) -> dict[str, Any]:
    found = obj.get("metadata")
    return found if isinstance(found, dict) else {}


def _spec(obj: Object) -> dict[str, Any]:
    found = obj.get("spec")
    return found if isinstance(found, dict) else {}


def _status(obj: Object) -> dict[str, Any]:
    found = obj.get("status")
    return found if isinstance(found, dict) else {}


def _true(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() in ("true", "1", "t")


def namespace_of(project: Object) -> str:
    """The project's namespace: ``spec.namespace``, else ``garden-<name>``."""
    named = _spec(project).get("namespace")
    return named if isinstance(named, str) and named else NAMESPACE_PREFIX + _meta(project)["name"]


def normalized(value: Any) -> Any:
    """``value`` with empty fields (None, "", [], {}) left out, so what the server omits compares equal."""
    if isinstance(value, dict):
        cleaned = {k: normalized(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


def same(a: Any, b: Any) -> bool:
    """Equal once empty fields are left out (an absent field and an empty one are the same)."""
    return bool(normalized({"v": a}) == normalized({"v": b}))


def matches(current: Object, desired: Desired) -> bool:
    """Whether ``current`` already has the labels, owners and managed fields of ``desired``."""
    have, want = _meta(current), desired.body["metadata"]
    if not all(same(have.get(key), want.get(key)) for key in ("labels", "ownerReferences")):
        return False
    return all(same(current.get(f), desired.body.get(f)) for f in desired.managed)


def claimant(namespace: Object, name: str, uid: str) -> str | None:
    """Which other project claims the namespace (``"another project"`` when only its uid is known); None if none."""
    meta = _meta(namespace)
    labelled = (meta.get("labels") or {}).get(PROJECT_NAME_LABEL)
    if isinstance(labelled, str) and labelled and labelled != name:
        return labelled
    for ref in meta.get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("kind") == "Project" and ref.get("uid") != uid:
            return str(ref.get("name") or "another project")
    annotated = (meta.get("annotations") or {}).get(NAMESPACE_PROJECT)
    if isinstance(annotated, str) and annotated and annotated != uid:
        return "another project"
    return None


class ProjectController:
    def __init__(self, kube: Kube, clock: Clock, stale: StaleSettings = STALE_SETTINGS) -> None:
        self.kube = kube
        self.clock = clock
        self.stale = stale
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        #: uid -> generation of the shoots and backup entries seen, to tell spec changes from status updates.
        self._generations: dict[str, int] = {}

    def _lock(self, name: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())

    # -- entry points (each safe to call from any thread) ------------------------------------------------------

    def reconcile(self, name: str) -> None:
        """Bring one project (by name) to what it should be; failures are logged and retried by the resync."""
        with self._lock(name):
            try:
                project = self.kube.get(PROJECTS, None, name)
                if project is None:
                    return
                if _meta(project).get("deletionTimestamp"):
                    self._delete(project)
                else:
                    self._reconcile(project)
            except KubeError as exc:
                log.warning("project %s: %s", name, exc)

    def resync(self) -> None:
        """Reconcile every project again, then mark stale projects (and delete those past their time)."""
        for desired in system_cluster_roles():
            self._apply(desired)
        names = [_meta(p)["name"] for p in self.kube.list(PROJECTS)]
        for name in names:
            self.reconcile(name)
        in_use = namespaces_in_use(
            self.kube.list(SHOOTS),
            self.kube.list(BACKUPENTRIES),
            self.kube.list(SECRETBINDINGS),
            self.kube.list(CREDENTIALSBINDINGS),
        )
        for name in names:
            with self._lock(name):
                try:
                    self._check_stale(name, in_use)
                except KubeError as exc:
                    log.warning("project %s: stale check: %s", name, exc)

    def activity(self, event_type: str | None, obj: Object) -> None:
        """A Shoot or BackupEntry changed: record the project's activity; a deleting project may now let go."""
        meta = _meta(obj)
        uid, namespace = str(meta.get("uid") or ""), str(meta.get("namespace") or "")
        generation = int(meta.get("generation") or 0)
        active = False
        with self._guard:
            seen = self._generations.get(uid)
            if event_type == "DELETED":
                self._generations.pop(uid, None)
                active = True
            else:
                self._generations[uid] = generation
                if event_type in (None, "ADDED"):
                    created = parse_time(meta.get("creationTimestamp"))
                    active = seen is None and created is not None and self.clock.now() - created <= NEWLY_CREATED
                else:
                    active = seen is not None and seen != generation
        if not active or not namespace:
            return
        try:
            project = self._project_for_namespace(namespace)
            if project is None:
                return
            name = _meta(project)["name"]
            if not _meta(project).get("deletionTimestamp"):
                stamp = format_time(self.clock.now())
                self.kube.patch(
                    PROJECTS, None, name, {"status": {"lastActivityTimestamp": stamp}}, subresource="status"
                )
        except KubeError as exc:
            log.warning("activity in namespace %s: %s", namespace, exc)
            return
        if event_type == "DELETED" and _meta(project).get("deletionTimestamp"):
            self.reconcile(name)

    # -- reconcile ---------------------------------------------------------------------------------------------

    def _reconcile(self, project: Object) -> None:
        project = self._ensure_finalizer(project)
        if not _status(project).get("phase"):
            project = self._set_status(project, "Pending")
        namespace = namespace_of(project)
        try:
            self._ensure_namespace(project, namespace)
            if not _spec(project).get("namespace"):
                project = self.kube.patch(PROJECTS, None, _meta(project)["name"], {"spec": {"namespace": namespace}})
            self._deploy_rbac(project, namespace)
        except NamespaceUnusable as exc:
            self._set_status(project, "Failed", ("False", RECONCILE_FAILED, str(exc)))
            return
        except KubeError as exc:
            if not exc.conflict:
                self._set_status(project, "Failed", ("False", RECONCILE_FAILED, exc.message or str(exc)))
            raise
        message = f'Successfully reconciled namespace "{namespace}" for project'
        self._set_status(project, "Ready", ("True", RECONCILED, message))

    def _ensure_finalizer(self, project: Object) -> Object:
        meta = _meta(project)
        finalizers = list(meta.get("finalizers") or [])
        if FINALIZER in finalizers:
            return project
        patch = {"metadata": {"finalizers": [*finalizers, FINALIZER], "resourceVersion": meta.get("resourceVersion")}}
        return self.kube.patch(PROJECTS, None, meta["name"], patch)

    def _set_status(self, project: Object, phase: str, ready: tuple[str, str, str] | None = None) -> Object:
        """Patch phase, observedGeneration and (given) the NamespaceReady condition, when they differ."""
        meta, status = _meta(project), _status(project)
        wanted: dict[str, Any] = {"phase": phase, "observedGeneration": meta.get("generation")}
        if ready is not None:
            wanted["conditions"] = set_condition(status.get("conditions"), NAMESPACE_READY, *ready, self.clock.now())
        if all(status.get(k) == v for k, v in wanted.items()):
            return project
        return self.kube.patch(PROJECTS, None, meta["name"], {"status": wanted}, subresource="status")

    def _ensure_namespace(self, project: Object, namespace: str) -> None:
        meta = _meta(project)
        name, uid = meta["name"], str(meta.get("uid") or "")
        labels = {ROLE_LABEL: ROLE_PROJECT, PROJECT_NAME_LABEL: name}
        owner = {
            "apiVersion": CORE_API_VERSION,
            "kind": "Project",
            "name": name,
            "uid": uid,
            "controller": True,
            "blockOwnerDeletion": True,
        }
        current = self.kube.get(NAMESPACES, None, namespace)
        if current is None:
            annotations = {NAMESPACE_PROJECT: uid, CREATED_BY_PROJECT_CONTROLLER: "true"}
            body = {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {
                    "name": namespace,
                    "labels": labels,
                    "annotations": annotations,
                    "ownerReferences": [owner],
                },
            }
            log.info("project %s: creating namespace %s", name, namespace)
            self.kube.create(NAMESPACES, None, body)
            return
        if _meta(current).get("deletionTimestamp"):
            raise NamespaceUnusable(f'namespace "{namespace}" is being deleted')
        other = claimant(current, name, uid)
        if other is not None:
            raise NamespaceUnusable(f'namespace "{namespace}" is already in use by another project ({other})')
        updated = copy.deepcopy(current)
        umeta = _meta(updated)
        umeta["labels"] = {**(umeta.get("labels") or {}), **labels}
        annotations = {**(umeta.get("annotations") or {}), NAMESPACE_PROJECT: uid}
        if CREATED_BY_PROJECT_CONTROLLER not in annotations:
            annotations[KEEP_AFTER_PROJECT_DELETION] = "true"
        umeta["annotations"] = annotations
        refs = [r for r in umeta.get("ownerReferences") or [] if isinstance(r, dict) and r.get("uid") != uid]
        umeta["ownerReferences"] = [*refs, owner]
        if updated != current:
            log.info("project %s: adopting namespace %s", name, namespace)
            self.kube.update(NAMESPACES, None, namespace, updated)

    def _deploy_rbac(self, project: Object, namespace: str) -> None:
        for desired in desired_objects(project, namespace):
            self._apply(desired)
        name = _meta(project)["name"]
        wanted = set(subjects_of(project).extensions)
        self._delete_extension_roles(name, namespace, keep=wanted)

    def _apply(self, desired: Desired) -> None:
        """Create the object, or bring the existing one's labels, owners and managed fields to ``desired``."""
        resource, namespace, name = desired.resource, desired.namespace, desired.name
        current = self.kube.get(resource, namespace, name)
        if current is None:
            self.kube.create(resource, namespace, desired.body)
            return
        if matches(current, desired):
            return
        if "roleRef" in desired.managed and not same(current.get("roleRef"), desired.body["roleRef"]):
            self.kube.delete(resource, namespace, name)  # a binding's roleRef cannot change
            self.kube.create(resource, namespace, desired.body)
            return
        updated = copy.deepcopy(current)
        meta = _meta(updated)
        for key in ("labels", "ownerReferences"):
            if key in desired.body["metadata"]:
                meta[key] = copy.deepcopy(desired.body["metadata"][key])
            else:
                meta.pop(key, None)
        for field in desired.managed:
            if field in desired.body:
                updated[field] = copy.deepcopy(desired.body[field])
            else:
                updated.pop(field, None)
        self.kube.update(resource, namespace, name, updated)

    def _delete_extension_roles(self, project_name: str, namespace: str, keep: set[str]) -> None:
        selector = f"{ROLE_LABEL}={EXTENSION_PROJECT_ROLE},{PROJECT_NAME_LABEL}={project_name}"
        for resource, where in ((ROLEBINDINGS, namespace), (CLUSTERROLES, None)):
            for obj in self.kube.list(resource, where, label_selector=selector):
                name = _meta(obj)["name"]
                if extension_role_of(name, project_name) not in keep:
                    self.kube.delete(resource, where, name)

    # -- delete ------------------------------------------------------------------------------------------------

    def _delete(self, project: Object) -> None:
        meta = _meta(project)
        if FINALIZER not in (meta.get("finalizers") or []):
            return
        name = meta["name"]
        project = self._set_status(project, "Terminating")
        namespace = _spec(project).get("namespace")
        if isinstance(namespace, str) and namespace:
            if self.kube.list(SHOOTS, namespace):
                log.debug("project %s: namespace %s still contains shoots", name, namespace)
                return
            if not self._release_namespace(project, namespace):
                return
        else:
            namespace = namespace_of(project)
        for resource, where, object_name in fixed_objects(name, namespace):
            self.kube.delete(resource, where, object_name)
        self._delete_extension_roles(name, namespace, keep=set())
        finalizers = [f for f in _meta(project).get("finalizers") or [] if f != FINALIZER]
        patch = {"metadata": {"finalizers": finalizers, "resourceVersion": _meta(project).get("resourceVersion")}}
        log.info("project %s: namespace released, removing the finalizer", name)
        self.kube.patch(PROJECTS, None, name, patch)

    def _release_namespace(self, project: Object, namespace: str) -> bool:
        """Delete (or, when to be kept, release) the namespace; True once it no longer belongs to the project."""
        current = self.kube.get(NAMESPACES, None, namespace)
        if current is None:
            return True
        meta = _meta(current)
        if meta.get("deletionTimestamp"):
            return False
        pmeta = _meta(project)
        labels = meta.get("labels") or {}
        if labels.get(PROJECT_NAME_LABEL) != pmeta["name"] or labels.get(ROLE_LABEL) != ROLE_PROJECT:
            return True  # not the project's: never delete what it does not own
        if _true((meta.get("annotations") or {}).get(KEEP_AFTER_PROJECT_DELETION)):
            updated = copy.deepcopy(current)
            umeta = _meta(updated)
            for key in (NAMESPACE_PROJECT, KEEP_AFTER_PROJECT_DELETION, CREATED_BY_PROJECT_CONTROLLER):
                (umeta.get("annotations") or {}).pop(key, None)
            for key in (PROJECT_NAME_LABEL, ROLE_LABEL):
                (umeta.get("labels") or {}).pop(key, None)
            umeta["ownerReferences"] = [
                r
                for r in umeta.get("ownerReferences") or []
                if not (isinstance(r, dict) and r.get("uid") == pmeta.get("uid"))
            ]
            log.info("project %s: keeping namespace %s", pmeta["name"], namespace)
            self.kube.update(NAMESPACES, None, namespace, updated)
            return True
        log.info("project %s: deleting namespace %s", pmeta["name"], namespace)
        self.kube.delete(NAMESPACES, None, namespace)
        return False

    # -- stale -------------------------------------------------------------------------------------------------

    def _check_stale(self, name: str, in_use: set[str]) -> None:
        project = self.kube.get(PROJECTS, None, name)
        if project is None or _meta(project).get("deletionTimestamp"):
            return
        namespace = _spec(project).get("namespace")
        if not isinstance(namespace, str) or not namespace:
            return
        ns = self.kube.get(NAMESPACES, None, namespace)
        created = parse_time(_meta(project).get("creationTimestamp"))
        if ns is None or created is None:
            return
        status, now = _status(project), self.clock.now()
        result = evaluate(
            now=now,
            created=created,
            last_activity=parse_time(status.get("lastActivityTimestamp")),
            stale_since=parse_time(status.get("staleSinceTimestamp")),
            auto_delete=parse_time(status.get("staleAutoDeleteTimestamp")),
            in_use=namespace in in_use,
            skip=_true((_meta(ns).get("annotations") or {}).get(SKIP_STALE_CHECK)),
            settings=self.stale,
        )
        wanted = {
            "staleSinceTimestamp": format_time(result.stale_since) if result.stale_since else None,
            "staleAutoDeleteTimestamp": format_time(result.auto_delete) if result.auto_delete else None,
        }
        if any(status.get(k) != v for k, v in wanted.items()):
            self.kube.patch(PROJECTS, None, name, {"status": wanted}, subresource="status")
        if due(result, now):
            log.info("project %s: stale since %s, deleting it", name, wanted["staleSinceTimestamp"])
            annotations = {"metadata": {"annotations": {CONFIRMATION_ANNOTATION: "true"}}}
            self.kube.patch(PROJECTS, None, name, annotations)
            self.kube.delete(PROJECTS, None, name)

    def _project_for_namespace(self, namespace: str) -> Object | None:
        ns = self.kube.get(NAMESPACES, None, namespace)
        labelled = ((_meta(ns).get("labels") or {}) if ns else {}).get(PROJECT_NAME_LABEL)
        if isinstance(labelled, str) and labelled:
            project = self.kube.get(PROJECTS, None, labelled)
            if project is not None and _spec(project).get("namespace") == namespace:
                return project
        return next((p for p in self.kube.list(PROJECTS) if _spec(p).get("namespace") == namespace), None)


def registry(ctx: ControllerContext, stale: StaleSettings = STALE_SETTINGS) -> kopf.OperatorRegistry:
    """The project controller's handlers: project, namespace and shoot events, and the periodic resync."""
    controller = ProjectController(ctx.kube, ctx.clock, stale)
    reg = new_registry(ctx.kube)

    @kopf.on.event(CORE_GROUP, "v1beta1", "projects", registry=reg)
    def project_changed(name: str, type: str | None, **_: Any) -> None:
        if type != "DELETED":
            controller.reconcile(name)

    @kopf.on.event("", "v1", "namespaces", labels={PROJECT_NAME_LABEL: kopf.PRESENT}, registry=reg)
    def namespace_changed(type: str | None, labels: Mapping[str, str], **_: Any) -> None:
        if type == "DELETED":
            controller.reconcile(labels[PROJECT_NAME_LABEL])

    @kopf.on.event(CORE_GROUP, "v1beta1", "shoots", registry=reg)
    def shoot_changed(type: str | None, event: kopf.RawEvent, **_: Any) -> None:
        controller.activity(type, dict(event["object"]))

    @kopf.on.event(CORE_GROUP, "v1beta1", "backupentries", registry=reg)
    def backup_entry_changed(type: str | None, event: kopf.RawEvent, **_: Any) -> None:
        controller.activity(type, dict(event["object"]))

    async def resync() -> None:
        await asyncio.to_thread(controller.resync)

    every(reg, ctx.resync_seconds, resync, "project-resync")
    return reg


__all__ = ["FINALIZER", "ProjectController", "registry"]
