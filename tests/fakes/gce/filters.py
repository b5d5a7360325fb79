"""Compute's list filters and pages, as the fake understands them.

Compute list calls take ``filter`` (``name = "x"``, ``labels.k8s-cluster-name = "shoot--p--s"``,
``name eq "shoot--.*"``, ``status != "RUNNING"``, several terms ANDed by juxtaposition or ``AND``, each optionally in
parentheses) and ``maxResults``/``pageToken``. ``=``/``!=`` compare strings exactly, ``eq``/``ne`` match an RE2
pattern against the whole value, ``:`` tests presence (``labels.env:*``) or containment. Anything else (``OR``,
numeric comparisons, nested fields through arrays) is refused with 400, as Compute refuses a filter it cannot parse.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

_TERM = re.compile(
    r"""\s*\(?\s*(?P<field>[A-Za-z_][\w.-]*)\s*(?P<op>!=|=|:|\beq\b|\bne\b)\s*(?P<value>"(?:[^"\\]|\\.)*"|[^\s)]+)\s*\)?\s*(?:AND\s+)?""",
    re.VERBOSE,
)
DEFAULT_PAGE = 500


class FilterError(ValueError):
    pass


def _lookup(resource: dict[str, Any], field: str) -> Any:
    value: Any = resource
    for part in field.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def parse(expression: str | None) -> Callable[[dict[str, Any]], bool]:
    """A predicate for ``expression``; :class:`FilterError` for what Compute would refuse."""
    if not expression or not expression.strip():
        return lambda _: True
    terms: list[tuple[str, str, str]] = []
    position = 0
    text = expression.strip()
    while position < len(text):
        match = _TERM.match(text, position)
        if match is None or match.end() == position:
            raise FilterError(f"Invalid list filter expression: {expression!r}")
        value = match["value"]
        if value.startswith('"'):
            value = bytes(value[1:-1], "utf-8").decode("unicode_escape")
        terms.append((match["field"], match["op"], value))
        position = match.end()

    def predicate(resource: dict[str, Any]) -> bool:
        for field, op, value in terms:
            actual = _lookup(resource, field)
            text_value = "" if actual is None else str(actual).lower() if isinstance(actual, bool) else str(actual)
            if op == "=" and text_value != value:
                return False
            if op == "!=" and text_value == value:
                return False
            if op == "eq" and not re.fullmatch(value, text_value):
                return False
            if op == "ne" and re.fullmatch(value, text_value):
                return False
            if op == ":" and (actual is None or (value != "*" and value not in text_value)):
                return False
        return True

    return predicate


def page(items: list[Any], max_results: str | None, page_token: str | None) -> tuple[list[Any], str | None]:
    """One page of ``items`` and the token of the next (None on the last page)."""
    try:
        size = int(max_results) if max_results else DEFAULT_PAGE
        start = int(base64.urlsafe_b64decode(page_token.encode()).decode()) if page_token else 0
    except ValueError as exc:
        raise FilterError(f"Invalid value for maxResults or pageToken: {exc}") from exc
    if not 0 <= size <= DEFAULT_PAGE:
        raise FilterError(f"Invalid value for field 'maxResults': {size}. Must be between 0 and 500.")
    size = size or DEFAULT_PAGE
    chunk = items[start : start + size]
    following = start + size
    token = base64.urlsafe_b64encode(str(following).encode()).decode() if following < len(items) else None
    return chunk, token
