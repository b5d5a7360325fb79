"""Versions as Gardener reads them: Kubernetes and machine image versions, semver constraints, and a version's
classification at a point in time.

Parsing is as lenient as Masterminds/semver's ``NewVersion`` (which Gardener uses): a leading ``v``, one to three
numeric parts (``1877.3`` is ``1877.3.0``), an optional pre-release and build metadata. A *full* Kubernetes version
has all three parts (``1.36.2``); ``1.36`` and ``1`` are partial and completed from the cloud profile.

A version's classification at ``now``: with a ``lifecycle``, the stage that began last (a stage without a start
time began in the past; before the first stage begins the version is ``unavailable``); otherwise ``expired`` once
its ``expirationDate`` has passed, else its ``classification`` (``supported`` when unset).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from garden.api.core.cloudprofile import ExpirableVersion, LifecycleClassification

V = TypeVar("V", bound=ExpirableVersion)

_VERSION = re.compile(
    r"v?(?P<major>0|[1-9]\d*)(?:\.(?P<minor>0|[1-9]\d*))?(?:\.(?P<patch>0|[1-9]\d*))?"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)
_FULL_KUBERNETES = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")
_RELEASE = re.compile(r"([0-9]+\.){2}[0-9]+")
_PARTIAL = re.compile(r"(0|[1-9]\d*)(\.(0|[1-9]\d*))?")


@dataclass(frozen=True, slots=True)
class Version:
    major: int
    minor: int
    patch: int
    pre: str = ""

    def key(self) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
        """Semver precedence: a pre-release sorts before its release; numeric identifiers before others."""
        identifiers = tuple((0, int(p)) if p.isdigit() else (1, p) for p in self.pre.split(".")) if self.pre else ()
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, identifiers)

    def __lt__(self, other: Version) -> bool:
        return self.key() < other.key()

    def __le__(self, other: Version) -> bool:
        return self.key() <= other.key()

    def __gt__(self, other: Version) -> bool:
        return self.key() > other.key()

    def __ge__(self, other: Version) -> bool:
        return self.key() >= other.key()

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}" + (f"-{self.pre}" if self.pre else "")


def parse(text: object) -> Version | None:
    """The version, or None when ``text`` is not one."""
    if not isinstance(text, str):
        return None
    m = _VERSION.fullmatch(text.strip())
    if m is None:
        return None
    return Version(int(m["major"]), int(m["minor"] or 0), int(m["patch"] or 0), m["pre"] or "")


def kubernetes_release(text: object) -> Version | None:
    """A Kubernetes release version as cloud profiles list them: exactly ``X.Y.Z`` (no pre-release), else None."""
    if not isinstance(text, str) or _RELEASE.fullmatch(text) is None:
        return None
    return parse(text)


def is_full_kubernetes(text: object) -> bool:
    """``major.minor.patch`` (optionally with pre-release/build), as a shoot's Kubernetes version must be."""
    return isinstance(text, str) and _FULL_KUBERNETES.fullmatch(text) is not None


def partial_parts(text: object) -> tuple[int, int | None] | None:
    """``(major, minor)`` of a partial version (``"1"`` or ``"1.36"``), None for anything else."""
    if not isinstance(text, str) or _PARTIAL.fullmatch(text) is None:
        return None
    parts = text.split(".")
    return int(parts[0]), int(parts[1]) if len(parts) > 1 else None


def matches_partial(version: Version, major: int, minor: int | None) -> bool:
    return version.major == major and (minor is None or version.minor == minor)


# --- classification ---------------------------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def classification(version: ExpirableVersion, now: datetime) -> LifecycleClassification:
    """The version's classification at ``now``."""
    now = _aware(now)
    if version.lifecycle:
        current: LifecycleClassification = "unavailable"
        for stage in version.lifecycle:
            if stage.start_time is None or _aware(stage.start_time) <= now:
                current = stage.classification
        return current
    if version.expiration_date is not None and _aware(version.expiration_date) <= now:
        return "expired"
    return version.classification or "supported"


def usable(version: ExpirableVersion, now: datetime) -> bool:
    """May a new shoot or worker pool use it: not expired and already available (preview versions may be chosen)."""
    return classification(version, now) not in ("expired", "unavailable")


def defaultable(version: ExpirableVersion, now: datetime) -> bool:
    """May defaulting pick it: usable and not in preview (preview versions have to be chosen explicitly)."""
    return classification(version, now) in ("supported", "deprecated")


