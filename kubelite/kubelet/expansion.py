"""``$(VAR)`` references in command, args and env values, expanded as upstream does.

``$(NAME)`` becomes the variable's value when it is defined and stays as written otherwise; ``$$`` is an escaped
``$`` (so ``$$(NAME)`` stays ``$(NAME)``). Shell syntax (``$NAME``, ``${NAME}``) is left to a shell.
"""

from __future__ import annotations

from collections.abc import Mapping


def expand(text: str, variables: Mapping[str, str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "$" or i + 1 == len(text):
            out.append(char)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "(":
            end = text.find(")", i + 2)
            name = text[i + 2 : end] if end != -1 else ""
            if end == -1 or not name:
                out.append(text[i : i + 2])
                i += 2
            elif name in variables:
                out.append(variables[name])
                i = end + 1
            else:
                out.append(text[i : end + 1])
                i = end + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)
