"""Kubernetes resource quantities (``resource.Quantity``): ``"8Gi"``, ``"500m"``, ``"2"``, ``"1e3"``, read exactly.

The grammar is Kubernetes': a signed decimal number, then either a binary suffix (``Ki`` ... ``Ei``, powers of
1024), a decimal suffix (``n``, ``u``, ``m``, none, ``k``, ``M``, ``G``, ``T``, ``P``, ``E``, powers of 1000) or a
decimal exponent (``e3``, ``E-2``). Values are kept as fractions, so sums and comparisons never round.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

BINARY_SUFFIXES: dict[str, int] = {
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
    "Pi": 2**50,
    "Ei": 2**60,
}
DECIMAL_SUFFIXES: dict[str, Fraction] = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}

# A suffix is tried before an exponent, so "1E" is one exa and "1E3" a thousand (as Kubernetes reads them).
_QUANTITY = re.compile(
    r"(?P<number>[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))"
    r"(?:(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE](?P<exponent>[+-]?[0-9]+))?"
)


class QuantityError(ValueError):
    """A value that is not a Kubernetes quantity."""


def parse_quantity(value: object) -> Fraction:
    """The exact value of a quantity given as a string or a JSON number; :class:`QuantityError` otherwise."""
    if isinstance(value, bool):
        raise QuantityError(f"{value!r} is not a quantity")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    if not isinstance(value, str):
        raise QuantityError(f"{value!r} is not a quantity")
    found = _QUANTITY.fullmatch(value)
    if found is None:
        raise QuantityError(f'"{value}" is not a quantity (e.g. "2", "500m", "8Gi", "1e3")')
    try:
        number = Fraction(Decimal(found["number"]))
    except InvalidOperation:  # pragma: no cover - the pattern only admits decimal numbers
        raise QuantityError(f'"{value}" is not a quantity') from None
    suffix, exponent = found["suffix"], found["exponent"]
    if exponent is not None:
        power = int(exponent)
        if abs(power) > 64:
            raise QuantityError(f'"{value}": the exponent is out of range')
        return number * Fraction(10) ** power
    if suffix in BINARY_SUFFIXES:
        return number * BINARY_SUFFIXES[suffix]
    return number * DECIMAL_SUFFIXES[suffix or ""]


def quantity_or_none(value: object) -> Fraction | None:
    """The value of a quantity, or None when ``value`` is not one."""
    try:
        return parse_quantity(value)
    except QuantityError:
        return None


def is_quantity(value: object) -> bool:
    try:
        parse_quantity(value)
    except QuantityError:
        return False
    return True


def format_quantity(value: Fraction, *, binary: bool = False) -> str:
    """A readable quantity: ``16Gi`` (``binary``, for bytes), ``4``, ``500m``; exact where a suffix fits."""
    if value == 0:
        return "0"
    if value.denominator == 1:
        whole = value.numerator
        if binary:
            for suffix, size in reversed(BINARY_SUFFIXES.items()):
                if abs(whole) >= size and whole % size == 0:
                    return f"{whole // size}{suffix}"
        return str(whole)
    millis = value * 1000
    if millis.denominator == 1:
        return f"{millis.numerator}m"
    return f"{float(value):g}"


__all__ = [
    "BINARY_SUFFIXES",
    "DECIMAL_SUFFIXES",
    "QuantityError",
    "format_quantity",
    "is_quantity",
    "parse_quantity",
    "quantity_or_none",
]
