"""Why a patch was refused, and with which HTTP status kube-apiserver refuses it.

kube-apiserver (``apiserver/pkg/endpoints/handlers/patch.go``) answers:

* JSON patch: 400 BadRequest when the body does not decode as a list of operations; 422 Invalid for every error
  while applying them (unknown op, missing member, bad pointer, path not found, index out of range, failed ``test``).
  kopf relies on the 422 of a failed ``test``.
* JSON merge patch: 400 BadRequest for a body that is not JSON; a JSON body always applies.
* Strategic merge patch: 400 BadRequest for a malformed ``$deleteFromPrimitiveList``, ``$retainKeys`` or
  ``$setElementOrder`` directive; 422 Invalid for a list of lists. Other failures (an unknown ``$patch`` value, a
  merge-list element without its merge key) reach the client unclassified, as a 500 with reason ``Unknown``;
  kubelite answers those 400 BadRequest, because the fault is in the request, not in the server.
"""

from __future__ import annotations

from typing import ClassVar


class PatchError(Exception):
    """A patch was not applied. ``code`` and ``reason`` are the HTTP status and Status reason to answer with."""

    code: ClassVar[int] = 422
    reason: ClassVar[str] = "Invalid"


class InvalidPatch(PatchError):
    """The patch document is malformed, whatever it is applied to: 400 BadRequest."""

    code = 400
    reason = "BadRequest"


class PatchNotApplicable(PatchError):
    """The patch is well-formed but does not fit this object (a path that is not there, a list of lists): 422."""


class PatchTestFailed(PatchNotApplicable):
    """A JSON patch ``test`` operation found another value: 422 Invalid, as kopf expects."""
