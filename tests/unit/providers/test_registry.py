from __future__ import annotations

import pytest

from providers.interface import Provider
from providers.registry import ProviderRegistry, UnknownProviderError

pytestmark = pytest.mark.unit


def test_a_provider_is_loaded_by_type_and_implements_the_contract() -> None:
    registry = ProviderRegistry({"local": "providers.local:LocalProvider"})
    provider = registry.get("local")
    assert isinstance(provider, Provider)
    assert provider.name == "local"
    assert registry.provider_class("local") is registry.provider_class("local")


def test_an_unknown_type_names_the_installed_ones() -> None:
    registry = ProviderRegistry({"local": "providers.local:LocalProvider"})
    with pytest.raises(UnknownProviderError, match=r"no provider 'azure' is installed \(installed: local"):
        registry.get("azure")
    with pytest.raises(UnknownProviderError, match="installed: none"):
        ProviderRegistry({}).get("aws")
    with pytest.raises(UnknownProviderError, match="'gcp'"):
        registry.only(["gcp"])


def test_references_must_be_classes_named_like_their_type() -> None:
    with pytest.raises(ValueError, match="module:Class"):
        ProviderRegistry({"local": "providers.local"})
    with pytest.raises(TypeError, match="declares name 'local'"):
        ProviderRegistry({"aws": "providers.local:LocalProvider"}).get("aws")
    with pytest.raises(TypeError, match="not a class"):
        ProviderRegistry({"local": "providers.local:__doc__"}).get("local")


def test_installed_reads_the_entry_point_group() -> None:
    assert ProviderRegistry.installed("garden.no-such-group").names == ()
