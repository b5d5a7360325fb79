"""ShootValidation: every rule a Shoot must follow, all problems reported together in one 422, one field error each
with its exact path (``spec.provider.workers[1].maximum``):

- against its cloud profile (Gardener's ShootValidator plugin), in :mod:`garden.admission.shoot.cloudprofile`;
- on UPDATE, between the old and the new object (``ValidateShootUpdate``), in :mod:`garden.admission.shoot.update`;
- on its own (``ValidateShoot``), here.

When the profile cannot be found, that is reported, and not that a partial Kubernetes version (``1.36``) could not
be completed from it. The shoot's own rules:

- ``metadata.name`` is a DNS-1123 label without two consecutive hyphens.
- A cloud profile is named (``spec.cloudProfile`` or ``spec.cloudProfileName``; both must agree for a CloudProfile),
  a region and a provider type are set.
- ``spec.kubernetes.version`` is a full version (``1.36.2``) once defaulting has run.
- Worker pools: names are DNS-1123 labels of at most 15 characters and unique; a machine type, image name and
  version; ``minimum`` and ``maximum`` not negative, ``maximum`` not below ``minimum``; ``maxSurge`` and
  ``maxUnavailable`` non-negative integers or percentages (``maxUnavailable`` at most 100%), not both 0; zones
  unique; architecture ``amd64`` or ``arm64``; CRI ``containerd``; container runtime types unique; volume sizes
  ``<n>Gi``; data volume names unique DNS-1123 labels of at most 15 characters; a pool's own Kubernetes version not
  newer than the control plane's and at most two (three from Kubernetes 1.28 on) minor versions behind it.
- Networks: see :mod:`garden.admission.shoot.networking`.
- ``spec.purpose`` is evaluation, testing, development or production, or infrastructure in the ``garden`` namespace.
- Hibernation schedules: a start or an end, each a valid 5-field cron spec (see :mod:`garden.admission.shoot.cron`)
  used once across all schedules, and a location that is an IANA time zone.
- The maintenance time window's bounds are ``HHMMSS+ZZZZ`` and it lasts from 30 minutes to 6 hours.
- ``spec.controlPlane.highAvailability.failureTolerance.type`` is ``node`` or ``zone``.
- A shoot with workers names exactly one of ``secretBindingName`` and ``credentialsBindingName``; no shoot names both.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from garden.admission.errors import (
    FieldError,
    check,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
    too_long,
)
from garden.admission.parsing import parse
from garden.admission.request import Plugin, Reader, Request
from garden.admission.shoot import selection, timewindow
from garden.admission.shoot.cloudprofile import CloudProfileRules
from garden.admission.shoot.cron import cron_problem
from garden.admission.shoot.networking import validate_networking
from garden.admission.shoot.update import validate_update
from garden.admission.shoot.wire import applies
from garden.api import versions
from garden.api.core import GROUP
from garden.api.core.shoot import Hibernation, Maintenance, Shoot, ShootSpec, Worker
from kubelite.apiserver.validation.names import is_dns1123_label

if TYPE_CHECKING:
    from garden.admission.chain import AdmissionOptions

MAX_WORKER_NAME_LENGTH = 15
MAX_VOLUME_NAME_LENGTH = 15
GARDEN_NAMESPACE = "garden"
PURPOSES = ("development", "evaluation", "production", "testing")
INFRASTRUCTURE = "infrastructure"
FAILURE_TOLERANCE_TYPES = ("node", "zone")

_PERCENT = re.compile(r"[0-9]+%")
_VOLUME_SIZE = re.compile(r"(\d)+Gi")


class ShootValidation(Plugin):
    name = "ShootValidation"

    def __init__(self, reader: Reader, options: AdmissionOptions) -> None:
        self.profile_rules = CloudProfileRules(reader, options)

    async def validate(self, request: Request) -> None:
        if not applies(request):
            return
        obj = request.obj
        shoot = parse(Shoot, obj)
        old_obj = request.old_object if request.operation == "UPDATE" and isinstance(request.old_object, dict) else None
        old = _parse_quietly(old_obj)
        verdict = await self.profile_rules.check(obj, old_obj, shoot, old, request.namespace)
        errors = list(verdict.errors)
        static = validate_shoot(shoot, request.namespace)
        if verdict.profile_missing:
            # A partial version was left alone because there was no profile to complete it from: that is the cause.
            static = [e for e in static if e.path != "spec.kubernetes.version" or not shoot.spec.kubernetes.version]
        errors += static
        if old is not None:
            errors += validate_update(shoot, old)
        check("Shoot", GROUP, shoot.metadata.name or request.name, errors)


def _parse_quietly(obj: dict[str, Any] | None) -> Shoot | None:
    """The stored shoot; None when there is none or it cannot be read (then it is checked as if new)."""
    if obj is None:
        return None
    try:
        return Shoot.parse(obj)
    except ValidationError:
        return None


def validate_shoot(shoot: Shoot, namespace: str) -> list[FieldError]:
    spec = shoot.spec
    has_workers = bool(spec.provider.workers)
    errors = _name(shoot.metadata.name)
    errors += _references(spec, has_workers)
    errors += _kubernetes_version(spec)
    errors += _workers(spec)
    errors += validate_networking(spec.networking, has_workers)
    errors += _purpose(spec, namespace or shoot.metadata.namespace or "")
    errors += _hibernation(spec.hibernation)
    errors += _maintenance(spec.maintenance)
    high_availability = spec.control_plane.high_availability if spec.control_plane is not None else None
    if high_availability is not None and high_availability.failure_tolerance.type not in FAILURE_TOLERANCE_TYPES:
        path = "spec.controlPlane.highAvailability.failureTolerance.type"
        errors.append(not_supported(path, high_availability.failure_tolerance.type, FAILURE_TOLERANCE_TYPES))
    return errors


def _name(name: str | None) -> list[FieldError]:
    if not name:
        return []
    errors = [invalid("metadata.name", name, problem) for problem in is_dns1123_label(name)]
    if "--" in name:
        errors.append(invalid("metadata.name", name, "name may not contain two consecutive hyphens"))
    return errors


def _references(spec: ShootSpec, has_workers: bool) -> list[FieldError]:
    errors: list[FieldError] = []
    reference = spec.cloud_profile
    if (reference is None and not spec.cloud_profile_name) or (reference is not None and not reference.name):
        errors.append(required("spec.cloudProfile.name", "must specify a cloud profile"))
    elif (
        reference is not None
        and reference.kind == "CloudProfile"
        and spec.cloud_profile_name
        and spec.cloud_profile_name != reference.name
    ):
        message = f'must match the name of the CloudProfile in spec.cloudProfile ("{reference.name}")'
        errors.append(invalid("spec.cloudProfileName", spec.cloud_profile_name, message))
    if not spec.region:
        errors.append(required("spec.region", "must specify a region"))
    if not spec.provider.type:
        errors.append(required("spec.provider.type", "must specify a provider type"))
    secret_binding, credentials_binding = spec.secret_binding_name, spec.credentials_binding_name
    if secret_binding and credentials_binding:
        errors.append(forbidden("spec.secretBindingName", "is incompatible with credentialsBindingName"))
    elif has_workers and not secret_binding and not credentials_binding:
        errors.append(required("spec.secretBindingName", "must be set when credentialsBindingName is not"))
    if spec.seed_name is not None and not spec.seed_name:
        errors.append(invalid("spec.seedName", spec.seed_name, "seed name must not be empty when providing the key"))
    return errors


def _kubernetes_version(spec: ShootSpec) -> list[FieldError]:
    version = spec.kubernetes.version
    if not version:
        return [required("spec.kubernetes.version", "kubernetes version must not be empty")]
    if not versions.is_full_kubernetes(version):
        message = (
            "must be a full semantic version (major.minor.patch); a partial version is completed only when the "
            "cloud profile offers a version of it that is neither expired nor in preview"
        )
        return [invalid("spec.kubernetes.version", version, message)]
    return []


def _workers(spec: ShootSpec) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[str] = set()
    control_plane = spec.kubernetes.version if versions.is_full_kubernetes(spec.kubernetes.version) else None
    for index, worker in enumerate(spec.provider.workers or []):
        path = f"spec.provider.workers[{index}]"
        if worker.name in seen:
            errors.append(duplicate(f"{path}.name", worker.name))
        seen.add(worker.name)
        errors += _worker(worker, path, control_plane)
    return errors


def _worker(worker: Worker, path: str, control_plane: str | None) -> list[FieldError]:
    errors = [invalid(f"{path}.name", worker.name, problem) for problem in is_dns1123_label(worker.name)]
    if len(worker.name) > MAX_WORKER_NAME_LENGTH:
        errors.append(too_long(f"{path}.name", worker.name, MAX_WORKER_NAME_LENGTH))
    machine = worker.machine
    if not machine.type:
        errors.append(required(f"{path}.machine.type", "must specify a machine type"))
    if machine.image is not None:
        if not machine.image.name:
            errors.append(required(f"{path}.machine.image.name", "must specify a machine image name"))
        if not machine.image.version:
            errors.append(required(f"{path}.machine.image.version", "must specify a machine image version"))
    if machine.architecture is not None and machine.architecture not in selection.ARCHITECTURES:
        errors.append(not_supported(f"{path}.machine.architecture", machine.architecture, selection.ARCHITECTURES))
    if worker.minimum < 0:
        errors.append(invalid(f"{path}.minimum", worker.minimum, "minimum value must not be negative"))
    if worker.maximum < 0:
        errors.append(invalid(f"{path}.maximum", worker.maximum, "maximum value must not be negative"))
    if worker.maximum < worker.minimum:
        errors.append(forbidden(f"{path}.maximum", "maximum value must not be less than minimum value"))
    errors += _rollout(worker, path)
    for index, zone in enumerate(worker.zones or []):
        if zone in (worker.zones or [])[:index]:
            errors.append(duplicate(f"{path}.zones[{index}]", zone))
    if worker.cri is not None:
        if worker.cri.name not in selection.CRI_NAMES:
            errors.append(not_supported(f"{path}.cri.name", worker.cri.name, selection.CRI_NAMES))
        runtime_types = [r.type for r in worker.cri.container_runtimes or []]
        for index, runtime_type in enumerate(runtime_types):
            if runtime_type in runtime_types[:index]:
                errors.append(duplicate(f"{path}.cri.containerRuntimes[{index}].type", runtime_type))
    errors += _volumes(worker, path)
    own = worker.kubernetes.version if worker.kubernetes is not None else None
    if own is not None:
        errors += _worker_version(own, control_plane, f"{path}.kubernetes.version")
    return errors


def _int_or_percent(value: int | str | None) -> tuple[int | None, bool]:
    """``(number, is_percentage)``; the number is None when the value is neither an integer nor a percentage."""
    if isinstance(value, bool) or value is None:
        return None, False
    if isinstance(value, int):
        return value, False
    if _PERCENT.fullmatch(value):
        return int(value[:-1]), True
    return None, False


def _rollout(worker: Worker, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    numbers: dict[str, int | None] = {}
    for key, value in (("maxSurge", worker.max_surge), ("maxUnavailable", worker.max_unavailable)):
        number, percent = _int_or_percent(value)
        numbers[key] = number
        if value is None:
            continue
        if number is None:
            errors.append(invalid(f"{path}.{key}", value, "must be an integer or percentage (e.g '5%')"))
        elif number < 0:
            errors.append(invalid(f"{path}.{key}", value, "must be greater than or equal to 0"))
        elif percent and key == "maxUnavailable" and number > 100:
            errors.append(invalid(f"{path}.{key}", value, "must not be greater than 100%"))
    surge, unavailable = numbers["maxSurge"], numbers["maxUnavailable"]
    if worker.max_surge is not None and surge == 0 and (worker.max_unavailable is None or unavailable == 0):
        errors.append(invalid(f"{path}.maxUnavailable", worker.max_unavailable, "may not be 0 when `maxSurge` is 0"))
    return errors


def _volumes(worker: Worker, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if worker.volume is not None and not _VOLUME_SIZE.fullmatch(worker.volume.size):
        message = f"volume size must match the regex {_VOLUME_SIZE.pattern}"
        errors.append(invalid(f"{path}.volume.size", worker.volume.size, message))
    names: list[str] = []
    for index, volume in enumerate(worker.data_volumes or []):
        volume_path = f"{path}.dataVolumes[{index}]"
        errors += [invalid(f"{volume_path}.name", volume.name, problem) for problem in is_dns1123_label(volume.name)]
        if len(volume.name) > MAX_VOLUME_NAME_LENGTH:
            errors.append(too_long(f"{volume_path}.name", volume.name, MAX_VOLUME_NAME_LENGTH))
        if volume.name in names:
            errors.append(duplicate(f"{volume_path}.name", volume.name))
        names.append(volume.name)
        if not _VOLUME_SIZE.fullmatch(volume.size):
            message = f"data volume size must match the regex {_VOLUME_SIZE.pattern}"
            errors.append(invalid(f"{volume_path}.size", volume.size, message))
    if worker.data_volumes and worker.volume is None:
        errors.append(required(f"{path}.volume", "a worker volume must be defined if data volumes are defined"))
    return errors


def _worker_version(own: str, control_plane: str | None, path: str) -> list[FieldError]:
    if not versions.is_full_kubernetes(own):
        return [invalid(path, own, "must be a full semantic version (major.minor.patch)")]
    pool, plane = versions.parse(own), versions.parse(control_plane)
    if pool is None or plane is None:
        return []
    if pool > plane:
        return [forbidden(path, "worker group kubernetes version must not be higher than control plane version")]
    allowed = 3 if (plane.major, plane.minor) >= (1, 28) else 2
    if plane.major == pool.major and plane.minor - pool.minor > allowed:
        words = {2: "two", 3: "three"}
        message = (
            f"worker group kubernetes version must be at most {words[allowed]} minor versions behind control plane "
            "version"
        )
        return [forbidden(path, message)]
    return []


def _purpose(spec: ShootSpec, namespace: str) -> list[FieldError]:
    if spec.purpose is None:
        return []
    allowed = sorted((*PURPOSES, INFRASTRUCTURE)) if namespace == GARDEN_NAMESPACE else list(PURPOSES)
    if spec.purpose not in allowed:
        return [not_supported("spec.purpose", spec.purpose, allowed)]
    return []


def _hibernation(hibernation: Hibernation | None) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, schedule in enumerate(hibernation.schedules or [] if hibernation is not None else []):
        path = f"spec.hibernation.schedules[{index}]"
        if schedule.start is None and schedule.end is None:
            errors.append(required(f"{path}.start/end", "either start or end has to be provided"))
        for key, cron in (("start", schedule.start), ("end", schedule.end)):
            if cron is None:
                continue
            problem = cron_problem(cron)
            if problem is not None:
                errors.append(invalid(f"{path}.{key}", cron, f"not a valid cron spec: {problem}"))
            elif cron in seen:
                errors.append(duplicate(f"{path}.{key}", cron))
            else:
                seen.add(cron)
        if schedule.location is not None and not _is_location(schedule.location):
            message = f"not a valid location: unknown time zone {schedule.location}"
            errors.append(invalid(f"{path}.location", schedule.location, message))
    return errors


def _is_location(name: str) -> bool:
    """Whether Go's ``time.LoadLocation`` would load it: an IANA zone, ``UTC``, ``Local`` or empty (UTC)."""
    if name in ("", "UTC", "Local"):
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _maintenance(maintenance: Maintenance | None) -> list[FieldError]:
    window = maintenance.time_window if maintenance is not None else None
    if window is None:
        return []
    path = "spec.maintenance.timeWindow"
    message = 'must be a time of day as HHMMSS+ZZZZ (e.g. "220000+0100")'
    errors = [
        invalid(f"{path}.{key}", value, message)
        for key, value in (("begin", window.begin), ("end", window.end))
        if timewindow.seconds_of_day_utc(value) is None
    ]
    length = timewindow.window_length(window.begin, window.end)
    if errors or length is None:
        return errors
    if length > timewindow.MAXIMUM:
        message = f"time window must not be greater than {go_duration(timewindow.MAXIMUM)}"
        return [invalid(path, go_duration(length), message)]
    if length < timewindow.MINIMUM:
        message = f"time window must not be smaller than {go_duration(timewindow.MINIMUM)}"
        return [invalid(path, go_duration(length), message)]
    return []


def go_duration(value: timedelta) -> str:
    """A duration as Go prints it (``6h0m0s``, ``30m0s``, ``45s``)."""
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{seconds}s"
    if minutes:
        return f"{minutes}m{seconds}s"
    return f"{seconds}s"


__all__ = ["ShootValidation", "go_duration", "validate_shoot"]
