"""Strategies of the built-in kinds charts deploy beside workloads: claims, disruption budgets, autoscalers.

PersistentVolumeClaims start ``Pending`` (the kubelite kubelet binds them to a directory); a claim's storage
request is required, and once bound only a larger request is accepted, as upstream. PodDisruptionBudgets and
HorizontalPodAutoscalers track generation and start with the status their controllers would first write.
"""

from __future__ import annotations

from typing import ClassVar

from kubelite.apiserver import errors
from kubelite.apiserver.errors import FieldError
from kubelite.apiserver.objects import Object
from kubelite.apiserver.strategy import GenerationPolicy, Strategy
from kubelite.quantity import quantity_or_none

_ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")


class PersistentVolumeClaimStrategy(Strategy):
    def default(self, obj: Object) -> None:
        spec = obj.get("spec")
        if isinstance(spec, dict):
            spec.setdefault("volumeMode", "Filesystem")

    def prepare_for_create(self, obj: Object) -> None:
        obj["status"] = {"phase": "Pending"}

    def validate(self, obj: Object) -> list[FieldError]:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return [errors.required("spec")]
        problems: list[FieldError] = []
        modes = spec.get("accessModes")
        if not modes:
            problems.append(errors.required("spec.accessModes"))
        for index, mode in enumerate(modes or []):
            if mode not in _ACCESS_MODES:
                problems.append(errors.not_supported(f"spec.accessModes[{index}]", mode, list(_ACCESS_MODES)))
        storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
        if storage is None:
            problems.append(errors.required("spec.resources[storage]"))
        elif quantity_or_none(storage) is None:
            problems.append(errors.invalid("spec.resources[storage]", storage, "must be a quantity"))
        return problems

    def validate_update(self, new: Object, old: Object) -> list[FieldError]:
        problems = self.validate(new)
        if problems or (old.get("status") or {}).get("phase") != "Bound":
            return problems
        old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
        for key in ("accessModes", "volumeName", "storageClassName", "volumeMode", "selector"):
            if key in old_spec and new_spec.get(key) != old_spec.get(key):
                problems.append(errors.forbidden(f"spec.{key}", "field is immutable after the claim is bound"))
        before = quantity_or_none(((old_spec.get("resources") or {}).get("requests") or {}).get("storage"))
        after = quantity_or_none(((new_spec.get("resources") or {}).get("requests") or {}).get("storage"))
        if before is not None and after is not None and after < before:
            problems.append(
                errors.forbidden("spec.resources.requests.storage", "field can not be less than previous value")
            )
        return problems


class GenerationStrategy(Strategy):
    """A kind whose controllers report ``status.observedGeneration``: generation follows spec."""

    generation: ClassVar[GenerationPolicy] = "spec"

    def __init__(self, definition: str, initial_status: Object | None = None) -> None:
        super().__init__(definition)
        self._initial_status = initial_status or {}

    def prepare_for_create(self, obj: Object) -> None:
        obj["status"] = dict(self._initial_status)
