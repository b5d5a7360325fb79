"""ShootValidation against the cloud profile: a shoot uses only what the real aws catalogue offers; UPDATEs are
checked only for what changed."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from garden.admission.chain import AdmissionOptions
from garden.admission.request import Chain
from garden.admission.shoot import plugins
from tests.unit.admission.reader import DictReader
from tests.unit.admission.test_shoot_common import (
    NAMESPACE,
    PROFILES,
    admit,
    cause,
    created,
    garden,
    paths,
    refusal,
    request,
    shoot,
    worker,
)

pytestmark = pytest.mark.unit

W0 = "spec.provider.workers[0]"


def _profile(change: Any) -> DictReader:
    """The aws catalogue, changed, plus the local one."""
    aws = copy.deepcopy(PROFILES["aws"])
    change(aws["spec"])
    return DictReader(aws, PROFILES["local"])


# --- the profile itself ---------------------------------------------------------------------------------------------


async def test_an_unknown_profile_is_not_found() -> None:
    error = await refusal(shoot(cloudProfile={"name": "azure"}))
    assert error.code == 422
    assert paths(error) == ["spec.cloudProfile.name"], "not also that 1.36 could not be completed without it"
    found = cause(error, "spec.cloudProfile.name")
    assert found.type == "FieldValueNotFound"
    assert found.render() == 'spec.cloudProfile.name: Not found: "azure": CloudProfile "azure" not found'
    error = await refusal(shoot(cloudProfile={"kind": "NamespacedCloudProfile", "name": "mine"}))
    assert "not found" in cause(error, "spec.cloudProfile.name").message


async def test_the_provider_type_must_be_the_profiles() -> None:
    obj = shoot()
    obj["spec"]["provider"]["type"] = "gcp"
    worker(obj)["zones"] = ["nowhere"]
    error = await refusal(obj)
    assert paths(error) == ["spec.provider.type"], "nothing else is checked: it would mislead"
    assert 'referenced CloudProfile: "aws"' in error.causes[0].message


async def test_profile_and_static_problems_come_in_one_422() -> None:
    obj = shoot(region="eu-west-9")
    worker(obj)["minimum"] = 9
    error = await refusal(obj)
    assert paths(error) == ["spec.region", f"{W0}.maximum"]


# --- region and zones -----------------------------------------------------------------------------------------------


async def test_an_unknown_region_lists_the_supported_ones_sorted() -> None:
    error = await refusal(shoot(region="eu-west-9"))
    assert cause(error, "spec.region").render() == (
        'spec.region: Unsupported value: "eu-west-9": supported values: "ap-northeast-1", "ap-southeast-1", '
        '"eu-central-1", "eu-west-1", "us-east-1", "us-west-2"'
    )


async def test_an_unknown_zone_lists_the_regions_zones() -> None:
    obj = shoot()
    worker(obj)["zones"] = ["eu-central-1a", "eu-west-1a"]
    error = await refusal(obj)
    assert cause(error, f"{W0}.zones[1]").render() == (
        f'{W0}.zones[1]: Unsupported value: "eu-west-1a": supported values: '
        '"eu-central-1a", "eu-central-1b", "eu-central-1c"'
    )


async def test_zones_in_a_region_without_zones() -> None:
    reader = _profile(lambda spec: spec["regions"].append({"name": "zoneless"}))
    obj = shoot(region="zoneless")
    error = await refusal(obj, reader=reader)
    assert cause(error, f"{W0}.zones[0]").type == "FieldValueInvalid"


# --- Kubernetes versions ------------------------------------------------------------------------------------------


USABLE = '"1.35.1", "1.35.2", "1.36.0", "1.36.1", "1.36.2", "1.37.0", "1.37.1", "1.37.2 (preview)"'


@pytest.mark.parametrize("version", ["1.33.5", "1.34.1", "1.35.0", "1.32.8", "1.36.9"])
async def test_an_expired_or_unknown_kubernetes_version_lists_the_usable_ones(version: str) -> None:
    obj = shoot()
    obj["spec"]["kubernetes"]["version"] = version
    error = await refusal(obj)
    assert cause(error, "spec.kubernetes.version").render() == (
        f'spec.kubernetes.version: Unsupported value: "{version}": supported values: {USABLE}'
    )


@pytest.mark.parametrize("version", ["1.37.2", "1.36.0", "1.35.1"])
async def test_preview_and_deprecated_versions_may_be_chosen(version: str) -> None:
    obj = shoot()
    obj["spec"]["kubernetes"]["version"] = version
    await admit(obj)


async def test_a_pool_version_must_be_offered() -> None:
    obj = shoot()
    worker(obj)["kubernetes"] = {"version": "1.34.1"}
    error = await refusal(obj)
    assert paths(error) == [f"{W0}.kubernetes.version"]
    assert error.causes[0].type == "FieldValueNotSupported"


async def test_a_version_not_yet_available_is_refused() -> None:
    def change(spec: dict[str, Any]) -> None:
        spec["kubernetes"]["versions"].insert(
            0,
            {"version": "1.38.0", "lifecycle": [{"classification": "supported", "startTime": "2027-01-01T00:00:00Z"}]},
        )

    obj = shoot()
    obj["spec"]["kubernetes"]["version"] = "1.38.0"
    error = await refusal(obj, reader=_profile(change))
    assert paths(error) == ["spec.kubernetes.version"]
    later = AdmissionOptions(now=lambda: datetime(2027, 1, 2, tzinfo=UTC))
    await Chain(plugins(_profile(change), later)).admit(request(obj))


# --- machine types --------------------------------------------------------------------------------------------------


async def test_a_machine_type_not_offered_lists_the_fitting_ones() -> None:
    obj = shoot()
    worker(obj)["machine"]["type"] = "m7.huge"
    error = await refusal(obj)
    found = cause(error, f"{W0}.machine.type")
    assert found.type == "FieldValueNotSupported"
    assert "m5.large" in found.supported
    assert "m6g.large" not in found.supported, "arm64 types do not fit an amd64 pool"
    assert list(found.supported) == sorted(found.supported)


async def test_a_machine_type_unavailable_in_a_zone() -> None:
    obj = shoot()
    worker(obj)["machine"]["type"] = "p3.2xlarge"
    worker(obj)["zones"] = ["eu-central-1a", "eu-central-1c"]
    error = await refusal(obj)
    found = cause(error, f"{W0}.machine.type")
    assert found.type == "FieldValueInvalid"
    assert found.message.startswith('machine type "p3.2xlarge" is unavailable in zone "eu-central-1c"; supported types')
    worker(obj)["zones"] = ["eu-central-1a", "eu-central-1b"]
    await admit(obj)


async def test_an_unusable_machine_type() -> None:
    reader = _profile(lambda spec: spec["machineTypes"][0].update(usable=False))
    error = await refusal(shoot(), reader=reader)
    assert "is unusable" in cause(error, f"{W0}.machine.type").message


async def test_the_machine_type_must_have_the_pools_architecture() -> None:
    obj = shoot()
    worker(obj)["machine"].update(type="m6g.large", architecture="amd64")
    error = await refusal(obj)
    assert 'does not support CPU architecture "amd64"' in cause(error, f"{W0}.machine.type").message
    obj = shoot()
    worker(obj)["machine"]["type"] = "m6g.large"
    admitted = await admit(obj)
    assert worker(admitted)["machine"]["architecture"] == "arm64"


# --- machine images -------------------------------------------------------------------------------------------------


async def test_an_unknown_image() -> None:
    obj = shoot()
    worker(obj)["machine"]["image"] = {"name": "windows", "version": "2025"}
    error = await refusal(obj)
    assert cause(error, f"{W0}.machine.image.name").render() == (
        f'{W0}.machine.image.name: Unsupported value: "windows": supported values: "gardenlinux", "ubuntu"'
    )


@pytest.mark.parametrize("version", ["1443.10", "1877.9", "1443"])
async def test_an_expired_or_unknown_image_version_lists_the_usable_ones(version: str) -> None:
    obj = shoot()
    worker(obj)["machine"]["image"] = {"name": "gardenlinux", "version": version}
    error = await refusal(obj)
    assert cause(error, f"{W0}.machine.image.version").render() == (
        f'{W0}.machine.image.version: Unsupported value: "{version}": supported values: "1592.9", "1877.2", "1877.3"'
    )


async def test_an_image_version_without_the_pools_architecture() -> None:
    def change(spec: dict[str, Any]) -> None:
        spec["machineImages"][1]["versions"][1]["architectures"] = ["amd64"]  # ubuntu 22.4

    obj = shoot()
    worker(obj)["machine"].update(type="m6g.large", image={"name": "ubuntu", "version": "22.4.20251001"})
    error = await refusal(obj, reader=_profile(change))
    found = cause(error, f"{W0}.machine.image")
    assert 'does not support CPU architecture "arm64"' in found.message
    assert '"24.4.20251001"' in found.message


async def test_the_kubelet_version_constraint_of_the_image() -> None:
    def change(spec: dict[str, Any]) -> None:
        spec["machineImages"][0]["versions"][0]["kubeletVersionConstraint"] = "< 1.36"  # gardenlinux 1877.3

    obj = await admit(shoot(), reader=_profile(change))
    assert worker(obj)["machine"]["image"]["version"] == "1877.2", "defaulting picks a fitting version"
    obj = shoot()
    worker(obj)["machine"]["image"] = {"name": "gardenlinux", "version": "1877.3"}
    error = await refusal(obj, reader=_profile(change))
    assert cause(error, f"{W0}.machine.image").message == (
        'machine image version "gardenlinux:1877.3" does not support kubelet version "1.36.2", '
        'supported kubelet versions: "< 1.36"'
    )
    worker(obj)["kubernetes"] = {"version": "1.35.2"}
    await admit(obj, reader=_profile(change))


async def test_the_kubelet_constraint_is_checked_when_kubernetes_is_upgraded() -> None:
    def change(spec: dict[str, Any]) -> None:
        spec["machineImages"][0]["versions"][0]["kubeletVersionConstraint"] = "< 1.37"

    reader = _profile(change)
    before = await created(shoot(), reader=reader)
    after = copy.deepcopy(before)
    after["spec"]["kubernetes"]["version"] = "1.37.1"
    error = await refusal(after, before, reader=reader)
    assert paths(error) == [f"{W0}.machine.image"]


async def test_no_image_fits_the_pool() -> None:
    reader = _profile(
        lambda spec: spec.update(
            machineImages=[{"name": "arm", "versions": [{"version": "1.0.0", "architectures": ["arm64"]}]}]
        )
    )
    error = await refusal(shoot(), reader=reader)
    assert 'no machine image for architecture "amd64"' in cause(error, f"{W0}.machine.image").message


async def test_container_runtimes_must_be_offered_by_the_image() -> None:
    def change(spec: dict[str, Any]) -> None:
        spec["machineImages"][0]["versions"][0]["cri"] = [
            {"name": "containerd", "containerRuntimes": [{"type": "gvisor"}]}
        ]

    obj = shoot()
    worker(obj)["cri"] = {"name": "containerd", "containerRuntimes": [{"type": "gvisor"}, {"type": "kata"}]}
    error = await refusal(obj, reader=_profile(change))
    assert cause(error, f"{W0}.cri.containerRuntimes[1].type").render().endswith('supported values: "gvisor"')


# --- volumes ------------------------------------------------------------------------------------------------------


async def test_volume_type_offered_usable_and_large_enough() -> None:
    obj = shoot()
    worker(obj)["volume"] = {"type": "st1", "size": "50Gi"}
    error = await refusal(obj)
    assert cause(error, f"{W0}.volume.type").render() == (
        f'{W0}.volume.type: Unsupported value: "st1": supported values: "gp2", "gp3", "io1"'
    )
    obj = shoot()
    worker(obj)["volume"] = {"type": "gp3", "size": "10Gi"}
    error = await refusal(obj)
    assert cause(error, f"{W0}.volume.size").render() == (
        f'{W0}.volume.size: Invalid value: "10Gi": size must be >= 20Gi'
    )
    reader = _profile(lambda spec: spec["volumeTypes"][0].update(usable=False))
    error = await refusal(shoot(), reader=reader)
    assert "is unusable" in cause(error, f"{W0}.volume.type").message


async def test_a_machine_types_storage_minimum_overrides_the_volume_types() -> None:
    def change(spec: dict[str, Any]) -> None:
        spec["machineTypes"][0]["storage"] = {"class": "standard", "type": "gp3", "minSize": "100Gi"}

    error = await refusal(shoot(), reader=_profile(change))
    assert cause(error, f"{W0}.volume.size").message == "size must be >= 100Gi"


async def test_volume_type_unavailable_in_a_zone() -> None:
    reader = _profile(lambda spec: spec["regions"][0]["zones"][1].update(unavailableVolumeTypes=["gp3"]))
    error = await refusal(shoot(), reader=reader)
    assert 'is unavailable in zone "eu-central-1b"' in cause(error, f"{W0}.volume.type").message


# --- namespaced profiles and profile changes -------------------------------------------------------------------------


def _namespaced(name: str = "aws-dev", parent: str = "aws", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "NamespacedCloudProfile",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {"parent": {"kind": "CloudProfile", "name": parent}, **spec},
    }


async def test_a_namespaced_profile_can_extend_an_expired_version() -> None:
    extended = _namespaced(kubernetes={"versions": [{"version": "1.34.1", "expirationDate": "2027-06-01T00:00:00Z"}]})
    obj = shoot(cloudProfile={"kind": "NamespacedCloudProfile", "name": "aws-dev"})
    obj["spec"]["kubernetes"]["version"] = "1.34.1"
    await admit(obj, reader=garden(extended))


async def test_switching_profiles_stays_within_the_hierarchy() -> None:
    reader = garden(_namespaced(), _namespaced("local-dev", parent="local"))
    before = await created(shoot(), reader=reader)
    to_namespaced = copy.deepcopy(before)
    to_namespaced["spec"]["cloudProfile"] = {"kind": "NamespacedCloudProfile", "name": "aws-dev"}
    await admit(to_namespaced, before, reader=reader)
    back = copy.deepcopy(to_namespaced)
    back["spec"]["cloudProfile"] = {"kind": "CloudProfile", "name": "aws"}
    await admit(back, to_namespaced, reader=reader)
    elsewhere = copy.deepcopy(before)
    elsewhere["spec"]["cloudProfile"] = {"kind": "NamespacedCloudProfile", "name": "local-dev"}
    error = await refusal(elsewhere, before, reader=reader)
    assert "spec.cloudProfile" in paths(error)
    other = copy.deepcopy(before)
    other["spec"]["cloudProfile"] = {"kind": "CloudProfile", "name": "local"}
    assert "spec.cloudProfile" in paths(await refusal(other, before, reader=reader))


# --- UPDATE checks only what changed ----------------------------------------------------------------------------------


async def test_an_existing_shoot_may_keep_what_has_expired_since() -> None:
    old = shoot()
    old["spec"]["kubernetes"]["version"] = "1.33.5"
    worker(old)["machine"]["image"] = {"name": "gardenlinux", "version": "1443.10"}
    last_year = AdmissionOptions(now=lambda: datetime(2025, 11, 1, tzinfo=UTC))
    await Chain(plugins(garden(), last_year)).admit(request(old))
    new = copy.deepcopy(old)
    new["metadata"]["labels"] = {"team": "a"}
    new["spec"]["hibernation"] = {"enabled": True}
    await admit(new, old)


async def test_an_update_to_an_expired_version_is_refused() -> None:
    old = await created(shoot())
    new = copy.deepcopy(old)
    worker(new)["machine"]["image"]["version"] = "1443.10"
    assert paths(await refusal(new, old)) == [f"{W0}.machine.image.version"]


async def test_a_withdrawn_machine_type_stays_until_changed() -> None:
    old = await created(shoot())
    reader = _profile(lambda spec: spec["machineTypes"][0].update(usable=False))
    new = copy.deepcopy(old)
    new["spec"]["provider"]["workers"][0]["maximum"] = 5
    await admit(new, old, reader=reader)
    new["spec"]["provider"]["workers"][0]["zones"].append("eu-central-1c")
    assert f"{W0}.machine.type" in paths(await refusal(new, old, reader=reader))


async def test_a_new_pool_is_checked_in_full() -> None:
    old = await created(shoot())
    new = copy.deepcopy(old)
    new["spec"]["provider"]["workers"].append(
        {"name": "gpu", "machine": {"type": "p3.2xlarge"}, "minimum": 0, "maximum": 1, "zones": ["eu-central-1c"]}
    )
    assert paths(await refusal(new, old)) == ["spec.provider.workers[1].machine.type"]


async def test_metadata_only_updates_are_not_checked_even_without_the_profile() -> None:
    old = await created(shoot())
    new = copy.deepcopy(old)
    new["metadata"]["finalizers"] = []
    await admit(new, old, reader=DictReader())
