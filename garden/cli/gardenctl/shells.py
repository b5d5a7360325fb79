"""Environment variables as a shell sets them: bash and zsh, fish, PowerShell (``eval $(gardenctl ...)``).

Values are single-quoted in each shell's own way, so credentials with quotes, spaces or ``$`` survive verbatim.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping


class Shell(enum.StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"


def _quote(shell: Shell, value: str) -> str:
    if shell is Shell.fish:
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if shell is Shell.powershell:
        return "'" + value.replace("'", "''") + "'"
    return "'" + value.replace("'", "'\"'\"'") + "'"


def export_lines(shell: Shell, variables: Mapping[str, str]) -> list[str]:
    if shell is Shell.fish:
        return [f"set -gx {name} {_quote(shell, value)};" for name, value in variables.items()]
    if shell is Shell.powershell:
        return [f"$Env:{name} = {_quote(shell, value)};" for name, value in variables.items()]
    return [f"export {name}={_quote(shell, value)};" for name, value in variables.items()]


def unset_lines(shell: Shell, names: Iterable[str]) -> list[str]:
    if shell is Shell.fish:
        return [f"set -e {name};" for name in names]
    if shell is Shell.powershell:
        return [f"Remove-Item -ErrorAction SilentlyContinue Env:\\{name};" for name in names]
    return [f"unset {name};" for name in names]


def usage_hint(shell: Shell, command: str) -> list[str]:
    """The comment gardenctl-v2 ends with: how to apply this output in that shell."""
    if shell is Shell.fish:
        run = f"eval ({command})"
    elif shell is Shell.powershell:
        run = f"& {command} | Invoke-Expression"
    else:
        run = f"eval $({command})"
    return ["# Run this command to configure your shell:", f"# {run}"]


def render(shell: Shell, command: str, variables: Mapping[str, str], unset: Iterable[str] = ()) -> str:
    lines = [*unset_lines(shell, unset), *export_lines(shell, variables), "", *usage_hint(shell, command)]
    return "\n".join(lines) + "\n"


__all__ = ["Shell", "export_lines", "render", "unset_lines", "usage_hint"]
