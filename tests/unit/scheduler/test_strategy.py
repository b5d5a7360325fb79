"""The strategies (SameRegion, MinimalDistance), the testing purpose, the least loaded choice, and region distances
as Gardener computes them."""

from __future__ import annotations

from typing import Any

import pytest

from garden.scheduler import regions, strategy
from garden.scheduler.strategy import Strategy
from garden.scheduler.views import SeedView
from tests.unit.scheduler.landscape import seed, shoot

pytestmark = pytest.mark.unit

SEEDS = [
    seed("aws-eu1", "aws", "eu-central-1"),
    seed("aws-eu1-b", "aws", "eu-central-1"),
    seed("aws-euw", "aws", "eu-west-1"),
    seed("aws-us", "aws", "us-east-1"),
    seed("gcp-eu1", "gcp", "eu-central-1"),
]


def names(seeds: list[SeedView]) -> list[str]:
    return [s.name for s in seeds]


# -- region distances -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "base", "word"),
    [
        ("europe", "europe", ""),
        ("west_europe", ":_europe", "west"),
        ("europe-west", "europe-:", "west"),
        ("middle-west-europe", "middle-:-europe", "west"),
        ("ap-southeast-1", "ap-:east-1", "south"),  # the first word in Gardener's order wins, not the longest
    ],
)
def test_orientation_splits_at_the_first_orientation_word(name: str, base: str, word: str) -> None:
    assert regions.orientation(name) == (base, word)


@pytest.mark.parametrize(
    ("seed_region", "shoot_region", "expected"),
    [
        ("europe", "asia", 12),  # Levenshtein 6, doubled
        ("europe-west", "asia-west", 12),
        ("europe-west", "asia-east", 14),
        ("europe-west", "asia-:", 13),
        ("europe-west", "europe-east", 2),
        ("europe-west", "europe-:", 1),
        ("europe-west", "europe-west", 0),
        ("eu-central-1", "eu-central-1", 0),
        ("eu-west-1", "eu-central-1", 2),
        ("us-east-1", "eu-central-1", 6),  # bases us-:-1 and eu-:-1 (2, doubled), orientations differ (2)
    ],
)
def test_distance_matches_gardeners(seed_region: str, shoot_region: str, expected: int) -> None:
    assert regions.distance(seed_region, shoot_region) == expected


def test_levenshtein() -> None:
    assert regions.levenshtein("kitten", "sitting") == 3
    assert regions.levenshtein("", "abc") == 3
    assert regions.levenshtein("same", "same") == 0


def test_a_region_config_lists_distances_per_shoot_region() -> None:
    configs = regions.RegionConfigs("garden")
    meta: dict[str, Any] = {
        "name": "aws-regions",
        "namespace": "garden",
        "labels": {regions.PURPOSE_LABEL: regions.REGION_CONFIG},
        "annotations": {regions.CLOUDPROFILES_ANNOTATION: "aws, aws-china"},
    }
    configmap = {"metadata": meta, "data": {"eu-central-1": "eu-west-1: 10\nus-east-1: 80\n", "broken": "- not a map"}}
    assert configs.set(configmap)
    assert not configs.set(configmap)  # unchanged
    config = configs.for_profile("aws-china")
    assert config is not None
    assert configs.for_profile("gcp") is None
    assert config.distances("eu-central-1") == {"eu-west-1": 10, "us-east-1": 80, "eu-central-1": 0}
    assert config.distances("us-west-2") is None
    with pytest.raises(regions.RegionConfigError, match="aws-regions, region 'broken'"):
        config.distances("broken")
    # Elsewhere, or without the label, it is not a region config.
    assert not configs.set({**configmap, "metadata": {**meta, "namespace": "default"}})
    assert configs.set({**configmap, "metadata": {**meta, "labels": {}}})
    assert configs.for_profile("aws") is None


# -- strategies -------------------------------------------------------------------------------------------------------


