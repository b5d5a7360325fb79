"""ShootDefaulter: every default, never overwriting what the user set, idempotent, and defensive on odd input."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from garden.admission.chain import AdmissionOptions
from garden.admission.shoot.defaults import ShootDefaulter
from garden.admission.shoot.timewindow import default_window
from tests.unit.admission.reader import DictReader, cloud_profile
from tests.unit.admission.test_shoot_common import NAMESPACE, OPTIONS, defaulted, garden, request, shoot, worker

pytestmark = pytest.mark.unit


# --- static defaults ------------------------------------------------------------------------------------------------


async def test_static_defaults() -> None:
    obj = await defaulted(shoot())
    spec = obj["spec"]
    assert spec["purpose"] == "evaluation"
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["networking"] == {
        "type": "calico",
        "nodes": "10.250.0.0/16",
        "ipFamilies": ["IPv4"],
        "pods": "100.96.0.0/11",
        "services": "100.64.0.0/13",
    }
    assert spec["maintenance"]["autoUpdate"] == {"kubernetesVersion": True, "machineImageVersion": True}
    pool = worker(obj)
    assert (pool["maxSurge"], pool["maxUnavailable"]) == (1, 0)
    assert pool["cri"] == {"name": "containerd"}
    assert pool["systemComponents"] == {"allow": True}
    assert pool["volume"] == {"type": "gp3", "size": "50Gi"}, "the volume is not defaulted"
    assert "enableStaticTokenKubeconfig" not in spec["kubernetes"]
    assert "controlPlane" not in spec


async def test_nodes_are_never_defaulted() -> None:
    obj = shoot()
    del obj["spec"]["networking"]
    await defaulted(obj)
    assert "nodes" not in obj["spec"]["networking"]
    assert obj["spec"]["networking"]["pods"] == "100.96.0.0/11"


async def test_a_workerless_shoot_gets_no_pod_network_nor_image_updates() -> None:
    obj = shoot()
    obj["spec"]["provider"]["workers"] = []
    await defaulted(obj)
    assert "pods" not in obj["spec"]["networking"]
    assert obj["spec"]["networking"]["services"] == "100.64.0.0/13"
    assert obj["spec"]["maintenance"]["autoUpdate"] == {"kubernetesVersion": True}


async def test_cloud_profile_reference_from_the_old_field() -> None:
    obj = shoot()
    del obj["spec"]["cloudProfile"]
    obj["spec"]["cloudProfileName"] = "aws"
    await defaulted(obj)
    assert obj["spec"]["cloudProfile"] == {"kind": "CloudProfile", "name": "aws"}
    assert obj["spec"]["cloudProfileName"] == "aws", "kept as the user wrote it"
    assert obj["spec"]["kubernetes"]["version"] == "1.36.2", "the profile was found through it"


async def test_cloud_profile_kind_is_defaulted() -> None:
    obj = await defaulted(shoot())
    assert obj["spec"]["cloudProfile"] == {"name": "aws", "kind": "CloudProfile"}
    assert "cloudProfileName" not in obj["spec"]


async def test_max_surge_and_unavailable_only_when_both_are_absent() -> None:
    obj = shoot()
    worker(obj)["maxSurge"] = "50%"
    await defaulted(obj)
    assert worker(obj)["maxSurge"] == "50%"
    assert "maxUnavailable" not in worker(obj)
    obj = shoot()
    worker(obj)["maxUnavailable"] = 2
    await defaulted(obj)
    assert "maxSurge" not in worker(obj)


async def test_the_maintenance_window_is_one_hour_between_22_and_05_utc_and_fixed_by_the_name() -> None:
    starts = set()
    for index in range(60):
        obj = await defaulted(shoot(f"s{index}"))
        window = obj["spec"]["maintenance"]["timeWindow"]
        assert window == dict(zip(("begin", "end"), default_window(NAMESPACE, f"s{index}"), strict=True))
        begin, end = int(window["begin"][:2]), int(window["end"][:2])
        assert begin in (22, 23, 0, 1, 2, 3, 4)
        assert end == (begin + 1) % 24
        assert window["begin"].endswith("0000+0000") and window["end"].endswith("0000+0000")
        starts.add(begin)
    assert len(starts) > 3, "different shoots get different windows"
    again = await defaulted(shoot("s0"))
    first = await defaulted(shoot("s0"))
    assert again["spec"]["maintenance"] == first["spec"]["maintenance"]


async def test_user_values_are_kept() -> None:
    obj = shoot(
        purpose="production",
        schedulerName="bin-packing",
        maintenance={
            "autoUpdate": {"kubernetesVersion": False, "machineImageVersion": False},
            "timeWindow": {"begin": "100000+0200", "end": "120000+0200"},
        },
    )
    obj["spec"]["networking"].update(pods="10.0.0.0/16", services="10.1.0.0/16", ipFamilies=["IPv6"])
    worker(obj).update(
        maxSurge=0,
        maxUnavailable=1,
        cri={"name": "containerd", "containerRuntimes": [{"type": "gvisor"}]},
        systemComponents={"allow": False},
    )
    worker(obj)["machine"].update(architecture="arm64", image={"name": "ubuntu", "version": "22.4.20251001"})
    expected = copy.deepcopy(obj)
    expected["spec"]["cloudProfile"]["kind"] = "CloudProfile"
    expected["spec"]["kubernetes"]["version"] = "1.36.2"
    assert await defaulted(obj) == expected


# --- defaults from the cloud profile -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1.36", "1.36.2"),  # newest patch of the minor
        ("1.35", "1.35.2"),
        ("1.37", "1.37.1"),  # 1.37.2 is in preview
        ("1", "1.37.1"),
        (None, "1.37.1"),  # newest supported version
        ("1.36.0", "1.36.0"),  # full versions are left as written
        ("1.33.5", "1.33.5"),  # even an expired one (validation refuses it)
        ("1.34", "1.34"),  # no unexpired 1.34 patch: left for validation to refuse
        ("1.99", "1.99"),
        ("latest", "latest"),
    ],
)
async def test_kubernetes_version(written: str | None, expected: str) -> None:
    obj = shoot()
    if written is None:
        del obj["spec"]["kubernetes"]["version"]
    else:
        obj["spec"]["kubernetes"]["version"] = written
    await defaulted(obj)
    assert obj["spec"]["kubernetes"]["version"] == expected


async def test_kubernetes_block_missing_altogether() -> None:
    obj = shoot()
    del obj["spec"]["kubernetes"]
    await defaulted(obj)
    assert obj["spec"]["kubernetes"] == {"version": "1.37.1"}


async def test_expiry_follows_the_clock() -> None:
    later = AdmissionOptions(now=lambda: datetime(2027, 3, 1, tzinfo=UTC))
    obj = shoot()
    obj["spec"]["kubernetes"]["version"] = "1.36"
    await ShootDefaulter(garden(), later).mutate(request(obj))
    assert obj["spec"]["kubernetes"]["version"] == "1.36.2"
    obj["spec"]["kubernetes"]["version"] = "1.35"  # 1.35.2 expired on 2027-02-28
    await ShootDefaulter(garden(), later).mutate(request(obj))
    assert obj["spec"]["kubernetes"]["version"] == "1.35"


async def test_lifecycle_stages_decide_like_classifications() -> None:
    profile = cloud_profile("aws")
    profile["spec"]["kubernetes"]["versions"] = [
        {"version": "1.38.0", "lifecycle": [{"classification": "supported", "startTime": "2027-01-01T00:00:00Z"}]},
        {"version": "1.37.5", "lifecycle": [{"classification": "preview"}]},
        {
            "version": "1.37.4",
            "lifecycle": [
                {"classification": "supported"},
                {"classification": "expired", "startTime": "2026-11-01T00:00:00Z"},
            ],
        },
        {"version": "1.37.3", "lifecycle": [{"classification": "supported"}]},
    ]
    obj = shoot()
    del obj["spec"]["kubernetes"]["version"]
    await defaulted(obj, reader=DictReader(profile))
    assert obj["spec"]["kubernetes"]["version"] == "1.37.3"


async def test_machine_image_and_architecture() -> None:
    obj = await defaulted(shoot())
    assert worker(obj)["machine"] == {
        "type": "m5.large",
        "architecture": "amd64",
        "image": {"name": "gardenlinux", "version": "1877.3"},
    }


async def test_architecture_comes_from_the_machine_type() -> None:
    obj = shoot()
    worker(obj)["machine"]["type"] = "m6g.large"
    await defaulted(obj)
    assert worker(obj)["machine"]["architecture"] == "arm64"
    obj = shoot()
    worker(obj)["machine"]["type"] = "no-such-type"
    await defaulted(obj)
    assert worker(obj)["machine"]["architecture"] == "amd64"


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ({"name": "ubuntu"}, {"name": "ubuntu", "version": "24.4.20251001"}),
        ({"name": "ubuntu", "version": "22"}, {"name": "ubuntu", "version": "22.4.20251001"}),
        ({"name": "gardenlinux", "version": "1877"}, {"name": "gardenlinux", "version": "1877.3"}),
        ({"name": "gardenlinux", "version": "1592"}, {"name": "gardenlinux", "version": "1592.9"}),
        ({"name": "gardenlinux", "version": "1877.2"}, {"name": "gardenlinux", "version": "1877.2"}),
        ({"name": "gardenlinux", "version": "1443"}, {"name": "gardenlinux", "version": "1443"}),  # only expired
        ({"name": "gardenlinux", "version": "1443.10"}, {"name": "gardenlinux", "version": "1443.10"}),
        ({"name": "windows"}, {"name": "windows"}),
    ],
)
async def test_machine_image_versions(image: dict[str, str], expected: dict[str, str]) -> None:
    obj = shoot()
    worker(obj)["machine"]["image"] = dict(image)
    await defaulted(obj)
    assert worker(obj)["machine"]["image"] == expected


def _profile_with_images(*images: dict[str, Any]) -> dict[str, Any]:
    profile = cloud_profile("aws")
    profile["spec"]["machineImages"] = list(images)
    return profile


async def test_the_default_image_fits_the_architecture() -> None:
    profile = _profile_with_images(
        {"name": "amd-only", "versions": [{"version": "1.0.0", "architectures": ["amd64"]}]},
        {
            "name": "arm-preview",
            "versions": [{"version": "1.0.0", "architectures": ["arm64"], "classification": "preview"}],
        },
        {"name": "arm", "versions": [{"version": "2.0.0", "architectures": ["arm64"]}]},
    )
    obj = shoot()
    worker(obj)["machine"]["type"] = "m6g.large"
    await defaulted(obj, reader=DictReader(profile))
    assert worker(obj)["machine"]["image"] == {"name": "arm", "version": "2.0.0"}


async def test_the_default_image_skips_preview_expired_and_kubelet_misfits_and_prefers_supported() -> None:
    profile = _profile_with_images(
        {
            "name": "os",
            "versions": [
                {"version": "5.0.0", "classification": "preview"},
                {"version": "4.0.0", "expirationDate": "2026-01-01T00:00:00Z"},
                {"version": "3.0.0", "kubeletVersionConstraint": "< 1.34"},
                {"version": "2.5.0", "classification": "deprecated"},
                {"version": "2.0.0", "classification": "supported"},
            ],
        }
    )
    obj = await defaulted(shoot(), reader=DictReader(profile))
    assert worker(obj)["machine"]["image"] == {"name": "os", "version": "2.0.0"}
    profile["spec"]["machineImages"][0]["versions"].pop()
    obj = await defaulted(shoot(), reader=DictReader(profile))
    assert worker(obj)["machine"]["image"] == {"name": "os", "version": "2.5.0"}, "deprecated when nothing else"


async def test_no_fitting_image_leaves_the_image_out() -> None:
    profile = _profile_with_images({"name": "arm", "versions": [{"version": "1.0.0", "architectures": ["arm64"]}]})
    obj = await defaulted(shoot(), reader=DictReader(profile))
    assert "image" not in worker(obj)["machine"]


async def test_a_partial_pool_kubernetes_version_is_completed() -> None:
    obj = shoot()
    worker(obj)["kubernetes"] = {"version": "1.35"}
    await defaulted(obj)
    assert worker(obj)["kubernetes"] == {"version": "1.35.2"}


async def test_without_a_profile_only_static_defaults_apply() -> None:
    obj = shoot()
    obj["spec"]["cloudProfile"]["name"] = "nope"
    await defaulted(obj)
    assert obj["spec"]["kubernetes"]["version"] == "1.36"
    assert "image" not in worker(obj)["machine"]
    assert "architecture" not in worker(obj)["machine"]
    assert obj["spec"]["purpose"] == "evaluation"


async def test_a_namespaced_profile_is_merged_over_its_parent() -> None:
    namespaced = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "NamespacedCloudProfile",
        "metadata": {"name": "aws-dev", "namespace": NAMESPACE},
        "spec": {
            "parent": {"kind": "CloudProfile", "name": "aws"},
            "kubernetes": {"versions": [{"version": "1.36.3"}]},
        },
    }
    obj = shoot(cloudProfile={"kind": "NamespacedCloudProfile", "name": "aws-dev"})
    await defaulted(obj, reader=garden(namespaced))
    assert obj["spec"]["kubernetes"]["version"] == "1.36.3"


# --- UPDATE -------------------------------------------------------------------------------------------------------


async def test_on_update_an_existing_pool_keeps_its_image_and_a_missing_version_is_kept() -> None:
    old = await defaulted(shoot())
    old["spec"]["kubernetes"]["version"] = "1.36.1"
    worker(old)["machine"]["image"] = {"name": "gardenlinux", "version": "1877.2"}
    new = copy.deepcopy(old)
    del worker(new)["machine"]["image"]
    del new["spec"]["kubernetes"]["version"]
    new["spec"]["provider"]["workers"].append(
        {"name": "new", "machine": {"type": "m5.large"}, "minimum": 1, "maximum": 1}
    )
    await defaulted(new, old)
    assert new["spec"]["kubernetes"]["version"] == "1.36.1"
    assert worker(new)["machine"]["image"] == {"name": "gardenlinux", "version": "1877.2"}
    assert worker(new, 1)["machine"]["image"] == {"name": "gardenlinux", "version": "1877.3"}
    version_only = copy.deepcopy(old)
    del worker(version_only)["machine"]["image"]["version"]
    await defaulted(version_only, old)
    assert worker(version_only)["machine"]["image"]["version"] == "1877.2"
    other_image = copy.deepcopy(old)
    worker(other_image)["machine"]["image"] = {"name": "ubuntu"}
    await defaulted(other_image, old)
    assert worker(other_image)["machine"]["image"] == {"name": "ubuntu", "version": "24.4.20251001"}


async def test_on_update_a_partial_version_is_completed() -> None:
    old = await defaulted(shoot())
    new = copy.deepcopy(old)
    new["spec"]["kubernetes"]["version"] = "1.37"
    await defaulted(new, old)
    assert new["spec"]["kubernetes"]["version"] == "1.37.1"


# --- robustness ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        None,
        "spec",
        {},
        {"provider": "aws"},
        {"provider": {"workers": "many"}},
        {"provider": {"workers": [None, 3, {"name": "x"}, {"machine": "big"}, {"machine": {"image": "os"}}]}},
        {"networking": [], "maintenance": "soon", "kubernetes": "1.36", "cloudProfile": "aws"},
        {"cloudProfile": {"name": "aws"}, "kubernetes": {"version": 1.36}, "provider": {"workers": [{"cri": 1}]}},
        {"cloudProfileName": 7, "maintenance": {"autoUpdate": [], "timeWindow": None}},
    ],
)
async def test_malformed_objects_do_not_crash_it(spec: Any) -> None:
    obj = {"metadata": {"name": "odd"}, "spec": copy.deepcopy(spec)}
    await defaulted(obj)
    once = copy.deepcopy(obj)
    await defaulted(obj)
    assert obj == once


# --- properties ---------------------------------------------------------------------------------------------------


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


@st.composite
def user_shoots(draw: st.DrawFn) -> dict[str, Any]:
    """Shoots with a random subset of the defaulted fields set by the user, to values a user might choose."""

    def maybe(value: st.SearchStrategy[Any]) -> Any:
        return draw(st.one_of(st.none(), value))

    def put(target: dict[str, Any], key: str, value: Any) -> None:
        if value is not None:
            target[key] = value

    spec: dict[str, Any] = {"region": "eu-central-1", "secretBindingName": "aws"}
    reference = draw(st.sampled_from(["cloudProfile", "cloudProfileKind", "cloudProfileName", "both"]))
    if reference in ("cloudProfile", "both"):
        spec["cloudProfile"] = {"name": "aws"}
    if reference == "cloudProfileKind":
        spec["cloudProfile"] = {"kind": "CloudProfile", "name": "aws"}
    if reference in ("cloudProfileName", "both"):
        spec["cloudProfileName"] = "aws"
    put(spec, "purpose", maybe(st.sampled_from(["evaluation", "testing", "development", "production"])))
    put(spec, "schedulerName", maybe(st.sampled_from(["default-scheduler", "bin-packing"])))
    kubernetes: dict[str, Any] = {}
    put(kubernetes, "version", maybe(st.sampled_from(["1.35", "1.36", "1.37", "1.36.1", "1.37.2", "1"])))
    if draw(st.booleans()) or kubernetes:
        spec["kubernetes"] = kubernetes
    networking: dict[str, Any] = {}
    put(networking, "type", maybe(st.sampled_from(["calico", "cilium"])))
    put(networking, "nodes", maybe(st.sampled_from(["10.250.0.0/16", "10.180.0.0/16"])))
    put(networking, "pods", maybe(st.sampled_from(["10.96.0.0/11", "100.96.0.0/11"])))
    put(networking, "services", maybe(st.sampled_from(["10.64.0.0/13", "100.64.0.0/13"])))
    put(networking, "ipFamilies", maybe(st.sampled_from([["IPv4"], ["IPv6"], ["IPv4", "IPv6"]])))
    if draw(st.booleans()) or networking:
        spec["networking"] = networking
    maintenance: dict[str, Any] = {}
    auto_update: dict[str, Any] = {}
    put(auto_update, "kubernetesVersion", maybe(st.booleans()))
    put(auto_update, "machineImageVersion", maybe(st.booleans()))
    if draw(st.booleans()) or auto_update:
        maintenance["autoUpdate"] = auto_update
    put(maintenance, "timeWindow", maybe(st.just({"begin": "100000+0100", "end": "113000+0100"})))
    if draw(st.booleans()) or maintenance:
        spec["maintenance"] = maintenance
    pools = []
    for index in range(draw(st.integers(0, 2))):
        machine: dict[str, Any] = {"type": draw(st.sampled_from(["m5.large", "m6g.large", "c5.large"]))}
        put(machine, "architecture", maybe(st.sampled_from(["amd64", "arm64"])))
        image = maybe(
            st.sampled_from(
                [
                    {"name": "gardenlinux"},
                    {"name": "ubuntu"},
                    {"name": "gardenlinux", "version": "1877"},
                    {"name": "gardenlinux", "version": "1877.2"},
                    {"name": "ubuntu", "version": "22.4.20251001"},
                ]
            )
        )
        put(machine, "image", copy.deepcopy(image))
        pool: dict[str, Any] = {"name": f"pool-{index}", "machine": machine, "minimum": 1, "maximum": 2}
        put(pool, "maxSurge", maybe(st.sampled_from([0, 2, "25%"])))
        put(pool, "maxUnavailable", maybe(st.sampled_from([0, 1, "10%"])))
        put(pool, "cri", maybe(st.sampled_from([{"name": "containerd"}, {}])))
        put(pool, "systemComponents", maybe(st.sampled_from([{"allow": False}, {"allow": True}, {}])))
        put(pool, "kubernetes", maybe(st.sampled_from([{"version": "1.35"}, {"version": "1.35.1"}, {}])))
        pools.append(pool)
    spec["provider"] = {"type": "aws", "workers": pools}
    return {"apiVersion": "core.gardener.cloud/v1beta1", "kind": "Shoot", "metadata": {"name": "p"}, "spec": spec}


_AWS = DictReader(cloud_profile("aws"))


def _mutate(obj: dict[str, Any], old: dict[str, Any] | None = None) -> None:
    asyncio.run(ShootDefaulter(_AWS, OPTIONS).mutate(request(obj, old)))


def _is_completion(path: tuple[Any, ...], before: Any, after: Any) -> bool:
    """A partial version the user wrote was completed: a value the user asked to be filled in, not overwritten."""
    versioned = path[-2:] in (("kubernetes", "version"), ("image", "version"))
    return versioned and isinstance(before, str) and isinstance(after, str) and after.startswith(before + ".")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(user_shoots())
def test_defaulting_never_overwrites_what_the_user_set(obj: dict[str, Any]) -> None:
    written = copy.deepcopy(obj)
    _mutate(obj)
    for path, value in _leaves(written):
        if value in ({}, []):
            continue  # an empty object the user wrote may get defaults inside it
        after = _at(obj, path)
        assert after == value or _is_completion(path, value, after), f"{path}: {value!r} became {after!r}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(user_shoots())
def test_defaulting_is_idempotent(obj: dict[str, Any]) -> None:
    _mutate(obj)
    once = copy.deepcopy(obj)
    _mutate(obj)
    assert obj == once
    _mutate(obj, copy.deepcopy(once))
    assert obj == once, "an UPDATE of a defaulted shoot changes nothing either"
