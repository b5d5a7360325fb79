"""The image catalogue: which local command a container image stands for.

A seed's manifests name container images (``registry.k8s.io/etcd:3.5.12-0``); the process kubelet runs a local
command that accepts the same flags instead. The mapping is configuration (``catalogue.yaml`` shipped with the
package, plus ``--image-catalogue`` files), so adding an image is a YAML entry, not code. Resolution is pure: it
takes a ``which`` function, so tests decide which binaries "exist".

Container ``command``/``args`` keep upstream semantics: ``command`` replaces the image's ENTRYPOINT and ``args`` its
CMD. The image's ENTRYPOINT is the catalogue entry's ``run``; a ``command`` naming the image's own binary (one of
``executables``) runs ``run`` with the rest of the command; a ``command`` naming one of ``tools`` runs the host's tool
of that name; anything else is an error naming the command, never a silent success.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

Network = Literal["hook", "rewrite"]
Which = Callable[[str], str | None]


class CatalogueError(ValueError):
    """A catalogue file that cannot be used (its path and the problem)."""


class ResolveError(Exception):
    """Why a container cannot start: ``reason`` is the container's waiting reason (ErrImagePull, ...)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class Rewrite:
    """Flags of a native binary whose values carry URLs (``--listen-client-urls``) or ``name=url`` lists
    (``--initial-cluster``) that the kubelet rewrites to pod addresses and host ports."""

    urls: frozenset[str] = frozenset()
    cluster: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    repositories: tuple[str, ...]
    python_module: str | None = None
    binary: str | None = None
    install: str = ""
    executables: frozenset[str] = frozenset()
    tools: frozenset[str] = frozenset()
    rewrite: Rewrite = field(default_factory=Rewrite)

    @property
    def network(self) -> Network:
        return "hook" if self.python_module is not None else "rewrite"


@dataclass(frozen=True, slots=True)
class Resolved:
    """The argv to run, how the pod network reaches it, and an identity for ``imageID``."""

    argv: tuple[str, ...]
    entry: Entry
    network: Network
    image_id: str


@dataclass(frozen=True, slots=True)
class Catalogue:
    entries: tuple[Entry, ...]
    sources: tuple[str, ...] = ()

    def find(self, image: str) -> Entry | None:
        wanted = _normalise(repository(image))
        for entry in self.entries:
            if wanted in {_normalise(r) for r in entry.repositories}:
                return entry
        return None

    def describe(self) -> str:
        return ", ".join(self.sources) or "the built-in catalogue"

    def resolve(
        self,
        image: str,
        command: Sequence[str],
        args: Sequence[str],
        *,
        which: Which = shutil.which,
        python: str = sys.executable,
    ) -> Resolved:
        """The argv for a container of ``image`` with ``command``/``args`` (already ``$(VAR)``-expanded)."""
        entry = self.find(image)
        if entry is None:
            raise ResolveError(
                "ErrImagePull",
                f'image "{image}" is not in the image catalogue ({self.describe()}); '
                "add an entry mapping its repository to a local command",
            )
        entrypoint = _entrypoint(entry, which, python)
        if not command:
            argv = [*entrypoint, *args]
        elif command[0] in entry.executables or (entry.python_module == "" and _is_python(command[0])):
            argv = [*entrypoint, *command[1:], *args]
        elif command[0] in entry.tools:
            tool = which(os.path.basename(command[0]))
            if tool is None:
                raise ResolveError(
                    "RunContainerError", f'"{command[0]}" of image "{image}" is not installed on this host'
                )
            argv = [tool, *command[1:], *args]
        else:
            known = sorted(entry.executables | entry.tools)
            raise ResolveError(
                "RunContainerError",
                f'image "{image}" (catalogue entry {entry.name}) provides no command "{command[0]}"; '
                f"it provides {', '.join(known) or 'only its entrypoint'}",
            )
        image_id = f"kubelite://{entry.name}@{entrypoint[0]}"
        return Resolved(tuple(argv), entry, entry.network, image_id)


def _entrypoint(entry: Entry, which: Which, python: str) -> list[str]:
    if entry.python_module is not None:
        return [python, "-m", entry.python_module] if entry.python_module else [python]
    assert entry.binary is not None
    found = which(entry.binary) or _beside_python(entry.binary, python)
    if found is None:
        hint = f"; {entry.install}" if entry.install else ""
        raise ResolveError(
            "ErrImagePull",
            f'image of catalogue entry {entry.name} needs the "{entry.binary}" executable, '
            f"found neither on PATH nor next to {python}{hint}",
        )
    return [found]


