"""Which version maintenance moves a shoot to, as Gardener's maintenance controller chooses (``v1beta1helper``'s
``GetLatestVersionFor...`` and ``GetVersionForForcefulUpdateTo...``).

An *automatic* update goes to a higher version that is neither in preview nor expired (nor not yet available),
preferring the newest ``supported`` one over the newest ``deprecated`` one, within a range:

* Kubernetes, and images with update strategy ``patch``: the newest patch of the current minor;
* images with strategy ``minor``: the newest patch of the current minor, else the newest of the current major;
* images with strategy ``major``: the newest patch of the current minor, else the newest of all.

A *forced* update happens when the current version has expired (or is no longer offered) and the automatic choice
found nothing; it never picks a preview version and takes an expired one only when nothing else qualifies:

* Kubernetes: the newest patch of the next minor (exactly one minor up: Kubernetes cannot skip minors);
* strategy ``patch``: the newest version of the next higher minor that has versions;
* strategy ``minor``: the newest version of the next higher major that has versions;
* strategy ``major``: impossible (the image reaches its end of life).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Literal

from garden.api.core.cloudprofile import ExpirableVersion
from garden.api.versions import Version, classification, parse

Strategy = Literal["patch", "minor", "major"]
#: A function choosing a higher version: the versions offered, the current one, the time; None when none fits.
Chooser = Callable[[Sequence[ExpirableVersion], Version, datetime], ExpirableVersion | None]


class NoVersion(Exception):
    """No version to update to although one is needed (an expired version with nothing to replace it)."""


def _offered(versions: Sequence[ExpirableVersion], now: datetime) -> list[tuple[Version, ExpirableVersion]]:
    """Parseable versions that are not in preview and already available, with their parsed form."""
    out: list[tuple[Version, ExpirableVersion]] = []
    for version in versions:
        parsed = parse(version.version)
        if parsed is not None and classification(version, now) not in ("preview", "unavailable"):
            out.append((parsed, version))
    return out


def _newest(candidates: list[tuple[Version, ExpirableVersion]]) -> ExpirableVersion | None:
    best = max(candidates, key=lambda c: c[0].key(), default=None)
    return best[1] if best is not None else None


def _automatic(
    versions: Sequence[ExpirableVersion], current: Version, now: datetime, same: Callable[[Version], bool]
) -> ExpirableVersion | None:
    candidates = [
        (parsed, v)
        for parsed, v in _offered(versions, now)
        if parsed > current and same(parsed) and classification(v, now) != "expired"
    ]
    supported = [c for c in candidates if classification(c[1], now) != "deprecated"]
    return _newest(supported) or _newest(candidates)


def latest_patch(versions: Sequence[ExpirableVersion], current: Version, now: datetime) -> ExpirableVersion | None:
    """The automatic update within the current minor."""
    return _automatic(versions, current, now, lambda v: (v.major, v.minor) == (current.major, current.minor))


def latest_minor(versions: Sequence[ExpirableVersion], current: Version, now: datetime) -> ExpirableVersion | None:
    """The automatic update within the current major (a newer patch first)."""
    return latest_patch(versions, current, now) or _automatic(
        versions, current, now, lambda v: v.major == current.major
    )


def latest_overall(versions: Sequence[ExpirableVersion], current: Version, now: datetime) -> ExpirableVersion | None:
    """The automatic update to the newest of all (a newer patch first)."""
    return latest_patch(versions, current, now) or _automatic(versions, current, now, lambda v: True)


def consecutive_minor(versions: Sequence[ExpirableVersion], current: Version, now: datetime) -> ExpirableVersion | None:
    """The forced Kubernetes update: the newest patch of exactly the next minor, an unexpired one if there is one."""
    candidates = [
        (parsed, v)
        for parsed, v in _offered(versions, now)
        if parsed.major == current.major and parsed.minor == current.minor + 1
    ]
    alive = [c for c in candidates if classification(c[1], now) != "expired"]
    return _newest(alive) or _newest(candidates)


def _next_higher(
    versions: Sequence[ExpirableVersion], current: Version, now: datetime, level: Literal["minor", "major"]
) -> ExpirableVersion | None:
    def rank(v: Version) -> int:
        return v.minor if level == "minor" else v.major

    def higher(v: Version) -> bool:
        return v.major > current.major if level == "major" else v.major == current.major and v.minor > current.minor

    every_higher = [parse(v.version) for v in versions]
    levels = [rank(v) for v in every_higher if v is not None and higher(v)]
    if not levels:
        return None
    next_level = min(levels)

    def newest_of_lowest_level(candidates: list[tuple[Version, ExpirableVersion]]) -> ExpirableVersion | None:
        if not candidates:
            return None
        lowest = min(rank(parsed) for parsed, _ in candidates)
        return _newest([c for c in candidates if rank(c[0]) == lowest])

    candidates = [(parsed, v) for parsed, v in _offered(versions, now) if higher(parsed)]
    alive = [c for c in candidates if classification(c[1], now) != "expired"]
    found = newest_of_lowest_level(alive)
    found_parsed = parse(found.version) if found is not None else None
    # Rather an expired version of the next minor/major than skipping it altogether.
    if found_parsed is None or rank(found_parsed) > next_level:
        found = newest_of_lowest_level(candidates)
    return found


def next_higher_minor(versions: Sequence[ExpirableVersion], current: Version, now: datetime) -> ExpirableVersion | None:
    """The forced image update of strategy ``patch``."""
    return _next_higher(versions, current, now, "minor")


def next_higher_major(versions: Sequence[ExpirableVersion], current: Version, now: datetime) -> ExpirableVersion | None:
    """The forced image update of strategy ``minor``."""
    return _next_higher(versions, current, now, "major")


def choose(
    versions: Sequence[ExpirableVersion],
    current: str,
    now: datetime,
    automatic: Chooser,
    forced: Chooser | None,
    expired: bool,
) -> str | None:
    """The version to update to, None when the current one may stay; :class:`NoVersion` when it may not."""
    parsed = parse(current)
    if parsed is None:
        raise NoVersion(f"version {current!r} cannot be parsed")
    found = automatic(versions, parsed, now)
    if found is not None:
        return found.version
    if not expired:
        return None
    forced_version = forced(versions, parsed, now) if forced is not None else None
    if forced_version is None:
        raise NoVersion(
            f"cannot perform forceful update of expired version {current!r}. No suitable version found in "
            "CloudProfile - this is most likely a misconfiguration of the CloudProfile"
        )
    return forced_version.version


def kubernetes_target(
    versions: Sequence[ExpirableVersion], current: str, now: datetime, *, expired: bool
) -> str | None:
    """The Kubernetes version maintenance moves ``current`` to (see :func:`choose`)."""
    return choose(versions, current, now, latest_patch, consecutive_minor, expired)


def image_target(
    versions: Sequence[ExpirableVersion], current: str, now: datetime, strategy: Strategy, *, expired: bool
) -> str | None:
    """The machine image version maintenance moves ``current`` to under ``strategy`` (see :func:`choose`)."""
    automatic: Chooser
    forced: Chooser | None
    if strategy == "patch":
        automatic, forced = latest_patch, next_higher_minor
    elif strategy == "minor":
        automatic, forced = latest_minor, next_higher_major
    else:
        automatic, forced = latest_overall, None
    try:
        return choose(versions, current, now, automatic, forced, expired)
    except NoVersion as exc:
        if strategy == "major" and expired:
            raise NoVersion(
                "either the machine image is reaching end of life and migration to another machine image is "
                "required or there is a misconfiguration in the CloudProfile. If it is the latter, make sure the "
                "machine image in the CloudProfile has at least one version that is not expired, not in preview and "
                f"greater or equal to the current Shoot image version {current!r}"
            ) from exc
        raise


__all__ = [
    "Chooser",
    "NoVersion",
    "Strategy",
    "choose",
    "consecutive_minor",
    "image_target",
    "kubernetes_target",
    "latest_minor",
    "latest_overall",
    "latest_patch",
    "next_higher_major",
    "next_higher_minor",
]
