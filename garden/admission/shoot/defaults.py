"""ShootDefaulter: fills in what a user may leave out of a Shoot, as Gardener's defaulting and ShootValidator do.

Nothing the user wrote is changed, and running the defaulter again changes nothing. It works on the wire dict and
skips whatever it cannot read (the CRD schema is checked after mutating admission).

Static defaults, on CREATE and UPDATE:

- ``spec.cloudProfile`` from the older ``spec.cloudProfileName`` (which is kept as written); a missing ``kind`` is
  ``CloudProfile``.
- ``spec.purpose`` ``evaluation``; ``spec.schedulerName`` ``default-scheduler``.
- ``spec.networking.ipFamilies`` ``[IPv4]``; ``services`` ``100.64.0.0/13`` and, for shoots with workers, ``pods``
  ``100.96.0.0/11``. On a real Gardener these two come from the seed's ``spec.networks.shootDefaults`` once the
  shoot is scheduled; here they are Gardener's own well-known defaults, set at admission. ``nodes`` is never
  defaulted: it must match the infrastructure, and validation requires it for shoots with workers.
- ``spec.maintenance.autoUpdate.kubernetesVersion`` and (for shoots with workers) ``machineImageVersion`` true;
  ``spec.maintenance.timeWindow`` a one-hour window starting between 22:00 and 04:00 UTC, derived from the
  shoot's namespace and name.
- Per worker pool: ``maxSurge`` 1 and ``maxUnavailable`` 0 (only when both are absent), ``cri.name``
  ``containerd``, ``systemComponents.allow`` true.

Defaults from the cloud profile (skipped when the profile cannot be read; validation reports that):

- ``spec.kubernetes.version``: a partial version (``1.36``) becomes the newest patch of that minor that is neither
  in preview nor expired; a missing one the newest such version (on UPDATE, the version the shoot already has).
- Per worker pool: ``machine.architecture`` from the machine type (``amd64`` when it names none);
  ``machine.image`` the first image of the profile with a version the pool can run (architecture, CRI and the
  image's kubelet version constraint), at that version; an image without version, or with a partial one
  (``1877``), gets the newest fitting version. On UPDATE a pool that already exists keeps the image it has when
  the new object leaves it (or its version) out, as Gardener's ShootValidator does, so only maintenance moves it.
  A partial ``kubernetes.version`` of a pool is completed like the shoot's.
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import ValidationError

from garden.admission.profiles import ProfileNotFound, load_profile, shoot_profile_ref
from garden.admission.request import Plugin, Reader, Request
from garden.admission.shoot import selection, timewindow
from garden.admission.shoot.wire import Object, applies, child, ensure, text, unset, worker_named, workers
from garden.api import versions
from garden.api.core.cloudprofile import CloudProfileSpec

if TYPE_CHECKING:
    from garden.admission.chain import AdmissionOptions

log = logging.getLogger(__name__)

DEFAULT_PURPOSE = "evaluation"
DEFAULT_SCHEDULER = "default-scheduler"
DEFAULT_PODS = "100.96.0.0/11"
DEFAULT_SERVICES = "100.64.0.0/13"


class ShootDefaulter(Plugin):
    name = "ShootDefaulter"

    def __init__(self, reader: Reader, options: AdmissionOptions) -> None:
        self.reader = reader
        self.options = options

    async def mutate(self, request: Request) -> None:
        if not applies(request):
            return
        shoot = request.obj
        spec = child(shoot, "spec")
        if spec is None:
            return
        old_spec = child(request.old_object, "spec") if request.operation == "UPDATE" else None
        default_static(shoot, spec, request.namespace)
        profile = await self._profile(shoot, request.namespace)
        if profile is not None:
            default_from_profile(spec, old_spec, profile, self.options)

    async def _profile(self, shoot: Object, namespace: str) -> CloudProfileSpec | None:
        ref = shoot_profile_ref(shoot)
        if ref is None:
            return None
        try:
            return await load_profile(self.reader, ref, namespace)
        except (ProfileNotFound, ValidationError) as exc:
            log.debug("no profile defaults for shoot: %s", exc)
            return None


# --- static defaults ----------------------------------------------------------------------------------------------


def default_static(shoot: Object, spec: Object, namespace: str) -> None:
    _cloud_profile(spec)
    if unset(spec, "purpose"):
        spec["purpose"] = DEFAULT_PURPOSE
    if unset(spec, "schedulerName"):
        spec["schedulerName"] = DEFAULT_SCHEDULER
    if unset(spec, "kubernetes"):
        spec["kubernetes"] = {}
    has_workers = bool(workers(spec))
    _networking(spec, has_workers)
    _maintenance(shoot, spec, namespace, has_workers)
    for worker in workers(spec):
        _worker(worker)


def _cloud_profile(spec: Object) -> None:
    reference = spec.get("cloudProfile")
    if isinstance(reference, dict):
        if unset(reference, "kind"):
            reference["kind"] = "CloudProfile"
        return
    name = text(spec, "cloudProfileName")
    if reference is None and name is not None:
        spec["cloudProfile"] = {"kind": "CloudProfile", "name": name}


def _networking(spec: Object, has_workers: bool) -> None:
    networking = ensure(spec, "networking")
    if networking is None:
        return
    if unset(networking, "ipFamilies"):
        networking["ipFamilies"] = ["IPv4"]
    if unset(networking, "pods") and has_workers:
        networking["pods"] = DEFAULT_PODS
    if unset(networking, "services"):
        networking["services"] = DEFAULT_SERVICES


def _maintenance(shoot: Object, spec: Object, namespace: str, has_workers: bool) -> None:
    maintenance = ensure(spec, "maintenance")
    if maintenance is None:
        return
    auto_update = ensure(maintenance, "autoUpdate")
    if auto_update is not None:
        if unset(auto_update, "kubernetesVersion"):
            auto_update["kubernetesVersion"] = True
        if unset(auto_update, "machineImageVersion") and has_workers:
            auto_update["machineImageVersion"] = True
    if unset(maintenance, "timeWindow"):
        metadata = child(shoot, "metadata") or {}
        name = text(metadata, "name") or text(metadata, "generateName") or ""
        begin, end = timewindow.default_window(namespace or text(metadata, "namespace") or "", name)
        maintenance["timeWindow"] = {"begin": begin, "end": end}


def _worker(worker: Object) -> None:
    if unset(worker, "maxSurge") and unset(worker, "maxUnavailable"):
        worker["maxSurge"] = 1
        worker["maxUnavailable"] = 0
    cri = ensure(worker, "cri")
    if cri is not None and unset(cri, "name"):
        cri["name"] = selection.DEFAULT_CRI
    system_components = ensure(worker, "systemComponents")
    if system_components is not None and unset(system_components, "allow"):
        system_components["allow"] = True


# --- defaults from the cloud profile ------------------------------------------------------------------------------


def default_from_profile(
    spec: Object, old_spec: Object | None, profile: CloudProfileSpec, options: AdmissionOptions
) -> None:
    now = options.now()
    kubernetes = child(spec, "kubernetes")
    offered = profile.kubernetes.versions or []
    if kubernetes is not None:
        version = kubernetes.get("version")
        old_version = text(child(old_spec, "kubernetes"), "version")
        if version is None:
            picked = old_version or selection.kubernetes_version(offered, now)
            if picked is not None:
                kubernetes["version"] = picked
        elif (partial := versions.partial_parts(version)) is not None:
            picked = selection.kubernetes_version(offered, now, partial)
            if picked is not None:
                kubernetes["version"] = picked
    control_plane = versions.parse(text(kubernetes, "version")) if kubernetes is not None else None
    if control_plane is not None and not versions.is_full_kubernetes(text(kubernetes, "version")):
        control_plane = None
    for worker in workers(spec):
        _worker_from_profile(worker, worker_named(old_spec, text(worker, "name")), profile, now, control_plane)


def _worker_from_profile(
    worker: Object,
    old_worker: Object | None,
    profile: CloudProfileSpec,
    now: datetime,
    control_plane: versions.Version | None,
) -> None:
    machine = child(worker, "machine")
    if machine is None:
        return
    old_machine = child(old_worker, "machine")
    if unset(machine, "architecture"):
        same_type = old_machine is not None and old_machine.get("type") == machine.get("type")
        old_architecture = text(old_machine, "architecture") if same_type else None
        machine["architecture"] = old_architecture or selection.machine_architecture(profile, text(machine, "type"))
    kubelet = _worker_kubernetes(worker, profile, now, control_plane)
    architecture = text(machine, "architecture") or selection.DEFAULT_ARCHITECTURE
    cri = text(child(worker, "cri"), "name")
    _machine_image(machine, child(old_machine, "image"), profile, now, architecture, cri, kubelet)


def _worker_kubernetes(
    worker: Object, profile: CloudProfileSpec, now: datetime, control_plane: versions.Version | None
) -> versions.Version | None:
    """Completes a partial pool version; returns the pool's effective kubelet version (None when unknown)."""
    pool = child(worker, "kubernetes")
    if pool is None or pool.get("version") is None:
        return control_plane
    partial = versions.partial_parts(pool.get("version"))
    if partial is not None:
        picked = selection.kubernetes_version(profile.kubernetes.versions or [], now, partial)
        if picked is not None:
            pool["version"] = picked
    written = text(pool, "version")
    return versions.parse(written) if versions.is_full_kubernetes(written) else None


