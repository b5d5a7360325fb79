from __future__ import annotations

import pytest

from gardenlet.flow import CriticalPath, Graph, Task, critical_path
from tests.unit.flow.helpers import Journal, work
from tests.unit.flow.virtual_time import run

pytestmark = pytest.mark.unit


def diamond() -> Graph[Journal]:
    return Graph(
        "diamond",
        [
            Task("namespace", work("namespace", 1)),
            Task("secrets", work("secrets", 2), dependencies=["namespace"]),
            Task("infrastructure", work("infrastructure", 10), dependencies=["namespace"]),
            Task("etcd", work("etcd", 3), dependencies=["secrets"]),
            Task("worker", work("worker", 4), dependencies=["infrastructure", "etcd"]),
            Task("dns", work("dns", 1), dependencies=["etcd"]),
        ],
    )


def test_the_critical_path_is_the_longest_chain_of_durations() -> None:
    flow = diamond().compile()
    durations = {"namespace": 1, "secrets": 2, "infrastructure": 10, "etcd": 3, "worker": 4, "dns": 1}
    assert critical_path(flow, durations) == CriticalPath(("namespace", "infrastructure", "worker"), 15)
    durations["secrets"] = 20
    assert critical_path(flow, durations) == CriticalPath(("namespace", "secrets", "etcd", "worker"), 28)


def test_an_unbounded_run_takes_exactly_its_critical_path_in_virtual_time() -> None:
    flow = diamond().compile()
    journal = Journal()
    stats = run(flow.run(journal))
    assert critical_path(flow, stats.durations).length == 15
    assert max(journal.ends().values()) == 15


def test_missing_durations_count_zero_and_unknown_or_negative_ones_are_errors() -> None:
    flow = diamond().compile()
    assert critical_path(flow, {"dns": 5}) == CriticalPath(("namespace", "secrets", "etcd", "dns"), 5)
    with pytest.raises(ValueError, match="unknown tasks: 'nope'"):
        critical_path(flow, {"nope": 1})
    with pytest.raises(ValueError, match="negative durations for 'dns'"):
        critical_path(flow, {"dns": -1})


def test_an_empty_flow_has_an_empty_critical_path() -> None:
    assert critical_path(Graph[Journal]("empty").compile(), {}) == CriticalPath((), 0.0)
