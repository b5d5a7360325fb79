"""A workload's template history as ControllerRevisions (apps/v1), as pure functions: which revision the current
template is, which to create or renumber, which old ones to prune, and which template a pod of an ordinal gets.

StatefulSets and DaemonSets keep their templates as upstream's ``history`` package does:

* each distinct template is one ControllerRevision ``<owner>-<hash>`` owned (as controller) by the workload, labelled
  with the template's labels plus ``controller.kubernetes.io/hash``, holding ``data`` = a strategic-merge patch that
  replaces ``spec.template`` and a ``revision`` number;
* the *update revision* is the one of the current template: an existing equal revision is reused (renumbered to the
  highest number when an older template comes back, a rollback), otherwise a new one is created with the next
  number; a name taken by a revision of another template (a hash collision) bumps ``status.collisionCount``, which
  changes the hash;
* the *current revision* is ``status.currentRevision`` while that revision exists, else the update revision;
* at most ``revisionHistoryLimit`` (default 10) revisions beyond the live ones (current, update, any a pod runs) are
  kept; the oldest go first.

The hash is :func:`~kubelite.kubelet.controllers.hashing.template_hash` of the template, so a revision's name is
the ``controller-revision-hash`` label its pods carry.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field

from kubelite.client import Object
from kubelite.kubelet.controllers.hashing import template_hash
from kubelite.kubelet.controllers.ownership import controller_ref, owner_reference

HASH_LABEL = "controller.kubernetes.io/hash"
#: The pod label naming the revision a pod was made from (StatefulSet and DaemonSet pods carry it).
REVISION_LABEL = "controller-revision-hash"
DEFAULT_HISTORY_LIMIT = 10


def template_of_owner(owner: Object) -> Object:
    return dict((owner.get("spec") or {}).get("template") or {})


def revision_name(owner: Object) -> str:
    """``<owner>-<hash>`` of the owner's template and collision count."""
    collisions = (owner.get("status") or {}).get("collisionCount")
    return f"{owner['metadata']['name']}-{template_hash(template_of_owner(owner), collisions)}"


def revision_data(template: Object) -> Object:
    """The patch a ControllerRevision holds: it replaces ``spec.template`` with ``template``."""
    return {"spec": {"template": {**copy.deepcopy(template), "$patch": "replace"}}}


def template_of(revision: Object) -> Object:
    """The pod template a ControllerRevision holds (its ``data`` patch without the ``$patch`` directive)."""
    template = dict((((revision.get("data") or {}).get("spec") or {}).get("template")) or {})
    template.pop("$patch", None)
    return template


def number_of(revision: Object) -> int:
    return int(revision.get("revision") or 0)


def new_revision(owner: Object, number: int) -> Object:
    """The ControllerRevision of the owner's current template, numbered ``number``."""
    name = revision_name(owner)
    template = template_of_owner(owner)
    labels = dict((template.get("metadata") or {}).get("labels") or {})
    labels[HASH_LABEL] = name.rsplit("-", 1)[-1]
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": name,
            "namespace": owner["metadata"]["namespace"],
            "labels": labels,
            "ownerReferences": [owner_reference(owner)],
        },
        "data": revision_data(template),
        "revision": number,
    }


def owned_by(owner: Object, revisions: Iterable[Object]) -> list[Object]:
    """The owner's revisions (by controller reference), oldest first."""
    uid = owner["metadata"]["uid"]
    mine = [r for r in revisions if (controller_ref(r) or {}).get("uid") == uid]
    return sorted(mine, key=lambda r: (number_of(r), str(r["metadata"].get("name", ""))))


@dataclass
class History:
    """What one reconcile does to an owner's revisions, and the two revisions it acts on."""

    #: The update revision's object (None when it is yet to be created: see ``create``).
    update: Object | None = None
    current: Object | None = None
    create: Object | None = None
    #: ``(revision, new number)``: an older revision whose template came back (a rollback) moves to the top.
    renumber: tuple[Object, int] | None = None
    #: The name the update revision wants is taken by another template: bump ``status.collisionCount``.
    collision: bool = False
    prune: list[Object] = field(default_factory=list)


def plan(owner: Object, revisions: list[Object], live_names: Iterable[str] = ()) -> History:
    """The history step for ``owner`` from its own revisions (:func:`owned_by`) and the names pods run at."""
    history = History()
    name = revision_name(owner)
    data = revision_data(template_of_owner(owner))
    top = max((number_of(r) for r in revisions), default=0)
    by_name = {r["metadata"]["name"]: r for r in revisions}
    existing = by_name.get(name)
    if existing is not None and existing.get("data") != data:
        history.collision = True
        return history
    if existing is None:
        equal = next((r for r in reversed(revisions) if r.get("data") == data), None)
        if equal is None:
            history.create = new_revision(owner, top + 1)
        else:
            existing = equal
    if existing is not None:
        history.update = existing
        if number_of(existing) < top:
            history.renumber = (existing, top + 1)
    current_name = str((owner.get("status") or {}).get("currentRevision") or "")
    history.current = by_name.get(current_name) or history.update or history.create
    keep = {r["metadata"]["name"] for r in (history.current, history.update, history.create) if r is not None}
    keep.update(live_names)
    limit = (owner.get("spec") or {}).get("revisionHistoryLimit")
    limit = DEFAULT_HISTORY_LIMIT if limit is None else max(0, int(limit))
    old = [r for r in revisions if r["metadata"]["name"] not in keep]
    history.prune = old[: max(0, len(old) - limit)]
    return history


def revision_name_of(revision: Object) -> str:
    return str(revision["metadata"]["name"])


def revision_of_pod(pod: Object) -> str:
    return str(((pod.get("metadata") or {}).get("labels") or {}).get(REVISION_LABEL, ""))
