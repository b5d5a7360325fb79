"""Which version maintenance picks: automatic patch updates, image update strategies, forced updates on expiry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from garden.api.core.cloudprofile import ExpirableVersion
from garden.controllermanager.versionupdates import NoVersion, image_target, kubernetes_target

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
PAST = "2026-01-01T00:00:00Z"
FUTURE = "2027-06-30T00:00:00Z"


def v(version: str, classification: str = "supported", expires: str | None = None, **extra: Any) -> ExpirableVersion:
    fields: dict[str, Any] = {"version": version, "classification": classification, **extra}
    if expires is not None:
        fields["expirationDate"] = expires
    return ExpirableVersion.model_validate(fields)


KUBERNETES = [
    v("1.37.2", "preview"),
    v("1.37.1"),
    v("1.37.0", "deprecated", FUTURE),
    v("1.36.3", "deprecated", FUTURE),
    v("1.36.2"),
    v("1.36.1", "deprecated", FUTURE),
    v("1.36.0", "deprecated", PAST),
    v("1.35.1", "deprecated", PAST),
    v("1.35.0", "deprecated", PAST),
    v("1.34.0", "deprecated", PAST),
]


def test_automatic_kubernetes_update_goes_to_the_newest_supported_patch() -> None:
    # 1.36.3 is newer but deprecated; a supported patch is preferred.
    assert kubernetes_target(KUBERNETES, "1.36.1", NOW, expired=False) == "1.36.2"
    assert kubernetes_target(KUBERNETES, "1.36.2", NOW, expired=False) == "1.36.3"  # only a deprecated one is left
    assert kubernetes_target(KUBERNETES, "1.36.3", NOW, expired=False) is None
    # Never to a preview version, never across a minor.
    assert kubernetes_target(KUBERNETES, "1.37.1", NOW, expired=False) is None


def test_expired_kubernetes_goes_to_a_newer_patch_if_one_is_usable() -> None:
    assert kubernetes_target(KUBERNETES, "1.36.0", NOW, expired=True) == "1.36.2"


def test_expired_kubernetes_without_a_usable_patch_goes_to_the_next_minor() -> None:
    # 1.35 has only expired patches: the newest unexpired patch of 1.36.
    assert kubernetes_target(KUBERNETES, "1.35.1", NOW, expired=True) == "1.36.3"
    # 1.34 -> 1.35 has only expired versions: the newest of them (the next maintenance moves on).
    assert kubernetes_target(KUBERNETES, "1.34.0", NOW, expired=True) == "1.35.1"


def test_expired_kubernetes_never_skips_a_minor() -> None:
    with pytest.raises(NoVersion, match="cannot perform forceful update"):
        kubernetes_target([v("1.32.0", "deprecated", PAST), v("1.34.0")], "1.32.0", NOW, expired=True)


IMAGES = [
    v("2.1.0", "preview"),
    v("2.0.0"),
    v("1.3.1"),
    v("1.3.0"),
    v("1.1.0", "supported"),
    v("1.0.5", "deprecated", FUTURE),
    v("1.0.1", "deprecated", PAST),
    v("1.0.0", "deprecated", PAST),
]


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [("patch", "1.0.5"), ("minor", "1.0.5"), ("major", "1.0.5")],
)
def test_every_strategy_takes_a_newer_patch_first(strategy: str, expected: str) -> None:
    assert image_target(IMAGES, "1.0.1", NOW, strategy, expired=False) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [("patch", None), ("minor", "1.3.1"), ("major", "2.0.0")],
)
def test_image_strategies_bound_how_far_an_automatic_update_goes(strategy: str, expected: str | None) -> None:
    assert image_target(IMAGES, "1.0.5", NOW, strategy, expired=False) == expected  # type: ignore[arg-type]


def test_expired_images_are_forced_to_the_next_minor_or_major() -> None:
    images = [v("3.0.0"), v("2.4.0"), v("2.2.1"), v("2.2.0"), v("2.1.0", "deprecated", PAST)]
    # patch: the newest of the next higher minor that has usable versions (2.1 has only expired ones, so 2.1.0).
    assert image_target(images, "2.0.0", NOW, "patch", expired=True) == "2.1.0"
    assert image_target(images, "2.1.0", NOW, "patch", expired=True) == "2.2.1"
    # minor: within major 2 first (an automatic update), then the next major.
    assert image_target(images, "2.0.0", NOW, "minor", expired=True) == "2.4.0"
    assert image_target(
        [v("3.1.0"), v("3.0.0"), v("2.0.0", "deprecated", PAST)], "2.0.0", NOW, "minor", expired=True
    ) == ("3.1.0")


def test_an_expired_image_with_strategy_major_and_nothing_newer_reaches_its_end() -> None:
    with pytest.raises(NoVersion, match="end of life"):
        image_target([v("1.0.0", "deprecated", PAST)], "1.0.0", NOW, "major", expired=True)


def test_lifecycle_stages_count_as_classifications() -> None:
    later = v(
        "1.36.9",
        None,  # type: ignore[arg-type]
        lifecycle=[{"classification": "preview"}, {"classification": "supported", "startTime": "2027-01-01T00:00:00Z"}],
    )
    assert kubernetes_target([*KUBERNETES, later], "1.36.1", NOW, expired=False) == "1.36.2"
    assert kubernetes_target([*KUBERNETES, later], "1.36.1", datetime(2027, 2, 1, tzinfo=UTC), expired=False) == (
        "1.36.9"
    )