def test_same_region_takes_seeds_of_the_shoots_provider_in_its_region() -> None:
    chosen = strategy.candidates(Strategy.SAME_REGION, shoot().needs, SEEDS)
    assert names(chosen.passed) == ["aws-eu1", "aws-eu1-b"]
    assert chosen.rejected == {
        "aws-euw": "region eu-west-1 != eu-central-1",
        "aws-us": "region us-east-1 != eu-central-1",
        "gcp-eu1": "provider type gcp != aws (SameRegion)",
    }


def test_same_region_does_not_fall_back_to_other_regions() -> None:
    chosen = strategy.candidates(Strategy.SAME_REGION, shoot(region="ap-northeast-1").needs, SEEDS)
    assert chosen.passed == []
    assert set(chosen.rejected) == {s.name for s in SEEDS}


def test_testing_shoots_go_to_any_region_of_their_provider() -> None:
    for kind in Strategy:
        chosen = strategy.candidates(kind, shoot(region="ap-northeast-1", purpose="testing").needs, SEEDS)
        assert names(chosen.passed) == ["aws-eu1", "aws-eu1-b", "aws-euw", "aws-us"]
        assert chosen.rejected == {"gcp-eu1": "provider type gcp != aws (purpose testing)"}


def test_minimal_distance_takes_the_nearest_region() -> None:
    needs = shoot(region="eu-west-1").needs
    chosen = strategy.candidates(Strategy.MINIMAL_DISTANCE, needs, SEEDS)
    assert names(chosen.passed) == ["aws-euw"]
    without = [s for s in SEEDS if s.name != "aws-euw"]
    # eu-central-1 is at 2 from eu-west-1, us-east-1 at 6; the gcp seed in eu-central-1 pays 2 for its provider.
    assert names(strategy.candidates(Strategy.MINIMAL_DISTANCE, needs, without).passed) == ["aws-eu1", "aws-eu1-b"]
    groups = strategy.levels(Strategy.MINIMAL_DISTANCE, needs, without).groups
    assert [names(g) for g in groups] == [["aws-eu1", "aws-eu1-b"], ["gcp-eu1"], ["aws-us"]]
    far = strategy.candidates(Strategy.MINIMAL_DISTANCE, shoot(region="ap-northeast-1").needs, SEEDS)
    assert far.passed  # never empty while seeds passed the filters
    assert far.rejected


def test_minimal_distance_prefers_the_region_config_then_falls_back_to_names() -> None:
    needs = shoot(region="eu-central-1").needs
    seeds = [seed("us", "aws", "us-east-1"), seed("euw", "aws", "eu-west-1"), seed("ap", "aws", "ap-south-1")]
    # The operator says us-east-1 is nearer than eu-west-1 (names would say otherwise).
    table = {"us-east-1": 5, "eu-west-1": 50, "eu-central-1": 0}
    assert names(strategy.candidates(Strategy.MINIMAL_DISTANCE, needs, seeds, table).passed) == ["us"]
    groups = strategy.levels(Strategy.MINIMAL_DISTANCE, needs, seeds, table).groups
    assert [names(g) for g in groups][:3] == [["us"], ["euw"], ["euw"]]  # config levels, then name levels
    # No listed region has a seed: the name distance decides among all.
    only_ap = {"eu-central-1": 0, "sa-east-1": 3}
    assert names(strategy.candidates(Strategy.MINIMAL_DISTANCE, needs, seeds, only_ap).passed) == ["euw"]


# -- least loaded -----------------------------------------------------------------------------------------------------


def test_the_least_loaded_seed_wins_ties_by_name() -> None:
    seeds = [seed("c"), seed("a"), seed("b")]
    best = strategy.least_loaded(seeds, {"a": 3, "b": 1, "c": 1})
    assert best is not None
    assert best.name == "b"
    best = strategy.least_loaded(seeds, {"a": 0, "b": 1})
    assert best is not None
    assert best.name == "a"
    assert strategy.least_loaded([], {}) is None
