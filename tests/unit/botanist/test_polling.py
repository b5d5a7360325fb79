"""The delays between a wait's polls: quick at first, then the configured interval."""

from __future__ import annotations

import itertools

import pytest

from gardenlet.botanist.polling import delays


def test_delays_grow_from_a_tenth_of_a_second_to_the_interval() -> None:
    first = list(itertools.islice(delays(1.0), 10))
    assert first[0] == pytest.approx(0.1)
    assert all(a <= b for a, b in itertools.pairwise(first))
    assert first[-1] == 1.0
    # A wait that ends after two seconds has polled about seven times, not twice.
    assert sum(first[:6]) < 2.2


def test_an_interval_shorter_than_the_first_delay_is_kept() -> None:
    assert list(itertools.islice(delays(0.05), 3)) == [0.05, 0.05, 0.05]


@pytest.mark.parametrize(("interval", "first", "factor"), [(0, 0.1, 1.5), (1, 0, 1.5), (1, 0.1, 0.5)])
def test_nonsense_is_refused(interval: float, first: float, factor: float) -> None:
    with pytest.raises(ValueError, match="poll delays"):
        next(delays(interval, first, factor))
