"""DeletionConfirmation: shoots and projects are deleted only when they carry the confirmation annotation.

A cluster is too valuable to lose to a stray ``kubectl delete``: the user first annotates the object with
``confirmation.gardener.cloud/deletion=true`` (gardenctl and the dashboard do this for them), then deletes it.
"""

from __future__ import annotations

from garden.admission.errors import forbidden_request
from garden.admission.request import Plugin, Request

CONFIRMATION_ANNOTATION = "confirmation.gardener.cloud/deletion"
GROUP = "core.gardener.cloud"
#: The resources that need the confirmation.
PROTECTED = frozenset({"shoots", "projects"})


def confirmed(obj: dict[str, object] | None) -> bool:
    metadata = (obj or {}).get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    value = annotations.get(CONFIRMATION_ANNOTATION) if isinstance(annotations, dict) else None
    return isinstance(value, str) and value.lower() == "true"


class DeletionConfirmation(Plugin):
    name = "DeletionConfirmation"

    async def validate(self, request: Request) -> None:
        if request.operation != "DELETE" or request.group != GROUP or request.resource not in PROTECTED:
            return
        if request.subresource or confirmed(request.old_object):
            return
        raise forbidden_request(
            request.resource,
            request.group,
            request.name,
            f'must have a "{CONFIRMATION_ANNOTATION}" annotation to delete',
        )
