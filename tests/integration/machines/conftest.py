"""The machine tests run on the provider suite's landscape, with the local provider."""

from __future__ import annotations

from tests.integration.providers.conftest import landscape, local_provider_case, provider_case, technical_id

__all__ = ["landscape", "local_provider_case", "provider_case", "technical_id"]
