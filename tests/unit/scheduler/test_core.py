"""The scheduler's decisions: cached candidate groups give the same answers as the whole chain, capacity and load
are read per decision, and a failure names every seed's reason."""

from __future__ import annotations

import random

import pytest

from garden.scheduler.core import Scheduler, failure_message
from garden.scheduler.strategy import Strategy
from garden.scheduler.views import ProfileRef, Requirements, Selector
from tests.unit.scheduler.landscape import seed, shoot

pytestmark = pytest.mark.unit

AWS = ProfileRef("CloudProfile", "aws")
GCP = ProfileRef("CloudProfile", "gcp")


def scheduler(kind: Strategy = Strategy.SAME_REGION) -> Scheduler:
    s = Scheduler(kind)
    s.set_profile(AWS, Selector(provider_types=("aws",)))
    s.set_profile(GCP, None)
    return s


def test_least_loaded_seed_in_the_region_with_assumptions() -> None:
    s = scheduler()
    for name in ("b", "a", "c"):
        s.set_seed(seed(name))
    placed = [s.schedule(shoot(f"shoot-{i}")).seed for i in range(7)]
    assert placed == ["a", "b", "c", "a", "b", "c", "a"]
    assert dict(s.counts.counts) == {"a": 3, "b": 2, "c": 2}


def test_capacity_is_respected_and_freed_by_deletions() -> None:
    s = scheduler()
    s.set_seed(seed("small", allocatable=1))
    s.set_seed(seed("big", allocatable=2))
    first = shoot("first")
    assert s.schedule(first).seed == "big"
    assert s.schedule(shoot("second")).seed == "small"
    assert s.schedule(shoot("third")).seed == "big"
    full = s.schedule(shoot("fourth"))
    assert full.seed is None
    assert full.message == (
        "0/2 seeds are available: big: no capacity left (2/2 shoots); small: no capacity left (1/1 shoots)"
    )
    # The first shoot's binding fails: its place is free again.
    assert s.forget(first.key) == ("big",)
    assert s.schedule(shoot("fourth")).seed == "big"


def test_a_failure_names_each_seeds_reason() -> None:
    s = scheduler()
    s.set_seed(seed("seed-a", "gcp"))
    s.set_seed(seed("seed-b", ready="Unknown"))
    s.set_seed(seed("seed-c", region="eu-west-1"))
    decision = s.schedule(shoot())
    assert decision.seed is None
    assert decision.message == (
        "0/3 seeds are available: seed-a: provider type gcp not in the CloudProfile's seedSelector.providerTypes "
        "[aws]; seed-b: not ready (GardenletReady Unknown); seed-c: region eu-west-1 != eu-central-1"
    )
    assert decision.reasons["seed-b"] == "not ready (GardenletReady Unknown)"
    assert s.counts.count("seed-c") == 0  # nothing assumed


def test_failure_messages_group_many_seeds_by_reason() -> None:
    reasons = {f"seed-{i:02}": "not ready (GardenletReady Unknown)" for i in range(10)}
    reasons["other"] = "being deleted"
    assert failure_message(11, reasons) == (
        "0/11 seeds are available: other: being deleted; seed-00, seed-01, seed-02 and 7 more: "
        "not ready (GardenletReady Unknown)"
    )
    assert failure_message(0, {}) == "0/0 seeds are available: no seed is registered"


def test_an_unknown_cloud_profile_fails_scheduling() -> None:
    s = scheduler()
    s.set_seed(seed("a"))
    decision = s.schedule(shoot(profile="nope"))
    assert decision.message == 'CloudProfile "nope" not found'
    namespaced = shoot(cloudProfile={"kind": "NamespacedCloudProfile", "name": "custom"})
    assert s.schedule(namespaced).message == 'NamespacedCloudProfile "garden-dev/custom" not found'
    s.set_profile(ProfileRef("NamespacedCloudProfile", "custom", "garden-dev"), None)
    assert s.schedule(namespaced).seed == "a"


