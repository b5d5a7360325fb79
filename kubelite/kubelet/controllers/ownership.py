"""ownerReferences as the upstream controllers use them: one controller per object, adoption and release by selector.

A workload controller owns the objects whose ``controller: true`` reference names it (by uid). Objects matching
its selector without a controller are *adopted* (the reference is added); owned objects that stop matching are
*released* (the reference is removed), as client-go's ``ClaimObjects`` does. A controller being deleted adopts
nothing. ``blockOwnerDeletion`` lets a foreground deletion of the owner wait for its dependents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kubelite.apiserver.selectors import LabelSelector
from kubelite.client import Object


def controller_ref(obj: Object) -> Object | None:
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or ():
        if ref.get("controller"):
            return dict(ref)
    return None


def owner_reference(owner: Object) -> Object:
    """The reference a controller writes onto what it creates or adopts."""
    metadata = owner["metadata"]
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": metadata["name"],
        "uid": metadata["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def is_deleting(obj: Object) -> bool:
    return bool((obj.get("metadata") or {}).get("deletionTimestamp"))


def labels_of(obj: Object) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("labels") or {})


@dataclass
class Claim:
    """What a controller does with the candidates in its namespace."""

    owned: list[Object] = field(default_factory=list)
    adopt: list[Object] = field(default_factory=list)
    release: list[Object] = field(default_factory=list)


def claim(owner: Object, selector: LabelSelector, candidates: Iterable[Object]) -> Claim:
    """Sort ``candidates`` (objects in the owner's namespace) into owned, to adopt and to release."""
    uid = owner["metadata"]["uid"]
    result = Claim()
    owner_deleting = is_deleting(owner)
    for obj in candidates:
        ref = controller_ref(obj)
        matches = selector.matches(labels_of(obj))
        if ref is not None:
            if ref.get("uid") != uid:
                continue
            if matches or owner_deleting:
                # NB: a deleting owner keeps what it has, as upstream does: releasing it now would race the GC.
                result.owned.append(obj)
            elif not is_deleting(obj):
                result.release.append(obj)
        elif matches and not owner_deleting and not is_deleting(obj):
            result.adopt.append(obj)
    return result


def with_owner(obj: Object, owner: Object) -> list[Object]:
    """The ownerReferences of ``obj`` after adopting it into ``owner``."""
    refs = [
        r for r in (obj.get("metadata") or {}).get("ownerReferences") or () if r.get("uid") != owner["metadata"]["uid"]
    ]
    return [*refs, owner_reference(owner)]


def without_owner(obj: Object, owner_uid: str) -> list[Object]:
    """The ownerReferences of ``obj`` after releasing it from the owner with ``owner_uid``."""
    return [r for r in (obj.get("metadata") or {}).get("ownerReferences") or () if r.get("uid") != owner_uid]
