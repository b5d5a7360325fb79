"""The one printer layer: tables as ``kubectl get`` prints them, or the objects as YAML or JSON.

Plain text, not rich tables: the output is read by people and by ``grep``/``awk`` alike, so columns are separated
by spaces, headers are upper case, and nothing wraps or depends on the terminal.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from typing import Any

import typer
import yaml


class Output(enum.StrEnum):
    """``-o``: a wide table, or the objects themselves."""

    wide = "wide"
    yaml = "yaml"
    json = "json"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Left-aligned columns, three spaces apart, upper-case headers (kubectl's layout)."""
    cells = [[h.upper() for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["   ".join(value.ljust(widths[i]) for i, value in enumerate(row)).rstrip() for row in cells]
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "<none>"
    return str(value)


def dump(data: Any, output: Output) -> str:
    if output is Output.json:
        return json.dumps(data, indent=2) + "\n"
    return yaml.safe_dump(data, sort_keys=False)


def dump_objects(objects: Sequence[dict[str, Any]], output: Output, *, single: bool = False) -> str:
    """One object as itself, several as a ``v1 List`` (what ``kubectl get -o yaml`` prints)."""
    if single and len(objects) == 1:
        return dump(objects[0], output)
    return dump({"apiVersion": "v1", "kind": "List", "items": list(objects), "metadata": {}}, output)


def echo(text: str) -> None:
    typer.echo(text, nl=False)


__all__ = ["Output", "dump", "dump_objects", "echo", "table"]
