"""Reading wire objects as typed models inside admission, with pydantic's complaints turned into field errors."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import ValidationError

from garden.admission.errors import FieldError, invalid, refused, required
from garden.api.base import Resource

R = TypeVar("R", bound=Resource)


def field_path(location: tuple[int | str, ...]) -> str:
    """``("spec", "provider", "workers", 0, "name")`` -> ``spec.provider.workers[0].name``."""
    out = ""
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def field_errors(exc: ValidationError) -> list[FieldError]:
    problems: list[FieldError] = []
    for error in exc.errors(include_url=False):
        # Union members show up as extra location parts (``int``, ``str``); they are not fields.
        location = tuple(p for p in error["loc"] if isinstance(p, int) or p not in _TYPE_NAMES)
        path = field_path(location)
        if error["type"] == "missing":
            problems.append(required(path))
        else:
            problems.append(invalid(path, error.get("input"), str(error["msg"])))
    return problems


_TYPE_NAMES = frozenset({"int", "str", "float", "bool", "dict", "list", "function-after", "function-before"})


def parse(model: type[R], obj: dict[str, Any]) -> R:
    """The typed object, or a 422 naming every field pydantic could not read."""
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        name = str((obj.get("metadata") or {}).get("name") or "")
        info = model.INFO  # type: ignore[attr-defined]
        raise refused(info.kind, info.group, name, field_errors(exc)) from None


__all__ = ["field_errors", "field_path", "parse"]