def newest(versions: Iterable[V], key: Callable[[V], Version | None] | None = None) -> V | None:
    """The version with the highest precedence (unparseable ones are skipped)."""
    best: tuple[Version, V] | None = None
    for candidate in versions:
        parsed = key(candidate) if key is not None else parse(candidate.version)
        if parsed is not None and (best is None or parsed > best[0]):
            best = (parsed, candidate)
    return best[1] if best is not None else None


def newest_preferring_supported(versions: Sequence[V], now: datetime) -> V | None:
    """Gardener's choice of a default machine image version: the newest non-deprecated one, else the newest."""
    return newest(v for v in versions if classification(v, now) != "deprecated") or newest(versions)


def by_precedence(versions: Iterable[str]) -> list[str]:
    """Version strings in ascending precedence (unparseable ones last, as written)."""
    listed = list(versions)
    parsed = sorted((v for v in listed if parse(v) is not None), key=lambda v: parse(v).key())  # type: ignore[union-attr]
    return parsed + [v for v in listed if parse(v) is None]


# --- constraints ------------------------------------------------------------------------------------------------

_CONSTRAINT = re.compile(
    r"\s*(?P<op>!=|>=|=>|<=|=<|==|=|>|<|~>|~|\^)?\s*v?(?P<major>\d+|[xX*])(?:\.(?P<minor>\d+|[xX*]))?"
    r"(?:\.(?P<patch>\d+|[xX*]))?(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*"
)


class ConstraintError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class _Comparator:
    op: str
    version: Version
    #: How many leading parts were given as numbers: 0 (``*``), 1 (``1``), 2 (``1.34``) or 3.
    given: int

    def check(self, v: Version) -> bool:
        c, given = self.version, self.given
        same_major = v.major == c.major
        same_minor = same_major and v.minor == c.minor
        match self.op:
            case "=":
                return given == 0 or (same_major and (given < 2 or (same_minor and (given < 3 or v == c))))
            case "!=":
                return not _Comparator("=", c, given).check(v)
            case ">":
                if given == 3:
                    return v > c
                if given == 2:
                    return v.major > c.major or (same_major and v.minor > c.minor)
                return given == 1 and v.major > c.major
            case ">=":
                return v >= c
            case "<":
                return v < c
            case "<=":
                if given == 3:
                    return v <= c
                if given == 2:
                    return v.major < c.major or (same_major and v.minor <= c.minor)
                return given == 0 or v.major <= c.major
            case "~":
                return v >= c and same_major and (given < 2 or v.minor == c.minor)
            case "^":
                if c.major > 0 or given < 2:
                    return v >= c and same_major
                if c.minor > 0 or given < 3:
                    return v >= c and same_minor
                return v == c
        raise ConstraintError(f"unknown operator {self.op!r}")


def _comparator(text: str) -> _Comparator:
    m = _CONSTRAINT.fullmatch(text)
    if m is None:
        raise ConstraintError(f"improper constraint: {text}")
    parts = [m["major"], m["minor"], m["patch"]]
    given = 0
    for part in parts:
        if part is None or not part.isdigit():
            break
        given += 1
    numbers = [int(p) if p is not None and p.isdigit() and i < given else 0 for i, p in enumerate(parts)]
    op = {"==": "=", "=>": ">=", "=<": "<=", "~>": "~", None: "="}.get(m["op"], m["op"])
    return _Comparator(op, Version(numbers[0], numbers[1], numbers[2], m["pre"] or ""), given)


def satisfies(version: Version, constraint: str) -> bool:
    """Whether ``version`` meets a Masterminds-style constraint (``< 1.34``, ``>= 1.30, < 1.36``, ``~1.33 || ^2``).

    Raises :class:`ConstraintError` for a constraint that cannot be read.
    """
    for alternative in constraint.split("||"):
        terms = [t for t in re.split(r"\s*,\s*|(?<=[\dxX*])\s+(?=[<>=!~^v\d])", alternative.strip()) if t.strip()]
        if not terms:
            raise ConstraintError(f"improper constraint: {constraint}")
        if all(_comparator(term).check(version) for term in terms):
            return True
    return False


def valid_constraint(constraint: str) -> bool:
    """Whether a constraint (``< 1.34``, ``>= 1.26, < 1.30 || 1.31.x``) can be read."""
    if not constraint.strip():
        return False
    try:
        satisfies(Version(0, 0, 0), constraint)
    except ConstraintError:
        return False
    return True


__all__ = [
    "ConstraintError",
    "Version",
    "by_precedence",
    "classification",
    "defaultable",
    "is_full_kubernetes",
    "kubernetes_release",
    "matches_partial",
    "newest",
    "newest_preferring_supported",
    "parse",
    "partial_parts",
    "satisfies",
    "usable",
    "valid_constraint",
]