def _machine_image(
    machine: Object,
    old_image: Object | None,
    profile: CloudProfileSpec,
    now: datetime,
    architecture: str,
    cri: str | None,
    kubelet: versions.Version | None,
) -> None:
    image = machine.get("image")
    if image is None:
        if old_image is not None:
            machine["image"] = copy.deepcopy(old_image)
            return
        picked = selection.default_image(profile, now, architecture, cri, kubelet)
        if picked is not None:
            machine["image"] = {"name": picked[0], "version": picked[1]}
        return
    if not isinstance(image, dict):
        return
    name = text(image, "name")
    offered = profile.machine_image(name) if name is not None else None
    if unset(image, "version"):
        if old_image is not None and text(old_image, "name") == name and text(old_image, "version") is not None:
            image["version"] = old_image["version"]
        elif offered is not None:
            version = selection.image_version(offered, now, architecture, cri, kubelet)
            if version is not None:
                image["version"] = version
        return
    written = image.get("version")
    if offered is None or any(v.version == written for v in offered.versions):
        return
    partial = versions.partial_parts(written)
    if partial is not None:
        version = selection.image_version(offered, now, architecture, cri, kubelet, partial)
        if version is not None:
            image["version"] = version


__all__ = [
    "DEFAULT_PODS",
    "DEFAULT_PURPOSE",
    "DEFAULT_SCHEDULER",
    "DEFAULT_SERVICES",
    "ShootDefaulter",
    "default_from_profile",
    "default_static",
]
