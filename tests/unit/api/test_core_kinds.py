"""The core and security kinds read Gardener's manifests and write them back unchanged, with Gardener's wire names."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel

from garden.api.base import CoreObjectReference, Resource
from garden.api.core.backupbucket import BackupBucket
from garden.api.core.backupentry import BackupEntry
from garden.api.core.cloudprofile import CloudProfile, CloudProfileSpec, MachineTypeStorage, VolumeType
from garden.api.core.controllerinstallation import ControllerInstallation
from garden.api.core.controllerregistration import ControllerRegistration
from garden.api.core.exposureclass import ExposureClass
from garden.api.core.namespacedcloudprofile import NamespacedCloudProfile
from garden.api.core.project import Project
from garden.api.core.quota import Quota
from garden.api.kind import AGE, resource_kind
from garden.api.security.credentialsbinding import CredentialsBinding

pytestmark = pytest.mark.unit

CORE = "core.gardener.cloud/v1beta1"

CLOUD_PROFILE_SPEC: dict[str, Any] = {
    "type": "aws",
    "caBundle": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    "providerConfig": {
        "apiVersion": "aws.provider.extensions.gardener.cloud/v1alpha1",
        "kind": "CloudProfileConfig",
        "machineImages": [
            {"name": "gardenlinux", "versions": [{"version": "1592.1.0", "regions": [{"name": "eu-west-1"}]}]}
        ],
    },
    "seedSelector": {"matchLabels": {"environment": "prod"}, "providerTypes": ["aws", "gcp"]},
    "bastion": {"machineImage": {"name": "gardenlinux", "version": "1592.1.0"}, "machineType": {"name": "t3.small"}},
    "limits": {"maxNodesTotal": 1000},
    "machineCapabilities": [{"name": "architecture", "values": ["amd64", "arm64"]}],
    "kubernetes": {
        "versions": [
            {"version": "1.31.2", "classification": "supported"},
            {"version": "1.30.6", "classification": "deprecated", "expirationDate": "2026-02-28T23:59:59Z"},
            {
                "version": "1.32.0",
                "lifecycle": [
                    {"classification": "preview"},
                    {"classification": "supported", "startTime": "2026-01-15T00:00:00Z"},
                ],
            },
        ]
    },
    "machineImages": [
        {
            "name": "gardenlinux",
            "updateStrategy": "minor",
            "versions": [
                {
                    "version": "1592.1.0",
                    "classification": "supported",
                    "architectures": ["amd64", "arm64"],
                    "cri": [{"name": "containerd", "containerRuntimes": [{"type": "gvisor"}]}],
                    "kubeletVersionConstraint": ">= 1.26",
                    "inPlaceUpdates": {"supported": True, "minVersionForUpdate": "1443.3.0"},
                    "capabilityFlavors": [{"architecture": ["amd64"]}, {"architecture": ["arm64"]}],
                },
                {"version": "1443.3.0", "expirationDate": "2025-12-31T23:59:59Z"},
            ],
        },
        {"name": "ubuntu", "versions": [{"version": "22.4.20240101"}]},
    ],
    "machineTypes": [
        {
            "name": "m5.large",
            "cpu": "2",
            "gpu": "0",
            "memory": "8Gi",
            "usable": True,
            "architecture": "amd64",
            "capabilities": {"architecture": ["amd64"]},
        },
        {
            "name": "m6g.large",
            "cpu": "2",
            "gpu": "0",
            "memory": "8Gi",
            "storage": {"class": "standard", "type": "gp3", "size": "50Gi", "minSize": "20Gi"},
            "architecture": "arm64",
            "machineControllerManager": {"machineCreationTimeout": "30m"},
        },
    ],
    "volumeTypes": [
        {"name": "gp3", "class": "standard", "usable": True, "minSize": "20Gi"},
        {"name": "io1", "class": "premium", "usable": True},
    ],
    "regions": [
        {
            "name": "eu-west-1",
            "zones": [
                {"name": "eu-west-1a"},
                {"name": "eu-west-1b", "unavailableMachineTypes": ["m6g.large"], "unavailableVolumeTypes": ["io1"]},
            ],
            "labels": {"seed.gardener.cloud/reliability": "high"},
            "accessRestrictions": [{"name": "eu-access-only"}],
        },
        {"name": "us-east-1"},
    ],
}

CLOUD_PROFILE: dict[str, Any] = {
    "apiVersion": CORE,
    "kind": "CloudProfile",
    "metadata": {"name": "aws", "creationTimestamp": "2025-11-01T10:00:00Z"},
    "spec": CLOUD_PROFILE_SPEC,
    "status": {
        "kubernetes": {"versions": [{"version": "1.32.0", "classification": "preview"}]},
        "machineImages": [
            {"name": "gardenlinux", "versions": [{"version": "1592.1.0", "classification": "supported"}]}
        ],
    },
}

NAMESPACED_CLOUD_PROFILE: dict[str, Any] = {
    "apiVersion": CORE,
    "kind": "NamespacedCloudProfile",
    "metadata": {"name": "aws-dev", "namespace": "garden-dev", "generation": 2},
    "spec": {
        "parent": {"kind": "CloudProfile", "name": "aws"},
        "kubernetes": {"versions": [{"version": "1.30.6", "expirationDate": "2026-06-30T23:59:59Z"}]},
        "machineImages": [
            {"name": "gardenlinux", "versions": [{"version": "1443.3.0", "expirationDate": "2026-06-30T23:59:59Z"}]}
        ],
        "machineTypes": [{"name": "p3.2xlarge", "cpu": "8", "gpu": "1", "memory": "61Gi", "usable": True}],
        "volumeTypes": [{"name": "st1", "class": "standard"}],
        "limits": {"maxNodesTotal": 50},
    },
    "status": {"cloudProfileSpec": CLOUD_PROFILE_SPEC, "observedGeneration": 2},
}

PROJECT: dict[str, Any] = {
    "apiVersion": CORE,
    "kind": "Project",
    "metadata": {"name": "dev", "uid": "5c3f8a1e-0000-4000-8000-000000000001", "generation": 3},
    "spec": {
        "createdBy": {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "alice@example.com"},
        "owner": {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "alice@example.com"},
        "description": "Development clusters",
        "purpose": "Experimenting with Gardener",
        "namespace": "garden-dev",
        "members": [
            {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "User",
                "name": "alice@example.com",
                "role": "admin",
                "roles": ["owner", "uam"],
            },
            {"kind": "ServiceAccount", "name": "robot", "namespace": "garden-dev", "role": "viewer"},
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "devs", "role": "extension:audit"},
        ],
        "tolerations": {
            "defaults": [{"key": "seed.gardener.cloud/protected"}],
            "whitelist": [{"key": "seed.gardener.cloud/protected"}, {"key": "dedicated", "value": "dev"}],
        },
        "dualApprovalForDeletion": [
            {
                "resource": "shoots",
                "selector": {"matchLabels": {"confirmation": "required"}},
                "includeServiceAccounts": False,
            }
        ],
    },
    "status": {
        "observedGeneration": 3,
        "phase": "Ready",
        "lastActivityTimestamp": "2025-11-20T08:30:00Z",
        "staleSinceTimestamp": "2025-11-21T00:00:00Z",
        "staleAutoDeleteTimestamp": "2026-02-19T00:00:00Z",
    },
}

QUOTA: dict[str, Any] = {
    "apiVersion": CORE,
    "kind": "Quota",
    "metadata": {"name": "trial-quota", "namespace": "garden-trial"},
    "spec": {
        "clusterLifetimeDays": 14,
        "metrics": {"cpu": "200", "gpu": "20", "memory": "4000Gi", "storage.standard": "8000Gi", "loadbalancer": "100"},
        "scope": {"apiVersion": "v1", "kind": "Secret"},
    },
}

BACKUP_BUCKET: dict[str, Any] = {
    "apiVersion": CORE,
    "kind": "BackupBucket",
    "metadata": {"name": "0f4c1b9e-aws-eu-west-1", "finalizers": ["gardener"]},
    "spec": {
        "provider": {"type": "aws", "region": "eu-west-1"},
        "providerConfig": {
            "apiVersion": "aws.provider.extensions.gardener.cloud/v1alpha1",
            "kind": "BackupBucketConfig",
        },
        "credentialsRef": {"apiVersion": "v1", "kind": "Secret", "name": "backup-operator", "namespace": "garden"},
        "seedName": "aws-eu1",
    },
    "status": {
        "observedGeneration": 1,
        "lastOperation": {
            "description": "Backup bucket reconciled successfully",
            "lastUpdateTime": "2025-11-20T09:00:00Z",
            "progress": 100,
            "state": "Succeeded",
            "type": "Reconcile",
        },
        "generatedSecretRef": {"name": "generated-bucket-0f4c1b9e", "namespace": "garden"},
        "providerStatus": {"region": "eu-west-1"},
    },
}

BACKUP_ENTRY: dict[str, Any] = {
    "apiVersion": CORE,
    "kind": "BackupEntry",
    "metadata": {"name": "shoot--dev--alpha--6a1b9e", "namespace": "garden-dev"},
    "spec": {"bucketName": "0f4c1b9e-aws-eu-west-1", "seedName": "aws-eu1"},
    "status": {
        "observedGeneration": 2,
        "seedName": "aws-eu2",
        "migrationStartTime": "2025-11-20T10:15:00Z",
        "lastOperation": {
            "description": "Migration of backup entry in progress",
            "lastUpdateTime": "2025-11-20T10:16:00Z",
            "progress": 40,
            "state": "Processing",
            "type": "Migrate",
        },
        "lastError": {
            "description": "bucket not reachable",
            "taskID": "waitUntilMigrated",
            "codes": ["ERR_INFRA_DEPENDENCIES"],
            "lastUpdateTime": "2025-11-20T10:16:00Z",
        },
    },
}

CONTROLLER_REGISTRATION: dict[str, Any] = {
    "apiVersion": CORE,
    "kind": "ControllerRegistration",
    "metadata": {"name": "provider-aws"},
    "spec": {
        "resources": [
            {"kind": "BackupBucket", "type": "aws", "primary": True},
            {"kind": "Infrastructure", "type": "aws"},
            {"kind": "Worker", "type": "aws", "reconcileTimeout": "10m0s"},
            {
                "kind": "Extension",
                "type": "shoot-dns-service",
                "autoEnable": ["shoot"],
                "clusterCompatibility": ["shoot", "seed"],
                "workerlessSupported": True,
                "lifecycle": {
                    "reconcile": "AfterKubeAPIServer",
                    "delete": "BeforeKubeAPIServer",
                    "migrate": "BeforeKubeAPIServer",
                },
            },
        ],
        "deployment": {
            "policy": "OnDemand",
            "seedSelector": {"matchExpressions": [{"key": "provider", "operator": "In", "values": ["aws"]}]},
            "deploymentRefs": [{"name": "provider-aws"}],
        },
    },
}

CONTROLLER_INSTALLATION: dict[str, Any] = {
    "apiVersion": CORE,
    "kind": "ControllerInstallation",
    "metadata": {"name": "provider-aws-x7k2p"},
    "spec": {
        "registrationRef": {
            "apiVersion": CORE,
            "kind": "ControllerRegistration",
            "name": "provider-aws",
            "resourceVersion": "4711",
        },
        "seedRef": {"apiVersion": CORE, "kind": "Seed", "name": "aws-eu1", "resourceVersion": "815"},
        "deploymentRef": {"apiVersion": CORE, "kind": "ControllerDeployment", "name": "provider-aws"},
    },
    "status": {
        "conditions": [
            {
                "type": "Installed",
                "status": "True",
                "lastTransitionTime": "2025-11-20T09:00:00Z",
                "lastUpdateTime": "2025-11-20T09:00:00Z",
                "reason": "InstallationSuccessful",
                "message": "Installation of new resources succeeded.",
            },
            {"type": "Healthy", "status": "True", "reason": "ControllerHealthy", "message": "All is well."},
        ],
        "providerStatus": {"helm": {"release": "provider-aws"}},
    },
}

EXPOSURE_CLASS: dict[str, Any] = {
    "apiVersion": CORE,
    "kind": "ExposureClass",
    "metadata": {"name": "internet"},
    "handler": "internet-config",
    "scheduling": {
        "seedSelector": {"matchLabels": {"network": "internet"}},
        "tolerations": [{"key": "network", "value": "internet"}],
    },
}

CREDENTIALS_BINDING: dict[str, Any] = {
    "apiVersion": "security.gardener.cloud/v1alpha1",
    "kind": "CredentialsBinding",
    "metadata": {"name": "aws-credentials", "namespace": "garden-dev"},
    "provider": {"type": "aws"},
    "credentialsRef": {"apiVersion": "v1", "kind": "Secret", "name": "aws-credentials", "namespace": "garden-dev"},
    "quotas": [{"name": "trial-quota", "namespace": "garden-trial"}],
}

MANIFESTS: list[tuple[type[Resource], dict[str, Any]]] = [
    (CloudProfile, CLOUD_PROFILE),
    (NamespacedCloudProfile, NAMESPACED_CLOUD_PROFILE),
    (Project, PROJECT),
    (Quota, QUOTA),
    (BackupBucket, BACKUP_BUCKET),
    (BackupEntry, BACKUP_ENTRY),
    (ControllerRegistration, CONTROLLER_REGISTRATION),
    (ControllerInstallation, CONTROLLER_INSTALLATION),
    (ExposureClass, EXPOSURE_CLASS),
    (CredentialsBinding, CREDENTIALS_BINDING),
]


@pytest.mark.parametrize(("kind", "manifest"), MANIFESTS, ids=[k.KIND for k, _ in MANIFESTS])
def test_round_trip_is_exact(kind: type[Resource], manifest: dict[str, Any]) -> None:
    original = copy.deepcopy(manifest)
    assert kind.parse(manifest).dump() == original
    assert manifest == original


@pytest.mark.parametrize(("kind", "manifest"), MANIFESTS, ids=[k.KIND for k, _ in MANIFESTS])
def test_kind_info_matches_the_manifest(kind: type[Resource], manifest: dict[str, Any]) -> None:
    info = resource_kind(kind)
    assert info.api_version == manifest["apiVersion"] == kind.API_VERSION
    assert info.kind == manifest["kind"] == kind.KIND
    assert info.namespaced == ("namespace" in manifest["metadata"])
    assert info.printer_columns[-1] == AGE
    assert info.description
    assert ("status" in kind.model_fields) == info.status


def test_kind_names_are_gardeners() -> None:
    names = {resource_kind(k).kind: (resource_kind(k).plural, resource_kind(k).short_names) for k, _ in MANIFESTS}
    assert names == {
        "CloudProfile": ("cloudprofiles", ("cprofile", "cpfl")),
        "NamespacedCloudProfile": ("namespacedcloudprofiles", ("nsprofile", "nscpfl")),
        "Project": ("projects", ()),
        "Quota": ("quotas", ("squota",)),
        "BackupBucket": ("backupbuckets", ("bbc",)),
        "BackupEntry": ("backupentries", ("bec",)),
        "ControllerRegistration": ("controllerregistrations", ("ctrlreg",)),
        "ControllerInstallation": ("controllerinstallations", ("ctrlinst",)),
        "ExposureClass": ("exposureclasses", ("expclass", "expcls")),
        "CredentialsBinding": ("credentialsbindings", ("cb",)),
    }
    project = resource_kind(Project)
    assert [(c.name, c.json_path) for c in project.printer_columns[:-1]] == [
        ("Namespace", ".spec.namespace"),
        ("Status", ".status.phase"),
        ("Owner", ".spec.owner.name"),
        ("Creator", ".spec.createdBy.name"),
    ]
    assert [(c.name, c.json_path) for c in resource_kind(CloudProfile).printer_columns[:-1]] == [
        ("Provider", ".spec.type")
    ]


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        stack: list[Any] = [field.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                _models(tp, seen)
            stack.extend(getattr(tp, "__args__", ()))


def test_wire_names_are_camel_case_and_acronyms_are_spelled_out() -> None:
    seen: set[type[BaseModel]] = set()
    for kind, _ in MANIFESTS:
        _models(kind, seen)
    explicit = {
        (model.__name__, name, field.alias)
        for model in seen
        for name, field in model.model_fields.items()
        if field.alias != to_camel(name)
    }
    assert explicit == {
        ("MachineTypeStorage", "class_", "class"),
        ("VolumeType", "class_", "class"),
        ("LastError", "task_id", "taskID"),
    }
    for model in seen:
        for field in model.model_fields.values():
            assert field.alias is not None
            assert "_" not in field.alias
    storage = MachineTypeStorage.model_validate({"class_": "standard", "type": "gp3"})
    assert storage.model_dump(by_alias=True, exclude_unset=True) == {
        "class": "standard",
        "type": "gp3",
    }
    assert VolumeType.model_validate({"name": "gp3", "class": "premium"}).class_ == "premium"
    ref = CoreObjectReference(api_version="v1", kind="Secret", resource_version="1", field_path="data")
    assert ref.model_dump(by_alias=True, exclude_unset=True) == {
        "apiVersion": "v1",
        "kind": "Secret",
        "resourceVersion": "1",
        "fieldPath": "data",
    }
    profile = CloudProfile.parse(CLOUD_PROFILE)
    assert profile.spec.ca_bundle is not None
    assert "caBundle" in profile.dump()["spec"]


def test_every_field_and_class_is_documented() -> None:
    seen: set[type[BaseModel]] = set()
    for kind, _ in MANIFESTS:
        _models(kind, seen)
    ours = [m for m in seen if m.__module__.startswith(("garden.api.core.", "garden.api.security."))]
    assert CloudProfile in ours
    assert CredentialsBinding in ours
    for model in ours:
        assert model.__doc__, model.__name__
        for name, field in model.model_fields.items():
            if name in vars(model).get("__annotations__", {}) and not any(
                name in b.model_fields for b in model.__bases__ if issubclass(b, BaseModel)
            ):
                assert field.description, f"{model.__name__}.{name}"


def test_credentials_binding_fields_are_top_level() -> None:
    binding = CredentialsBinding.parse(CREDENTIALS_BINDING)
    assert "spec" not in CredentialsBinding.model_fields
    assert binding.provider.type == "aws"
    assert binding.credentials_ref.api_version == "v1"
    assert binding.credentials_ref.kind == "Secret"
    assert binding.credentials_ref.namespace == "garden-dev"
    assert binding.quotas is not None
    assert binding.quotas[0].name == "trial-quota"
    out = binding.dump()
    assert "spec" not in out
    assert out["credentialsRef"]["name"] == "aws-credentials"
    assert resource_kind(CredentialsBinding).group == "security.gardener.cloud"


def test_cloud_profile_lookups() -> None:
    spec = CloudProfile.parse(CLOUD_PROFILE).spec
    region = spec.region("eu-west-1")
    assert region is not None
    assert region.zones is not None
    assert [z.name for z in region.zones] == ["eu-west-1a", "eu-west-1b"]
    assert spec.region("eu-central-1") is None

    machine_type = spec.machine_type("m6g.large")
    assert machine_type is not None
    assert machine_type.storage is not None
    assert machine_type.storage.min_size == "20Gi"
    assert spec.machine_type("m5.xlarge") is None

    volume_type = spec.volume_type("io1")
    assert volume_type is not None
    assert volume_type.class_ == "premium"
    assert spec.volume_type("gp2") is None

    image = spec.machine_image("gardenlinux")
    assert image is not None
    assert image.update_strategy == "minor"
    assert image.versions[0].cri is not None
    assert image.versions[0].cri[0].name == "containerd"
    assert spec.machine_image("coreos") is None


def test_cloud_profile_lookups_without_volume_types() -> None:
    spec = CloudProfileSpec.model_validate({k: v for k, v in CLOUD_PROFILE_SPEC.items() if k != "volumeTypes"})
    assert spec.volume_type("gp3") is None


def test_namespaced_cloud_profile_status_holds_a_full_spec() -> None:
    profile = NamespacedCloudProfile.parse(NAMESPACED_CLOUD_PROFILE)
    assert profile.spec.parent.name == "aws"
    assert profile.status is not None
    assert profile.status.cloud_profile_spec is not None
    assert profile.status.cloud_profile_spec.machine_type("m5.large") is not None


def test_timestamps_and_quantities_are_typed() -> None:
    profile = CloudProfile.parse(CLOUD_PROFILE)
    deprecated = profile.spec.kubernetes.versions[1]  # type: ignore[index]
    assert deprecated.expiration_date is not None
    assert deprecated.expiration_date.year == 2026
    quota = Quota.parse(QUOTA)
    assert quota.spec.metrics["memory"] == "4000Gi"
    assert quota.spec.scope.kind == "Secret"


@pytest.mark.parametrize(
    ("kind", "manifest", "path"),
    [
        (CloudProfile, CLOUD_PROFILE, ("spec", "type")),
        (CloudProfile, CLOUD_PROFILE, ("spec", "machineTypes", 0, "cpu")),
        (CloudProfile, CLOUD_PROFILE, ("spec", "volumeTypes", 0, "class")),
        (NamespacedCloudProfile, NAMESPACED_CLOUD_PROFILE, ("spec", "parent")),
        (Project, PROJECT, ("spec", "members", 0, "role")),
        (Quota, QUOTA, ("spec", "metrics")),
        (Quota, QUOTA, ("spec", "scope")),
        (BackupBucket, BACKUP_BUCKET, ("spec", "provider", "region")),
        (BackupEntry, BACKUP_ENTRY, ("spec", "bucketName")),
        (ControllerRegistration, CONTROLLER_REGISTRATION, ("spec", "resources", 0, "type")),
        (ControllerInstallation, CONTROLLER_INSTALLATION, ("spec", "registrationRef")),
        (ExposureClass, EXPOSURE_CLASS, ("handler",)),
        (CredentialsBinding, CREDENTIALS_BINDING, ("credentialsRef",)),
        (CredentialsBinding, CREDENTIALS_BINDING, ("provider",)),
    ],
)
def test_missing_required_field_is_rejected(
    kind: type[Resource], manifest: dict[str, Any], path: tuple[str | int, ...]
) -> None:
    broken = copy.deepcopy(manifest)
    parent: Any = broken
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    with pytest.raises(ValidationError):
        kind.parse(broken)


@pytest.mark.parametrize(
    ("kind", "manifest", "path", "value"),
    [
        (CloudProfile, CLOUD_PROFILE, ("spec", "kubernetes", "versions", 0, "classification"), "beta"),
        (CloudProfile, CLOUD_PROFILE, ("spec", "machineImages", 0, "updateStrategy"), "always"),
        (Project, PROJECT, ("status", "phase"), "Deleting"),
        (ControllerRegistration, CONTROLLER_REGISTRATION, ("spec", "deployment", "policy"), "Sometimes"),
    ],
)
def test_closed_sets_reject_unknown_values(
    kind: type[Resource], manifest: dict[str, Any], path: tuple[str | int, ...], value: str
) -> None:
    broken = copy.deepcopy(manifest)
    parent: Any = broken
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    with pytest.raises(ValidationError):
        kind.parse(broken)


def test_project_and_controller_registration_read_without_spec() -> None:
    project = Project.parse({"apiVersion": CORE, "kind": "Project", "metadata": {"name": "bare"}})
    assert project.spec.members is None
    assert project.dump() == {"apiVersion": CORE, "kind": "Project", "metadata": {"name": "bare"}}
    registration = ControllerRegistration.parse({"metadata": {"name": "bare"}})
    assert registration.spec.resources is None
