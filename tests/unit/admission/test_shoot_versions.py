"""The helpers behind shoot admission: versions and constraints, classifications, cron specs, time windows and
quantities."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from garden.admission.shoot.cron import cron_problem
from garden.admission.shoot.selection import usable_kubernetes_versions
from garden.admission.shoot.timewindow import default_window, seconds_of_day_utc, window_length
from garden.api import versions
from garden.api.core.cloudprofile import ExpirableVersion
from garden.api.quantity import quantity_or_none

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 25, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.36.2", versions.Version(1, 36, 2)),
        ("v1.36.2", versions.Version(1, 36, 2)),
        ("1877.3", versions.Version(1877, 3, 0)),
        ("24.4.20251001", versions.Version(24, 4, 20251001)),
        ("1.37.0-rc.1+build.5", versions.Version(1, 37, 0, "rc.1")),
        ("1", versions.Version(1, 0, 0)),
        ("1.36.x", None),
        ("01.2.3", None),
        ("", None),
        (1.36, None),
    ],
)
def test_parse(text: object, expected: versions.Version | None) -> None:
    assert versions.parse(text) == expected


def test_precedence() -> None:
    ordered = ["1.9.0", "1.10.0-alpha", "1.10.0-alpha.1", "1.10.0-beta", "1.10.0", "1.10.1", "2.0.0"]
    parsed = [versions.parse(v) for v in ordered]
    assert all(a is not None and b is not None and a < b for a, b in itertools.pairwise(parsed))
    assert versions.by_precedence(["1.10.0", "1.9.3", "x", "1.9.10"]) == ["1.9.3", "1.9.10", "1.10.0", "x"]


@pytest.mark.parametrize(
    ("text", "full", "partial"),
    [
        ("1.36.2", True, None),
        ("1.36", False, (1, 36)),
        ("1", False, (1, None)),
        ("1.36.2.1", False, None),
        ("latest", False, None),
        (None, False, None),
    ],
)
def test_full_and_partial(text: object, full: bool, partial: tuple[int, int | None] | None) -> None:
    assert versions.is_full_kubernetes(text) is full
    assert versions.partial_parts(text) == partial


@pytest.mark.parametrize(
    ("constraint", "yes", "no"),
    [
        ("< 1.34", ["1.33.9", "1.0.0"], ["1.34.0", "1.34.1", "2.0.0"]),
        (">= 1.30", ["1.30.0", "1.36.2"], ["1.29.9"]),
        ("<= 1.34", ["1.34.7", "1.33.0"], ["1.35.0"]),
        ("> 1.34", ["1.35.0"], ["1.34.9"]),
        ("> 1.34.1", ["1.34.2"], ["1.34.1"]),
        ("= 1.34", ["1.34.0", "1.34.9"], ["1.35.0"]),
        ("1.34.2", ["1.34.2"], ["1.34.3"]),
        ("!= 1.34", ["1.35.0"], ["1.34.5"]),
        ("~1.33.2", ["1.33.2", "1.33.9"], ["1.34.0", "1.33.1"]),
        ("^1.30", ["1.30.0", "1.99.0"], ["2.0.0", "1.29.0"]),
        (">= 1.30, < 1.34", ["1.31.0"], ["1.34.0", "1.29.0"]),
        (">= 1.30 < 1.34", ["1.33.3"], ["1.35.0"]),
        ("< 1.30 || >= 1.35", ["1.29.0", "1.36.0"], ["1.31.0"]),
        ("*", ["1.2.3"], []),
    ],
)
def test_constraints(constraint: str, yes: list[str], no: list[str]) -> None:
    for text in yes:
        version = versions.parse(text)
        assert version is not None and versions.satisfies(version, constraint), f"{text} {constraint}"
    for text in no:
        version = versions.parse(text)
        assert version is not None and not versions.satisfies(version, constraint), f"{text} {constraint}"


@pytest.mark.parametrize("constraint", ["", "lots", "1.2 - 1.4", ">> 1"])
def test_unreadable_constraints(constraint: str) -> None:
    with pytest.raises(versions.ConstraintError):
        versions.satisfies(versions.Version(1, 2, 3), constraint)


def _v(**fields: object) -> ExpirableVersion:
    return ExpirableVersion.model_validate({"version": "1.0.0", **fields})


@pytest.mark.parametrize(
    ("version", "classification"),
    [
        (_v(), "supported"),
        (_v(classification="preview"), "preview"),
        (_v(classification="deprecated", expirationDate="2027-01-01T00:00:00Z"), "deprecated"),
        (_v(classification="supported", expirationDate="2026-11-24T00:00:00Z"), "expired"),
        (_v(lifecycle=[{"classification": "preview"}]), "preview"),
        (_v(lifecycle=[{"classification": "supported", "startTime": "2026-12-01T00:00:00Z"}]), "unavailable"),
        (
            _v(
                lifecycle=[
                    {"classification": "preview", "startTime": "2026-01-01T00:00:00Z"},
                    {"classification": "supported", "startTime": "2026-06-01T00:00:00Z"},
                    {"classification": "deprecated", "startTime": "2026-11-01T00:00:00Z"},
                    {"classification": "expired", "startTime": "2027-01-01T00:00:00Z"},
                ]
            ),
            "deprecated",
        ),
    ],
)
def test_classification(version: ExpirableVersion, classification: str) -> None:
    assert versions.classification(version, NOW) == classification
    assert versions.classification(version, NOW.replace(tzinfo=None)) == classification
    assert versions.usable(version, NOW) is (classification not in ("expired", "unavailable"))
    assert versions.defaultable(version, NOW) is (classification in ("supported", "deprecated"))


def test_usable_versions_are_listed_ascending_with_previews_marked() -> None:
    offered = [
        ExpirableVersion(version="1.10.0", classification="preview"),
        ExpirableVersion.model_validate({"version": "1.8.0", "expirationDate": "2026-01-01T00:00:00Z"}),
        ExpirableVersion(version="1.9.0"),
    ]
    assert usable_kubernetes_versions(offered, NOW) == ["1.9.0", "1.10.0 (preview)"]


@pytest.mark.parametrize(
    "spec",
    [
        "0 22 * * *",
        "00 20 * * 1,2,3,4,5",
        "*/15 0-5/2 1-31 JAN-DEC SUN-SAT",
        "30 17 ? * fri",
        "59 23 31 12 6",
        "5/10 * * * *",
        "@daily",
        "@every 1h30m",
    ],
)
def test_valid_cron_specs(spec: str) -> None:
    assert cron_problem(spec) is None


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("0 22 * *", "expected exactly 5 fields, found 4: 0 22 * *"),
        ("0 24 * * *", "hour: end of range (24) above maximum (23): 24"),
        ("0 22 0 * *", "day of month: beginning of range (0) below minimum (1): 0"),
        ("0 22 * 0 *", "month: beginning of range (0) below minimum (1): 0"),
        ("0 22 * * 7", "day of week: end of range (7) above maximum (6): 7"),
        ("9-3 22 * * *", "minute: beginning of range (9) beyond end of range (3): 9-3"),
        ("*/0 22 * * *", "minute: step of range should be a positive number: */0"),
        ("*/x 22 * * *", "minute: failed to parse int from x"),
        ("0 22 * * MONDAY", "day of week: failed to parse int from MONDAY"),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
        ("@every soon", "failed to parse duration @every soon"),
    ],
)
def test_invalid_cron_specs(spec: str, problem: str) -> None:
    assert cron_problem(spec) == problem


def test_time_windows() -> None:
    assert seconds_of_day_utc("220000+0000") == 22 * 3600
    assert seconds_of_day_utc("010000+0200") == 23 * 3600
    assert seconds_of_day_utc("220000-0130") == 23 * 3600 + 1800
    for bad in ("220000", "22:00:00+0000", "240000+0000", "226000+0000", "220000+2400", "2200000+0000"):
        assert seconds_of_day_utc(bad) is None
    assert window_length("220000+0000", "010000+0000") == timedelta(hours=3)
    assert window_length("100000+0200", "083000+0000") == timedelta(minutes=30)
    assert window_length("x", "010000+0000") is None
    assert default_window("garden-dev", "a") == default_window("garden-dev", "a")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20Gi", Decimal(20 * 2**30)),
        ("1Ti", Decimal(2**40)),
        ("500M", Decimal(500 * 10**6)),
        ("1.5Gi", Decimal("1.5") * 2**30),
        ("100m", Decimal("0.1")),
        ("1e3", Decimal(1000)),
        (50, Decimal(50)),
        ("fifty", None),
        ("20 Gi", None),
        (True, None),
        (None, None),
    ],
)
def test_quantities(value: object, expected: Decimal | None) -> None:
    assert quantity_or_none(value) == (None if expected is None else Fraction(expected))
