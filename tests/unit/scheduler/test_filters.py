"""Every filter of the scheduler: which seeds pass, and the reason given for each seed that does not."""

from __future__ import annotations

import pytest

from garden.scheduler import filters
from garden.scheduler.views import Selector, ShootView
from tests.unit.scheduler.landscape import seed, shoot, shoot_object

pytestmark = pytest.mark.unit


def names(result: filters.Filtered) -> list[str]:
    return [s.name for s in result.passed]


# -- usable -----------------------------------------------------------------------------------------------------------


def test_usable_seeds_are_ready_visible_and_not_deleting() -> None:
    seeds = [
        seed("ok"),
        seed("deleting", deleting=True),
        seed("hidden", visible=False),
        seed("visible", visible=True),
        seed("unknown", ready="Unknown"),
        seed("false", ready="False"),
        seed("no-condition", ready=None),
        seed("never-reported", last_operation=False),
    ]
    result = filters.usable(seeds)
    assert names(result) == ["ok", "visible"]
    assert result.rejected == {
        "deleting": "being deleted",
        "hidden": "not visible to the scheduler (spec.settings.scheduling.visible is false)",
        "unknown": "not ready (GardenletReady Unknown)",
        "false": "not ready (GardenletReady False)",
        "no-condition": "not ready (GardenletReady missing)",
        "never-reported": "not ready (no last operation: the gardenlet has not reported yet)",
    }


def test_a_seed_with_backups_needs_its_backup_buckets_ready() -> None:
    seeds = [
        seed("no-backup"),
        seed("buckets-ready", backup=True, backup_ready="True"),
        seed("buckets-failing", backup=True, backup_ready="False"),
        seed("buckets-unknown", backup=True, backup_ready="Unknown"),
        seed("buckets-unreported", backup=True),
    ]
    result = filters.usable(seeds)
    assert names(result) == ["no-backup", "buckets-ready"]
    assert result.rejected == {
        "buckets-failing": "not ready (BackupBucketsReady False)",
        "buckets-unknown": "not ready (BackupBucketsReady Unknown)",
        "buckets-unreported": "not ready (BackupBucketsReady missing)",
    }


# -- seed selectors ---------------------------------------------------------------------------------------------------


def test_the_cloud_profile_seed_selector_matches_seed_labels() -> None:
    selector = Selector(match_labels=(("env", "prod"),), expressions=(("tier", "In", ("a", "b")),))
    seeds = [
        seed("match", labels={"env": "prod", "tier": "a"}),
        seed("wrong-tier", labels={"env": "prod", "tier": "c"}),
        seed("no-labels"),
    ]
    result = filters.profile_selector(seeds, selector, "aws")
    assert names(result) == ["match"]
    assert result.rejected["no-labels"] == (
        "labels do not match the seed selector of CloudProfile aws (env=prod,tier in (a,b))"
    )
    assert set(result.rejected) == {"wrong-tier", "no-labels"}
    # No selector, or one with provider types only, lets every seed through.
    assert names(filters.profile_selector(seeds, None)) == ["match", "wrong-tier", "no-labels"]
    assert names(filters.profile_selector(seeds, Selector(provider_types=("*",)))) == [
        "match",
        "wrong-tier",
        "no-labels",
    ]


def test_the_shoot_seed_selector_with_every_operator() -> None:
    selector = {
        "matchLabels": {"env": "prod"},
        "matchExpressions": [
            {"key": "legacy", "operator": "DoesNotExist"},
            {"key": "zone", "operator": "Exists"},
            {"key": "team", "operator": "NotIn", "values": ["blue"]},
        ],
    }
    needs = shoot(seedSelector=selector).needs
    seeds = [
        seed("fits", labels={"env": "prod", "zone": "x"}),
        seed("fits-other-team", labels={"env": "prod", "zone": "x", "team": "red"}),
        seed("blue-team", labels={"env": "prod", "zone": "x", "team": "blue"}),
        seed("legacy", labels={"env": "prod", "zone": "x", "legacy": "yes"}),
        seed("no-zone", labels={"env": "prod"}),
        seed("dev", labels={"env": "dev", "zone": "x"}),
    ]
    result = filters.shoot_selector(seeds, needs)
    assert names(result) == ["fits", "fits-other-team"]
    assert result.rejected["dev"] == (
        "labels do not match the shoot's seed selector (env=prod,!legacy,team notin (blue),zone)"
    )
    assert set(result.rejected) == {"blue-team", "legacy", "no-zone", "dev"}


