"""Finding providers: the ``garden.providers`` entry-point group maps an extension type to its Provider class.

The core never imports a provider package; it asks this registry for the provider of an object's ``spec.type``.
A package adds a cloud by declaring an entry point::

    [project.entry-points."garden.providers"]
    local = "providers.local:LocalProvider"

An unknown type is a :class:`UnknownProviderError` naming the types that are installed, so a typo in a Shoot or a
missing package is plain from the message alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import import_module
from importlib.metadata import entry_points

from providers.interface import Provider

GROUP = "garden.providers"


class UnknownProviderError(LookupError):
    """No provider is installed for a type."""

    def __init__(self, name: str, installed: Iterable[str]) -> None:
        names = sorted(installed)
        listed = ", ".join(names) if names else "none"
        super().__init__(f"no provider {name!r} is installed (installed: {listed}; entry-point group {GROUP!r})")
        self.name = name
        self.installed = tuple(names)


class ProviderRegistry:
    """Provider types by name, each a ``module:Class`` reference loaded on first use and then kept."""

    def __init__(self, references: Mapping[str, str]) -> None:
        for name, reference in references.items():
            if ":" not in reference:
                raise ValueError(f"provider {name!r}: want 'module:Class', got {reference!r}")
        self._references = dict(references)
        self._loaded: dict[str, type[Provider]] = {}

    @classmethod
    def installed(cls, group: str = GROUP) -> ProviderRegistry:
        """Every provider the installed distributions declare in ``group``."""
        return cls({ep.name: ep.value for ep in entry_points(group=group)})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._references))

    def only(self, names: Iterable[str]) -> ProviderRegistry:
        """A registry of just ``names`` (each must be installed): what one extension process serves."""
        wanted = list(names)
        for name in wanted:
            if name not in self._references:
                raise UnknownProviderError(name, self._references)
        return ProviderRegistry({name: self._references[name] for name in wanted})

    def provider_class(self, name: str) -> type[Provider]:
        if name in self._loaded:
            return self._loaded[name]
        reference = self._references.get(name)
        if reference is None:
            raise UnknownProviderError(name, self._references)
        module_name, _, attribute = reference.partition(":")
        loaded = getattr(import_module(module_name), attribute, None)
        if not isinstance(loaded, type):
            raise TypeError(f"provider {name!r}: {reference} is not a class")
        if getattr(loaded, "name", None) != name:
            raise TypeError(f"provider {name!r}: {reference} declares name {getattr(loaded, 'name', None)!r}")
        self._loaded[name] = loaded
        return loaded

    def get(self, name: str) -> Provider:
        """A fresh provider instance for the type (instances are cheap; they hold no connections)."""
        provider = self.provider_class(name)()
        if not isinstance(provider, Provider):
            raise TypeError(f"provider {name!r} does not implement providers.interface.Provider")
        return provider


__all__ = ["GROUP", "ProviderRegistry", "UnknownProviderError"]
