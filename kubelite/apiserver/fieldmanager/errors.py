"""Why the field manager refused a write, and with which HTTP status kube-apiserver refuses it.

* :class:`ApplyConflict`: 409 Conflict. The Status lists one cause per conflicting field, each with reason
  ``FieldManagerConflict``, the field as upstream prints paths and ``conflict with "<manager>"...`` (manager, then
  ``with subresource "<name>"``, then ``using <apiVersion>`` for an Update entry). The message is
  ``Apply failed with 1 conflict: conflict with "m" using apps/v1: .spec.replicas``, or for several
  ``Apply failed with 2 conflicts: conflicts with "m" using apps/v1:`` followed by one ``- <path>`` line per field,
  managers in the order of their identifiers (``apiserver/.../managedfields/internal/conflict.go``).
* :class:`InvalidApply`: 400 BadRequest, for an apply request that cannot be applied whatever the live object is:
  a wrong ``apiVersion`` or kind, ``metadata.managedFields`` in the body, a list item without its key. (Upstream
  answers the last one with a 500; the fault is in the request, so kubelite says 400.) An apply without a field
  manager is :class:`MissingFieldManager`, 422 Invalid, as upstream's PatchOptions validation answers it.
* :class:`InvalidObject`: a value that does not fit its schema, raised while walking an object; :func:`apply` turns it
  into an :class:`InvalidApply`, and :func:`update_managed_fields` keeps the previous managedFields, as upstream does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from kubelite.apiserver.fieldmanager.fieldpath import Path, format_path


class FieldManagerError(Exception):
    """A write was refused. ``code`` and ``reason`` are the HTTP status and Status reason to answer with."""

    code: ClassVar[int] = 500
    reason: ClassVar[str] = "InternalError"


class InvalidApply(FieldManagerError):
    code = 400
    reason = "BadRequest"


class MissingFieldManager(InvalidApply):
    """An apply without ``fieldManager``: upstream refuses the PatchOptions, 422 Invalid."""

    code = 422
    reason = "Invalid"

    def __init__(self) -> None:
        super().__init__(
            'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'
        )


class InvalidObject(FieldManagerError):
    """A value does not fit the schema at ``path``."""

    code = 422
    reason = "Invalid"

    def __init__(self, message: str, path: Path = ()) -> None:
        super().__init__(f"{format_path(path)}: {message}" if path else message)
        self.message = message
        self.path = path

    def at(self, prefix: Path) -> InvalidObject:
        """The same error, reported at ``prefix`` + its own path."""
        return InvalidObject(self.message, (*prefix, *self.path))


@dataclass(frozen=True, slots=True)
class Conflict:
    """``path`` is owned by the entry of ``manager``; ``api_version`` is set for an Update entry, empty for Apply."""

    manager: str
    path: Path
    api_version: str = ""
    subresource: str = ""

    @property
    def field(self) -> str:
        return format_path(self.path)

    @property
    def owner(self) -> str:
        """The entry as upstream prints it: ``"kubectl"``, ``"kubectl-scale" with subresource "scale" using v1``."""
        owner = json.dumps(self.manager, ensure_ascii=False)
        if self.subresource:
            owner += f" with subresource {json.dumps(self.subresource, ensure_ascii=False)}"
        return f"{owner} using {self.api_version}" if self.api_version else owner


class ApplyConflict(FieldManagerError):
    code = 409
    reason = "Conflict"

    def __init__(self, conflicts: Iterable[Conflict]) -> None:
        self.conflicts: Sequence[Conflict] = tuple(conflicts)
        super().__init__(_message(self.conflicts))

    def causes(self) -> list[dict[str, str]]:
        """The Status ``details.causes``, one per conflicting field."""
        return [
            {"reason": "FieldManagerConflict", "message": f"conflict with {conflict.owner}", "field": conflict.field}
            for conflict in self.conflicts
        ]


def _message(conflicts: Sequence[Conflict]) -> str:
    if len(conflicts) == 1:
        return f"Apply failed with 1 conflict: conflict with {conflicts[0].owner}: {conflicts[0].field}"
    by_manager: dict[str, list[str]] = {}
    for conflict in conflicts:
        by_manager.setdefault(conflict.owner, []).append(conflict.field)
    lines: list[str] = []
    for manager, fields in by_manager.items():
        lines.append(f"conflicts with {manager}:")
        lines.extend(f"- {field}" for field in fields)
    return f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