def _beside_python(binary: str, python: str) -> str | None:
    candidate = Path(python).parent / binary
    return str(candidate) if candidate.is_file() and os.access(candidate, os.X_OK) else None


def _is_python(command: str) -> bool:
    return os.path.basename(command).startswith("python")


def repository(image: str) -> str:
    """``registry.k8s.io/etcd:3.5.12-0@sha256:...`` -> ``registry.k8s.io/etcd`` (no tag, no digest)."""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name = name[:colon]
    return name


def _normalise(repo: str) -> str:
    """Docker Hub's implicit names: ``python`` and ``library/python`` are ``docker.io/library/python``."""
    first = repo.split("/", 1)[0]
    if "/" not in repo:
        return f"docker.io/library/{repo}"
    if "." not in first and ":" not in first and first != "localhost":
        return f"docker.io/{repo}"
    return repo


def parse_entries(document: Any, source: str) -> list[Entry]:
    """Entries of one catalogue document; every problem is reported with the entry it is in."""
    if not isinstance(document, dict) or not isinstance(document.get("images"), list):
        raise CatalogueError(f"{source}: expected a mapping with a list `images`")
    entries = []
    for index, raw in enumerate(document["images"]):
        where = f"{source}: images[{index}]"
        if not isinstance(raw, dict):
            raise CatalogueError(f"{where}: expected a mapping")
        unknown = set(raw) - {"name", "repositories", "run", "executables", "tools", "rewrite"}
        if unknown:
            raise CatalogueError(f"{where}: unknown fields {sorted(unknown)}")
        name = raw.get("name")
        repositories = raw.get("repositories")
        run = raw.get("run")
        if not isinstance(name, str) or not name:
            raise CatalogueError(f"{where}: `name` must be a non-empty string")
        if not _strings(repositories) or not repositories:
            raise CatalogueError(f"{where} ({name}): `repositories` must be a non-empty list of strings")
        if not isinstance(run, dict) or len({"python", "binary"} & set(run)) != 1:
            raise CatalogueError(f"{where} ({name}): `run` needs exactly one of `python` (a module) or `binary`")
        rewrite = raw.get("rewrite") or {}
        if not isinstance(rewrite, dict) or set(rewrite) - {"urls", "cluster"}:
            raise CatalogueError(f"{where} ({name}): `rewrite` takes `urls` and `cluster` lists")
        for key in ("executables", "tools"):
            if key in raw and not _strings(raw[key]):
                raise CatalogueError(f"{where} ({name}): `{key}` must be a list of strings")
        for key in ("urls", "cluster"):
            if key in rewrite and not _strings(rewrite[key]):
                raise CatalogueError(f"{where} ({name}): `rewrite.{key}` must be a list of strings")
        module = run.get("python")
        binary = run.get("binary")
        if module is not None and not isinstance(module, str):
            raise CatalogueError(f"{where} ({name}): `run.python` must be a module name (or empty for Python)")
        if binary is not None and (not isinstance(binary, str) or not binary):
            raise CatalogueError(f"{where} ({name}): `run.binary` must be an executable name")
        entries.append(
            Entry(
                name=name,
                repositories=tuple(repositories),
                python_module=module,
                binary=binary,
                install=str(run.get("install") or ""),
                executables=frozenset(raw.get("executables") or ()),
                tools=frozenset(raw.get("tools") or ()),
                rewrite=Rewrite(frozenset(rewrite.get("urls") or ()), frozenset(rewrite.get("cluster") or ())),
            )
        )
    return entries


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def merge(base: Sequence[Entry], overrides: Sequence[Entry]) -> tuple[Entry, ...]:
    """``overrides`` replace entries of the same name and come first, so they also win on shared repositories."""
    names = {entry.name for entry in overrides}
    return (*overrides, *(entry for entry in base if entry.name not in names))


def load(extra: Sequence[Path] = ()) -> Catalogue:
    """The built-in catalogue with ``extra`` files laid over it (later files win)."""
    text = resources.files("kubelite.kubelet").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    entries: tuple[Entry, ...] = tuple(parse_entries(yaml.safe_load(text), "catalogue.yaml (built in)"))
    sources = ["catalogue.yaml (built in)"]
    for path in extra:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CatalogueError(f"{path}: {exc}") from exc
        entries = merge(entries, parse_entries(document, str(path)))
        sources.append(str(path))
    return Catalogue(entries, tuple(sources))


def from_mapping(document: Mapping[str, Any]) -> Catalogue:
    """A catalogue from an already parsed document (tests, embedding)."""
    return Catalogue(tuple(parse_entries(dict(document), "<mapping>")), ("<mapping>",))
