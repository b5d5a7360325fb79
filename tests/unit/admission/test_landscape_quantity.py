"""Kubernetes quantities: every suffix, exponents, signs and what is not a quantity."""

from __future__ import annotations

from fractions import Fraction

import pytest

from garden.api.quantity import QuantityError, format_quantity, is_quantity, parse_quantity

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("2", 2),
        ("500m", Fraction(1, 2)),
        ("1500m", Fraction(3, 2)),
        ("100n", Fraction(1, 10**7)),
        ("5u", Fraction(5, 10**6)),
        ("1k", 1000),
        ("1M", 10**6),
        ("3G", 3 * 10**9),
        ("1T", 10**12),
        ("1P", 10**15),
        ("1E", 10**18),
        ("1Ki", 1024),
        ("8Gi", 8 * 2**30),
        ("1.5Gi", 3 * 2**29),
        ("1Mi", 2**20),
        ("2Ti", 2 * 2**40),
        ("1Pi", 2**50),
        ("1Ei", 2**60),
        ("1e3", 1000),
        ("1E3", 1000),
        ("2.5e-3", Fraction(1, 400)),
        ("1e+2", 100),
        (".5", Fraction(1, 2)),
        ("1.", 1),
        ("-1k", -1000),
        ("+4", 4),
        (3, 3),
        (0.25, Fraction(1, 4)),
    ],
)
def test_quantities_are_read_exactly(text: str | int | float, value: Fraction | int) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Gi",
        "1 Gi",
        " 1",
        "1Gi\n",
        "1e",
        "e3",
        "1.2.3",
        "1KiB",
        "1ki",
        "1Ki1",
        "1x",
        "\u0661",
        True,
        None,
        [1],
        "1e99",
    ],
)
def test_what_is_not_a_quantity_is_refused(text: object) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)
    assert not is_quantity(text)


@pytest.mark.parametrize(
    ("value", "binary", "shown"),
    [
        (Fraction(0), True, "0"),
        (Fraction(8 * 2**30), True, "8Gi"),
        (Fraction(3 * 2**29), True, "1536Mi"),
        (Fraction(1000), True, "1000"),
        (Fraction(6), False, "6"),
        (Fraction(1, 2), False, "500m"),
        (Fraction(1, 3), False, "0.333333"),
        (Fraction(16 * 2**30), False, str(16 * 2**30)),
    ],
)
def test_quantities_are_shown_readably(value: Fraction, binary: bool, shown: str) -> None:
    assert format_quantity(value, binary=binary) == shown


def test_sums_do_not_round() -> None:
    assert sum((parse_quantity("100m") for _ in range(10)), Fraction(0)) == parse_quantity("1")
    assert parse_quantity("1Gi") == parse_quantity("1024Mi") == parse_quantity("1073741824")
