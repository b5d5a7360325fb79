from __future__ import annotations

import pytest

from gardenlet.machines.rollout import SetState, resolve, step, surge_and_unavailable

pytestmark = pytest.mark.unit


def test_percentages_round_surge_up_and_unavailable_down() -> None:
    assert resolve("25%", 10, round_up=True) == 3
    assert resolve("25%", 10, round_up=False) == 2
    assert resolve(None, 10, round_up=True) == 1
    assert resolve("4", 10, round_up=True) == 4
    with pytest.raises(ValueError, match="percentage"):
        resolve("x%", 10, round_up=True)


def test_zero_surge_and_zero_unavailable_would_block_so_one_may_be_unavailable() -> None:
    assert surge_and_unavailable(3, 0, 0) == (0, 1)
    assert surge_and_unavailable(3, 1, 0) == (1, 0)


def test_without_old_sets_the_new_set_is_sized_to_the_replicas() -> None:
    assert step(3, 1, 0, SetState("new", 1, 1), []) == {"new": 3}


def simulate(replicas: int, surge: int, unavailable: int, old: int) -> list[tuple[int, int]]:
    """Run steps to the end, machines becoming available at once; record (new, old) sizes and check the limits."""
    new_set, old_set = SetState("new", 0, 0), SetState("old", old, old)
    history = []
    for _ in range(50):
        targets = step(replicas, surge, unavailable, new_set, [old_set] if old_set.replicas else [])
        new_size, old_size = targets["new"], targets.get("old", 0)
        assert new_size + old_size <= replicas + surge
        # the old machines removed in this step were available; what stays available must respect the floor
        assert new_set.available + old_size >= replicas - unavailable
        new_set, old_set = SetState("new", new_size, new_size), SetState("old", old_size, old_size)
        history.append((new_size, old_size))
        if new_size == replicas and old_size == 0:
            return history
    raise AssertionError(f"the rollout never finished: {history}")


@pytest.mark.parametrize(("surge", "unavailable"), [(1, 0), (0, 1), (2, 1), (3, 3)])
def test_a_rollout_ends_on_the_new_set_within_surge_and_unavailable(surge: int, unavailable: int) -> None:
    history = simulate(3, surge, unavailable, 3)
    assert history[-1] == (3, 0)


def test_surge_one_replaces_one_machine_at_a_time() -> None:
    assert simulate(3, 1, 0, 3) == [(1, 3), (1, 2), (2, 2), (2, 1), (3, 1), (3, 0)]


def test_unavailable_old_machines_go_at_once_whatever_the_budget() -> None:
    targets = step(3, 1, 0, SetState("new", 1, 0), [SetState("old", 3, 1)])
    assert targets == {"new": 1, "old": 1}
