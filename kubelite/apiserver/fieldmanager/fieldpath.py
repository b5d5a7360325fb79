"""How server-side apply names one field of an object: a path of elements, as structured-merge-diff spells them.

A path element is one of four kinds, each written two ways:

====  ===========================  ===================================  =================================
kind  selects                      in ``fieldsV1``                      in a conflict message
====  ===========================  ===================================  =================================
f     a field of a map or struct   ``f:image``                          ``.image``
k     an associative list's item   ``k:{"containerPort":80,"protocol":  ``[containerPort=80,protocol="TCP"]``
                                   "TCP"}``
v     an item of a set             ``v:"example.com/finalizer"``        ``[="example.com/finalizer"]``
i     an atomic list's item        ``i:3``                              ``[3]``
====  ===========================  ===================================  =================================

The ``k:`` key object holds only the key fields, sorted by name, as compact JSON the way Go writes it (``<``, ``>``
and ``&`` escaped); reading one back sorts it again, so two spellings of the same key are one element. Elements are
ordered as upstream orders them (fields, then keys, then values, then indices; values by kind: numbers, strings,
booleans, null last), because ``fieldsV1`` is written in that order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["f", "k", "v", "i"]

_KIND_ORDER: dict[str, int] = {"f": 0, "k": 1, "v": 2, "i": 3}


@dataclass(frozen=True, slots=True)
class PathElement:
    """One step of a field path. ``text`` is the part after ``kind:`` in ``fieldsV1``, in its canonical spelling."""

    kind: Kind
    text: str

    @classmethod
    def field(cls, name: str) -> PathElement:
        return cls("f", name)

    @classmethod
    def key(cls, fields: Mapping[str, Any]) -> PathElement:
        return cls("k", go_json({name: fields[name] for name in sorted(fields)}))

    @classmethod
    def value(cls, value: Any) -> PathElement:
        return cls("v", go_json(value))

    @classmethod
    def index(cls, index: int) -> PathElement:
        return cls("i", str(index))

    @classmethod
    def parse(cls, text: str) -> PathElement:
        """The element written ``text`` in ``fieldsV1``; ValueError if it is not one."""
        kind, colon, rest = text.partition(":")
        if not colon or len(kind) != 1:
            raise ValueError(f"not a field path element: {text!r}")
        if kind == "f":
            return cls.field(rest)
        if kind == "i":
            return cls.index(int(rest))
        decoded = json.loads(rest)
        if kind == "k":
            if not isinstance(decoded, dict):
                raise ValueError(f"associative list key is not an object: {text!r}")
            return cls.key(decoded)
        if kind == "v":
            return cls.value(decoded)
        raise ValueError(f"unknown field path element kind {kind!r}")

    def __str__(self) -> str:
        return f"{self.kind}:{self.text}"

    def __lt__(self, other: PathElement) -> bool:
        return self.sort_key() < other.sort_key()

    def sort_key(self) -> tuple[Any, ...]:
        if self.kind == "f":
            return (0, self.text)
        if self.kind == "i":
            return (3, int(self.text))
        decoded = json.loads(self.text)
        if self.kind == "k":
            return (1, tuple((name, _value_order(value)) for name, value in decoded.items()))
        return (_KIND_ORDER[self.kind], _value_order(decoded))

    def display(self) -> str:
        """The element as conflict messages print it: ``.name``, ``[name="nginx"]``, ``[="x"]``, ``[3]``."""
        if self.kind == "f":
            return f".{self.text}"
        if self.kind == "i":
            return f"[{self.text}]"
        decoded = json.loads(self.text)
        if self.kind == "k":
            return "[" + ",".join(f"{name}={_display_value(value)}" for name, value in decoded.items()) + "]"
        return f"[={_display_value(decoded)}]"


Path = tuple[PathElement, ...]


def format_path(path: Iterable[PathElement]) -> str:
    """A path as upstream prints it, e.g. ``.spec.template.spec.containers[name="nginx"].image``."""
    return "".join(element.display() for element in path)


def go_json(value: Any) -> str:
    """Compact JSON as Go's encoder writes it: no spaces, non-ASCII kept, ``<``, ``>``, ``&`` escaped."""
    text = json.dumps(_go_numbers(value), separators=(",", ":"), ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028")):
        text = text.replace(char, escape)
    return text.replace("\u2029", "\\u2029")


def _go_numbers(value: Any) -> Any:
    # NB: Go decodes JSON numbers into float64 and writes 1.0 back as 1; do the same so keys compare equal.
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {key: _go_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_go_numbers(item) for item in value]
    return value


def _value_order(value: Any) -> tuple[Any, ...]:
    """A total order over JSON values: numbers < strings < booleans < lists < maps < null (structured-merge-diff)."""
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    if isinstance(value, list):
        return (3, tuple(_value_order(item) for item in value))
    if isinstance(value, dict):
        return (4, tuple((key, _value_order(value[key])) for key in sorted(value)))
    return (5,)


def _display_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(_display_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "".join(f"{key}={_display_value(item)}" for key, item in value.items())
    return str(_go_numbers(value))
