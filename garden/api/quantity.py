"""Kubernetes resource quantities, read exactly: the pure module lives in :mod:`kubelite.quantity` (the one
exception to "garden.api imports nothing of ours", recorded in .importlinter), so the API types, admission and the
kubelite kubelet read quantities the same way."""

from __future__ import annotations

from kubelite.quantity import (
    BINARY_SUFFIXES,
    DECIMAL_SUFFIXES,
    QuantityError,
    format_quantity,
    is_quantity,
    parse_quantity,
    quantity_or_none,
)

__all__ = [
    "BINARY_SUFFIXES",
    "DECIMAL_SUFFIXES",
    "QuantityError",
    "format_quantity",
    "is_quantity",
    "parse_quantity",
    "quantity_or_none",
]
