"""Field management as kube-apiserver does it: ``metadata.managedFields`` and server-side apply, as pure functions.

* :func:`update_managed_fields`: the managedFields of an object written by create, update or a non-apply patch;
* :func:`apply`: server-side apply (``application/apply-patch+yaml``), merging and recording ownership, raising
  :class:`ApplyConflict` (409) when it would change fields another manager owns;
* :class:`FieldSet`: sets of field paths and their ``fieldsV1`` form.

Layers, bottom up: :mod:`.fieldpath` (path elements), :mod:`.fieldset` (sets of paths), :mod:`.shape` (what the
schema says about ownership), :mod:`.walk` and :mod:`.merge` (walking objects with their schema), :mod:`.managed`
(managedFields entries and updates), :mod:`.apply`. Nothing here does I/O or mutates its inputs; the caller passes
the time to stamp.

Left out, compared with upstream: converting entries between API versions, schema changes of a field between
atomic and granular, the client-side-apply (``last-applied-configuration``) migration, and special handling of
duplicate items in a live associative list (the first one wins).
"""

from kubelite.apiserver.fieldmanager.apply import apply
from kubelite.apiserver.fieldmanager.errors import (
    ApplyConflict,
    Conflict,
    FieldManagerError,
    InvalidApply,
    InvalidObject,
    MissingFieldManager,
)
from kubelite.apiserver.fieldmanager.fieldpath import PathElement, format_path
from kubelite.apiserver.fieldmanager.fieldset import FieldSet
from kubelite.apiserver.fieldmanager.managed import update_managed_fields

__all__ = [
    "ApplyConflict",
    "Conflict",
    "FieldManagerError",
    "FieldSet",
    "InvalidApply",
    "InvalidObject",
    "MissingFieldManager",
    "PathElement",
    "apply",
    "format_path",
    "update_managed_fields",
]
