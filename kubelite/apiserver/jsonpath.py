"""The subset of Kubernetes JSONPath that printer columns and scale paths use.

Supported: ``.field``, ``['field']``, ``[N]`` (negative too), ``[*]``, ``..field`` (recursive descent) and filters
``[?(@.a.b=="x")]`` with ``==``, ``!=``, ``<``, ``>``, ``<=``, ``>=`` or a bare existence test ``[?(@.a)]``. A path
may be wrapped in ``{...}`` as kubectl's templates write it. :func:`evaluate` returns every match, in order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_TOKEN = re.compile(
    r"""
    \.\.(?P<rec>[A-Za-z0-9_\-$]+)              # ..field
  | \.(?P<field>[A-Za-z0-9_\-$/]+)            # .field
  | \[\s*'(?P<quoted>[^']*)'\s*\]           # ['field']
  | \[\s*"(?P<dquoted>[^"]*)"\s*\]          # ["field"]
  | \[\s*(?P<index>-?\d+)\s*\]              # [0]
  | \[\s*\*\s*\]                            # [*]  (group 'star' by elimination)
  | \[\?\(\s*@(?P<fpath>(?:\.[A-Za-z0-9_\-$/]+)+)\s*              # [?(@.a.b
        (?:(?P<op>==|!=|<=|>=|<|>)\s*                             #   == "x")]
        (?P<value>"[^"]*"|'[^']*'|-?[\d.]+|true|false))?\s*\)\]
    """,
    re.VERBOSE,
)


class JSONPathError(ValueError):
    pass


def parse(path: str) -> list[tuple[str, Any]]:
    text = path.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    if text.startswith("$"):
        text = text[1:]
    if text and not text.startswith((".", "[")):
        text = "." + text
    steps: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise JSONPathError(f"unrecognized JSONPath at {text[pos:]!r} in {path!r}")
        pos = m.end()
        if m.group("rec") is not None:
            steps.append(("recursive", m.group("rec")))
        elif m.group("field") is not None:
            steps.append(("field", m.group("field")))
        elif m.group("quoted") is not None or m.group("dquoted") is not None:
            steps.append(("field", m.group("quoted") if m.group("quoted") is not None else m.group("dquoted")))
        elif m.group("index") is not None:
            steps.append(("index", int(m.group("index"))))
        elif m.group("fpath") is not None:
            value = m.group("value")
            parsed = None if value is None else _literal(value)
            steps.append(("filter", (m.group("fpath")[1:].split("."), m.group("op"), parsed)))
        else:
            steps.append(("star", None))
    return steps


def _literal(text: str) -> Any:
    if text[0] in "\"'":
        return text[1:-1]
    return json.loads(text)


def evaluate(obj: Any, path: str) -> list[Any]:
    nodes = [obj]
    for kind, arg in parse(path):
        nodes = [child for node in nodes for child in _step(node, kind, arg)]
    return nodes


def _step(node: Any, kind: str, arg: Any) -> Iterator[Any]:
    if kind == "field":
        if isinstance(node, dict) and arg in node:
            yield node[arg]
    elif kind == "index":
        if isinstance(node, list) and -len(node) <= arg < len(node):
            yield node[arg]
    elif kind == "star":
        if isinstance(node, list):
            yield from node
        elif isinstance(node, dict):
            yield from node.values()
    elif kind == "recursive":
        yield from _descend(node, arg)
    elif kind == "filter" and isinstance(node, list):
        fpath, op, value = arg
        for item in node:
            if _matches(item, fpath, op, value):
                yield item


def _descend(node: Any, name: str) -> Iterator[Any]:
    if isinstance(node, dict):
        if name in node:
            yield node[name]
        for child in node.values():
            yield from _descend(child, name)
    elif isinstance(node, list):
        for child in node:
            yield from _descend(child, name)


def _matches(item: Any, fpath: list[str], op: str | None, value: Any) -> bool:
    current = item
    for part in fpath:
        if not isinstance(current, dict) or part not in current:
            return False
        current = current[part]
    if op is None:
        return True
    try:
        match op:
            case "==":
                return bool(current == value)
            case "!=":
                return bool(current != value)
            case "<":
                return bool(current < value)
            case ">":
                return bool(current > value)
            case "<=":
                return bool(current <= value)
            case ">=":
                return bool(current >= value)
    except TypeError:
        return False
    return False
