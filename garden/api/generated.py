"""Writing generated files (CRDs, the API reference): only what changed, and stale generated files removed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_generated(directory: Path, files: Mapping[str, str], header: str, suffix: str) -> list[Path]:
    """Write ``files`` (name -> text) into ``directory``; remove ``*suffix`` files that start with ``header`` and
    that no longer are generated. Files nobody generated (without the header) are left alone."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob(f"*{suffix}"):
        if stale.name not in files and stale.read_text().startswith(header):
            stale.unlink()
    written = []
    for name, text in files.items():
        path = directory / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        written.append(path)
    return written


__all__ = ["write_generated"]
