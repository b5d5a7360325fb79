"""Label and field selectors bound to one resource: which objects a list or watch returns."""

from __future__ import annotations

from dataclasses import dataclass

from kubelite.apiserver import errors
from kubelite.apiserver.objects import Object, meta
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.selectors import (
    FieldSelector,
    LabelSelector,
    SelectorError,
    field_values,
    supported_field_labels,
)


@dataclass(frozen=True, slots=True)
class Matcher:
    rt: ResourceType
    labels: LabelSelector | None
    fields: FieldSelector | None

    @classmethod
    def parse(cls, rt: ResourceType, label_selector: str, field_selector: str) -> Matcher:
        try:
            labels = LabelSelector.parse(label_selector) if label_selector.strip() else None
            fields = FieldSelector.parse(field_selector) if field_selector.strip() else None
            if fields is not None:
                fields.validate(supported_field_labels((rt.group, rt.kind), namespaced=rt.namespaced))
        except SelectorError as exc:
            raise errors.bad_request(str(exc)) from None
        return cls(rt, labels, fields)

    @property
    def filters(self) -> bool:
        return self.labels is not None or self.fields is not None

    def matches(self, obj: Object) -> bool:
        if self.labels is not None and not self.labels.matches(meta(obj).get("labels") or {}):
            return False
        return self.fields is None or self.fields.matches(field_values((self.rt.group, self.rt.kind), obj))

    def name(self) -> str | None:
        """The object name a ``metadata.name=X`` field selector pins, if any (a watch of a single object)."""
        if self.fields is None:
            return None
        return next((t.value for t in self.fields.terms if t.field == "metadata.name" and not t.negated), None)
