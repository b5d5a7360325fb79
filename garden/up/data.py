"""Where the files ``garden up`` ships with live: in a source tree next to the packages, or in a wheel install.

The CloudProfiles (``cloudprofiles/*.yaml``) and the example shoots (``examples/``) sit at the top of the source tree,
beside the packages, so that people read and edit them there. A wheel cannot put files outside its packages except as
data files, which land under the install prefix (``<prefix>/share/garden/<name>``, see pyproject.toml's
``[tool.setuptools.data-files]``); both places are looked in, the source tree first.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parents[2]


def candidates(name: str) -> list[Path]:
    return [SOURCE_ROOT / name, Path(sysconfig.get_path("data")) / "share" / "garden" / name]


def find_data_dir(name: str) -> Path | None:
    """The first existing ``name`` directory (``cloudprofiles``, ``examples``), or None."""
    return next((path for path in candidates(name) if path.is_dir()), None)


def cloudprofile_files() -> list[Path]:
    """Every shipped CloudProfile manifest; an error naming the places looked in when there is none."""
    directory = find_data_dir("cloudprofiles")
    files = sorted(directory.glob("*.yaml")) if directory is not None else []
    if not files:
        looked = ", ".join(str(path) for path in candidates("cloudprofiles"))
        raise FileNotFoundError(f"no CloudProfiles found (looked in {looked})")
    return files


def example(name: str) -> Path | None:
    """A shipped example manifest (``shoot-local.yaml``), or None when the install has none."""
    directory = find_data_dir("examples")
    path = directory / name if directory is not None else None
    return path if path is not None and path.is_file() else None


__all__ = ["cloudprofile_files", "example", "find_data_dir"]
