"""ProviderConfigValidation: a Shoot's provider configs, checked by the provider of its ``spec.provider.type``.

``spec.provider.infrastructureConfig``, ``controlPlaneConfig`` and each worker's ``providerConfig`` are opaque to the
garden: only the provider knows their types and rules (the subnets of an AWS zone inside the VPC's CIDR, say). In
Gardener each provider extension runs its own admission webhook for them; here the garden asks the provider found in
:mod:`providers.registry` through the contract's :func:`~providers.interface.validate_shoot`, so a new provider
brings its rules with it and the garden never imports a provider package.

Every problem comes back at once, as field errors under the config's place in the Shoot, in one 422. A type with no
installed provider is not refused here: the cloud profile's checks already decide which types a shoot may use, and
a garden may serve types whose extensions run elsewhere.
"""

from __future__ import annotations

from typing import Any

from garden.admission.errors import check
from garden.admission.request import Plugin, Request
from garden.admission.shoot.wire import applies, child, text
from garden.api.core import GROUP
from providers.interface import validate_shoot
from providers.registry import ProviderRegistry, UnknownProviderError


class ProviderConfigValidation(Plugin):
    name = "ProviderConfigValidation"

    def __init__(self, providers: ProviderRegistry | None = None) -> None:
        """``providers``: the registry to ask (default: every provider installed, read on first use)."""
        self._providers = providers

    @property
    def providers(self) -> ProviderRegistry:
        if self._providers is None:
            self._providers = ProviderRegistry.installed()
        return self._providers

    async def validate(self, request: Request) -> None:
        if not applies(request):
            return
        spec: dict[str, Any] | None = child(request.obj, "spec")
        provider_type = text(child(spec, "provider"), "type")
        if spec is None or provider_type is None:
            return
        try:
            provider = self.providers.get(provider_type)
        except UnknownProviderError:
            return
        name = text(request.obj.get("metadata"), "name") or request.name
        check("Shoot", GROUP, name, validate_shoot(provider, spec))


__all__ = ["ProviderConfigValidation"]
