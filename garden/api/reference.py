"""The API reference (``docs/api-reference/``), generated from the typed models like the CRDs.

``python -m garden.api.reference [DIR]`` writes one Markdown page per API group: each kind, then every struct it
uses, with each field's wire name, type, whether it is required, and its description.
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from garden.api.base import IntOrString, Quantity, RawExtension, Resource, Time
from garden.api.catalogue import KINDS
from garden.api.generated import write_generated
from garden.api.kind import resource_kind

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "docs" / "api-reference"
HEADER = "<!-- Generated from garden/api by `python -m garden.api.reference`; do not edit. -->\n"
_NAMED = {id(Time): "Time", id(Quantity): "Quantity", id(IntOrString): "IntOrString", id(RawExtension): "RawExtension"}


def _type_name(annotation: Any, structs: list[type[BaseModel]]) -> str:
    named = _NAMED.get(id(annotation))
    if named:
        return named
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0], structs)
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(a, structs) for a in args if a is not type(None)]
        return " or ".join(parts)
    if origin is list:
        return f"[]{_type_name(args[0], structs)}"
    if origin is dict:
        return f"map[{_type_name(args[0], structs)}]{_type_name(args[1], structs)}"
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in structs:
            structs.append(annotation)
        title = _title(annotation, structs)
        return f"[{title}](#{title.replace('.', '').lower()})"
    if isinstance(annotation, type):
        return {str: "string", int: "integer", float: "number", bool: "boolean"}.get(annotation, annotation.__name__)
    return "any"


def _title(struct: type[BaseModel], structs: list[type[BaseModel]]) -> str:
    """The struct's name, qualified by its module when another struct on the page has the same name."""
    clash = any(other is not struct and other.__name__ == struct.__name__ for other in structs)
    return f"{struct.__module__.rsplit('.', 1)[-1]}.{struct.__name__}" if clash else struct.__name__


def _fields(model: type[BaseModel], structs: list[type[BaseModel]]) -> list[str]:
    lines = ["| Field | Type | Description |", "|---|---|---|"]
    for name, info in model.model_fields.items():
        if issubclass(model, Resource) and name in ("api_version", "kind", "metadata"):
            continue
        wire = info.alias or name
        required = " (required)" if info.is_required() else ""
        description = _text(info.description or "").replace("|", "\\|")
        lines.append(f"| `{wire}`{required} | {_type_name(info.annotation, structs)} | {description} |")
    return lines


def _text(text: str) -> str:
    return " ".join(text.split()).replace("``", "`")


def _doc(model: type[BaseModel]) -> str:
    return _text(model.__doc__ or "")


def page(group: str, kinds: Iterable[type[Resource]]) -> str:
    """The Markdown page of one API group."""
    models = list(kinds)
    structs: list[type[BaseModel]] = []
    _render(group, models, structs)  # the first pass finds every struct, so names that clash are known to links
    return _render(group, models, structs)


def _render(group: str, kinds: list[type[Resource]], structs: list[type[BaseModel]]) -> str:
    out = [HEADER, f"# {group}", ""]
    for model in kinds:
        info = resource_kind(model)
        out += [f"## {info.kind}", ""]
        out += [
            f"`{info.api_version}`, {'namespaced' if info.namespaced else 'cluster-scoped'}, "
            f"resource `{info.plural}`"
            + (f" (short names: {', '.join(info.short_names)})" if info.short_names else "")
            + ".",
            "",
        ]
        if info.description:
            out += [info.description, ""]
        out += [*_fields(model, structs), ""]
    done: set[type[BaseModel]] = set()
    index = 0
    while index < len(structs):
        struct = structs[index]
        index += 1
        if struct in done:
            continue
        done.add(struct)
        out += [f"### {_title(struct, structs)}", ""]
        if _doc(struct):
            out += [_doc(struct), ""]
        out += [*_fields(struct, structs), ""]
    return "\n".join(out).rstrip() + "\n"


def pages(kinds: Iterable[type[Resource]]) -> dict[str, str]:
    """File name -> Markdown for every group."""
    by_group: dict[str, list[type[Resource]]] = {}
    for model in kinds:
        by_group.setdefault(resource_kind(model).group, []).append(model)
    files = {f"{group}.md": page(group, models) for group, models in by_group.items()}
    index = [HEADER, "# API reference", "", "The kinds this project serves, by API group:", ""]
    for group, models in by_group.items():
        names = ", ".join(resource_kind(m).kind for m in models)
        index.append(f"* [{group}]({group}.md): {names}")
    files["README.md"] = "\n".join(index) + "\n"
    return files


def write(directory: Path, kinds: Iterable[type[Resource]]) -> list[Path]:
    """Write every page into ``directory`` and remove generated pages no group produces any more."""
    return write_generated(directory, pages(kinds), HEADER, ".md")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    for path in write(Path(args[0]) if args else REFERENCE_DIR, KINDS):
        print(path)


if __name__ == "__main__":
    main()