# -- provider ---------------------------------------------------------------------------------------------------------


def test_the_seed_provider_type_must_be_the_shoots_without_provider_types() -> None:
    needs = shoot(provider="gcp", region="europe-west1").needs
    seeds = [seed("gcp", "gcp", "europe-west1"), seed("aws", "aws")]
    result = filters.provider(seeds, needs, None)
    assert names(result) == ["gcp"]
    assert result.rejected == {"aws": "provider type aws != gcp"}


def test_the_cloud_profile_provider_types_allow_other_seeds() -> None:
    needs = shoot(provider="gcp").needs
    seeds = [seed("gcp", "gcp"), seed("aws", "aws"), seed("local", "local")]
    listed = filters.provider(seeds, needs, Selector(provider_types=("aws", "gcp")))
    assert names(listed) == ["gcp", "aws"]
    assert listed.rejected == {
        "local": "provider type local not in the CloudProfile's seedSelector.providerTypes [aws, gcp]"
    }
    assert names(filters.provider(seeds, needs, Selector(provider_types=("*",)))) == ["gcp", "aws", "local"]
    # Listing only other types excludes even the shoot's own (as Gardener's matchProvider does).
    assert names(filters.provider(seeds, needs, Selector(provider_types=("aws",)))) == ["aws"]


# -- zones ------------------------------------------------------------------------------------------------------------


def test_a_zone_tolerant_control_plane_needs_three_zones() -> None:
    ha = {"highAvailability": {"failureTolerance": {"type": "zone"}}}
    seeds = [seed("three", zones=["a", "b", "c"]), seed("two", zones=["a", "b"]), seed("none")]
    result = filters.zones(seeds, shoot(controlPlane=ha).needs)
    assert names(result) == ["three"]
    assert result.rejected == {
        "two": "2 zones, a control plane with failure tolerance zone needs 3",
        "none": "0 zones, a control plane with failure tolerance zone needs 3",
    }
    node_tolerant = {"highAvailability": {"failureTolerance": {"type": "node"}}}
    assert names(filters.zones(seeds, shoot(controlPlane=node_tolerant).needs)) == ["three", "two", "none"]
    assert names(filters.zones(seeds, shoot().needs)) == ["three", "two", "none"]


# -- access restrictions ----------------------------------------------------------------------------------------------


def test_access_restrictions_must_be_supported_by_the_seed() -> None:
    needs = shoot(accessRestrictions=[{"name": "eu-access-only"}]).needs
    seeds = [seed("eu", access_restrictions=["eu-access-only"]), seed("any"), seed("other", access_restrictions=["x"])]
    result = filters.access_restrictions(seeds, needs)
    assert names(result) == ["eu"]
    assert result.rejected == {
        "any": "does not support access restriction eu-access-only",
        "other": "does not support access restriction eu-access-only",
    }
    assert names(filters.access_restrictions(seeds, shoot().needs)) == ["eu", "any", "other"]


# -- networks ---------------------------------------------------------------------------------------------------------


def test_shoot_networks_must_not_overlap_the_seeds() -> None:
    needs = shoot().needs  # nodes 10.250.0.0/16, pods 100.96.0.0/11, services 100.64.0.0/13
    seeds = [
        seed("disjoint"),
        seed("pods-clash", pods="100.96.0.0/16"),
        seed("nodes-clash", nodes="10.250.0.0/24", pods="10.1.0.0/16"),
        seed("services-on-nodes", services="10.250.128.0/17"),
    ]
    result = filters.networks(seeds, needs)
    assert names(result) == ["disjoint"]
    assert result.rejected == {
        "pods-clash": "shoot pod network 100.96.0.0/11 overlaps seed pod network 100.96.0.0/16",
        "nodes-clash": "shoot node network 10.250.0.0/16 overlaps seed node network 10.250.0.0/24",
        "services-on-nodes": "shoot node network 10.250.0.0/16 overlaps seed service network 10.250.128.0/17",
    }


