"""Shoots per seed, counted from watch events: spec and status seeds, assumptions, deletions and stale events."""

from __future__ import annotations

import pytest

from garden.scheduler.cache import ShootCounts

pytestmark = pytest.mark.unit

A, B, C = ("dev", "a"), ("dev", "b"), ("dev", "c")


def test_shoots_count_on_their_seed_and_move_with_it() -> None:
    counts = ShootCounts()
    counts.observe(A, "seed-1", resource_version="1")
    counts.observe(B, "seed-1", resource_version="2")
    counts.observe(C, None, resource_version="3")
    assert counts.count("seed-1") == 2
    assert len(counts) == 3
    # An update that does not move the shoot changes nothing.
    assert counts.observe(A, "seed-1", resource_version="4").freed == ()
    assert counts.count("seed-1") == 2
    # Moving frees the old seed.
    assert counts.observe(A, "seed-2", resource_version="5").freed == ("seed-1",)
    assert dict(counts.counts) == {"seed-1": 1, "seed-2": 1}
    assert counts.delete(B, "6").freed == ("seed-1",)
    assert dict(counts.counts) == {"seed-2": 1}
    assert counts.delete(("dev", "unknown")).freed == ()


def test_a_migrating_shoot_counts_on_both_seeds() -> None:
    counts = ShootCounts()
    counts.observe(A, "target", "source")
    assert dict(counts.counts) == {"target": 1, "source": 1}
    assert counts.observe(A, "target", "target").freed == ("source",)
    assert dict(counts.counts) == {"target": 1}
    # Only status.seedName (the spec was cleared): still counts there, as Gardener's CalculateSeedUsage does.
    counts.observe(B, None, "source")
    assert counts.count("source") == 1


def test_an_assumption_holds_the_place_until_the_binding_is_seen_or_forgotten() -> None:
    counts = ShootCounts()
    counts.observe(A, None, resource_version="1")
    counts.assume(A, "seed-1")
    assert counts.count("seed-1") == 1
    assert counts.assumed(A) == "seed-1"
    # A status update without the seed yet keeps the assumption.
    counts.observe(A, None, resource_version="2")
    assert counts.count("seed-1") == 1
    # The bound shoot arrives: counted once, no assumption left.
    counts.observe(A, "seed-1", resource_version="3")
    assert counts.count("seed-1") == 1
    assert counts.assumed(A) is None

    counts.observe(B, None, resource_version="4")
    counts.assume(B, "seed-2")
    assert counts.forget(B) == ("seed-2",)
    assert counts.count("seed-2") == 0
    assert counts.forget(B) == ()


def test_events_older_than_what_was_applied_are_stale() -> None:
    counts = ShootCounts()
    counts.observe(A, None, resource_version="10")
    counts.assume(A, "seed-1")
    # The binding's response (resourceVersion 12) is applied before the watch delivers version 11.
    assert not counts.observe(A, "seed-1", resource_version="12").stale
    assert counts.observe(A, None, resource_version="11").stale
    assert counts.count("seed-1") == 1
    assert counts.seeds_of(A) == ("seed-1",)
    assert counts.delete(A, "9").stale
    assert not counts.delete(A, "13").stale
    assert counts.count("seed-1") == 0
    # Opaque (non-numeric) versions are never compared.
    counts.observe(B, "seed-1", resource_version="xyz")
    assert not counts.observe(B, None, resource_version="abc").stale
