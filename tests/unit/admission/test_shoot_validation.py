"""ShootValidation's static rules: the shoot's own, and on UPDATE what may not change. Each rule refuses with a 422
whose cause names the exact field; all problems (with those against the profile) come in one refusal."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from garden.admission.shoot.validation import ShootValidation, _worker_version, go_duration
from kubelite.apiserver.errors import APIError
from tests.unit.admission.test_shoot_common import (
    OPTIONS,
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


async def test_several_problems_come_in_one_422_naming_each_field() -> None:
    obj = shoot()
    worker(obj)["minimum"] = 4
    obj["spec"]["networking"]["nodes"] = "10.250.0.0/33"
    obj["spec"]["purpose"] = "infrastructure"
    error = await refusal(obj)
    assert error.code == 422
    assert error.reason == "Invalid"
    assert error.message.startswith('Shoot.core.gardener.cloud "dev" is invalid: [')
    assert set(paths(error)) == {f"{W0}.maximum", "spec.networking.nodes", "spec.purpose"}
    assert cause(error, f"{W0}.maximum").render() == (
        f"{W0}.maximum: Forbidden: maximum value must not be less than minimum value"
    )


# --- names and references -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Dev", "dev_1", "-dev", "a" * 64, "my--shoot"])
async def test_the_name_is_a_dns_label(name: str) -> None:
    error = await refusal(shoot(name))
    assert "metadata.name" in paths(error)


async def test_a_cloud_profile_region_and_provider_type_are_required() -> None:
    obj = shoot(region="")
    del obj["spec"]["cloudProfile"]
    obj["spec"]["provider"]["type"] = ""
    error = await refusal(obj)
    assert {"spec.cloudProfile.name", "spec.region", "spec.provider.type"} <= set(paths(error))


async def test_cloud_profile_name_must_agree_with_cloud_profile() -> None:
    error = await refusal(shoot(cloudProfileName="gcp"))
    assert cause(error, "spec.cloudProfileName").type == "FieldValueInvalid"
    await admit(shoot(cloudProfileName="aws"))


async def test_bindings_exactly_one_with_workers_never_both() -> None:
    obj = shoot()
    del obj["spec"]["secretBindingName"]
    error = await refusal(obj)
    assert cause(error, "spec.secretBindingName").type == "FieldValueRequired"
    await admit(shoot(secretBindingName=None, credentialsBindingName="aws"))
    error = await refusal(shoot(credentialsBindingName="aws"))
    assert cause(error, "spec.secretBindingName").type == "FieldValueForbidden"
    workerless = shoot()
    workerless["spec"]["provider"]["workers"] = []
    del workerless["spec"]["secretBindingName"]
    await admit(workerless)


async def test_an_empty_seed_name_is_invalid() -> None:
    error = await refusal(shoot(seedName=""))
    assert paths(error) == ["spec.seedName"]


# --- Kubernetes version ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.34", "1.99", "latest"])
async def test_the_version_must_be_full_after_defaulting(version: str) -> None:
    obj = shoot()
    obj["spec"]["kubernetes"]["version"] = version
    error = await refusal(obj)
    assert paths(error) == ["spec.kubernetes.version"]
    assert "full semantic version" in error.causes[0].message


# --- workers --------------------------------------------------------------------------------------------------------


def _two_pools(**second: Any) -> dict[str, Any]:
    obj = shoot()
    pool = copy.deepcopy(worker(obj))
    pool.update({"name": "worker-2", **second})
    obj["spec"]["provider"]["workers"].append(pool)
    return obj


async def test_worker_names_unique_dns_labels_of_at_most_15_characters() -> None:
    error = await refusal(_two_pools(name="worker-1"))
    assert cause(error, "spec.provider.workers[1].name").type == "FieldValueDuplicate"
    error = await refusal(_two_pools(name="a-very-long-pool"))
    assert cause(error, "spec.provider.workers[1].name").type == "FieldValueTooLong"
    error = await refusal(_two_pools(name="Pool"))
    assert cause(error, "spec.provider.workers[1].name").type == "FieldValueInvalid"
    await admit(_two_pools(name="fifteen-chars-x"))


async def test_minimum_and_maximum() -> None:
    error = await refusal(_two_pools(minimum=-1, maximum=-2))
    assert set(paths(error)) == {
        "spec.provider.workers[1].minimum",
        "spec.provider.workers[1].maximum",
    }
    assert len(error.causes) == 3  # two negatives and maximum < minimum
    await admit(_two_pools(minimum=0, maximum=0))
    await admit(_two_pools(minimum=2, maximum=2))


@pytest.mark.parametrize(
    ("surge", "unavailable", "bad"),
    [
        (0, 0, "maxUnavailable"),
        ("0%", 0, "maxUnavailable"),
        (0, "0%", "maxUnavailable"),
        (-1, 1, "maxSurge"),
        ("x", 1, "maxSurge"),
        ("1", 1, "maxSurge"),
        (1, "101%", "maxUnavailable"),
        (1, -1, "maxUnavailable"),
    ],
)
async def test_max_surge_and_max_unavailable(surge: Any, unavailable: Any, bad: str) -> None:
    error = await refusal(_two_pools(maxSurge=surge, maxUnavailable=unavailable))
    assert paths(error) == [f"spec.provider.workers[1].{bad}"]


@pytest.mark.parametrize(("surge", "unavailable"), [(0, 1), (1, 0), ("25%", "0%"), ("0%", "100%"), (3, 2)])
async def test_valid_rollouts(surge: Any, unavailable: Any) -> None:
    await admit(_two_pools(maxSurge=surge, maxUnavailable=unavailable))


async def test_zones_are_unique_within_a_pool() -> None:
    error = await refusal(_two_pools(zones=["eu-central-1a", "eu-central-1b", "eu-central-1a"]))
    assert cause(error, "spec.provider.workers[1].zones[2]").type == "FieldValueDuplicate"


async def test_architecture_and_cri() -> None:
    obj = shoot()
    worker(obj)["machine"]["architecture"] = "riscv64"
    error = await refusal(obj)
    assert cause(error, f"{W0}.machine.architecture").render().endswith('supported values: "amd64", "arm64"')
    obj = shoot()
    worker(obj)["cri"] = {"name": "containerd", "containerRuntimes": [{"type": "gvisor"}, {"type": "gvisor"}]}
    error = await refusal(obj)
    assert f"{W0}.cri.containerRuntimes[1].type" in paths(error)


async def test_volume_sizes_and_data_volumes() -> None:
    obj = shoot()
    worker(obj)["volume"]["size"] = "50G"
    worker(obj)["dataVolumes"] = [
        {"name": "data", "size": "10Gi"},
        {"name": "data", "size": "1Ti"},
        {"name": "a-very-long-volume", "size": "10Gi"},
    ]
    error = await refusal(obj)
    assert set(paths(error)) == {
        f"{W0}.volume.size",
        f"{W0}.dataVolumes[1].name",
        f"{W0}.dataVolumes[1].size",
        f"{W0}.dataVolumes[2].name",
    }


async def test_a_pool_version_is_not_newer_than_the_control_plane_nor_too_far_behind() -> None:
    obj = shoot()
    worker(obj)["kubernetes"] = {"version": "1.37.1"}
    error = await refusal(obj)
    assert cause(error, f"{W0}.kubernetes.version").type == "FieldValueForbidden"
    obj = shoot()
    worker(obj)["kubernetes"] = {"version": "1.35.2"}
    await admit(obj)


async def test_a_pool_version_skew_rule() -> None:
    assert _worker_version("1.33.5", "1.36.2", "p") == []
    assert [e.type for e in _worker_version("1.32.9", "1.36.2", "p")] == ["FieldValueForbidden"]
    assert [e.type for e in _worker_version("1.24.0", "1.27.1", "p")] == ["FieldValueForbidden"]
    assert _worker_version("1.25.0", "1.27.1", "p") == []
    assert [e.type for e in _worker_version("1.36", "1.36.2", "p")] == ["FieldValueInvalid"]


# --- networking ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("networking", "bad"),
    [
        ({"nodes": "10.250.0.0/33"}, ["spec.networking.nodes"]),
        ({"nodes": "10.250.0.0"}, ["spec.networking.nodes"]),
        ({"nodes": "not-a-cidr"}, ["spec.networking.nodes"]),
        ({"nodes": "10.250.0.1/16"}, ["spec.networking.nodes"]),  # not canonical
        ({"pods": "fd00::/64"}, ["spec.networking.pods"]),  # not the IPv4 family
        ({"pods": "100.64.0.0/11"}, ["spec.networking.pods"]),  # contains the default services
        ({"nodes": "100.96.0.0/16"}, ["spec.networking.nodes"]),  # inside the default pods
        ({"nodes": "100.64.0.0/16"}, ["spec.networking.nodes"]),  # inside the default services
        ({"services": "10.250.0.0/24"}, ["spec.networking.nodes"]),
        ({"ipFamilies": ["IPv4", "IPv4"]}, ["spec.networking.ipFamilies[1]"]),
    ],
)
async def test_networks(networking: dict[str, Any], bad: list[str]) -> None:
    obj = shoot()
    obj["spec"]["networking"].update(networking)
    error = await refusal(obj)
    assert paths(error) == bad


async def test_nodes_are_required_for_shoots_with_workers() -> None:
    obj = shoot()
    del obj["spec"]["networking"]["nodes"]
    error = await refusal(obj)
    assert cause(error, "spec.networking.nodes").type == "FieldValueRequired"
    obj["spec"]["provider"]["workers"] = []
    await admit(obj)


async def test_ipv6_networks() -> None:
    obj = shoot()
    obj["spec"]["networking"] = {
        "type": "calico",
        "ipFamilies": ["IPv6"],
        "nodes": "2001:db8:1::/48",
        "pods": "2001:db8:2::/48",
        "services": "2001:db8:3::/112",
    }
    await admit(obj)


# --- purpose, hibernation, maintenance, high availability -----------------------------------------------------------


async def test_purpose() -> None:
    error = await refusal(shoot(purpose="infrastructure"))
    assert cause(error, "spec.purpose").render() == (
        'spec.purpose: Unsupported value: "infrastructure": supported values: '
        '"development", "evaluation", "production", "testing"'
    )
    garden_shoot = shoot(purpose="infrastructure")
    garden_shoot["metadata"]["namespace"] = "garden"
    await admit(garden_shoot, namespace="garden")
    for purpose in ("evaluation", "testing", "development", "production"):
        await admit(shoot(purpose=purpose))


@pytest.mark.parametrize(
    ("schedule", "bad"),
    [
        ({"start": "0 25 * * *"}, "start"),
        ({"start": "60 1 * * *"}, "start"),
        ({"end": "0 1 0 * *"}, "end"),
        ({"end": "0 1 * 13 *"}, "end"),
        ({"end": "0 1 * * 7"}, "end"),
        ({"start": "0 1 * *"}, "start"),
        ({"start": "0 1 * * * *"}, "start"),
        ({"start": "5-1 1 * * *"}, "start"),
        ({"start": "*/0 1 * * *"}, "start"),
        ({"start": "0 1 * * FUNDAY"}, "start"),
        ({"start": "@sometimes"}, "start"),
        ({}, "start/end"),
        ({"start": "0 20 * * *", "location": "Mars/Olympus_Mons"}, "location"),
    ],
)
async def test_hibernation_schedules(schedule: dict[str, str], bad: str) -> None:
    error = await refusal(shoot(hibernation={"schedules": [schedule]}))
    assert paths(error) == [f"spec.hibernation.schedules[0].{bad}"]


async def test_valid_hibernation_schedules() -> None:
    schedules = [
        {"start": "00 20 * * 1,2,3,4,5", "end": "0 6 * * MON-FRI", "location": "Europe/Berlin"},
        {"start": "*/15 0-5/2 1-31 JAN-DEC SUN-SAT", "location": "UTC"},
        {"end": "@daily"},
        {"start": "30 17 ? * 5", "end": "0 8 ? * 1", "location": "America/New_York"},
    ]
    await admit(shoot(hibernation={"enabled": False, "schedules": schedules}))


async def test_a_cron_spec_is_used_once() -> None:
    schedules = [{"start": "0 20 * * *"}, {"start": "0 20 * * *"}]
    error = await refusal(shoot(hibernation={"schedules": schedules}))
    assert cause(error, "spec.hibernation.schedules[1].start").type == "FieldValueDuplicate"


@pytest.mark.parametrize(
    ("begin", "end", "bad"),
    [
        ("220000+0000", "230000", ["spec.maintenance.timeWindow.end"]),
        ("250000+0000", "010000+0000", ["spec.maintenance.timeWindow.begin"]),
        ("220000+0000", "221000+0000", ["spec.maintenance.timeWindow"]),  # 10 minutes
        ("220000+0000", "050000+0000", ["spec.maintenance.timeWindow"]),  # 7 hours
        ("220000+0000", "220000+0000", ["spec.maintenance.timeWindow"]),  # nothing
    ],
)
async def test_maintenance_time_window(begin: str, end: str, bad: list[str]) -> None:
    error = await refusal(shoot(maintenance={"timeWindow": {"begin": begin, "end": end}}))
    assert paths(error) == bad


@pytest.mark.parametrize(
    ("begin", "end"),
    [("220000+0000", "230000+0000"), ("230000+0100", "043000+0100"), ("100000+0200", "083000+0000")],
)
async def test_valid_maintenance_time_windows(begin: str, end: str) -> None:
    await admit(shoot(maintenance={"timeWindow": {"begin": begin, "end": end}}))


def test_windows_report_lengths_as_go_durations() -> None:
    assert go_duration(timedelta(hours=6)) == "6h0m0s"
    assert go_duration(timedelta(minutes=30)) == "30m0s"
    assert go_duration(timedelta(seconds=5)) == "5s"


async def test_high_availability_type() -> None:
    await admit(shoot(controlPlane={"highAvailability": {"failureTolerance": {"type": "zone"}}}))
    error = await refusal(shoot(controlPlane={"highAvailability": {"failureTolerance": {"type": "region"}}}))
    assert "spec.controlPlane.highAvailability.failureTolerance.type" in paths(error)


async def test_a_malformed_object_is_a_422_not_a_crash() -> None:
    obj = shoot()
    worker(obj)["minimum"] = "one"
    with pytest.raises(APIError) as caught:
        await ShootValidation(garden(), OPTIONS).validate(request(obj))
    assert caught.value.code == 422
    assert "spec.provider.workers[0].minimum" in [c.path for c in caught.value.causes]


# --- UPDATE -------------------------------------------------------------------------------------------------------


async def _update(change: Any, old: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    before = old or await created(shoot())
    new = copy.deepcopy(before)
    change(new)
    return new, before


async def test_immutable_fields() -> None:
    def change(new: dict[str, Any]) -> None:
        new["spec"]["region"] = "eu-west-1"
        new["spec"]["provider"]["type"] = "gcp"
        new["spec"]["networking"].update(type="cilium", pods="10.0.0.0/16", services="10.1.0.0/16", nodes="10.2.0.0/16")
        new["spec"]["schedulerName"] = "other"

    error = await refusal(*await _update(change))
    assert {
        "spec.region",
        "spec.provider.type",
        "spec.networking.type",
        "spec.networking.pods",
        "spec.networking.services",
        "spec.networking.nodes",
        "spec.schedulerName",
    } <= set(paths(error))
    assert cause(error, "spec.region").render() == 'spec.region: Invalid value: "eu-west-1": field is immutable'


async def test_nodes_may_be_set_when_unset() -> None:
    workerless = shoot()
    workerless["spec"]["provider"]["workers"] = []
    del workerless["spec"]["networking"]["nodes"]
    before = await created(workerless)
    new = copy.deepcopy(before)
    new["spec"]["networking"]["nodes"] = "10.250.0.0/16"
    await admit(new, before)


async def test_ip_families_may_only_grow_into_dual_stack() -> None:
    new, before = await _update(lambda n: n["spec"]["networking"].update(ipFamilies=["IPv4", "IPv6"]))
    await admit(new, before)
    new, before = await _update(lambda n: n["spec"]["networking"].update(ipFamilies=["IPv6"]))
    assert "spec.networking.ipFamilies" in paths(await refusal(new, before))


async def test_workers_and_workerless_do_not_switch() -> None:
    new, before = await _update(lambda n: n["spec"]["provider"].update(workers=[]))
    assert "spec.provider.workers" in paths(await refusal(new, before))


async def test_the_seed_changes_only_through_the_binding_subresource() -> None:
    scheduled = await created(shoot(seedName="aws-eu1"))
    new = copy.deepcopy(scheduled)
    new["spec"]["seedName"] = "aws-eu2"
    error = await refusal(new, scheduled)
    assert cause(error, "spec.seedName").type == "FieldValueForbidden"
    assert "binding subresource" in cause(error, "spec.seedName").message
    new["spec"]["seedName"] = None
    assert "spec.seedName" in paths(await refusal(new, scheduled))
    unscheduled = await created(shoot())
    new = copy.deepcopy(unscheduled)
    new["spec"]["seedName"] = "aws-eu1"
    await admit(new, unscheduled)


async def test_secret_binding_migrates_only_to_a_credentials_binding() -> None:
    new, before = await _update(lambda n: n["spec"].update(secretBindingName="other"))
    assert paths(await refusal(new, before)) == ["spec.secretBindingName"]
    new, before = await _update(lambda n: n["spec"].update(secretBindingName=None, credentialsBindingName="aws"))
    await admit(new, before)


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        ("1.35.2", "1.36.2", True),
        ("1.35.1", "1.35.2", True),
        ("1.36.2", "1.36.2", True),
        ("1.35.2", "1.37.1", False),  # skips 1.36
        ("1.36.2", "1.35.2", False),  # minor downgrade
        ("1.36.2", "1.36.1", False),  # patch downgrade
    ],
)
async def test_kubernetes_version_updates(old: str, new: str, allowed: bool) -> None:
    before = shoot()
    before["spec"]["kubernetes"]["version"] = old
    before = await created(before)
    after = copy.deepcopy(before)
    after["spec"]["kubernetes"]["version"] = new
    if allowed:
        await admit(after, before)
    else:
        error = await refusal(after, before)
        assert paths(error) == ["spec.kubernetes.version"]
        assert error.causes[0].type == "FieldValueForbidden"


async def test_a_pool_version_is_not_downgraded_either() -> None:
    before = shoot()
    worker(before)["kubernetes"] = {"version": "1.36.1"}
    before = await created(before)
    after = copy.deepcopy(before)
    worker(after)["kubernetes"]["version"] = "1.35.2"
    error = await refusal(after, before)
    assert paths(error) == [f"{W0}.kubernetes.version"]


async def test_failure_tolerance_cannot_change_once_set() -> None:
    ha = {"highAvailability": {"failureTolerance": {"type": "node"}}}
    new, before = await _update(lambda n: n["spec"].update(controlPlane=copy.deepcopy(ha)))
    await admit(new, before)
    changed = copy.deepcopy(new)
    changed["spec"]["controlPlane"]["highAvailability"]["failureTolerance"]["type"] = "zone"
    error = await refusal(changed, new)
    assert paths(error) == ["spec.controlPlane.highAvailability.failureTolerance.type"]
