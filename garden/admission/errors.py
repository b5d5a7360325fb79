"""Refusals as kube-apiserver words them, for the admission plugins.

:func:`refused` (422 Invalid, one cause per bad field) is for a request that is wrong in itself or against what it
refers to (an unknown region, a missing binding); :func:`forbidden_request` (403) for one that is well-formed but
not allowed (deletion without confirmation, over quota), as Gardener's admission plugins answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kubelite.apiserver.errors import APIError, FieldError, forbidden, invalid, not_supported, required


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError("FieldValueDuplicate", path, "", value)


def too_long(path: str, value: Any, limit: int) -> FieldError:
    return FieldError("FieldValueTooLong", path, f"must have at most {limit} characters", value)


def refused(kind: str, group: str, name: str, errors: Sequence[FieldError]) -> APIError:
    """422 Invalid: ``Shoot.core.gardener.cloud "dev" is invalid: [spec.region: ..., ...]``."""
    problems = list(errors)
    rendered = [e.render() for e in problems]
    joined = rendered[0] if len(rendered) == 1 else "[" + ", ".join(rendered) + "]"
    return APIError(
        422,
        "Invalid",
        f'{kind}.{group} "{name}" is invalid: {joined}',
        group=group,
        kind=kind,
        name=name,
        causes=problems,
    )


def check(kind: str, group: str, name: str, errors: Iterable[FieldError]) -> None:
    """Raise 422 when there is any error."""
    problems = list(errors)
    if problems:
        raise refused(kind, group, name, problems)


def forbidden_request(resource: str, group: str, name: str, why: str) -> APIError:
    """403 Forbidden: ``shoots.core.gardener.cloud "dev" is forbidden: <why>``."""
    qualified = f"{resource}.{group}" if group else resource
    return APIError(
        403, "Forbidden", f'{qualified} "{name}" is forbidden: {why}', group=group, kind=resource, name=name
    )


__all__ = [
    "FieldError",
    "check",
    "duplicate",
    "forbidden",
    "forbidden_request",
    "invalid",
    "not_supported",
    "refused",
    "required",
    "too_long",
]