def test_a_shoot_without_networks_takes_the_seed_defaults() -> None:
    networking = {"type": "calico", "nodes": "10.250.0.0/16"}
    needs = shoot(networking=networking).needs
    good = {"pods": "100.96.0.0/11", "services": "100.64.0.0/13"}
    seeds = [
        seed("defaults", shoot_defaults=good),
        seed("no-defaults"),
        seed("clashing-defaults", shoot_defaults={"pods": "10.1.0.0/24", "services": "100.64.0.0/13"}),
    ]
    result = filters.networks(seeds, needs)
    assert names(result) == ["defaults"]
    assert result.rejected == {
        "no-defaults": "shoot service network is required (the seed has no default); "
        "shoot pod network is required (the seed has no default)",
        "clashing-defaults": "shoot pod network 10.1.0.0/24 overlaps seed pod network 10.1.0.0/16",
    }
    # A workerless shoot needs no pod network.
    body = shoot_object(networking={"services": "100.64.0.0/13"})
    del body["spec"]["provider"]["workers"]
    workerless = ShootView.parse(body).needs
    assert workerless.workerless
    assert names(filters.networks(seeds, workerless)) == ["defaults", "no-defaults", "clashing-defaults"]


# -- taints -----------------------------------------------------------------------------------------------------------


def test_seed_taints_must_be_tolerated_by_key_and_value() -> None:
    protected = {"key": "seed.gardener.cloud/protected"}
    dedicated = {"key": "dedicated", "value": "team-a"}
    seeds = [seed("clean"), seed("protected", taints=[protected]), seed("dedicated", taints=[dedicated, protected])]

    result = filters.taints(seeds, shoot().needs)
    assert names(result) == ["clean"]
    assert result.rejected == {
        "protected": "taint seed.gardener.cloud/protected not tolerated",
        "dedicated": "taints dedicated=team-a, seed.gardener.cloud/protected not tolerated",
    }
    tolerant = shoot(tolerations=[protected, {"key": "dedicated", "value": "team-a"}]).needs
    assert names(filters.taints(seeds, tolerant)) == ["clean", "protected", "dedicated"]
    # A toleration without value does not tolerate a taint with one (Gardener's TaintsAreTolerated).
    keys_only = shoot(tolerations=[protected, {"key": "dedicated"}]).needs
    result = filters.taints(seeds, keys_only)
    assert names(result) == ["clean", "protected"]
    assert result.rejected == {"dedicated": "taint dedicated=team-a not tolerated"}
    wrong_value = shoot(tolerations=[protected, {"key": "dedicated", "value": "team-b"}]).needs
    assert names(filters.taints(seeds, wrong_value)) == ["clean", "protected"]


# -- capacity ---------------------------------------------------------------------------------------------------------


def test_capacity_is_allocatable_shoots_minus_those_hosted() -> None:
    seeds = [seed("full", allocatable=2), seed("room", allocatable="3"), seed("unlimited")]
    result = filters.capacity(seeds, {"full": 2, "room": 2, "unlimited": 1000})
    assert names(result) == ["room", "unlimited"]
    assert result.rejected == {"full": "no capacity left (2/2 shoots)"}
    assert names(filters.capacity([seed("zero", allocatable=0)], {})) == []


# -- the chain --------------------------------------------------------------------------------------------------------


def test_each_seed_gets_the_reason_of_the_first_filter_it_fails() -> None:
    seeds = [
        seed("unready-gcp", "gcp", ready="Unknown"),
        seed("gcp", "gcp"),
        seed("tainted", taints=[{"key": "x"}]),
        seed("clash", pods="100.96.0.0/16", taints=[{"key": "x"}]),
        seed("full", allocatable=1),
        seed("fits"),
    ]
    result = filters.all_filters(seeds, shoot().needs, None, {"full": 1})
    assert names(result) == ["fits"]
    assert result.rejected == {
        "unready-gcp": "not ready (GardenletReady Unknown)",
        "gcp": "provider type gcp != aws",
        "tainted": "taint x not tolerated",
        "clash": "shoot pod network 100.96.0.0/11 overlaps seed pod network 100.96.0.0/16",
        "full": "no capacity left (1/1 shoots)",
    }
