"""CloudProfileValidator and NamespacedCloudProfileValidator: Gardener's validation of cloud profiles.

A CloudProfile offers unique ``X.Y.Z`` Kubernetes versions (the newest without an expiration date, at most one
``supported`` version per minor), machine images with unique semver-ish versions that name their container runtime
and CPU architectures, machine types and volume types with unique names and valid quantities, and regions with
unique zones whose unavailable machine and volume types are ones the profile offers.

A NamespacedCloudProfile extends a CloudProfile (its ``spec.parent``) for one project: it may add machine and
volume types the parent does not have, and images or image versions; for Kubernetes versions and image versions
the parent offers it may only set a (new) expiration date. The merged profile must still be valid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from cryptography import x509

from garden.admission.errors import FieldError, check, duplicate, forbidden, invalid, not_supported, required
from garden.admission.landscape.fields import immutable, not_found
from garden.admission.landscape.wire import CORE_GROUP, CORE_VERSION, name_of, spec, writes
from garden.admission.parsing import parse
from garden.admission.profiles import merge
from garden.admission.request import Plugin, Reader, Request
from garden.api.core.cloudprofile import (
    CloudProfile,
    CloudProfileSpec,
    ExpirableVersion,
    MachineImage,
    MachineImageVersion,
    MachineType,
    VolumeType,
)
from garden.api.core.namespacedcloudprofile import NamespacedCloudProfile
from garden.api.quantity import QuantityError, parse_quantity
from garden.api.versions import Version, kubernetes_release, valid_constraint
from garden.api.versions import parse as parse_version

if TYPE_CHECKING:
    from garden.admission.chain import AdmissionOptions

ARCHITECTURES = ("amd64", "arm64")
CRI_NAMES = ("containerd",)
LIFECYCLE_ORDER = ("unavailable", "preview", "supported", "deprecated", "expired")


def quantity_errors(path: str, value: object) -> list[FieldError]:
    try:
        if parse_quantity(value) < 0:
            return [invalid(path, value, "must be greater than or equal to 0")]
    except QuantityError as exc:
        return [invalid(path, value, str(exc))]
    return []


def expirable_errors(version: ExpirableVersion, path: str) -> list[FieldError]:
    """The lifecycle of a version: not combined with the older fields, stages in order."""
    if not version.lifecycle:
        return []
    problems: list[FieldError] = []
    if version.classification is not None or version.expiration_date is not None:
        problems.append(
            forbidden(f"{path}.lifecycle", "cannot be combined with the deprecated classification or expirationDate")
        )
    previous_stage, previous_start = -1, None
    for i, stage in enumerate(version.lifecycle):
        stage_path = f"{path}.lifecycle[{i}]"
        order = LIFECYCLE_ORDER.index(stage.classification)
        if order <= previous_stage:
            problems.append(
                invalid(
                    f"{stage_path}.classification",
                    stage.classification,
                    f"stages must follow each other in the order {', '.join(LIFECYCLE_ORDER)}",
                )
            )
        if stage.start_time is not None and previous_start is not None and stage.start_time < previous_start:
            problems.append(invalid(f"{stage_path}.startTime", stage.start_time.isoformat(), "must not be earlier"))
        previous_stage = order
        previous_start = stage.start_time or previous_start
    return problems


def supported_per_minor_errors(
    versions: Sequence[ExpirableVersion], path: str, key: Callable[[str], Version | None]
) -> list[FieldError]:
    """Gardener allows one ``supported`` version per minor version."""
    by_minor: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, version in enumerate(versions):
        parsed = key(version.version)
        if version.classification == "supported" and parsed is not None:
            by_minor[(parsed.major, parsed.minor)].append(i)
    return [
        forbidden(
            f"{path}[{i}]",
            f'unable to add version "{versions[i].version}" with classification "supported". Only one "supported" '
            "version is allowed per minor version",
        )
        for indices in by_minor.values()
        if len(indices) > 1
        for i in indices
    ]


def kubernetes_errors(versions: Sequence[ExpirableVersion], path: str = "spec.kubernetes.versions") -> list[FieldError]:
    problems: list[FieldError] = []
    if not versions:
        return [required(path, "must provide at least one Kubernetes version")]
    seen: set[str] = set()
    latest: tuple[Version, int] | None = None
    for i, version in enumerate(versions):
        index_path = f"{path}[{i}]"
        parsed = kubernetes_release(version.version)
        if parsed is None:
            problems.append(
                invalid(
                    f"{index_path}.version",
                    version.version,
                    r"all Kubernetes versions must match the regex ^([0-9]+\.){2}[0-9]+$",
                )
            )
        elif version.version in seen:
            problems.append(duplicate(f"{index_path}.version", version.version))
        else:
            seen.add(version.version)
            if latest is None or parsed > latest[0]:
                latest = (parsed, i)
        problems += expirable_errors(version, index_path)
    if latest is not None and versions[latest[1]].expiration_date is not None:
        newest = versions[latest[1]]
        assert newest.expiration_date is not None
        problems.append(
            invalid(
                f"{path}[{latest[1]}].expirationDate",
                newest.expiration_date.isoformat(),
                f"expiration date of latest kubernetes version ('{newest.version}') must not be set",
            )
        )
    return problems + supported_per_minor_errors(versions, path, kubernetes_release)


def image_version_errors(version: MachineImageVersion, path: str, *, capabilities: bool) -> list[FieldError]:
    problems: list[FieldError] = []
    if not version.version:
        problems.append(required(f"{path}.version"))
    elif parse_version(version.version) is None:
        problems.append(
            invalid(
                f"{path}.version",
                version.version,
                "could not parse version. Use a semantic version. In case there is no semantic version for this "
                "image use the extensibility provider (define mapping in the CloudProfile) to map to the actual "
                "non semantic version",
            )
        )
    problems += expirable_errors(version, path)
    if not version.cri:
        problems.append(required(f"{path}.cri", "must provide at least one supported container runtime"))
    cri_names: set[str] = set()
    for i, cri in enumerate(version.cri or []):
        cri_path = f"{path}.cri[{i}]"
        if cri.name in cri_names:
            problems.append(duplicate(f"{cri_path}.name", cri.name))
        cri_names.add(cri.name)
        if cri.name not in CRI_NAMES:
            problems.append(not_supported(f"{cri_path}.name", cri.name, CRI_NAMES))
        runtimes: set[str] = set()
        for j, runtime in enumerate(cri.container_runtimes or []):
            if runtime.type in runtimes:
                problems.append(duplicate(f"{cri_path}.containerRuntimes[{j}].type", runtime.type))
            runtimes.add(runtime.type)
    if not capabilities and not version.architectures:
        problems.append(required(f"{path}.architectures", "must provide at least one architecture"))
    for i, architecture in enumerate(version.architectures or []):
        if architecture not in ARCHITECTURES:
            problems.append(not_supported(f"{path}.architectures[{i}]", architecture, ARCHITECTURES))
    constraint = version.kubelet_version_constraint
    if constraint is not None and not valid_constraint(constraint):
        problems.append(
            invalid(f"{path}.kubeletVersionConstraint", constraint, "must be a semver constraint (e.g. '< 1.34')")
        )
    return problems


def image_errors(
    images: Sequence[MachineImage],
    path: str = "spec.machineImages",
    *,
    capabilities: bool = False,
    require_images: bool = True,
) -> list[FieldError]:
    problems: list[FieldError] = []
    if require_images and not images:
        problems.append(required(path, "must provide at least one machine image"))
    names: set[str] = set()
    for i, image in enumerate(images):
        index_path = f"{path}[{i}]"
        if not image.name:
            problems.append(required(f"{index_path}.name", "machine image name must not be empty"))
        elif image.name in names:
            problems.append(duplicate(f"{index_path}.name", image.name))
        names.add(image.name)
        if image.update_strategy is None:
            problems.append(required(f"{index_path}.updateStrategy", "must provide an update strategy"))
        if not image.versions:
            problems.append(
                required(
                    f"{index_path}.versions", f"must provide at least one version for the machine image '{image.name}'"
                )
            )
        versions: set[str] = set()
        for j, version in enumerate(image.versions):
            version_path = f"{index_path}.versions[{j}]"
            if version.version in versions:
                problems.append(duplicate(f"{version_path}.version", version.version))
            versions.add(version.version)
            problems += image_version_errors(version, version_path, capabilities=capabilities)
        problems += supported_per_minor_errors(image.versions, f"{index_path}.versions", parse_version)
    return problems


def machine_type_errors(
    machine_types: Sequence[MachineType], path: str = "spec.machineTypes", *, require_types: bool = True
) -> list[FieldError]:
    problems: list[FieldError] = []
    if require_types and not machine_types:
        problems.append(required(path, "must provide at least one machine type"))
    names: set[str] = set()
    for i, machine_type in enumerate(machine_types):
        index_path = f"{path}[{i}]"
        if not machine_type.name:
            problems.append(required(f"{index_path}.name", "must provide a name"))
        elif machine_type.name in names:
            problems.append(duplicate(f"{index_path}.name", machine_type.name))
        names.add(machine_type.name)
        problems += quantity_errors(f"{index_path}.cpu", machine_type.cpu)
        problems += quantity_errors(f"{index_path}.gpu", machine_type.gpu)
        problems += quantity_errors(f"{index_path}.memory", machine_type.memory)
        if machine_type.architecture is not None and machine_type.architecture not in ARCHITECTURES:
            problems.append(not_supported(f"{index_path}.architecture", machine_type.architecture, ARCHITECTURES))
        storage = machine_type.storage
        if storage is not None:
            storage_path = f"{index_path}.storage"
            if (storage.size is None) == (storage.min_size is None):
                problems.append(invalid(storage_path, None, 'must configure exactly one of "size" and "minSize"'))
            if storage.size is not None:
                problems += quantity_errors(f"{storage_path}.size", storage.size)
            if storage.min_size is not None:
                problems += quantity_errors(f"{storage_path}.minSize", storage.min_size)
            if not storage.class_:
                problems.append(required(f"{storage_path}.class", "must provide a class"))
    return problems


def volume_type_errors(volume_types: Sequence[VolumeType], path: str = "spec.volumeTypes") -> list[FieldError]:
    problems: list[FieldError] = []
    names: set[str] = set()
    for i, volume_type in enumerate(volume_types):
        index_path = f"{path}[{i}]"
        if not volume_type.name:
            problems.append(required(f"{index_path}.name", "must provide a name"))
        elif volume_type.name in names:
            problems.append(duplicate(f"{index_path}.name", volume_type.name))
        names.add(volume_type.name)
        if not volume_type.class_:
            problems.append(required(f"{index_path}.class", "must provide a class"))
        if volume_type.min_size is not None:
            problems += quantity_errors(f"{index_path}.minSize", volume_type.min_size)
    return problems


def region_errors(profile: CloudProfileSpec, path: str = "spec.regions") -> list[FieldError]:
    problems: list[FieldError] = []
    if not profile.regions:
        problems.append(required(path, "must provide at least one region"))
    machine_types = [t.name for t in profile.machine_types]
    volume_types = [t.name for t in profile.volume_types or []]
    names: set[str] = set()
    for i, region in enumerate(profile.regions):
        index_path = f"{path}[{i}]"
        if not region.name:
            problems.append(required(f"{index_path}.name", "must provide a region name"))
        elif region.name in names:
            problems.append(duplicate(f"{index_path}.name", region.name))
        names.add(region.name)
        zones: set[str] = set()
        for j, zone in enumerate(region.zones or []):
            zone_path = f"{index_path}.zones[{j}]"
            if not zone.name:
                problems.append(required(f"{zone_path}.name", "zone name cannot be empty"))
            elif zone.name in zones:
                problems.append(duplicate(f"{zone_path}.name", zone.name))
            zones.add(zone.name)
            for k, unavailable in enumerate(zone.unavailable_machine_types or []):
                if unavailable not in machine_types:
                    problems.append(
                        not_supported(f"{zone_path}.unavailableMachineTypes[{k}]", unavailable, machine_types)
                    )
            for k, unavailable in enumerate(zone.unavailable_volume_types or []):
                if unavailable not in volume_types:
                    problems.append(
                        not_supported(f"{zone_path}.unavailableVolumeTypes[{k}]", unavailable, volume_types)
                    )
    return problems


def extras_errors(profile: CloudProfileSpec) -> list[FieldError]:
    """Bastion, limits and the CA bundle."""
    problems: list[FieldError] = []
    bastion = profile.bastion
    if bastion is not None:
        if bastion.machine_type is None and bastion.machine_image is None:
            problems.append(invalid("spec.bastion", None, "bastion section needs a machine type or machine image"))
        if bastion.machine_type is not None and profile.machine_type(bastion.machine_type.name) is None:
            problems.append(
                invalid(
                    "spec.bastion.machineType.name",
                    bastion.machine_type.name,
                    "machine type not found in spec.machineTypes",
                )
            )
        if bastion.machine_image is not None:
            image = profile.machine_image(bastion.machine_image.name)
            if image is None:
                problems.append(
                    invalid(
                        "spec.bastion.machineImage.name",
                        bastion.machine_image.name,
                        "image name not found in spec.machineImages",
                    )
                )
            elif bastion.machine_image.version is not None and all(
                v.version != bastion.machine_image.version for v in image.versions
            ):
                problems.append(
                    invalid(
                        "spec.bastion.machineImage.version",
                        bastion.machine_image.version,
                        "image version not found in spec.machineImages",
                    )
                )
    if (
        profile.limits is not None
        and profile.limits.max_nodes_total is not None
        and profile.limits.max_nodes_total <= 0
    ):
        problems.append(
            invalid("spec.limits.maxNodesTotal", profile.limits.max_nodes_total, "maxNodesTotal must be greater than 0")
        )
    if profile.ca_bundle is not None:
        try:
            x509.load_pem_x509_certificates(profile.ca_bundle.encode())
        except ValueError:
            problems.append(invalid("spec.caBundle", "<omitted>", "caBundle is not a valid PEM-encoded certificate"))
    return problems


def profile_errors(profile: CloudProfileSpec) -> list[FieldError]:
    """Everything Gardener checks in a CloudProfile's spec."""
    problems: list[FieldError] = []
    if not profile.type:
        problems.append(required("spec.type", "must provide a provider type"))
    capabilities = bool(profile.machine_capabilities)
    problems += kubernetes_errors(profile.kubernetes.versions or [])
    problems += image_errors(profile.machine_images, capabilities=capabilities)
    problems += machine_type_errors(profile.machine_types)
    problems += volume_type_errors(profile.volume_types or [])
    problems += region_errors(profile)
    return problems + extras_errors(profile)


