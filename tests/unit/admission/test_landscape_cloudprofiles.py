"""CloudProfileValidator and NamespacedCloudProfileValidator, and the real profiles in cloudprofiles/."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from garden.admission.landscape.cloudprofiles import CloudProfileValidator, NamespacedCloudProfileValidator
from tests.unit.admission.reader import DictReader, cloud_profile
from tests.unit.admission.test_landscape_fixtures import CORE, OPTIONS, admit, cause_paths, refused, request

pytestmark = pytest.mark.unit

Change = Callable[[dict[str, Any]], None]


@pytest.mark.parametrize("name", ["aws", "gcp", "local"])
async def test_the_real_profiles_are_valid(name: str) -> None:
    profile = cloud_profile(name)
    await admit(CloudProfileValidator(), request("CREATE", profile))
    await admit(CloudProfileValidator(), request("UPDATE", profile, profile))


def aws(change: Change) -> dict[str, Any]:
    profile = copy.deepcopy(cloud_profile("aws"))
    change(profile["spec"])
    return profile


def k8s(spec: dict[str, Any]) -> list[dict[str, Any]]:
    versions: list[dict[str, Any]] = spec["kubernetes"]["versions"]
    return versions


def image(spec: dict[str, Any], index: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = spec["machineImages"][index]
    return found


def set_(path: list[str | int], value: Any) -> Change:
    def change(spec: dict[str, Any]) -> None:
        target: Any = spec
        for key in path[:-1]:
            target = target[key]
        if value is None:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


def append(path: list[str | int], value: Any) -> Change:
    def change(spec: dict[str, Any]) -> None:
        target: Any = spec
        for key in path:
            target = target[key]
        target.append(copy.deepcopy(value))

    return change


CONTAINERD = [{"name": "containerd"}]
M5 = {"name": "m5.large", "cpu": "2", "gpu": "0", "memory": "8Gi"}
CERT_LESS = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"


@pytest.mark.parametrize(
    ("change", "path", "reason"),
    [
        (set_(["type"], ""), "spec.type", "FieldValueRequired"),
        (set_(["kubernetes", "versions"], []), "spec.kubernetes.versions", "FieldValueRequired"),
        (
            set_(["kubernetes", "versions", 1, "version"], "1.37"),
            "spec.kubernetes.versions[1].version",
            "FieldValueInvalid",
        ),
        (
            set_(["kubernetes", "versions", 1, "version"], "1.37.0"),
            "spec.kubernetes.versions[2].version",
            "FieldValueDuplicate",
        ),
        (
            set_(["kubernetes", "versions", 0, "expirationDate"], "2027-12-31T00:00:00Z"),
            "spec.kubernetes.versions[0].expirationDate",
            "FieldValueInvalid",
        ),
        (
            set_(["kubernetes", "versions", 2, "classification"], "supported"),
            "spec.kubernetes.versions[2]",
            "FieldValueForbidden",
        ),
        (
            set_(["kubernetes", "versions", 3, "lifecycle"], [{"classification": "supported"}]),
            "spec.kubernetes.versions[3].lifecycle",
            "FieldValueForbidden",
        ),
        (
            set_(
                ["kubernetes", "versions", 0],
                {"version": "1.37.2", "lifecycle": [{"classification": "supported"}, {"classification": "preview"}]},
            ),
            "spec.kubernetes.versions[0].lifecycle[1].classification",
            "FieldValueInvalid",
        ),
        (set_(["machineImages"], []), "spec.machineImages", "FieldValueRequired"),
        (set_(["machineImages", 1, "name"], "gardenlinux"), "spec.machineImages[1].name", "FieldValueDuplicate"),
        (
            set_(["machineImages", 0, "updateStrategy"], None),
            "spec.machineImages[0].updateStrategy",
            "FieldValueRequired",
        ),
        (
            set_(["machineImages", 0, "versions", 0, "version"], "latest"),
            "spec.machineImages[0].versions[0].version",
            "FieldValueInvalid",
        ),
        (
            set_(["machineImages", 0, "versions", 1, "version"], "1877.3"),
            "spec.machineImages[0].versions[1].version",
            "FieldValueDuplicate",
        ),
        (
            set_(["machineImages", 0, "versions", 0, "cri"], []),
            "spec.machineImages[0].versions[0].cri",
            "FieldValueRequired",
        ),
        (
            set_(["machineImages", 0, "versions", 0, "architectures"], ["amd64", "riscv"]),
            "spec.machineImages[0].versions[0].architectures[1]",
            "FieldValueNotSupported",
        ),
        (
            set_(["machineImages", 0, "versions", 0, "architectures"], None),
            "spec.machineImages[0].versions[0].architectures",
            "FieldValueRequired",
        ),
        (
            set_(["machineImages", 0, "versions", 0, "kubeletVersionConstraint"], "newer than 1.30"),
            "spec.machineImages[0].versions[0].kubeletVersionConstraint",
            "FieldValueInvalid",
        ),
        (
            set_(
                ["machineImages", 0, "versions", 1],
                {"version": "1877.3.1", "classification": "supported", "cri": CONTAINERD, "architectures": ["amd64"]},
            ),
            "spec.machineImages[0].versions[1]",
            "FieldValueForbidden",
        ),
        (set_(["machineTypes"], []), "spec.machineTypes", "FieldValueRequired"),
        (append(["machineTypes"], M5), "spec.machineTypes[14].name", "FieldValueDuplicate"),
        (set_(["machineTypes", 0, "cpu"], "two"), "spec.machineTypes[0].cpu", "FieldValueInvalid"),
        (set_(["machineTypes", 0, "memory"], "-8Gi"), "spec.machineTypes[0].memory", "FieldValueInvalid"),
        (
            set_(["machineTypes", 0, "architecture"], "sparc"),
            "spec.machineTypes[0].architecture",
            "FieldValueNotSupported",
        ),
        (
            set_(
                ["machineTypes", 0, "storage"], {"class": "standard", "type": "gp3", "size": "20Gi", "minSize": "10Gi"}
            ),
            "spec.machineTypes[0].storage",
            "FieldValueInvalid",
        ),
        (
            append(["volumeTypes"], {"name": "gp3", "class": "standard"}),
            "spec.volumeTypes[3].name",
            "FieldValueDuplicate",
        ),
        (set_(["volumeTypes", 0, "class"], ""), "spec.volumeTypes[0].class", "FieldValueRequired"),
        (set_(["volumeTypes", 0, "minSize"], "big"), "spec.volumeTypes[0].minSize", "FieldValueInvalid"),
        (set_(["regions"], []), "spec.regions", "FieldValueRequired"),
        (set_(["regions", 1, "name"], "eu-central-1"), "spec.regions[1].name", "FieldValueDuplicate"),
        (
            set_(["regions", 0, "zones", 1, "name"], "eu-central-1a"),
            "spec.regions[0].zones[1].name",
            "FieldValueDuplicate",
        ),
        (
            set_(["regions", 0, "zones", 2, "unavailableMachineTypes"], ["z9.huge"]),
            "spec.regions[0].zones[2].unavailableMachineTypes[0]",
            "FieldValueNotSupported",
        ),
        (
            set_(["regions", 0, "zones", 2, "unavailableVolumeTypes"], ["gp9"]),
            "spec.regions[0].zones[2].unavailableVolumeTypes[0]",
            "FieldValueNotSupported",
        ),
        (set_(["bastion"], {"machineType": {"name": "z9.huge"}}), "spec.bastion.machineType.name", "FieldValueInvalid"),
        (
            set_(["bastion"], {"machineImage": {"name": "windows"}}),
            "spec.bastion.machineImage.name",
            "FieldValueInvalid",
        ),
        (set_(["limits"], {"maxNodesTotal": 0}), "spec.limits.maxNodesTotal", "FieldValueInvalid"),
        (set_(["caBundle"], CERT_LESS), "spec.caBundle", "FieldValueInvalid"),
    ],
)
async def test_profile_rules(change: Change, path: str, reason: str) -> None:
    error = await refused(CloudProfileValidator(), request("CREATE", aws(change)), 422)
    assert (path, reason) in [(c.path, c.type) for c in error.causes], error.message


async def test_an_unknown_classification_names_the_allowed_ones() -> None:
    body = aws(set_(["kubernetes", "versions", 1, "classification"], "beta"))
    error = await refused(CloudProfileValidator(), request("CREATE", body), 422)
    assert cause_paths(error) == ["spec.kubernetes.versions[1].classification"]
    assert "'preview', 'supported' or 'deprecated'" in error.message


def namespaced(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": f"{CORE}/v1beta1",
        "kind": "NamespacedCloudProfile",
        "metadata": {"name": "aws-dev", "namespace": "garden-dev"},
        "spec": {"parent": {"kind": "CloudProfile", "name": "aws"}, **spec},
    }


def nscp() -> NamespacedCloudProfileValidator:
    return NamespacedCloudProfileValidator(DictReader(cloud_profile("aws")), OPTIONS)


async def test_a_namespaced_profile_may_extend_its_parent() -> None:
    body = namespaced(
        kubernetes={"versions": [{"version": "1.35.2", "expirationDate": "2027-06-30T00:00:00Z"}]},
        machineTypes=[{"name": "m5.metal", "cpu": "96", "gpu": "0", "memory": "384Gi", "architecture": "amd64"}],
        volumeTypes=[{"name": "st1", "class": "standard"}],
        machineImages=[
            {
                "name": "gardenlinux",
                "versions": [
                    {"version": "1877.2", "expirationDate": "2027-06-30T00:00:00Z"},
                    {"version": "1877.4", "cri": CONTAINERD, "architectures": ["amd64"]},
                ],
            },
            {
                "name": "flatcar",
                "updateStrategy": "minor",
                "versions": [{"version": "4152.2.0", "cri": CONTAINERD, "architectures": ["amd64"]}],
            },
        ],
    )
    await admit(nscp(), request("CREATE", body))


@pytest.mark.parametrize(
    ("spec", "path", "reason"),
    [
        ({"parent": {"kind": "NamespacedCloudProfile", "name": "aws"}}, "spec.parent.kind", "FieldValueNotSupported"),
        ({"parent": {"kind": "CloudProfile", "name": "azure"}}, "spec.parent.name", "FieldValueNotFound"),
        (
            {"kubernetes": {"versions": [{"version": "1.99.0", "expirationDate": "2027-01-01T00:00:00Z"}]}},
            "spec.kubernetes.versions[0].version",
            "FieldValueInvalid",
        ),
        (
            {"kubernetes": {"versions": [{"version": "1.35.2"}]}},
            "spec.kubernetes.versions[0].expirationDate",
            "FieldValueRequired",
        ),
        (
            {"kubernetes": {"versions": [{"version": "1.37.2", "expirationDate": "2027-01-01T00:00:00Z"}]}},
            "spec.kubernetes.versions[0].expirationDate",
            "FieldValueInvalid",
        ),
        (
            {"machineTypes": [{"name": "m5.large", "cpu": "2", "gpu": "0", "memory": "8Gi"}]},
            "spec.machineTypes[0].name",
            "FieldValueInvalid",
        ),
        ({"volumeTypes": [{"name": "gp3", "class": "standard"}]}, "spec.volumeTypes[0].name", "FieldValueInvalid"),
        (
            {"machineImages": [{"name": "gardenlinux", "updateStrategy": "major", "versions": []}]},
            "spec.machineImages[0].updateStrategy",
            "FieldValueForbidden",
        ),
        (
            {
                "machineImages": [
                    {
                        "name": "gardenlinux",
                        "versions": [
                            {
                                "version": "1877.2",
                                "classification": "supported",
                                "expirationDate": "2027-06-30T00:00:00Z",
                            }
                        ],
                    }
                ]
            },
            "spec.machineImages[0].versions[0].classification",
            "FieldValueForbidden",
        ),
        (
            {"machineImages": [{"name": "gardenlinux", "versions": [{"version": "1877.2"}]}]},
            "spec.machineImages[0].versions[0].expirationDate",
            "FieldValueRequired",
        ),
        (
            {"machineImages": [{"name": "flatcar", "versions": [{"version": "4152.2.0", "cri": CONTAINERD}]}]},
            "spec.machineImages[0].updateStrategy",
            "FieldValueRequired",
        ),
        (
            {
                "machineImages": [
                    {
                        "name": "flatcar",
                        "updateStrategy": "minor",
                        "versions": [{"version": "4152.2.0", "cri": CONTAINERD}],
                    }
                ]
            },
            "spec.machineImages[0].versions[0].architectures",
            "FieldValueRequired",
        ),
    ],
)
async def test_namespaced_profile_rules(spec: dict[str, Any], path: str, reason: str) -> None:
    error = await refused(nscp(), request("CREATE", namespaced(**spec)), 422)
    assert (path, reason) in [(c.path, c.type) for c in error.causes], error.message


async def test_namespaced_updates() -> None:
    past = {"version": "1.35.2", "expirationDate": "2026-10-01T00:00:00Z"}
    old = namespaced(
        kubernetes={"versions": [past]},
        machineTypes=[{"name": "m5.large", "cpu": "2", "gpu": "0", "memory": "8Gi"}],  # before the parent had it
    )
    # What was there may stay, even an expiry that has passed since.
    same = copy.deepcopy(old)
    same["metadata"]["labels"] = {"a": "b"}
    same["spec"]["volumeTypes"] = [{"name": "st1", "class": "standard"}]
    await admit(nscp(), request("UPDATE", same, old))
    moved = namespaced(kubernetes={"versions": [{**past, "expirationDate": "2026-11-01T00:00:00Z"}]})
    error = await refused(nscp(), request("UPDATE", moved, old), 422)
    assert cause_paths(error) == ["spec.kubernetes.versions[0].expirationDate"]
    assert "is in the past" in error.message
    reparented = namespaced(parent={"kind": "CloudProfile", "name": "gcp"})
    error = await refused(
        NamespacedCloudProfileValidator(DictReader(cloud_profile("aws"), cloud_profile("gcp")), OPTIONS),
        request("UPDATE", reparented, old),
        422,
    )
    assert "spec.parent" in cause_paths(error)
