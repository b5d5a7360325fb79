from __future__ import annotations

import pytest

from gardenlet.machines.distribution import deployment_name, distribute, distribute_int_or_percent

pytestmark = pytest.mark.unit


def test_deployment_names_count_zones_from_one() -> None:
    assert deployment_name("shoot--dev--a", "cpu", 0) == "shoot--dev--a-cpu-z1"
    assert deployment_name("shoot--dev--a", "cpu", 2) == "shoot--dev--a-cpu-z3"


@pytest.mark.parametrize(
    ("size", "zones", "shares"),
    [(4, 3, [2, 1, 1]), (3, 3, [1, 1, 1]), (1, 3, [1, 0, 0]), (0, 2, [0, 0]), (7, 2, [4, 3]), (5, 1, [5])],
    ids=["4-over-3", "even", "one-over-3", "zero", "7-over-2", "one-zone"],
)
def test_sizes_spread_over_zones_with_the_first_zones_taking_the_rest(size: int, zones: int, shares: list[int]) -> None:
    got = [distribute(size, zones, index) for index in range(zones)]
    assert got == shares
    assert sum(got) == size


def test_surge_numbers_are_divided_and_percentages_kept() -> None:
    assert [distribute_int_or_percent(3, 2, i) for i in range(2)] == [2, 1]
    assert [distribute_int_or_percent("25%", 3, i) for i in range(3)] == ["25%"] * 3
    assert distribute_int_or_percent("2", 2, 1) == 1


@pytest.mark.parametrize(("size", "zones", "index"), [(1, 0, 0), (1, 2, 2), (-1, 1, 0)])
def test_impossible_spreads_are_errors(size: int, zones: int, index: int) -> None:
    with pytest.raises(ValueError, match=r"zone|negative"):
        distribute(size, zones, index)
