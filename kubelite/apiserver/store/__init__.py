"""The generic store: one implementation of every verb for every resource, driven by its ResourceType/Strategy.

Like kube-apiserver's ``genericregistry.Store``, it knows object semantics (names, uids, resourceVersions,
generation, finalizers, status/spec separation) and nothing of any particular kind; kinds differ only through their
:class:`~kubelite.apiserver.strategy.Strategy`. The verbs live in modules of their own (reads, writes, deletes,
patches, watches) and meet here.
"""

from __future__ import annotations

from kubelite.apiserver.store.context import FieldValidation, RequestContext
from kubelite.apiserver.store.deletes import DeleteMixin, DeleteOptions
from kubelite.apiserver.store.patches import PatchMixin
from kubelite.apiserver.store.reads import ListQuery
from kubelite.apiserver.store.watches import WatchMixin, WatchQuery


class Store(PatchMixin, DeleteMixin, WatchMixin):
    """Every verb over one Storage, for every registered resource."""


__all__ = ["DeleteOptions", "FieldValidation", "ListQuery", "RequestContext", "Store", "WatchQuery"]