def test_cached_groups_follow_seed_changes() -> None:
    s = scheduler()
    s.set_seed(seed("a", ready="Unknown"))
    assert s.decide(shoot().needs).seed is None
    assert not s.set_seed(seed("a", ready="Unknown"))  # the same: nothing to invalidate
    assert s.set_seed(seed("a"))
    assert s.decide(shoot().needs).seed == "a"
    assert s.set_seed(seed("a", taints=[{"key": "x"}]))
    assert s.decide(shoot().needs).seed is None
    assert s.decide(shoot(tolerations=[{"key": "x"}]).needs).seed == "a"
    assert s.remove_seed("a")
    assert not s.remove_seed("a")
    assert s.decide(shoot(tolerations=[{"key": "x"}]).needs).message == (
        "0/0 seeds are available: no seed is registered"
    )
    # A changed cloud profile selector re-filters too.
    s.set_seed(seed("b", labels={"env": "prod"}))
    assert s.decide(shoot().needs).seed == "b"
    assert s.set_profile(AWS, Selector(match_labels=(("env", "dev"),), provider_types=("aws",)))
    assert s.decide(shoot().needs).seed is None


def test_minimal_distance_uses_the_region_config_of_the_cloud_profile() -> None:
    s = scheduler(Strategy.MINIMAL_DISTANCE)
    s.set_seed(seed("us", region="us-east-1"))
    s.set_seed(seed("euw", region="eu-west-1"))
    assert s.decide(shoot().needs).seed == "euw"
    configmap = {
        "metadata": {
            "name": "regions",
            "namespace": "garden",
            "labels": {"scheduling.gardener.cloud/purpose": "region-config"},
            "annotations": {"scheduling.gardener.cloud/cloudprofiles": "aws"},
        },
        "data": {"eu-central-1": "us-east-1: 1\neu-west-1: 9\n"},
    }
    assert s.set_region_config(configmap)
    assert s.decide(shoot().needs).seed == "us"
    broken = {**configmap, "data": {"eu-central-1": "[1, 2]"}}
    assert s.set_region_config(broken)
    assert "wrong format in region ConfigMap garden/regions" in s.decide(shoot().needs).message
    assert s.remove_region_config("regions")
    assert s.decide(shoot().needs).seed == "euw"


def random_landscape(rng: random.Random, kind: Strategy) -> tuple[Scheduler, list[Requirements]]:
    s = scheduler(kind)
    regions = {"aws": ["eu-central-1", "eu-west-1", "us-east-1"], "gcp": ["europe-west1", "us-central1"]}
    for i in range(40):
        provider = rng.choice(list(regions))
        s.set_seed(
            seed(
                f"seed-{i:02}",
                provider,
                rng.choice(regions[provider]),
                ready=rng.choice(["True", "True", "True", "Unknown"]),
                taints=[{"key": "t"}] if rng.random() < 0.2 else None,
                zones=["a", "b", "c"][: rng.randint(1, 3)],
                allocatable=rng.choice([None, 1, 2, 5]),
                labels={"env": rng.choice(["prod", "dev"])},
                pods=rng.choice(["10.1.0.0/16", "100.96.0.0/16"]),
            )
        )
    needs = []
    for i in range(60):
        provider = rng.choice(list(regions))
        extra: dict[str, object] = {}
        if rng.random() < 0.3:
            extra["purpose"] = "testing"
        if rng.random() < 0.3:
            extra["tolerations"] = [{"key": "t"}]
        if rng.random() < 0.2:
            extra["controlPlane"] = {"highAvailability": {"failureTolerance": {"type": "zone"}}}
        if rng.random() < 0.2:
            extra["seedSelector"] = {"matchLabels": {"env": "prod"}}
        needs.append(shoot(f"s{i}", provider, rng.choice(regions[provider]), **extra).needs)
    return s, needs


@pytest.mark.parametrize("kind", list(Strategy))
def test_cached_decisions_equal_the_whole_chain(kind: Strategy) -> None:
    rng = random.Random(7)
    for _ in range(5):
        s, needs = random_landscape(rng, kind)
        for i in range(200):
            wanted = rng.choice(needs)
            fast, slow = s.decide(wanted), s.explain(wanted)
            assert fast.seed == slow.seed, (fast, slow)
            if fast.seed is None:
                assert fast.message == slow.message
            else:
                s.counts.assume(("dev", f"shoot-{i}"), fast.seed)