class CloudProfileValidator(Plugin):
    name = "CloudProfileValidator"

    async def validate(self, request: Request) -> None:
        if not writes(request, CORE_GROUP, "cloudprofiles"):
            return
        assert request.object is not None
        profile = parse(CloudProfile, request.object)
        check("CloudProfile", CORE_GROUP, request.name or name_of(request.object), profile_errors(profile.spec))


class NamespacedCloudProfileValidator(Plugin):
    name = "NamespacedCloudProfileValidator"

    def __init__(self, reader: Reader, options: AdmissionOptions) -> None:
        self.reader = reader
        self.options = options

    async def validate(self, request: Request) -> None:
        if not writes(request, CORE_GROUP, "namespacedcloudprofiles"):
            return
        assert request.object is not None
        name = request.name or name_of(request.object)
        profile = parse(NamespacedCloudProfile, request.object)
        old_raw = request.old_object if request.operation == "UPDATE" else None
        old = NamespacedCloudProfile.parse(old_raw) if old_raw is not None else None
        if old is not None and spec(old_raw) == spec(request.object):
            return
        parent_ref = profile.spec.parent
        problems: list[FieldError] = []
        if parent_ref.kind != "CloudProfile":
            problems.append(not_supported("spec.parent.kind", parent_ref.kind, ["CloudProfile"]))
        if not parent_ref.name:
            problems.append(required("spec.parent.name"))
        if old is not None and old.spec.parent != parent_ref:
            problems.append(immutable("spec.parent", parent_ref.model_dump(by_alias=True)))
        check("NamespacedCloudProfile", CORE_GROUP, name, problems)
        raw_parent = await self.reader.get(CORE_GROUP, CORE_VERSION, "cloudprofiles", None, parent_ref.name)
        if raw_parent is None:
            check(
                "NamespacedCloudProfile",
                CORE_GROUP,
                name,
                [not_found("spec.parent.name", parent_ref.name, f'no CloudProfile "{parent_ref.name}"')],
            )
            return
        parent = CloudProfile.parse(raw_parent).spec
        problems += self._types(profile, old, parent)
        problems += self._kubernetes(profile, old, parent)
        problems += self._images(profile, old, parent)
        if not problems:
            problems += self._merged(profile, parent)
        check("NamespacedCloudProfile", CORE_GROUP, name, problems)

    @staticmethod
    def _types(
        profile: NamespacedCloudProfile, old: NamespacedCloudProfile | None, parent: CloudProfileSpec
    ) -> list[FieldError]:
        problems: list[FieldError] = []
        machine_types = profile.spec.machine_types or []
        problems += machine_type_errors(machine_types, require_types=False)
        before = {t.name for t in (old.spec.machine_types or [])} if old is not None else set()
        for i, machine_type in enumerate(machine_types):
            if parent.machine_type(machine_type.name) is not None and machine_type.name not in before:
                problems.append(
                    invalid(
                        f"spec.machineTypes[{i}].name",
                        machine_type.name,
                        "NamespacedCloudProfile attempts to overwrite a machine type of the parent CloudProfile",
                    )
                )
        volume_types = profile.spec.volume_types or []
        problems += volume_type_errors(volume_types)
        before = {t.name for t in (old.spec.volume_types or [])} if old is not None else set()
        for i, volume_type in enumerate(volume_types):
            if parent.volume_type(volume_type.name) is not None and volume_type.name not in before:
                problems.append(
                    invalid(
                        f"spec.volumeTypes[{i}].name",
                        volume_type.name,
                        "NamespacedCloudProfile attempts to overwrite a volume type of the parent CloudProfile",
                    )
                )
        return problems

    def _expiry_errors(
        self, version: ExpirableVersion, previous: ExpirableVersion | None, path: str
    ) -> list[FieldError]:
        """An override of a parent's version: an expiration date, not in the past unless it was already set so."""
        if version.expiration_date is None:
            return [required(f"{path}.expirationDate", f'expiration date for version "{version.version}" must be set')]
        unchanged = previous is not None and previous.expiration_date == version.expiration_date
        if previous is not None and version.expiration_date < self.options.now() and not unchanged:
            return [
                invalid(
                    f"{path}.expirationDate",
                    version.expiration_date.isoformat(),
                    f'expiration date for version "{version.version}" is in the past',
                )
            ]
        return []

    def _kubernetes(
        self, profile: NamespacedCloudProfile, old: NamespacedCloudProfile | None, parent: CloudProfileSpec
    ) -> list[FieldError]:
        problems: list[FieldError] = []
        offered = {v.version for v in parent.kubernetes.versions or []}
        versions = (profile.spec.kubernetes.versions or []) if profile.spec.kubernetes is not None else []
        before: dict[str, ExpirableVersion] = {}
        if old is not None and old.spec.kubernetes is not None:
            before = {v.version: v for v in old.spec.kubernetes.versions or []}
        seen: set[str] = set()
        for i, version in enumerate(versions):
            path = f"spec.kubernetes.versions[{i}]"
            if version.version in seen:
                problems.append(duplicate(f"{path}.version", version.version))
            seen.add(version.version)
            if version.version not in offered:
                problems.append(
                    invalid(
                        f"{path}.version",
                        version.version,
                        "does not exist in the parent CloudProfile and thus cannot be overridden",
                    )
                )
                continue
            problems += self._expiry_errors(version, before.get(version.version) if old is not None else None, path)
        return problems

    def _images(
        self, profile: NamespacedCloudProfile, old: NamespacedCloudProfile | None, parent: CloudProfileSpec
    ) -> list[FieldError]:
        problems: list[FieldError] = []
        capabilities = bool(parent.machine_capabilities)
        old_images = {i.name: i for i in (old.spec.machine_images or [])} if old is not None else {}
        for i, image in enumerate(profile.spec.machine_images or []):
            path = f"spec.machineImages[{i}]"
            parent_image = parent.machine_image(image.name)
            if parent_image is None:
                found = image_errors([image], "_", capabilities=capabilities)
                problems += [_reindex(p, "_[0]", path) for p in found]
                continue
            if image.update_strategy is not None:
                problems.append(
                    forbidden(
                        f"{path}.updateStrategy",
                        "must not provide an updateStrategy to an extended machine image in NamespacedCloudProfile",
                    )
                )
            parent_versions = {v.version for v in parent_image.versions}
            previous = {v.version: v for v in old_images[image.name].versions} if image.name in old_images else {}
            for j, version in enumerate(image.versions):
                version_path = f"{path}.versions[{j}]"
                if version.version not in parent_versions:
                    problems += image_version_errors(version, version_path, capabilities=capabilities)
                    continue
                for field_name, value in (
                    ("classification", version.classification),
                    ("cri", version.cri),
                    ("architectures", version.architectures),
                    ("kubeletVersionConstraint", version.kubelet_version_constraint),
                ):
                    if value:
                        problems.append(
                            forbidden(
                                f"{version_path}.{field_name}",
                                f"must not provide a {field_name} to an extended machine image in "
                                "NamespacedCloudProfile",
                            )
                        )
                problems += self._expiry_errors(
                    version, previous.get(version.version) if old is not None else None, version_path
                )
        return problems

    @staticmethod
    def _merged(profile: NamespacedCloudProfile, parent: CloudProfileSpec) -> list[FieldError]:
        """The merged profile's Kubernetes versions (the newest may not expire)."""
        merged = merge(parent, profile)
        problems = kubernetes_errors(merged.kubernetes.versions or [], "status.cloudProfileSpec.kubernetes.versions")
        own = [v.version for v in ((profile.spec.kubernetes.versions or []) if profile.spec.kubernetes else [])]
        rewritten: list[FieldError] = []
        for problem in problems:
            index = _index(problem.path, "status.cloudProfileSpec.kubernetes.versions[")
            version = (merged.kubernetes.versions or [])[index].version if index is not None else None
            if version in own:
                rest = problem.path.replace(f"status.cloudProfileSpec.kubernetes.versions[{index}]", "")
                rewritten.append(_with_path(problem, f"spec.kubernetes.versions[{own.index(version)}]{rest}"))
            else:
                rewritten.append(problem)
        return rewritten


def _index(path: str, prefix: str) -> int | None:
    if not path.startswith(prefix):
        return None
    digits = path[len(prefix) :].split("]", 1)[0]
    return int(digits) if digits.isdigit() else None


def _with_path(problem: FieldError, path: str) -> FieldError:
    return FieldError(problem.type, path, problem.message, problem.value, problem.supported)


def _reindex(problem: FieldError, old_prefix: str, new_prefix: str) -> FieldError:
    if problem.path.startswith(old_prefix):
        return _with_path(problem, new_prefix + problem.path[len(old_prefix) :])
    return problem


__all__ = [
    "ARCHITECTURES",
    "CloudProfileValidator",
    "NamespacedCloudProfileValidator",
    "image_errors",
    "kubernetes_errors",
    "machine_type_errors",
    "profile_errors",
    "region_errors",
    "volume_type_errors",
]
