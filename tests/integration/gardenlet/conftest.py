"""The gardenlet tests run on the embedded landscape (:mod:`tests.integration.landscape`), one per module."""

from __future__ import annotations

from tests.integration.landscape import landscape

__all__ = ["landscape"]
